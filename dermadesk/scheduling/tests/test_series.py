"""The series planner: a course of PRP sessions four weeks apart, proposed in one go."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dermadesk.clinic.hours import DateRange, Schedule, Span, open_intervals
from dermadesk.scheduling.engine import (
    BookingRules,
    ResourceId,
    Role,
    Segment,
    ServiceShape,
    Slot,
    allocations,
    bookable_starts,
    is_feasible,
)
from dermadesk.scheduling.intervals import IntervalSet, normalize, subtract
from dermadesk.scheduling.series import Reason, SeriesPlan, plan_series, session_targets

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
FIRST_DAY = date(2026, 1, 14)  # a Wednesday
RULES = BookingRules(granularity=timedelta(minutes=15))
PROVIDERS = ("provider:1", "provider:2")


def local(day: date, hour: int, minute: int = 0, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def prp(providers: tuple[str, ...] = PROVIDERS) -> ServiceShape:
    m = timedelta(minutes=1)
    return ServiceShape(
        roles=(Role("clinician", providers), Role("room", ("room:1",))),
        segments=(
            Segment("clinician", 0 * m, 10 * m),
            Segment("room", 0 * m, 110 * m),
            Segment("clinician", 40 * m, 100 * m),
        ),
    )


def opening(
    zone: ZoneInfo = NEW_YORK, closed: tuple[date, ...] = (), days: int = 200
) -> IntervalSet:
    """Open 8:00-19:00 every day for ``days`` from the first session, but ``closed`` days."""
    schedule = Schedule(
        zone=zone,
        weekly={weekday: [Span(time(8), time(19))] for weekday in range(7)},
        closures=[DateRange(day, day) for day in closed],
    )
    start = local(FIRST_DAY - timedelta(days=1), 0, zone=zone)
    return normalize(open_intervals(schedule, start, start + timedelta(days=days)))


def free_for(open_time: IntervalSet, shape: ServiceShape) -> dict[ResourceId, IntervalSet]:
    return {c: open_time for role in shape.roles for c in role.candidates}


def plan(
    free: Mapping[ResourceId, IntervalSet],
    open_time: IntervalSet,
    *,
    first_at: datetime | None = None,
    count: int = 4,
    zone: ZoneInfo = NEW_YORK,
    shape: ServiceShape | None = None,
) -> SeriesPlan:
    shape = shape or prp()
    start = first_at or local(FIRST_DAY, 10, zone=zone)
    first = Slot(start, {"clinician": "provider:1", "room": "room:1"})
    return plan_series(
        shape, free, first=first, count=count, interval_days=28, flex_days=3, now=NOW,
        zone=zone, rules=RULES, open_time=open_time, provider_roles=("clinician",),
    )  # fmt: skip


def test_an_open_clinic_gets_every_session_on_the_same_weekday_time_and_clinician() -> None:
    open_time = opening()
    result = plan(free_for(open_time, prp()), open_time, count=6)
    assert result.complete and not result.changed
    starts = [s.slot.start.astimezone(NEW_YORK) for s in result.sessions if s.slot]
    assert [s.date() for s in starts] == [FIRST_DAY + timedelta(days=28 * k) for k in range(6)]
    assert {(s.weekday(), s.time()) for s in starts} == {(2, time(10))}
    assert {s.slot.assignment["clinician"] for s in result.sessions if s.slot} == {"provider:1"}


def test_a_closed_day_moves_the_session_to_the_nearest_open_day_and_says_so() -> None:
    closed = FIRST_DAY + timedelta(days=28)
    open_time = opening(closed=(closed,))
    second = plan(free_for(open_time, prp()), open_time).sessions[1]
    assert second.reason == Reason.CLOSED
    assert second.slot is not None
    # One day later rather than one day earlier: healing wants the whole four weeks.
    assert second.slot.start == local(closed + timedelta(days=1), 10)


def test_a_clinician_away_keeps_the_time_with_another_clinician() -> None:
    shape = prp()
    open_time = opening()
    free = free_for(open_time, shape)
    away = FIRST_DAY + timedelta(days=56)
    free["provider:1"] = subtract(open_time, normalize([(local(away, 0), local(away, 23))]))
    third = plan(free, open_time).sessions[2]
    assert third.reason == Reason.PROVIDER_AWAY
    assert third.slot is not None
    assert third.slot.start == third.target
    assert third.slot.assignment["clinician"] == "provider:2"


def test_a_fully_booked_time_takes_the_nearest_time_that_day() -> None:
    shape = prp()
    open_time = opening()
    free = free_for(open_time, shape)
    day = FIRST_DAY + timedelta(days=28)
    free["room:1"] = subtract(open_time, normalize([(local(day, 9), local(day, 12))]))
    second = plan(free, open_time).sessions[1]
    assert second.reason == Reason.FULLY_BOOKED
    assert second.slot is not None
    assert second.slot.start == local(day, 12)


def test_shorter_hours_that_day_are_told_apart_from_closed() -> None:
    shape = prp()
    day = FIRST_DAY + timedelta(days=28)
    open_time = subtract(opening(), normalize([(local(day, 8), local(day, 13))]))
    second = plan(free_for(open_time, shape), open_time).sessions[1]
    assert second.reason == Reason.OUTSIDE_HOURS
    assert second.slot is not None
    assert second.slot.start.astimezone(NEW_YORK).date() == day


def test_nothing_free_within_three_days_leaves_the_session_to_book_later() -> None:
    day = FIRST_DAY + timedelta(days=28)
    open_time = opening(closed=tuple(day + timedelta(days=d) for d in range(-3, 4)))
    second = plan(free_for(open_time, prp()), open_time).sessions[1]
    assert second.slot is None
    assert second.reason == Reason.CLOSED
    assert not plan(free_for(open_time, prp()), open_time).complete


@pytest.mark.parametrize(
    ("zone", "first_day"),
    [(NEW_YORK, date(2026, 10, 21)), (LONDON, date(2026, 10, 7)), (NEW_YORK, date(2026, 2, 25))],
)
def test_the_wall_clock_time_is_kept_across_a_change_of_the_clocks(
    zone: ZoneInfo, first_day: date
) -> None:
    first = local(first_day, 10, zone=zone)
    targets = session_targets(first, count=3, interval_days=28, zone=zone)
    assert [t.astimezone(zone).time() for t in targets] == [time(10)] * 3
    offsets = {t.astimezone(zone).utcoffset() for t in targets}
    assert len(offsets) == 2  # the clocks changed in between, and 10:00 stayed 10:00


def test_windows_that_touch_are_refused() -> None:
    open_time = opening()
    with pytest.raises(ValueError):
        plan_series(
            prp(), free_for(open_time, prp()), first=Slot(local(FIRST_DAY, 10), {}), count=2,
            interval_days=6, flex_days=3, now=NOW, zone=NEW_YORK, rules=RULES,
            open_time=open_time, provider_roles=(),
        )  # fmt: skip


# Property: random busy time on a small clinic.

busy_blocks = st.lists(
    st.tuples(
        st.sampled_from(("provider:1", "provider:2", "room:1")),
        st.integers(min_value=0, max_value=24 * 4 * 120),  # quarter hours into the course
        st.integers(min_value=1, max_value=4 * 30),  # up to 30 hours long
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(busy_blocks, st.integers(min_value=2, max_value=6), st.integers(min_value=0, max_value=3))
def test_every_proposal_fits_together_and_stays_within_its_window(
    blocks: list[tuple[str, int, int]], count: int, flex: int
) -> None:
    shape = prp()
    open_time = opening()
    base = local(FIRST_DAY, 0)
    free = free_for(open_time, shape)
    for resource, start, length in blocks:
        begin = base + timedelta(minutes=15 * start)
        free[resource] = subtract(
            free[resource], normalize([(begin, begin + timedelta(minutes=15 * length))])
        )
    firsts = bookable_starts(
        shape, free, window=(base, base + timedelta(days=1)), now=NOW, zone=NEW_YORK, rules=RULES
    )
    if not firsts:
        return
    result = plan_series(
        shape, free, first=firsts[0], count=count, interval_days=28, flex_days=flex, now=NOW,
        zone=NEW_YORK, rules=RULES, open_time=open_time, provider_roles=("clinician",),
    )  # fmt: skip
    assert len(result.sessions) == count
    remaining = dict(free)
    for session in result.sessions:
        if session.slot is None:
            assert session.reason is not None
            continue
        days = (
            session.slot.start.astimezone(NEW_YORK).date()
            - session.target.astimezone(NEW_YORK).date()
        ).days
        assert abs(days) <= flex
        # Feasible in the free time that the sessions before it left: all can be booked.
        assert is_feasible(shape, remaining, session.slot.start, session.slot.assignment)
        for item in allocations(shape, session.slot.start, session.slot.assignment):
            remaining[item.resource] = subtract(
                remaining[item.resource], normalize([(item.start, item.end)])
            )
        if session.reason is None:
            assert session.slot.start == session.target
            assert session.slot.assignment["clinician"] == firsts[0].assignment["clinician"]
