"""When a session ends for its aftercare, when its check-ins go out, how long links work."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.aftercare.timing import (
    WAKING_FROM,
    WAKING_UNTIL,
    CheckInKind,
    check_in_due,
    link_expires,
    session_end,
    waking,
)

CHICAGO = ZoneInfo("America/Chicago")
ZONES = [CHICAGO, ZoneInfo("Europe/London"), ZoneInfo("Australia/Lord_Howe"), ZoneInfo("UTC")]


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)  # type: ignore[misc,arg-type]


def test_a_session_marked_done_late_ended_at_its_planned_end() -> None:
    start, end = local(2026, 11, 26, 10), local(2026, 11, 26, 11, 30)
    assert session_end(starts_at=start, ends_at=end, completed_at=local(2026, 11, 26, 18)) == end


def test_a_session_marked_done_early_ended_then() -> None:
    start, end = local(2026, 11, 26, 10), local(2026, 11, 26, 11, 30)
    done = local(2026, 11, 26, 11)
    assert session_end(starts_at=start, ends_at=end, completed_at=done) == done


def test_a_session_never_ends_before_it_started() -> None:
    start, end = local(2026, 11, 26, 10), local(2026, 11, 26, 11, 30)
    early = local(2026, 11, 26, 9, 50)
    assert session_end(starts_at=start, ends_at=end, completed_at=early) == start


def test_check_ins_go_out_a_day_and_three_days_later_at_the_same_clock_time() -> None:
    ended = local(2026, 11, 26, 11, 30)
    assert check_in_due(CheckInKind.DAY_1, ended=ended, zone=CHICAGO) == local(2026, 11, 27, 11, 30)
    assert check_in_due(CheckInKind.DAY_3, ended=ended, zone=CHICAGO) == local(2026, 11, 29, 11, 30)


def test_the_three_day_check_in_keeps_the_clock_time_when_the_clocks_go_back() -> None:
    # Friday 30 October 2026, 17:00 in Springfield; the clocks go back on Sunday 1 November.
    ended = local(2026, 10, 30, 17)
    due = check_in_due(CheckInKind.DAY_3, ended=ended, zone=CHICAGO)
    assert due.astimezone(CHICAGO).time() == time(17)
    assert due - ended == timedelta(hours=73)  # 73 hours of elapsed time


def test_a_check_in_due_at_night_waits_for_the_morning() -> None:
    # A session that ended at 21:00 would be asked about at 21:00 the next day: too late.
    due = check_in_due(CheckInKind.DAY_1, ended=local(2026, 11, 26, 21), zone=CHICAGO)
    assert due == local(2026, 11, 28, 9)


def test_a_check_in_due_before_nine_waits_until_nine_that_day() -> None:
    due = check_in_due(CheckInKind.DAY_3, ended=local(2026, 11, 26, 7, 30), zone=CHICAGO)
    assert due == local(2026, 11, 29, 9)


instants = st.integers(min_value=0, max_value=10 * 365 * 24 * 60).map(
    lambda minutes: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
)


@given(ended=instants, zone=st.sampled_from(ZONES), kind=st.sampled_from(list(CheckInKind)))
def test_every_check_in_goes_out_in_waking_hours_within_a_day_of_its_day(
    ended: datetime, zone: ZoneInfo, kind: CheckInKind
) -> None:
    due = check_in_due(kind, ended=ended, zone=zone)
    assert due.tzinfo is UTC
    assert WAKING_FROM <= due.astimezone(zone).time() < WAKING_UNTIL
    elapsed = due - ended
    assert timedelta(days=kind.days) - timedelta(hours=2) <= elapsed
    assert elapsed <= timedelta(days=kind.days + 1, hours=14)


@given(moment=instants, zone=st.sampled_from(ZONES))
def test_waking_hours_leave_a_time_within_them_alone(moment: datetime, zone: ZoneInfo) -> None:
    moved = waking(moment, zone)
    assert moved >= moment
    if WAKING_FROM <= moment.astimezone(zone).time() < WAKING_UNTIL:
        assert moved == moment


def test_links_work_for_the_days_set_after_the_session() -> None:
    ended = local(2026, 11, 26, 11, 30)
    assert link_expires(ended, link_days=14) == local(2026, 12, 10, 11, 30)
    with pytest.raises(ValueError):
        link_expires(ended, link_days=0)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        check_in_due(CheckInKind.DAY_1, ended=datetime(2026, 11, 26, 11), zone=CHICAGO)  # noqa: DTZ001
