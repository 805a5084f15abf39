from datetime import UTC, datetime

import pytest

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.patients.demo import create_demo_consents
from dermadesk.scheduling.demo import create_demo_scheduling

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


@pytest.fixture
def consents(db: None) -> None:
    """The demo services and their three consent documents, published at NOW."""
    create_demo_location()
    create_demo_scheduling(Location.objects.get(slug="springfield"))
    create_demo_consents(now=NOW)
