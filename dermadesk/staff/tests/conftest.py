from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import User

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.tests.conftest import NOW, clinic
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

__all__ = ["clinic"]


@pytest.fixture
def wednesday_afternoon() -> Iterator[None]:
    """The clock at Wednesday 25 November 2026, 2 p.m. in Springfield (America/Chicago),
    the day before the demo clinic's test visits."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def desk(clinic: Location) -> User:
    """A front-desk member (sign them in with ``people.signed_in``)."""
    return staff_member("desk", Role.FRONT_DESK)


@pytest.fixture
def patient(clinic: Location) -> Patient:
    """Ada Lovelace, ada@example.com, +12175550142."""
    return make_patient(given_name="Ada", family_name="Lovelace", email="ada@example.com")
