"""Moving one session of a course, and the later sessions with it: all of them or none."""

from datetime import date, timedelta

import pytest

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    Series,
    Unavailability,
)
from dermadesk.scheduling.queries import booking_slot, course_shift, series_proposal
from dermadesk.scheduling.services import (
    NotChangeable,
    SeriesSessionTaken,
    booking_cancel,
    booking_reschedule,
    series_book,
    series_shift,
)
from dermadesk.scheduling.tests.conftest import NOW, course_of
from dermadesk.scheduling.tests.test_concurrency import overlapping_allocations
from dermadesk.scheduling.tests.test_series_booking import first_slot, prp


def course(clinic: Location, count: int = 4) -> Series:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=count, now=NOW
    )
    return course_of(series_book(
        service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF,
    ))  # fmt: skip


def session(series: Series, number: int) -> Booking:
    return series.bookings.get(series_number=number)


def local_days(series: Series, clinic: Location) -> list[date]:
    return [
        b.starts_at.astimezone(clinic.zone).date()
        for b in series.bookings.order_by("series_number")
    ]


def test_a_course_that_keeps_its_rhythm_needs_no_shift(clinic: Location) -> None:
    series = course(clinic)
    shift = course_shift(booking=session(series, 1), now=NOW, after=NOW)
    assert shift is not None
    assert not shift.needed


def test_moving_one_session_proposes_the_later_ones_four_weeks_after_it(clinic: Location) -> None:
    series = course(clinic)
    second = session(series, 2)
    booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    second.refresh_from_db()
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None and shift.needed
    proposed = [
        (b.series_number, p.slot.start.astimezone(clinic.zone).date())
        for b, p in shift.proposed()
        if p.slot
    ]
    assert proposed == [(3, date(2027, 1, 28)), (4, date(2027, 2, 25))]


def test_shifting_moves_every_later_session_and_keeps_the_time_of_day(clinic: Location) -> None:
    series = course(clinic)
    second = session(series, 2)
    booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    second.refresh_from_db()
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None
    sessions = {b.series_number or 0: p.slot for b, p in shift.proposed() if p.slot}
    moved = series_shift(series=series, sessions=sessions, now=NOW)
    assert [b.series_number for b in moved] == [3, 4]
    assert local_days(series, clinic) == [
        date(2026, 11, 26), date(2026, 12, 31), date(2027, 1, 28), date(2027, 2, 25)
    ]  # fmt: skip
    assert {b.starts_at.astimezone(clinic.zone).hour for b in series.bookings.all()} == {10}
    assert [b.sequence for b in series.bookings.order_by("series_number")] == [0, 1, 1, 1]
    assert overlapping_allocations() == 0


def test_a_session_may_take_the_old_time_of_the_one_after_it(clinic: Location) -> None:
    """Four weeks later: session 3 goes to session 4's old time, which is let go first."""
    series = course(clinic)
    third, fourth = session(series, 3), session(series, 4)
    old_fourth = fourth.starts_at
    later = series_proposal(
        service=prp(), location=clinic, first=booking_slot(session(series, 1)), count=5, now=NOW,
        ignoring_bookings=[third.pk, fourth.pk],
    )  # fmt: skip
    slots = [s.slot for s in later.sessions]
    assert slots[3] is not None and slots[4] is not None
    series_shift(series=series, sessions={3: slots[3], 4: slots[4]}, now=NOW)
    third.refresh_from_db()
    assert third.starts_at == old_fourth
    assert overlapping_allocations() == 0


def test_one_later_session_taken_meanwhile_moves_none_of_them(clinic: Location) -> None:
    series = course(clinic)
    second = session(series, 2)
    booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    second.refresh_from_db()
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None
    sessions = {b.series_number or 0: p.slot for b, p in shift.proposed() if p.slot}
    # Meanwhile the only centrifuge is booked for a service visit at the fourth's new time.
    Unavailability.objects.create(
        resource=Resource.objects.get(name="Centrifuge"), starts_at=sessions[4].start,
        ends_at=sessions[4].start + timedelta(hours=2), reason="Service visit",
    )  # fmt: skip
    before = local_days(series, clinic)
    with pytest.raises(SeriesSessionTaken, match=r"session 4 .* nothing was moved") as taken:
        series_shift(series=series, sessions=sessions, now=NOW)
    assert taken.value.number == 4
    assert local_days(series, clinic) == before
    assert series.bookings.filter(allocations__active=True).distinct().count() == 4
    assert overlapping_allocations() == 0


def test_a_cancelled_session_is_not_moved_back(clinic: Location) -> None:
    series = course(clinic)
    booking_cancel(booking=session(series, 3), now=NOW)
    second = session(series, 2)
    booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    second.refresh_from_db()
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None
    assert [b.series_number for b, _ in shift.proposed()] == [4]
    fourth = {b.series_number: p for b, p in shift.proposed()}[4]
    assert fourth.slot is not None
    assert fourth.slot.start.astimezone(clinic.zone).date() == date(2027, 2, 25)
    with pytest.raises(NotChangeable):
        series_shift(series=series, sessions={3: fourth.slot}, now=NOW)
    assert session(series, 3).status == BookingStatus.CANCELLED


def test_only_sessions_after_the_given_time_are_offered(clinic: Location) -> None:
    series = course(clinic)
    beyond_the_third = session(series, 3).starts_at
    shift = course_shift(booking=session(series, 1), now=NOW, after=beyond_the_third)
    assert shift is not None
    assert [b.series_number for b in shift.later] == [4]
    assert course_shift(booking=session(series, 4), now=NOW, after=NOW) is None
