"""The reports' arithmetic: months on a location's clocks, rates, the tally, the chart."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.staff.bar_chart import grouped_bars, scale_top
from dermadesk.staff.monthly import (
    CANCELLED,
    COMPLETED,
    NO_SHOW,
    Month,
    Tally,
    first_after,
    month_of,
    months_between,
    percent,
    rate,
    window,
)

CHICAGO = ZoneInfo("America/Chicago")
TOKYO = ZoneInfo("Asia/Tokyo")
ZONES = st.sampled_from([CHICAGO, TOKYO, ZoneInfo("UTC"), ZoneInfo("Asia/Kathmandu")])
MONTHS = st.builds(Month, st.integers(2000, 2100), st.integers(1, 12))
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 2),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2100, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def test_a_visit_on_new_years_eve_evening_in_chicago_counts_in_december() -> None:
    evening = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)  # 9pm on 31 December in Chicago
    assert month_of(evening, CHICAGO) == Month(2026, 12)
    assert month_of(evening, TOKYO) == Month(2027, 1)


def test_months_are_read_as_year_dash_month_only() -> None:
    assert Month.parse("2026-03") == Month(2026, 3)
    assert Month(2026, 3).label == "March 2026"
    for wrong in ("2026-3", "2026/03", "2026-13", "26-03", "", "2026-00", "२०२६-०३", "0999-01"):
        with pytest.raises(ValueError, match="like 2026-03"):
            Month.parse(wrong)


@given(MONTHS, st.integers(-300, 300))
def test_adding_months_then_taking_them_away_comes_back(month: Month, step: int) -> None:
    assert month.plus(step).plus(-step) == month
    assert len(months_between(month, month.plus(step))) == max(step + 1, 0)


@given(INSTANTS, ZONES)
def test_an_instant_lies_inside_the_window_of_its_own_month(
    instant: datetime, zone: ZoneInfo
) -> None:
    month = month_of(instant, zone)
    start, end = window(month, month, [zone])
    assert start <= instant < end


@given(ZONES, MONTHS, st.integers(0, 30), st.floats(-0.1, 1.1))
def test_the_tally_finds_the_same_month_as_the_clocks_do(
    zone: ZoneInfo, first: Month, more: int, where: float
) -> None:
    months = months_between(first, first.plus(more))
    utc = ZoneInfo("UTC")
    span = first.plus(more + 1).starts_at(utc) - first.starts_at(utc)
    instant = first.starts_at(utc) + span * where  # around and inside the months
    tally = Tally(months=months, zones={}, clinic_zone=zone)
    expected = month_of(instant, zone)
    assert tally.month(instant, zone) == (expected if expected in months else None)


def test_the_tally_wants_months_in_a_row() -> None:
    with pytest.raises(ValueError, match="follow one another"):
        Tally(months=[Month(2026, 1), Month(2026, 3)], zones={}, clinic_zone=CHICAGO)


@given(MONTHS, MONTHS, st.lists(ZONES, min_size=1, max_size=3))
def test_the_window_holds_every_zones_months(a: Month, b: Month, zones: list[ZoneInfo]) -> None:
    first, last = min(a, b), max(a, b)
    start, end = window(first, last, zones)
    for zone in zones:
        assert start <= first.starts_at(zone) and last.plus(1).starts_at(zone) <= end


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_a_rate_is_never_a_division_by_zero(part: int, whole: int) -> None:
    value = rate(part, whole)
    assert (value is None) == (whole == 0)
    assert percent(part, whole) == ("–" if whole == 0 else f"{round(part / whole * 100)}%")


PEOPLE = st.sampled_from(["ada", "grace", "joan"])
HOURS = st.integers(0, 48).map(
    lambda hours: datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=hours)
)


@given(
    st.lists(st.tuples(HOURS, PEOPLE), max_size=15),
    st.lists(st.tuples(PEOPLE, HOURS, st.integers(1, 3)), max_size=15),
)
def test_each_message_is_paired_with_its_senders_first_booking_after_it(
    events: list[tuple[datetime, str]], later: list[tuple[str, datetime, int]]
) -> None:
    def oracle(at: datetime, person: str) -> int | None:
        after = [(when, index) for index, (who, when, _) in enumerate(later)
                 if who == person and when >= at]  # fmt: skip
        return later[min(after)[1]][2] if after else None

    assert first_after(events, later) == [(at, oracle(at, person)) for at, person in events]


def test_the_tally_counts_each_visit_once_in_its_locations_month() -> None:
    months = [Month(2026, 11), Month(2026, 12)]
    tally = Tally(months=months, zones={1: CHICAGO, 2: TOKYO}, clinic_zone=CHICAGO)
    dec_1_chicago = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 0:30 local
    tally.visits([
        (1, dec_1_chicago, COMPLETED),
        (1, dec_1_chicago - timedelta(hours=1), COMPLETED),  # 30 November, 11:30pm
        (1, dec_1_chicago, NO_SHOW),
        (2, dec_1_chicago, CANCELLED),  # 1 December, 3:30pm in Tokyo
        (1, datetime(2027, 1, 5, tzinfo=UTC), COMPLETED),  # outside the months asked
        (3, dec_1_chicago, COMPLETED),  # a location not asked for
    ])  # fmt: skip
    december = tally.figures[(1, Month(2026, 12))]
    assert (december.visits, december.no_shows, december.cancellations) == (1, 1, 0)
    assert december.no_show_rate == 0.5
    assert tally.figures[(1, Month(2026, 11))].visits == 1
    assert tally.figures[(2, Month(2026, 12))].cancellations == 1
    assert tally.totals(Month(2026, 12)).cancellations == 1


def test_contacts_count_for_the_clinic_and_the_booking_for_its_location() -> None:
    month = Month(2026, 11)
    tally = Tally(months=[month], zones={1: CHICAGO, 2: CHICAGO}, clinic_zone=CHICAGO)
    received = datetime(2026, 11, 10, 15, tzinfo=UTC)
    tally.contacts([(received, 1), (received, 2), (received, None), (received, 1)])
    here, there = tally.figures[(1, month)], tally.figures[(2, month)]
    assert (here.contacts, here.contacts_booked) == (4, 2)
    assert (there.contacts, there.contacts_booked) == (4, 1)
    total = tally.totals(month)
    assert (total.contacts, total.contacts_booked, percent(3, 4)) == (4, 3, "75%")


def test_course_completion_is_sessions_done_of_sessions_planned() -> None:
    month = Month(2026, 11)
    tally = Tally(months=[month], zones={1: CHICAGO}, clinic_zone=CHICAGO)
    first = datetime(2026, 11, 10, 15, tzinfo=UTC)
    tally.courses([(1, first, 4, 4), (1, first, 6, 2)])
    figures = tally.figures[(1, month)]
    assert (figures.courses, figures.sessions_planned, figures.sessions_done) == (2, 10, 6)
    assert figures.completion_rate == 0.6


@given(st.integers(0, 10**9))
def test_the_scale_reaches_the_largest_value_in_at_most_five_round_steps(largest: int) -> None:
    top, step = scale_top(largest)
    assert top >= largest and top % step == 0 and top // step <= 5
    assert str(step).strip("0") in ("1", "2", "5")
    assert top - step < largest or largest == 0


@given(st.lists(st.lists(st.integers(0, 500), min_size=3, max_size=3), min_size=1, max_size=24))
def test_bars_stand_on_the_baseline_within_the_chart_and_grow_with_their_value(
    values: list[list[int]],
) -> None:
    chart = grouped_bars([(str(i), row) for i, row in enumerate(values)], ["a", "b", "c"])
    bars = [bar for group in chart.groups for bar in group.bars]
    for bar in bars:
        assert bar.y + bar.height == pytest.approx(chart.bottom, abs=0.02)
        assert (
            chart.top - 0.01 <= bar.y and chart.left <= bar.x and bar.x + bar.width <= chart.right
        )
    for one in bars:
        for other in bars:
            if one.value < other.value:
                assert one.height < other.height


def test_a_chart_of_nothing_still_has_a_scale() -> None:
    chart = grouped_bars([("Nov", [0, 0, 0])], ["a", "b", "c"])
    assert [tick.value for tick in chart.ticks] == [0, 1]
    assert all(bar.height == 0 for bar in chart.groups[0].bars)
