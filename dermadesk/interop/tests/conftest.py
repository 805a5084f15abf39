from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.api.tests.calls import NOW, book, hold
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, Resource, ResourceKind


@dataclass
class Booked:
    """Ada, booked online for Micro-Needling on Friday 27 November at 10:00 in Springfield."""

    patient: Patient
    visit: Booking
    clinician: Resource
    """The provider who treats her (her clinician in the staff policy, once linked)."""


@pytest.fixture
def ada(db: None) -> Iterator[Booked]:
    """The demo clinic, and Ada booked through the API: her record, screening answers,
    consents (the treatment's and the optional photographs') and visit. The clock stopped."""
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        client = Client()
        held = hold(client).json()
        consent = {"typed_name": "Ada Lovelace", "accept_policies": True, "optional": ["photos"]}
        response = book(client, held["hold_id"], consent=consent)
        assert response.status_code == 201, response.content
        visit = Booking.objects.get(public_id=held["hold_id"])
        assert visit.patient is not None
        clinician = visit.allocations.get(resource__kind=ResourceKind.PROVIDER).resource
        yield Booked(patient=visit.patient, visit=visit, clinician=clinician)
