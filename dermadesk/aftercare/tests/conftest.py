"""A completed micro-needling visit in the demo clinic (Springfield, America/Chicago)."""

from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.contrib.auth.models import User

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import booking_check_in, booking_complete, booking_create
from dermadesk.scheduling.tests.conftest import NOW, clinic

__all__ = ["NOW", "clinic"]


@pytest.fixture
def patient(db: None) -> Patient:
    return Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550142", date_of_birth=date(1990, 5, 17),
    )  # fmt: skip


@pytest.fixture
def desk(db: None) -> User:
    return User.objects.create_user("desk", is_staff=True)


VisitMaker = Callable[..., Booking]


@pytest.fixture
def visit(clinic: Location, patient: Patient) -> VisitMaker:
    """A confirmed visit of ``service`` for the patient, by default on Thursday 26 November
    2026."""

    def make(
        service: str = "micro-needling", hour: int = 10, minute: int = 0, day: int = 26
    ) -> Booking:
        return booking_create(
            service=Service.objects.get(slug=service),
            location=clinic,
            start=datetime(2026, 11, day, hour, minute, tzinfo=clinic.zone),
            now=NOW,
            channel=BookingChannel.STAFF,
            by_staff=True,
            patient_id=patient.pk,
        )

    return make


@pytest.fixture
def complete(desk: User) -> Callable[[Booking, datetime], Booking]:
    """Check the visit in at its start and mark it completed at ``done``."""

    def finish(booking: Booking, done: datetime) -> Booking:
        booking_check_in(booking=booking, by=desk, now=booking.starts_at)
        return booking_complete(booking=booking, by=desk, now=done)

    return finish
