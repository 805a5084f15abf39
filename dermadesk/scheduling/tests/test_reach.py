"""The calendar's reach: dates and times far from today are refused before any arithmetic."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.scheduling.reach import (
    REACH,
    NoOffset,
    OutOfReach,
    day_within_reach,
    instant_within_reach,
    parse_day,
    parse_instant,
)

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
TODAY = NOW.date()
# Every offset a time may be written with (±23:59), to reach the corners of the calendar.
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


def test_a_day_within_ten_years_is_kept() -> None:
    assert parse_day("2036-11-24", TODAY) == date(2036, 11, 24)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2036-11-30", "2016-11-20"])
def test_a_day_more_than_ten_years_away_is_out_of_reach(text: str) -> None:
    with pytest.raises(OutOfReach, match="within ten years of today"):
        parse_day(text, TODAY)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-02-30", "99999999999-1-1"])
def test_a_day_that_is_no_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text, TODAY)


def test_a_time_without_its_offset_names_no_instant() -> None:
    with pytest.raises(NoOffset, match="offset"):
        parse_instant("2026-11-27T10:00:00", NOW)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00-05:00",
             "9999-12-31T23:59:00-06:00", "9999-12-31T23:59:59+23:59"],
)  # fmt: skip
def test_times_at_the_calendars_ends_are_out_of_reach(text: str) -> None:
    with pytest.raises(OutOfReach):
        parse_instant(text, NOW)


@given(moment=st.datetimes(timezones=offsets))
def test_any_time_is_either_refused_or_safe_to_count_with(moment: datetime) -> None:
    try:
        kept = instant_within_reach(moment, NOW)
    except OutOfReach:
        assert abs(moment - NOW) > REACH
        return
    # What the engine and the pages do with a kept time: a day either side, in UTC.
    assert (kept + timedelta(days=2)).astimezone(UTC) > (kept - timedelta(days=2)).astimezone(UTC)


@given(day=st.dates())
def test_any_day_is_either_refused_or_safe_to_count_with(day: date) -> None:
    try:
        kept = day_within_reach(day, TODAY)
    except OutOfReach:
        assert abs(day - TODAY) > REACH
        return
    assert kept + timedelta(days=400) > kept - timedelta(days=400)
