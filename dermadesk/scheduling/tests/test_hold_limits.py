"""Fair use of holds: a few live holds per client, a few extensions per hold, exact at once."""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.limits.digests import Holder, email_digest
from dermadesk.scheduling.demo import create_demo_scheduling
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import (
    NoMoreTime,
    TooManyHolds,
    booking_cancel,
    booking_confirm,
    booking_extend_hold,
    booking_hold,
    booking_hold_claim_email,
    release_expired_holds,
)
from dermadesk.scheduling.tests.conftest import NOW

SOMEONE = Holder(session="s" * 64, address="a" * 64)


def hold(location: Location, hour: int, holder: Holder | None = SOMEONE, **more: object) -> Booking:
    start = datetime(2026, 11, 26, hour, tzinfo=location.zone)
    arguments: dict[str, object] = {
        "service": Service.objects.get(slug="consultation"), "location": location,
        "start": start, "now": NOW, "channel": BookingChannel.WEB, "holder": holder,
    } | more  # fmt: skip
    return booking_hold(**arguments)  # type: ignore[arg-type]


def test_a_client_holds_at_most_the_limit_and_is_told_when_one_is_let_go(
    clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 3
    for hour in (9, 10, 11):
        hold(clinic, hour)
    with pytest.raises(TooManyHolds) as refused:
        hold(clinic, 12)
    assert refused.value.retry_after == timedelta(minutes=10)
    assert "We are already holding 3 times for you" in str(refused.value)
    assert "try again in 10 minutes" in str(refused.value)
    assert Booking.objects.count() == 3


@pytest.mark.parametrize("same", ["session", "address"])
def test_sharing_any_one_of_session_or_address_counts(
    clinic: Location, settings: Settings, same: str
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 1
    hold(clinic, 9)
    other = {
        "session": "x" * 64,
        "address": "y" * 64,
        same: "s" * 64 if same == "session" else "a" * 64,
    }
    with pytest.raises(TooManyHolds):
        hold(clinic, 10, Holder(**other))
    hold(clinic, 10, Holder(session="x" * 64, address="y" * 64))  # a stranger


def test_holds_that_ended_no_longer_count(clinic: Location, settings: Settings) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 2
    first, second = hold(clinic, 9), hold(clinic, 10)
    booking_cancel(booking=first, now=NOW)
    booking_confirm(booking=second, now=NOW)
    hold(clinic, 11)
    hold(clinic, 12, now=NOW + timedelta(minutes=11))  # the one at 11 ran out meanwhile


def test_staff_and_the_waitlist_hold_without_a_holder_and_without_a_limit(
    clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 1
    for hour in (9, 10, 11):
        hold(clinic, hour, holder=None)
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 3


def test_the_email_typed_later_counts_too(clinic: Location, settings: Settings) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 2
    holds = [hold(clinic, hour, Holder(session=str(hour) * 32)) for hour in (9, 10, 11)]
    booking_hold_claim_email(booking=holds[0], email="ada@example.com", now=NOW)
    booking_hold_claim_email(booking=holds[1], email=" Ada@Example.com", now=NOW)
    booking_hold_claim_email(booking=holds[1], email="ada@example.com", now=NOW)  # again: fine
    with pytest.raises(TooManyHolds):
        booking_hold_claim_email(booking=holds[2], email="ADA@example.com", now=NOW)
    holds[2].refresh_from_db()
    assert holds[2].holder_email == ""
    assert holds[0].holder_email != "ada@example.com"  # a digest only
    with pytest.raises(TooManyHolds):  # nor a new hold by that email
        hold(clinic, 12, Holder(session="z" * 64, email=email_digest("ada@example.com")))


def test_who_held_is_forgotten_once_the_hold_ends(clinic: Location) -> None:
    held = hold(clinic, 9)
    assert held.holder_session and held.holder_address
    booking_confirm(booking=held, now=NOW)
    release_expired_holds(now=NOW)
    held.refresh_from_db()
    assert (held.holder_session, held.holder_address, held.holder_email) == ("", "", "")


def test_a_hold_gets_more_time_the_allowed_number_of_times_then_says_so(
    clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLD_EXTENSIONS = 2
    held = hold(clinic, 9)
    for minutes in (5, 10):
        held = booking_extend_hold(booking=held, now=NOW + timedelta(minutes=minutes))
    assert held.hold_expires_at == NOW + timedelta(minutes=20)
    with pytest.raises(NoMoreTime) as refused:
        booking_extend_hold(booking=held, now=NOW + timedelta(minutes=15))
    assert str(refused.value).startswith("We have already given you more time twice")
    held.refresh_from_db()
    assert held.hold_expires_at == NOW + timedelta(minutes=20)


@pytest.fixture
def committed_clinic(transactional_db: None) -> Location:
    create_demo_location()
    location = Location.objects.get(slug="springfield")
    create_demo_scheduling(location)
    return location


def test_one_client_holding_many_times_at_once_gets_only_the_limit(
    committed_clinic: Location, settings: Settings
) -> None:
    """Ten holds of one client at once, each on a free time, through real connections."""
    settings.BOOKING_HOLDS_PER_CLIENT = 2
    barrier = threading.Barrier(10)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt(index: int) -> None:
        try:
            barrier.wait()
            hold(committed_clinic, 8 + index)
            outcome = "held"
        except TooManyHolds:
            outcome = "too many"
        except Exception as error:  # any other outcome fails the test below
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"held": 2, "too many": 8}
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 2
