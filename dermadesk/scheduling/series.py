"""Series planning: a course of sessions a fixed number of days apart, proposed in one go.

Pure: no Django, no clock, no database. Micro-Needling with PRP is given as a course of 4 to
6 sessions four weeks apart. The patient chooses the first session; every later one is aimed
at the same weekday and wall-clock time, ``interval_days`` after the one before (in the
clinic's zone, so 10:00 stays 10:00 across a change of the clocks), with the same clinician.

Where that exact time is not free, the nearest free start within ``flex_days`` of it is
proposed instead, ranked by:

1. the fewest days away from the aimed-for date;
2. the closest time of day;
3. the same clinician (``provider_roles`` keep their resource from the first session);
4. later rather than earlier (healing needs the full interval), then the earlier start.

Each session that differs says why the aimed-for time could not be kept: the clinic is
closed that day, or open but not at that time, or the clinician is away then, or it is
fully booked. Sessions are planned in order, and each one's resources are taken out of the
free time before the next, so all the sessions of a plan can be booked together.

Later sessions are not held to the booking horizon (a course of six runs for five months);
the first session is the patient's own choice and was held to it already.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dermadesk.scheduling.engine import (
    BookingRules,
    Preference,
    ResourceId,
    ServiceShape,
    Slot,
    allocations,
    bookable_starts,
)
from dermadesk.scheduling.intervals import EMPTY, IntervalSet, clip, covers, normalize, subtract


class Reason(StrEnum):
    """Why a session is not at the aimed-for time with the same clinician."""

    CLOSED = "closed"
    """The clinic is closed all that day (a holiday, a closure)."""
    OUTSIDE_HOURS = "outside_hours"
    """Open that day, but not for the whole visit at that time (shorter hours)."""
    PROVIDER_AWAY = "provider_away"
    """The time is free, but not with the same clinician."""
    FULLY_BOOKED = "fully_booked"
    """Open, but nothing is free at that time."""


@dataclass(frozen=True, slots=True)
class PlannedSession:
    number: int
    """1 for the first session."""
    target: datetime
    """The regular time: the first session's weekday and time, ``interval_days`` apart."""
    slot: Slot | None
    """What is proposed; None when nothing is free within the flexible window."""
    reason: Reason | None = None
    """Why the proposal differs from ``target`` and the first session's clinician."""

    @property
    def moved(self) -> bool:
        return self.slot is not None and self.slot.start != self.target

    @property
    def as_planned(self) -> bool:
        return self.slot is not None and self.reason is None


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    sessions: tuple[PlannedSession, ...]

    @property
    def complete(self) -> bool:
        """Every session has a proposed start."""
        return all(session.slot is not None for session in self.sessions)

    @property
    def changed(self) -> tuple[PlannedSession, ...]:
        return tuple(session for session in self.sessions if session.reason is not None)


def session_targets(
    first: datetime, *, count: int, interval_days: int, zone: ZoneInfo
) -> list[datetime]:
    """The regular times of ``count`` sessions: same local weekday and time, in UTC.

    A wall-clock time that does not exist that day (the clocks jumped past it) comes out as
    the same distance after midnight on the old offset, which ``zoneinfo`` maps forward.
    """
    local = first.astimezone(zone)
    targets = []
    for number in range(count):
        day = local.date() + timedelta(days=interval_days * number)
        wall = datetime.combine(day, local.time(), tzinfo=zone)
        targets.append(wall.astimezone(first.tzinfo))
    return targets


def plan_series(
    shape: ServiceShape,
    free: Mapping[ResourceId, IntervalSet],
    *,
    first: Slot,
    count: int,
    interval_days: int,
    flex_days: int,
    now: datetime,
    zone: ZoneInfo,
    rules: BookingRules,
    open_time: IntervalSet,
    provider_roles: Sequence[str],
    load: Mapping[ResourceId, float] | None = None,
) -> SeriesPlan:
    """Propose ``count`` sessions, the first being ``first``; see the module's docstring.

    ``free`` must cover every session's flexible window; ``open_time`` is when the location
    is open over the same span (to tell "closed" from "fully booked").
    """
    if count < 1:
        raise ValueError("A series has at least one session.")
    if interval_days <= 2 * flex_days:
        raise ValueError("Sessions must be further apart than their flexible windows are wide.")
    rules = replace(rules, horizon=None)
    remaining = dict(free)
    keep = [Preference(role, resource) for role, resource in first.assignment.items()]
    targets = session_targets(first.start, count=count, interval_days=interval_days, zone=zone)
    sessions = [PlannedSession(1, first.start, first)]
    _take(remaining, shape, first)
    for number, target in enumerate(targets[1:], start=2):
        session = _plan_one(
            number, target, shape, remaining, first=first, flex_days=flex_days, now=now,
            zone=zone, rules=rules, open_time=open_time, provider_roles=provider_roles,
            keep=keep, load=load,
        )  # fmt: skip
        if session.slot is not None:
            _take(remaining, shape, session.slot)
        sessions.append(session)
    return SeriesPlan(tuple(sessions))


def _plan_one(
    number: int,
    target: datetime,
    shape: ServiceShape,
    free: Mapping[ResourceId, IntervalSet],
    *,
    first: Slot,
    flex_days: int,
    now: datetime,
    zone: ZoneInfo,
    rules: BookingRules,
    open_time: IntervalSet,
    provider_roles: Sequence[str],
    keep: Sequence[Preference],
    load: Mapping[ResourceId, float] | None,
) -> PlannedSession:
    local = target.astimezone(zone)

    def same_clinician(slot: Slot) -> bool:
        return all(slot.assignment[role] == first.assignment[role] for role in provider_roles)

    def rank(slot: Slot) -> tuple[int, float, bool, bool, datetime]:
        start = slot.start.astimezone(zone)
        days = (start.date() - local.date()).days
        minutes = abs(_minutes_of_day(start.time()) - _minutes_of_day(local.time()))
        return (abs(days), minutes, not same_clinician(slot), days < 0, slot.start)

    # Days nearest first (the first key of the ranking): the search stops at the nearest
    # distance that has any free start, so it usually looks at one day only.
    slots: list[Slot] = []
    for distance in range(flex_days + 1):
        offsets = sorted({-distance, distance})
        for day in (local.date() + timedelta(days=offset) for offset in offsets):
            slots += bookable_starts(
                shape, free, window=_whole_day(day, zone), now=now, zone=zone, rules=rules,
                preferences=keep, load=load,
            )  # fmt: skip
        if slots:
            break
    best = min(slots, key=rank, default=None)
    if best is not None and best.start == target and same_clinician(best):
        return PlannedSession(number, target, best)
    at_target = next((slot for slot in slots if slot.start == target), None)
    reason = _why_not(target, shape.duration, zone, open_time, at_target)
    return PlannedSession(number, target, best, reason)


def _why_not(
    target: datetime,
    duration: timedelta,
    zone: ZoneInfo,
    open_time: IntervalSet,
    at_target: Slot | None,
) -> Reason:
    """Why the regular time was not kept as it was."""
    if at_target is not None:
        return Reason.PROVIDER_AWAY
    opened = clip(open_time, *_whole_day(target.astimezone(zone).date(), zone))
    if opened == EMPTY:
        return Reason.CLOSED
    if not covers(opened, target, target + duration):
        return Reason.OUTSIDE_HOURS
    return Reason.FULLY_BOOKED


def _take(free: dict[ResourceId, IntervalSet], shape: ServiceShape, slot: Slot) -> None:
    """Take a planned session's resources out of the free time for the sessions after it."""
    for item in allocations(shape, slot.start, slot.assignment):
        free[item.resource] = subtract(free[item.resource], normalize([(item.start, item.end)]))


def _whole_day(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """One local day as an interval: midnight to midnight, 23 to 25 hours at a clock change."""
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


def _minutes_of_day(clock: time) -> float:
    return clock.hour * 60 + clock.minute + clock.second / 60
