"""Many patients booking at once, through real separate database connections."""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.scheduling.demo import create_demo_scheduling
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import SlotTaken, booking_create, booking_hold
from dermadesk.scheduling.tests.conftest import NOW

OVERLAPS_SQL = """
    SELECT COUNT(*) FROM scheduling_allocation a
    JOIN scheduling_allocation b
      ON a.resource_id = b.resource_id AND a.id < b.id
     AND a.active AND b.active
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


def overlapping_allocations() -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        return int(cursor.fetchone()[0])


def storm(attempts: list[tuple[str, datetime, bool]]) -> Counter[str]:
    """Run every attempt (service slug, start, hold?) in its own thread, all released at once."""
    location = Location.objects.get(slug="springfield")
    services = {service.slug: service for service in Service.objects.all()}
    barrier = threading.Barrier(len(attempts))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt(slug: str, start: datetime, hold: bool) -> None:
        book = booking_hold if hold else booking_create
        try:
            barrier.wait()
            book(
                service=services[slug],
                location=location,
                start=start,
                now=NOW,
                channel=BookingChannel.WEB,
            )
            outcome = f"won {slug} {start:%H:%M}"
        except SlotTaken:
            outcome = "taken"
        except Exception as error:  # any other outcome fails the test below
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def demo_clinic(transactional_db: None) -> Location:
    create_demo_location()
    location = Location.objects.get(slug="springfield")
    create_demo_scheduling(location)
    return location


def test_concurrent_bookings_of_the_same_times_leave_one_winner_each(
    demo_clinic: Location,
) -> None:
    eight = datetime(2026, 11, 26, 8, tzinfo=demo_clinic.zone)
    quarter_past = eight + timedelta(minutes=15)
    attempts = [("micro-needling-prp", eight, i % 2 == 0) for i in range(12)]
    attempts += [("micro-needling-prp", quarter_past, i % 2 == 0) for i in range(12)]
    outcomes = storm(attempts)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # The one centrifuge makes two PRP visits at the same start impossible; 8:00 and 8:15
    # fit together (spins 8:10-8:25 and 8:25-8:40).
    assert outcomes["won micro-needling-prp 08:00"] == 1
    assert outcomes["won micro-needling-prp 08:15"] == 1
    assert outcomes["taken"] == 22
    assert Booking.objects.count() == 2
    assert overlapping_allocations() == 0


def test_concurrent_mixed_services_never_overlap_a_resource(demo_clinic: Location) -> None:
    first = datetime(2026, 11, 26, 8, tzinfo=demo_clinic.zone)
    slugs = ["micro-needling-prp", "micro-needling", "consultation"]
    attempts = [
        (slugs[i % 3], first + timedelta(minutes=15 * (i % 5)), i % 4 == 0) for i in range(30)
    ]
    outcomes = storm(attempts)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    won = sum(count for outcome, count in outcomes.items() if outcome.startswith("won"))
    assert won == Booking.objects.count() > 0
    assert won + outcomes["taken"] == 30
    assert overlapping_allocations() == 0
