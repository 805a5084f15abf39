"""A checked-in session of Ada Lovelace's with Dr. Avery Demo, whose clinician is signed up."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import User

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient
from dermadesk.photos.models import ConsentChannel, PhotoConsent
from dermadesk.photos.services import photo_consent_give
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.services import booking_check_in, booking_create
from dermadesk.scheduling.tests.conftest import NOW, clinic
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

__all__ = ["clinic"]

# Thursday 26 November 2026, 8 a.m. in Springfield (America/Chicago): the visit's day.
THURSDAY_8_AM = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


@pytest.fixture
def patient(clinic: Location) -> Patient:
    return make_patient(given_name="Ada", family_name="Lovelace", email="ada@example.com")


@pytest.fixture
def avery(clinic: Location) -> User:
    """The clinician who treats Ada (the provider Dr. Avery Demo)."""
    provider = Resource.objects.get(location=clinic, name="Dr. Avery Demo")
    return staff_member("avery", Role.CLINICIAN, provider=provider)


def book_visit(clinic: Location, patient: Patient, provider: str, hour: int) -> Booking:
    return booking_create(
        service=Service.objects.get(slug="micro-needling"),
        location=clinic,
        start=datetime(2026, 11, 26, hour, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        preferences=[
            Preference(
                role="clinician",
                resource=str(Resource.objects.get(location=clinic, name=provider).pk),
                required=True,
            )
        ],
        patient_id=patient.pk,
        by_staff=True,
    )


@pytest.fixture
def visit(clinic: Location, patient: Patient, avery: User) -> Booking:
    """Ada's Micro-Needling with Dr. Avery Demo, Thursday at 10:00, not yet checked in."""
    return book_visit(clinic, patient, "Dr. Avery Demo", 10)


@pytest.fixture
def session(visit: Booking, avery: User) -> Booking:
    """The visit, checked in on Thursday morning."""
    return booking_check_in(booking=visit, by=avery, now=THURSDAY_8_AM)


@pytest.fixture
def chart_consent(patient: Patient, avery: User) -> PhotoConsent:
    """Ada's consent to photos for her record, recorded by Avery on Wednesday."""
    return photo_consent_give(
        patient_id=patient.pk, purpose="chart", channel=ConsentChannel.IN_CLINIC, by=avery,
        roles=["Clinician"], address="127.0.0.1", now=NOW,
    )  # fmt: skip


@pytest.fixture
def on_thursday() -> object:
    with time_machine.travel(THURSDAY_8_AM, tick=False) as traveller:
        yield traveller
