"""Office hours of a location: when it is open, as instants, across daylight-saving changes.

Pure: no Django, no clock, no database. Callers pass the location's schedule, its time zone
and the instants they care about; every instant in and out is an aware datetime, and the
intervals returned are half-open ``[start, end)`` in UTC, sorted and merged.

Local wall-clock hours become instants day by day with ``zoneinfo``: "08:00-19:00" stays
08:00-19:00 local on the days the clocks change (so such a day is 11 hours long on both).
A boundary that falls in the hour skipped in spring moves forward with the clock; one in the
hour repeated in autumn means its first occurrence.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A stretch of one local day, e.g. 08:00-19:00."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("A span must close after it opens.")


@dataclass(frozen=True, slots=True)
class DateRange:
    """Whole local days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class Schedule:
    """Everything that decides when one location is open."""

    zone: ZoneInfo
    weekly: Mapping[int, Sequence[Span]]
    """Spans for each weekday, 0 = Monday; a missing weekday is closed."""
    exceptions: Mapping[date, Sequence[Span]] = field(default_factory=dict)
    """Dates whose hours replace the weekly ones; an empty sequence closes the day."""
    closures: Sequence[DateRange] = ()

    def spans_on(self, day: date) -> Sequence[Span]:
        """The local spans the location is open on ``day``."""
        if any(day in closure for closure in self.closures):
            return ()
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday(), ())


def overlapping_spans(spans: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Pairs of spans of one day that overlap (touching end to start is allowed)."""
    ordered = sorted(spans)
    return [
        (earlier, later) for earlier, later in pairwise(ordered) if later.opens < earlier.closes
    ]


def _to_utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort intervals and join those that overlap or touch."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def open_intervals(schedule: Schedule, start: datetime, end: datetime) -> list[Interval]:
    """When the location is open between two instants, as sorted, merged UTC intervals."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes.")
    if end <= start:
        return []
    first_day = start.astimezone(schedule.zone).date() - timedelta(days=1)
    last_day = end.astimezone(schedule.zone).date() + timedelta(days=1)
    pieces: list[Interval] = []
    day = first_day
    while day <= last_day:
        for span in schedule.spans_on(day):
            opens = max(_to_utc(day, span.opens, schedule.zone), start)
            closes = min(_to_utc(day, span.closes, schedule.zone), end)
            if opens < closes:
                pieces.append((opens, closes))
        day += timedelta(days=1)
    return merge(pieces)


def is_open_at(schedule: Schedule, instant: datetime) -> bool:
    """Whether the location is open at ``instant``."""
    return bool(open_intervals(schedule, instant, instant + timedelta(microseconds=1)))


@dataclass(frozen=True, slots=True)
class OpenStatus:
    is_open: bool
    changes_at: datetime | None
    """When it next closes (if open) or opens (if closed); None if not within the horizon."""


def open_status(schedule: Schedule, now: datetime, horizon_days: int = 14) -> OpenStatus:
    """Open or closed at ``now``, and when that next changes."""
    intervals = open_intervals(schedule, now, now + timedelta(days=horizon_days))
    if intervals and intervals[0][0] <= now:
        closes = intervals[0][1]
        return OpenStatus(True, None if closes >= now + timedelta(days=horizon_days) else closes)
    return OpenStatus(False, intervals[0][0] if intervals else None)


@dataclass(frozen=True, slots=True)
class WeekdayGroup:
    """Consecutive weekdays that share the same hours."""

    first: int
    last: int
    spans: tuple[Span, ...]


def group_weekdays(weekly: Mapping[int, Sequence[Span]]) -> list[WeekdayGroup]:
    """Monday to Sunday, with runs of consecutive days that share hours joined."""
    groups: list[WeekdayGroup] = []
    for weekday in range(7):
        spans = tuple(sorted(weekly.get(weekday, ())))
        if groups and groups[-1].spans == spans:
            groups[-1] = WeekdayGroup(groups[-1].first, weekday, spans)
        else:
            groups.append(WeekdayGroup(weekday, weekday, spans))
    return groups


def format_time(moment: time) -> str:
    """12-hour clock as people say it: 8am, 7pm, 12:30pm, noon, midnight."""
    if moment == time(12, 0):
        return "noon"
    if moment == time(0, 0):
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if moment.minute:
        return f"{hour}:{moment.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_spans(spans: Sequence[Span]) -> str:
    """'8am–7pm' or '8am–noon and 1pm–7pm'; 'Closed' when there are none."""
    if not spans:
        return "Closed"
    return " and ".join(f"{format_time(s.opens)}–{format_time(s.closes)}" for s in spans)


def describe_week(weekly: Mapping[int, Sequence[Span]]) -> list[str]:
    """The weekly hours in plain words, one line per run of days with the same hours.

    >>> from datetime import time
    >>> describe_week({d: [Span(time(8), time(19))] for d in range(7)})
    ['Open 8am–7pm daily (Monday–Sunday)']
    """
    groups = group_weekdays(weekly)
    if len(groups) == 1 and groups[0].spans:
        return [f"Open {format_spans(groups[0].spans)} daily (Monday–Sunday)"]
    lines = []
    for group in groups:
        days = WEEKDAY_NAMES[group.first]
        if group.last != group.first:
            days = f"{days}–{WEEKDAY_NAMES[group.last]}"
        lines.append(f"{days}: {format_spans(group.spans)}")
    return lines


def describe_status(status: OpenStatus, now: datetime, zone: ZoneInfo) -> str:
    """'Open now – closes at 7pm.' or 'Closed now – opens tomorrow at 8am.', in local time."""
    if status.changes_at is None:
        return "Open now." if status.is_open else "Closed now."
    local_now = now.astimezone(zone)
    local_change = status.changes_at.astimezone(zone)
    days_ahead = (local_change.date() - local_now.date()).days
    if days_ahead == 0:
        when = format_time(local_change.time())
    elif days_ahead == 1:
        when = f"tomorrow at {format_time(local_change.time())}"
    elif days_ahead < 7:
        when = f"{WEEKDAY_NAMES[local_change.weekday()]} at {format_time(local_change.time())}"
    else:
        when = f"{local_change:%B} {local_change.day} at {format_time(local_change.time())}"
    if status.is_open:
        return f"Open now – closes at {when}." if days_ahead == 0 else f"Open now – closes {when}."
    return f"Closed now – opens at {when}." if days_ahead == 0 else f"Closed now – opens {when}."
