import pytest
from django.contrib.auth.models import User

from dermadesk.charting.tests.factories import clinician
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.tests.conftest import clinic
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

__all__ = ["clinic"]


@pytest.fixture
def jordan(clinic: Location) -> User:
    """A registered nurse (deepest needle 1.5 mm), micro-needling and PRP."""
    return clinician("jordan", "Jordan Demo, RN")


@pytest.fixture
def manager(clinic: Location) -> User:
    """The medical director."""
    return staff_member("director", Role.MANAGER)


@pytest.fixture
def ada(clinic: Location) -> Patient:
    return make_patient(given_name="Ada", family_name="Lovelace", email="ada@example.com")
