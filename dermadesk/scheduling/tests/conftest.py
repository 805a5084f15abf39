from datetime import UTC, datetime

import pytest

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.scheduling.demo import create_demo_scheduling

# A Wednesday afternoon in Springfield (America/Chicago); Thursday 26 November is the day
# the tests book: every demo provider works on Thursdays.
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


@pytest.fixture
def clinic(db: None) -> Location:
    """The demo clinic: 3 providers (2 with PRP), 3 rooms, 2 pens, 1 centrifuge, 3 services."""
    create_demo_location()
    location = Location.objects.get(slug="springfield")
    create_demo_scheduling(location)
    return location
