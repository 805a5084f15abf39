from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from dermadesk.api.tests.calls import NOW
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient


@pytest.fixture
def frozen_clinic(db: None) -> Iterator[Location]:
    """The demo clinic on a Wednesday afternoon in Springfield, the clock stopped."""
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


@pytest.fixture
def patient() -> Patient:
    """A patient the front desk books for (by id)."""
    return Patient.objects.create(
        given_name="Grace", family_name="Hopper", email="grace@example.com",
        phone="+12175550123", date_of_birth=date(1985, 12, 9),
    )  # fmt: skip
