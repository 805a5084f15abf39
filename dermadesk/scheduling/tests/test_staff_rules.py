"""Staff book by the clinic's rules, not the online ones: no minimum notice, no horizon, but
the same hours, shifts, start times and no double booking, refused in words for staff."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.clinic.models import Location
from dermadesk.scheduling.engine import BookingRules, TimeRefusal, is_bookable_time, time_refusal
from dermadesk.scheduling.models import BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.services import (
    NotBookable,
    SlotTaken,
    booking_create,
    booking_reschedule,
)
from dermadesk.scheduling.tests.conftest import NOW

CHICAGO = ZoneInfo("America/Chicago")
RULES = BookingRules(
    granularity=timedelta(minutes=15),
    minimum_notice=timedelta(hours=2),
    horizon=timedelta(days=90),
)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def consultation() -> Service:
    return Service.objects.get(slug="consultation")


# The pure rules


@given(
    minutes=st.integers(min_value=-3 * 24 * 60, max_value=200 * 24 * 60),
    granularity=st.sampled_from([5, 10, 15, 30, 60]),
)
def test_staff_rules_refuse_only_the_past_and_times_off_the_grid(
    minutes: int, granularity: int
) -> None:
    rules = BookingRules(
        granularity=timedelta(minutes=granularity),
        minimum_notice=timedelta(hours=2),
        horizon=timedelta(days=90),
    ).for_staff()
    start = NOW + timedelta(minutes=minutes)
    on_grid = start.astimezone(CHICAGO).minute % granularity == 0
    expected = TimeRefusal.TOO_SOON if start < NOW else None if on_grid else TimeRefusal.OFF_GRID
    assert time_refusal(start, now=NOW, zone=CHICAGO, rules=rules) is expected


@given(minutes=st.integers(min_value=-24 * 60, max_value=100 * 24 * 60))
def test_a_time_is_bookable_exactly_when_nothing_refuses_it(minutes: int) -> None:
    start = NOW + timedelta(minutes=minutes)
    refusal = time_refusal(start, now=NOW, zone=CHICAGO, rules=RULES)
    assert is_bookable_time(start, now=NOW, zone=CHICAGO, rules=RULES) is (refusal is None)


def test_each_online_limit_has_its_own_reason() -> None:
    assert time_refusal(NOW + timedelta(hours=1), now=NOW, zone=CHICAGO, rules=RULES) is (
        TimeRefusal.TOO_SOON
    )
    assert time_refusal(NOW + timedelta(days=91), now=NOW, zone=CHICAGO, rules=RULES) is (
        TimeRefusal.TOO_FAR
    )
    assert time_refusal(NOW + timedelta(hours=3, minutes=7), now=NOW, zone=CHICAGO,
                        rules=RULES) is TimeRefusal.OFF_GRID  # fmt: skip


# Through the services, both sides

SOON = local(2026, 11, 25, 15)  # an hour after NOW (14:00 in Springfield), within the notice
FAR = local(2027, 3, 4, 10)  # a Thursday past the 90-day horizon


@pytest.mark.parametrize("start", [SOON, FAR], ids=["within the notice", "past the horizon"])
def test_a_patient_is_refused_a_time_the_online_rules_do_not_offer(
    clinic: Location, start: datetime
) -> None:
    with pytest.raises(NotBookable, match="cannot be booked online"):
        booking_create(
            service=consultation(), location=clinic, start=start, now=NOW,
            channel=BookingChannel.WEB,
        )  # fmt: skip


@pytest.mark.parametrize("start", [SOON, FAR], ids=["within the notice", "past the horizon"])
def test_staff_book_a_time_the_online_rules_do_not_offer(clinic: Location, start: datetime) -> None:
    booking = booking_create(
        service=consultation(), location=clinic, start=start, now=NOW,
        channel=BookingChannel.STAFF, by_staff=True,
    )  # fmt: skip
    assert (booking.status, booking.starts_at) == (BookingStatus.CONFIRMED, start)


def test_staff_see_the_times_they_may_book(clinic: Location) -> None:
    day = (local(2026, 11, 25, 0), local(2026, 11, 26, 0))
    online = available_slots(service=consultation(), location=clinic, start=day[0], end=day[1],
                             now=NOW)  # fmt: skip
    staff = available_slots(service=consultation(), location=clinic, start=day[0], end=day[1],
                            now=NOW, by_staff=True)  # fmt: skip
    assert SOON in {slot.start for slot in staff}
    assert SOON not in {slot.start for slot in online}
    assert min(slot.start for slot in staff) >= NOW


def test_staff_move_a_visit_to_a_time_within_the_online_notice(clinic: Location) -> None:
    booking = booking_create(
        service=consultation(), location=clinic, start=local(2026, 11, 26, 10), now=NOW,
        channel=BookingChannel.WEB,
    )  # fmt: skip
    with pytest.raises(NotBookable):
        booking_reschedule(booking=booking, start=SOON, now=NOW)
    moved = booking_reschedule(booking=booking, start=SOON, now=NOW, by_staff=True)
    assert moved.starts_at == SOON


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (local(2026, 11, 26, 21), "This time is outside the clinic's hours."),
        (local(2026, 11, 26, 7, 30), "This time is outside the clinic's hours."),
        (local(2026, 11, 25, 13), "This time has already passed."),
        (local(2026, 11, 26, 10, 7), "visits start on the hour and every 15 minutes after it"),
    ],
    ids=["after closing", "before opening", "in the past", "off the grid"],
)
def test_staff_are_still_held_to_the_clinic_and_told_why_in_their_words(
    clinic: Location, start: datetime, words: str
) -> None:
    with pytest.raises(NotBookable) as refused:
        booking_create(
            service=consultation(), location=clinic, start=start, now=NOW,
            channel=BookingChannel.STAFF, by_staff=True,
        )  # fmt: skip
    assert words in str(refused.value)
    assert "online" not in str(refused.value)


def test_staff_cannot_double_book_and_hear_it_in_their_words(clinic: Location) -> None:
    prp = Service.objects.get(slug="micro-needling-prp")  # one centrifuge: one visit at a time
    start = local(2026, 11, 26, 10)
    booking_create(service=prp, location=clinic, start=start, now=NOW,
                   channel=BookingChannel.STAFF, by_staff=True)  # fmt: skip
    with pytest.raises(SlotTaken) as taken:
        booking_create(service=prp, location=clinic, start=start, now=NOW,
                       channel=BookingChannel.STAFF, by_staff=True)  # fmt: skip
    assert "not free for this treatment" in str(taken.value)
    assert "Sorry" not in str(taken.value)
    attempt = taken.value.attempt
    assert attempt is not None
    assert (attempt.service, attempt.start, attempt.by_staff) == (prp, start, True)


def test_a_patient_asking_for_a_taken_time_still_hears_it_was_taken(clinic: Location) -> None:
    prp = Service.objects.get(slug="micro-needling-prp")
    start = local(2026, 11, 26, 10)
    booking_create(service=prp, location=clinic, start=start, now=NOW,
                   channel=BookingChannel.WEB)  # fmt: skip
    with pytest.raises(SlotTaken, match="has just been taken"):
        booking_create(service=prp, location=clinic, start=start, now=NOW,
                       channel=BookingChannel.WEB)  # fmt: skip
