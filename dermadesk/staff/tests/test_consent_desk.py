"""A consent signed on the clinic's tablet: the visit says what is still to sign, the patient
reads and signs it with their typed name, the signature keeps the tablet's address, and the
trail says which staff member handed it over."""

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.charting.tests.factories import ARRIVED, visit
from dermadesk.clinic.models import Location
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.scheduling.models import Booking
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member


@pytest.fixture(autouse=True)
def thursday_morning() -> Iterator[None]:
    with time_machine.travel(ARRIVED, tick=False):
        yield


@pytest.fixture
def unsigned(clinic: Location, patient: Patient) -> Booking:
    """Ada's PRP visit, checked in, her consent for it not signed."""
    return visit(clinic, patient, consent=False)


@pytest.fixture
def desk_client(client: Client, clinic: Location) -> Client:
    return signed_in(client, staff_member("desk", Role.FRONT_DESK))


def test_the_visit_says_what_is_still_to_sign_and_offers_the_tablet(
    desk_client: Client, unsigned: Booking
) -> None:
    page = desk_client.get(f"/staff/visits/{unsigned.pk}/").text
    assert "Consent still to sign" in page
    assert f'href="/staff/visits/{unsigned.pk}/consent/"' in page
    form = desk_client.get(f"/staff/visits/{unsigned.pk}/consent/")
    assert form.status_code == 200
    assert "type your full name below to sign" in form.text
    assert 'class="consent-document"' in form.text  # the document itself, to read


def test_a_name_that_is_not_the_patients_is_refused_and_nothing_is_signed(
    desk_client: Client, unsigned: Booking
) -> None:
    refused = desk_client.post(
        f"/staff/visits/{unsigned.pk}/consent/",
        {"typed_name": "Someone Else", "policies": "on"},
    )
    assert refused.status_code == 400
    assert not ConsentSignature.objects.exists()


def test_signed_on_the_tablet_the_visit_needs_nothing_more(
    desk_client: Client, unsigned: Booking, patient: Patient
) -> None:
    signed = desk_client.post(
        f"/staff/visits/{unsigned.pk}/consent/",
        {"typed_name": f"{patient.given_name} {patient.family_name}", "policies": "on"},
        REMOTE_ADDR="192.0.2.44",
        headers={"User-Agent": "Clinic tablet"},
    )
    assert signed.status_code == 302
    signature = ConsentSignature.objects.get()
    assert (signature.patient, signature.booking) == (patient, unsigned)
    assert (signature.ip_address, signature.user_agent) == ("192.0.2.44", "Clinic tablet")
    handed = AuditEvent.objects.get(action=AuditAction.CREATE, what="consent")
    assert handed.actor is not None and handed.actor.username == "desk"
    assert handed.patient_id == patient.pk
    page = desk_client.get(f"/staff/visits/{unsigned.pk}/").text
    assert "Consent still to sign" not in page
    again = desk_client.get(f"/staff/visits/{unsigned.pk}/consent/", follow=True)
    assert "Nothing is left to sign for this visit." in again.text
