from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dermadesk.scheduling.intervals import (
    EMPTY,
    Interval,
    IntervalSet,
    clip,
    contains,
    covers,
    intersect,
    normalize,
    shift,
    subtract,
    total,
    union,
)

BASE = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)
SPAN = 240  # minutes the random intervals range over


def at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def minutes_of(intervals: Iterable[Interval]) -> set[int]:
    """The oracle: an interval set as the set of whole minutes it holds."""
    held: set[int] = set()
    for start, end in intervals:
        held.update(
            range((start - BASE) // timedelta(minutes=1), (end - BASE) // timedelta(minutes=1))
        )
    return held


def assert_well_formed(intervals: IntervalSet) -> None:
    assert all(start < end for start, end in intervals)
    assert all(earlier[1] < later[0] for earlier, later in pairwise(intervals))


raw_intervals = st.lists(
    st.tuples(st.integers(0, SPAN), st.integers(0, SPAN)).map(lambda p: (at(p[0]), at(p[1]))),
    max_size=8,
)
interval_sets = raw_intervals.map(normalize)
minutes = st.integers(-10, SPAN + 10)
# Each operation is a few lines over short lists; 150 examples find its edge cases, and the
# engine's property tests exercise every operation again.
EXAMPLES = settings(max_examples=150)


def test_touching_intervals_become_one() -> None:
    assert normalize([(at(60), at(120)), (at(0), at(60))]) == ((at(0), at(120)),)


def test_empty_and_backwards_intervals_are_dropped() -> None:
    assert normalize([(at(10), at(10)), (at(20), at(5))]) == EMPTY


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 8, 8, 0)  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="aware"):
        normalize([(naive, naive + timedelta(hours=1))])


def test_clip_keeps_only_the_window_and_cuts_the_edges() -> None:
    day = normalize([(at(0), at(30)), (at(60), at(90)), (at(120), at(150))])
    assert clip(day, at(20), at(130)) == ((at(20), at(30)), (at(60), at(90)), (at(120), at(130)))


def test_an_interval_holds_its_start_but_not_its_end() -> None:
    hour = normalize([(at(0), at(60))])
    assert contains(hour, at(0))
    assert not contains(hour, at(60))


def test_covers_needs_one_interval_to_hold_the_whole_stretch() -> None:
    split = normalize([(at(0), at(30)), (at(31), at(60))])
    assert covers(split, at(0), at(30))
    assert not covers(split, at(20), at(40))


@EXAMPLES
@given(raw_intervals)
def test_normalize_holds_the_same_minutes_sorted_and_merged(raw: list[Interval]) -> None:
    normal = normalize(raw)
    assert_well_formed(normal)
    assert minutes_of(normal) == minutes_of(raw)


@EXAMPLES
@given(interval_sets, interval_sets)
def test_union_intersect_and_subtract_match_set_operations(
    first: IntervalSet, second: IntervalSet
) -> None:
    for result, expected in (
        (union(first, second), minutes_of(first) | minutes_of(second)),
        (intersect(first, second), minutes_of(first) & minutes_of(second)),
        (subtract(first, second), minutes_of(first) - minutes_of(second)),
    ):
        assert_well_formed(result)
        assert minutes_of(result) == expected


@EXAMPLES
@given(interval_sets, minutes, minutes)
def test_clip_matches_the_minutes_inside_the_window(
    intervals: IntervalSet, low: int, high: int
) -> None:
    clipped = clip(intervals, at(low), at(high))
    assert_well_formed(clipped)
    assert minutes_of(clipped) == {m for m in minutes_of(intervals) if low <= m < high}


@EXAMPLES
@given(interval_sets, st.integers(-60, 60))
def test_shift_moves_every_minute(intervals: IntervalSet, by: int) -> None:
    shifted = shift(intervals, timedelta(minutes=by))
    assert_well_formed(shifted)
    assert minutes_of(shifted) == {m + by for m in minutes_of(intervals)}


@EXAMPLES
@given(interval_sets, minutes)
def test_contains_matches_the_minutes(intervals: IntervalSet, minute: int) -> None:
    assert contains(intervals, at(minute)) == (minute in minutes_of(intervals))


@EXAMPLES
@given(interval_sets, minutes, st.integers(1, 60))
def test_covers_matches_every_minute_being_held(
    intervals: IntervalSet, minute: int, length: int
) -> None:
    held = minutes_of(intervals)
    expected = all(m in held for m in range(minute, minute + length))
    assert covers(intervals, at(minute), at(minute + length)) == expected


@EXAMPLES
@given(interval_sets)
def test_total_counts_every_minute(intervals: IntervalSet) -> None:
    assert total(intervals) == timedelta(minutes=len(minutes_of(intervals)))
