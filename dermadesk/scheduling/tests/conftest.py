from datetime import UTC, datetime

import pytest

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.scheduling.demo import create_demo_scheduling
from dermadesk.scheduling.models import Booking, Series
from dermadesk.scheduling.services import booking_link_renew

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


def course_of(sessions: list[Booking]) -> Series:
    """The course that ``series_book`` made, from the sessions it returns."""
    series = sessions[0].series
    assert series is not None
    return series


def link_token(booking: Booking) -> str:
    """The booking's manage-link secret: the one its last change issued, or a new one."""
    if booking.manage_token is None:
        booking.manage_token = booking_link_renew(booking=booking)
    return booking.manage_token
