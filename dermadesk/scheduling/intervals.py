"""Interval arithmetic on instants: half-open ``[start, end)`` intervals of aware datetimes.

Pure: no Django, no clock, no database.

An ``IntervalSet`` is a tuple of intervals sorted by start, each one non-empty, no two of
them overlapping or touching (``[8:00, 9:00)`` and ``[9:00, 10:00)`` are kept as one
``[8:00, 10:00)``). ``normalize`` makes one out of any intervals; every other function takes
interval sets and returns one, in a single linear pass (``clip``, ``contains`` and ``covers``
bisect instead, so they cost ``log n``). Keeping the sets in this one shape is what lets each
operation be a merge of two sorted lists instead of a comparison of every pair.

Instants should be in UTC (the house rule), but any aware datetimes compare correctly.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NewType

Interval = tuple[datetime, datetime]

IntervalSet = NewType("IntervalSet", tuple[Interval, ...])
"""Sorted, non-empty, non-touching intervals, as ``normalize`` and the operations return them."""

EMPTY = IntervalSet(())


def _start(interval: Interval) -> datetime:
    return interval[0]


def _end(interval: Interval) -> datetime:
    return interval[1]


def normalize(intervals: Iterable[Interval]) -> IntervalSet:
    """Sort intervals, drop the empty ones and join those that overlap or touch.

    Raises ``ValueError`` for a naive datetime: comparing local wall-clock times across a
    daylight-saving change would silently be an hour off.
    """
    ordered = sorted(intervals)
    if any(start.tzinfo is None or end.tzinfo is None for start, end in ordered):
        raise ValueError("Intervals must be made of aware datetimes.")
    return _joined(ordered)


def union(first: IntervalSet, second: IntervalSet) -> IntervalSet:
    """Every instant in either set."""
    # Both are sorted: timsort finds the two runs and merges them in one linear pass.
    return _joined(sorted(first + second, key=_start))


def _joined(ordered: Iterable[Interval]) -> IntervalSet:
    """Intervals sorted by start, with the empty ones dropped and the rest joined."""
    merged: list[Interval] = []
    for start, end in ordered:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return IntervalSet(tuple(merged))


def intersect(first: IntervalSet, second: IntervalSet) -> IntervalSet:
    """Every instant in both sets."""
    common: list[Interval] = []
    i = j = 0
    first_count, second_count = len(first), len(second)
    while i < first_count and j < second_count:
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            common.append((start, end))
        # The interval that ends first can meet nothing further on the other side.
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return IntervalSet(tuple(common))


def subtract(intervals: IntervalSet, removed: IntervalSet) -> IntervalSet:
    """Every instant of ``intervals`` that is not in ``removed``."""
    left: list[Interval] = []
    j = 0
    removed_count = len(removed)
    for start, end in intervals:
        # Removed intervals that end before this one starts end before every later one too.
        while j < removed_count and removed[j][1] <= start:
            j += 1
        cursor = start
        k = j
        while k < removed_count and removed[k][0] < end:
            if removed[k][0] > cursor:
                left.append((cursor, removed[k][0]))
            cursor = max(cursor, removed[k][1])
            k += 1
        if cursor < end:
            left.append((cursor, end))
    return IntervalSet(tuple(left))


def clip(intervals: IntervalSet, start: datetime, end: datetime) -> IntervalSet:
    """The part of ``intervals`` inside ``[start, end)``; bisects, so a long history is cheap."""
    if end <= start:
        return EMPTY
    first = bisect_right(intervals, start, key=_end)
    last = bisect_left(intervals, end, key=_start)
    if first >= last:
        return EMPTY
    inside = list(intervals[first:last])
    inside[0] = (max(inside[0][0], start), inside[0][1])
    inside[-1] = (inside[-1][0], min(inside[-1][1], end))
    return IntervalSet(tuple(inside))


def shift(intervals: IntervalSet, by: timedelta) -> IntervalSet:
    """Every interval moved by ``by`` (earlier when negative)."""
    return IntervalSet(tuple((start + by, end + by) for start, end in intervals))


def contains(intervals: IntervalSet, instant: datetime) -> bool:
    """Whether ``instant`` lies inside one of the intervals."""
    index = bisect_right(intervals, instant, key=_start) - 1
    return index >= 0 and instant < intervals[index][1]


def covers(intervals: IntervalSet, start: datetime, end: datetime) -> bool:
    """Whether all of ``[start, end)`` lies inside one interval; an empty stretch always does."""
    if end <= start:
        return True
    index = bisect_right(intervals, start, key=_start) - 1
    return index >= 0 and end <= intervals[index][1]


def total(intervals: IntervalSet) -> timedelta:
    """The summed length of the intervals."""
    return sum((end - start for start, end in intervals), timedelta())
