"""Nothing stored on a patient is shown, reused or changed until the email is proven.

The three attacks a tester made against the booking pages (issue 13): someone who knows a
patient's email and date of birth (1) saw her name and email on the confirm page and
skipped her screening and consent, (2) had her stored reasons shown, (3) overwrote her skin
type and blocked her next booking with made-up answers. Each must now fail; with the code
from her own email, reuse works as before.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.booking.tests.test_flow import DETAILS, give_details, harmless_answers
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.patients.models import ConsentSignature, Patient, SkinType
from dermadesk.scheduling.models import Booking, BookingStatus, Service
from dermadesk.screening.models import ScreeningResponse

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
STRANGER = DETAILS | {"given_name": "Mallory", "family_name": "Stone"}


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def hold(client: Client, location: Location, hour: int, slug: str = "micro-needling") -> None:
    start = datetime(2026, 11, 27, hour, tzinfo=location.zone)
    assert client.post(f"/book/{slug}/hold/", {"start": start.isoformat()}).status_code == 302


@pytest.fixture
def ada(frozen_clinic: Location) -> Patient:
    """Ada booked before: her screening (suitable, skin type II) and consent are stored."""
    client = Client()
    service = Service.objects.get(slug="micro-needling")
    hold(client, frozen_clinic, 10)
    give_details(client)
    client.post("/book/screening/", harmless_answers(service, skin_type="II"))
    client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    client.post("/book/confirm/")
    patient = Patient.objects.get()
    assert patient.skin_type == SkinType.II
    return patient


def test_her_email_and_birth_date_alone_lead_only_to_the_code_step(
    client: Client, frozen_clinic: Location, ada: Patient
) -> None:
    hold(client, frozen_clinic, 14)
    response = client.post("/book/details/", STRANGER)
    assert response["Location"] == "/book/verify/"
    for step in ("screening", "consent", "confirm"):
        assert client.get(f"/book/{step}/")["Location"] == "/book/verify/", step
    assert client.post("/book/confirm/")["Location"] == "/book/verify/"
    text = client.get("/book/verify/").text
    assert "Lovelace" not in text and "Ada" not in text
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_made_up_answers_cannot_change_her_record(
    client: Client, frozen_clinic: Location, ada: Patient
) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", STRANGER)
    service = Service.objects.get(slug="micro-needling")
    answers = harmless_answers(service, pregnant="yes", skin_type="VI")
    response = client.post("/book/screening/", answers)
    assert response["Location"] == "/book/verify/"
    signed = client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    assert signed["Location"] == "/book/verify/"
    ada.refresh_from_db()
    assert ada.skin_type == SkinType.II
    assert ScreeningResponse.objects.filter(patient=ada).count() == 1
    assert ConsentSignature.objects.filter(patient=ada).count() == 1


def test_a_wrong_code_proves_nothing_and_says_so(
    client: Client, frozen_clinic: Location, ada: Patient
) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", STRANGER)
    real = latest_code(DETAILS["email"])
    wrong = "000000" if real != "000000" else "111111"
    response = client.post("/book/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right, or it has expired." in response.text
    assert client.get("/book/screening/")["Location"] == "/book/verify/"


def test_with_the_code_from_her_email_she_reuses_her_screening_and_consent(
    client: Client, frozen_clinic: Location, ada: Patient
) -> None:
    hold(client, frozen_clinic, 14)
    give_details(client)
    assert client.get("/book/screening/")["Location"] == "/book/consent/"
    page = client.get("/book/confirm/").text
    assert "Ada Lovelace" in page and "ada@example.com" in page
    assert client.post("/book/confirm/")["Location"].startswith("/book/done/")
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, patient=ada).count() == 2
    assert ScreeningResponse.objects.filter(patient=ada).count() == 1


def test_a_code_works_once(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", DETAILS)
    code = latest_code(DETAILS["email"])
    assert client.post("/book/verify/", {"code": code})["Location"] == "/book/screening/"
    other = Client()
    hold(other, frozen_clinic, 15)
    other.post("/book/details/", DETAILS)  # a code was sent moments ago: no new one yet
    assert other.post("/book/verify/", {"code": code}).status_code == 400


def test_a_code_expires_after_its_minutes(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", DETAILS)
    code = latest_code(DETAILS["email"])
    with time_machine.travel(NOW.replace(minute=10, second=1), tick=False):
        response = client.post("/book/verify/", {"code": code})
    assert response.status_code == 400


def test_wrong_codes_make_the_next_try_wait(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", DETAILS)
    code = latest_code(DETAILS["email"])
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/book/verify/", {"code": wrong}).status_code == 400
    response = client.post("/book/verify/", {"code": code})  # right, but too soon
    assert response.status_code == 429
    assert "Please wait" in response.text
    with time_machine.travel(NOW.replace(second=2), tick=False):
        assert client.post("/book/verify/", {"code": code})["Location"] == "/book/screening/"


def test_a_new_code_is_sent_at_most_once_a_minute(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", DETAILS)
    response = client.post("/book/verify/", {"resend": "1"}, follow=True)
    assert "We sent you a code a moment ago" in response.text
    codes = OutboundMessage.objects.filter(template_key=TemplateKey.PATIENT_SIGN_IN_CODE)
    assert codes.count() == 1
    with time_machine.travel(NOW.replace(minute=1, second=1), tick=False):
        client.post("/book/verify/", {"resend": "1"})
    assert codes.count() == 2


def test_changing_the_email_after_the_code_asks_for_a_new_one(
    client: Client, frozen_clinic: Location
) -> None:
    hold(client, frozen_clinic, 14)
    give_details(client)
    response = client.post("/book/details/", DETAILS | {"email": "someone.else@example.com"})
    assert response["Location"] == "/book/verify/"
    assert client.get("/book/consent/")["Location"] == "/book/verify/"


def test_the_code_is_hidden_from_staff_and_gone_once_sent(
    client: Client, frozen_clinic: Location
) -> None:
    hold(client, frozen_clinic, 14)
    client.post("/book/details/", DETAILS)
    code = latest_code(DETAILS["email"])
    message = OutboundMessage.objects.get(template_key=TemplateKey.PATIENT_SIGN_IN_CODE)
    assert message.hide_private(message.text_body).count(code) == 0
    assert message.private_values == [code]


def test_a_get_of_a_step_writes_no_patient(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 14)
    give_details(client)
    for step in ("screening", "consent", "confirm"):
        client.get(f"/book/{step}/")
    assert not Patient.objects.exists()
