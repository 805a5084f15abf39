"""The demo clinic on a Wednesday afternoon, and patients who book and sign in."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.checkout.tests.signin import signed_in
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import booking_create

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2 p.m. in Springfield


@pytest.fixture(autouse=True)
def clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def patient(
    email: str = "ada@example.com", given: str = "Ada", family: str = "Lovelace",
    born: date = date(1990, 4, 21), phone: str = "+12175550142",
) -> Patient:  # fmt: skip
    return Patient.objects.create(
        given_name=given, family_name=family, email=email, phone=phone, date_of_birth=born
    )


def book(
    who: Patient, location: Location, day: int, hour: int, slug: str = "micro-needling",
    month: int = 11,
) -> Booking:  # fmt: skip
    return booking_create(
        service=Service.objects.get(slug=slug),
        location=location,
        start=datetime(2026, month, day, hour, tzinfo=location.zone),
        now=NOW,
        channel=BookingChannel.WEB,
        patient_id=who.pk,
    )


def portal_client(email: str) -> Client:
    """A browser signed in to the portal as the owner of ``email``."""
    return signed_in(Client(), email)
