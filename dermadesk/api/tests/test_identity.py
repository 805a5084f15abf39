"""Through the API too, nothing stored on a patient is shown, reused or changed without
proof of the email address (a code sent to it, exchanged for a short-lived proof)."""

import re

import pytest
import time_machine
from django.test import Client

from dermadesk.api.tests.calls import NOW, PATIENT, answers_for, book, hold, post, proof_for
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.patients.models import Patient, SkinType
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.screening.models import ScreeningResponse

pytestmark = pytest.mark.usefixtures("frozen_clinic")


@pytest.fixture
def ada(client: Client) -> Patient:
    """Ada answered the screening with a weakened immune system and blood thinners: the
    API refused her online, and her answers and reasons are stored."""
    held = hold(client).json()["hold_id"]
    answers = answers_for(
        "micro-needling", immunosuppressed="yes", blood_thinners="yes", skin_type="II"
    )
    refused = book(client, held, answers=answers)
    assert refused.status_code == 422
    patient = Patient.objects.get()
    assert ScreeningResponse.objects.filter(patient=patient).count() == 1
    return patient


def test_a_stranger_without_proof_learns_nothing_and_changes_nothing(
    client: Client, ada: Patient
) -> None:
    held = hold(client, start="2026-11-27T14:00:00-06:00").json()["hold_id"]
    stranger = PATIENT | {"given_name": "Mallory", "family_name": "Stone"}
    answers = answers_for("micro-needling", pregnant="yes", skin_type="VI")
    # No proof, a made-up one, and a real proof of another address.
    for proof in ("", "forged-proof", proof_for("mallory@example.com")):
        response = book(client, held, patient=stranger, answers=answers, email_proof=proof)
        assert response.status_code == 403, response.content
        problem = response.json()
        assert "weakened" not in response.text and "reasons" not in problem
        assert "Lovelace" not in response.text
    assert ScreeningResponse.objects.filter(patient=ada).count() == 1
    ada.refresh_from_db()
    assert ada.skin_type == SkinType.II
    assert Booking.objects.get(public_id=held).status == BookingStatus.HELD


def test_the_answers_sent_are_judged_on_their_own_for_the_proven_owner(
    client: Client, ada: Patient
) -> None:
    held = hold(client, start="2026-11-27T14:00:00-06:00").json()["hold_id"]
    response = book(client, held)  # Ada herself, proven, answering that nothing applies now
    assert response.status_code == 201, response.content
    assert "weakened" not in response.text


def test_an_email_code_becomes_a_proof_that_books(client: Client) -> None:
    assert post(client, "/api/email-codes", {"email": "ada@example.com"}).status_code == 202
    message = OutboundMessage.objects.get(template_key=TemplateKey.PATIENT_SIGN_IN_CODE)
    found = re.search(r"\b(\d{6})\b", message.text_body)
    assert found is not None
    wrong = post(client, "/api/email-proofs", {"email": "ada@example.com", "code": "12"})
    assert wrong.status_code == 422
    assert wrong["Content-Type"] == "application/problem+json"
    with time_machine.travel(NOW.replace(second=5), tick=False):
        proven = post(
            client, "/api/email-proofs", {"email": "ADA@example.com", "code": found.group(1)}
        )
    assert proven.status_code == 201, proven.content
    held = hold(client).json()["hold_id"]
    booked = book(client, held, email_proof=proven.json()["email_proof"])
    assert booked.status_code == 201, booked.content


def test_a_second_code_within_the_minute_is_429(client: Client) -> None:
    assert post(client, "/api/email-codes", {"email": "ada@example.com"}).status_code == 202
    again = post(client, "/api/email-codes", {"email": "ada@example.com"})
    assert again.status_code == 429
    assert again["Content-Type"] == "application/problem+json"


def test_a_refusal_at_consent_leaves_nothing_written(client: Client) -> None:
    held = hold(client).json()["hold_id"]
    response = book(client, held, consent={"typed_name": "Someone Else", "accept_policies": True})
    assert response.status_code == 422
    assert not Patient.objects.exists()
    assert not ScreeningResponse.objects.exists()


@pytest.mark.parametrize("email", ["000", "", "a@", "x" * 300])
def test_a_code_for_something_that_is_no_address_is_a_4xx_problem(
    client: Client, email: str
) -> None:
    response = post(client, "/api/email-codes", {"email": email})
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert not OutboundMessage.objects.exists()
