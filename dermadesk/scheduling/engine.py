"""Availability: when a service can start, and which providers, rooms and devices it would use.

Pure: no Django, no clock, no database. The caller (a selector) reads everything into plain
values first: the service's shape, each candidate resource's free time, ``now``, the
location's time zone and the booking rules; the functions here only compute.

A visit is a set of **roles** ("clinician", "room", "pen", "centrifuge"), each to be filled by
one of its candidate resources for the whole visit, and of **segments** saying when each role
is busy, as offsets from the visit's start. Micro-Needling with PRP, for example::

    clinician  0-10   blood draw           room  0-110  (one booking of the room)
    centrifuge 10-25  spin, during numbing pen  40-100
    clinician  40-100 procedure (the clinician is free for someone else from 10 to 40)

How starts are found, without walking minute by minute:

1. For one role and one candidate, the starts ``s`` at which a segment ``[o1, o2)`` fits into a
   free interval ``[a, b)`` are ``a - o1 <= s <= b - o2``; intersecting that over the role's
   segments gives the candidate's feasible starts, as an interval set.
2. Each role's candidates, taken in the order of choice (below), split the time into pieces
   labelled with the first candidate free there; pieces of all roles are intersected.
3. Inside each piece the grid starts (local midnight + k * granularity, in the location's
   time zone) are enumerated. When the labels are distinct resources, they are the answer;
   when two roles would take the same resource (two rooms, say), the piece is resolved start
   by start with a small backtracking search.

**Choice among equals**, deterministic: roles are filled in the order the shape lists them;
each role tries its candidates in this order: the preferred resource first, then the least
loaded (``load``, e.g. minutes already booked), then by resource id. The first complete
assignment of distinct resources in that order wins.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from operator import itemgetter
from types import MappingProxyType
from zoneinfo import ZoneInfo

from dermadesk.scheduling.intervals import (
    EMPTY,
    Interval,
    IntervalSet,
    clip,
    contains,
    covers,
    intersect,
    normalize,
    subtract,
    union,
)

ResourceId = str
"""A resource's key, unique across kinds (e.g. ``"provider:3"``, ``"room:1"``)."""

Assignment = Mapping[str, ResourceId]
"""Which resource fills each role, by role name."""

Offsets = tuple[timedelta, timedelta]

# A stretch of starts and, for each role in order, the first candidate free there. Plain
# tuples: there are thousands of them per search, and they never leave this module.
_Piece = tuple[datetime, datetime, tuple[ResourceId, ...]]
_Labelled = tuple[datetime, datetime, ResourceId]

# Datetimes are discrete at one microsecond, so the closed set of starts [x, y] is exactly
# the half-open [x, y + TICK): the last start that still fits stays in the set.
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Time zones change their UTC offset at most once in this long (in practice twice a year).
OFFSET_PROBE = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the visit during which ``role`` is busy, as offsets from the visit's start.

    Offsets may be negative (a room prepared before the patient arrives).
    """

    role: str
    start: timedelta
    end: timedelta

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("A segment must end after it starts.")


@dataclass(frozen=True, slots=True)
class Role:
    """A part to fill in the visit, and the resources that could fill it.

    The caller resolves "any provider with skill prp" into ids; an empty tuple means nobody
    can, and the service has no availability.
    """

    name: str
    candidates: tuple[ResourceId, ...]

    def __post_init__(self) -> None:
        if len(set(self.candidates)) != len(self.candidates):
            raise ValueError(f"Role {self.name!r} lists a candidate twice.")


@dataclass(frozen=True, slots=True)
class ServiceShape:
    """What one visit of a service needs: its roles and when each of them is busy."""

    roles: tuple[Role, ...]
    segments: tuple[Segment, ...]

    def __post_init__(self) -> None:
        names = [role.name for role in self.roles]
        if len(set(names)) != len(names):
            raise ValueError("Role names must be unique.")
        busy = {segment.role for segment in self.segments}
        if unknown := busy - set(names):
            raise ValueError(f"Segments name unknown roles: {sorted(unknown)}.")
        if idle := set(names) - busy:
            raise ValueError(f"Roles without a segment: {sorted(idle)}.")

    def spans(self, role: str) -> tuple[Offsets, ...]:
        """The offsets during which ``role`` is busy, with touching segments joined.

        Room 0-10, 10-40, 40-100 and 100-110 become one span 0-110: one allocation.
        """
        joined: list[Offsets] = []
        for start, end in sorted((s.start, s.end) for s in self.segments if s.role == role):
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        return tuple(joined)

    @property
    def duration(self) -> timedelta:
        """From the visit's start to the end of its last segment."""
        return max(segment.end for segment in self.segments) if self.segments else timedelta()


@dataclass(frozen=True, slots=True)
class BookingRules:
    """The settings that decide which starts are offered at all."""

    granularity: timedelta = timedelta(minutes=15)
    """Starts fall on local midnight + k * granularity; must divide a day."""
    minimum_notice: timedelta = timedelta()
    """The earliest start is ``now + minimum_notice``."""
    horizon: timedelta | None = None
    """Starts must be before ``now + horizon``; None for no limit."""

    def __post_init__(self) -> None:
        if self.granularity <= timedelta() or DAY % self.granularity:
            raise ValueError("The slot granularity must divide a day evenly.")
        if self.minimum_notice < timedelta():
            raise ValueError("The minimum notice cannot be negative.")

    def for_staff(self) -> "BookingRules":
        """The rules for a booking made by staff: the same grid, but no minimum notice (only
        "not in the past") and no horizon; those two guard online booking, not the clinic."""
        return replace(self, minimum_notice=timedelta(), horizon=None)


@dataclass(frozen=True, slots=True)
class Preference:
    """A resource asked for in one role: preferred when free, or with ``required`` the only one."""

    role: str
    resource: ResourceId
    required: bool = False


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start and the resources that would serve it."""

    start: datetime
    assignment: Assignment


@dataclass(frozen=True, slots=True, order=True)
class Allocation:
    """One resource held by a booking from ``start`` to ``end``."""

    start: datetime
    end: datetime
    resource: ResourceId


def free_intervals(available: Iterable[Interval], busy: Iterable[Interval]) -> IntervalSet:
    """A resource's free time: when it is available (shifts within office hours) minus busy.

    ``busy`` is everything that blocks it: closures, allocations of bookings and live holds,
    maintenance, time off.
    """
    return subtract(normalize(available), normalize(busy))


def bookable_starts(
    shape: ServiceShape,
    free: Mapping[ResourceId, IntervalSet],
    *,
    window: Interval,
    now: datetime,
    zone: ZoneInfo,
    rules: BookingRules = BookingRules(),
    preferences: Sequence[Preference] = (),
    load: Mapping[ResourceId, float] | None = None,
) -> list[Slot]:
    """Every start in ``window`` at which the service can be booked, with one assignment each.

    ``free`` holds each candidate's free time (see ``free_intervals``); it may reach beyond the
    window, only the part that matters is looked at. Starts are instants in ``[window)`` that
    are at least ``rules.minimum_notice`` after ``now``, before ``now + rules.horizon``, and
    on the local grid: a start at 08:00 local stays 08:00 on the days the clocks change; grid
    times skipped in spring do not exist, and those repeated in autumn are offered twice
    (both are real instants). Sorted by start.
    """
    _require_aware(window[0], window[1], now)
    earliest, latest = _search_range(window, now, rules)
    if earliest >= latest:
        return []
    ranked = _ranked_candidates(shape, preferences, load or {})
    starts_by_role = [
        {
            candidate: _feasible_starts(shape.spans(role.name), free, candidate, earliest, latest)
            for candidate in ranked[role.name]
        }
        for role in shape.roles
    ]
    pieces = _first_choice_pieces(
        [_choice_map(ranked[role.name], starts_by_role[i]) for i, role in enumerate(shape.roles)]
    )
    stretches = _offset_stretches(earliest, latest, zone)
    role_names = tuple(role.name for role in shape.roles)
    assignments: dict[tuple[ResourceId, ...], Assignment] = {}

    def assignment(choice: tuple[ResourceId, ...]) -> Assignment:
        # One read-only mapping per choice, shared by all the slots that make it.
        if choice not in assignments:
            assignments[choice] = MappingProxyType(dict(zip(role_names, choice, strict=True)))
        return assignments[choice]

    slots: list[Slot] = []
    for piece_start, piece_end, first_choice in pieces:
        grid = _grid_starts(piece_start, piece_end, stretches, rules.granularity)
        if len(set(first_choice)) == len(first_choice):
            shared = assignment(first_choice)
            slots.extend(Slot(start, shared) for start in grid)
            continue
        for start in grid:
            choice = _distinct_choice(start, ranked, starts_by_role, shape)
            if choice is not None:
                slots.append(Slot(start, assignment(choice)))
    return slots


def is_feasible(
    shape: ServiceShape,
    free: Mapping[ResourceId, IntervalSet],
    start: datetime,
    assignment: Assignment,
) -> bool:
    """Whether a visit at ``start`` with ``assignment`` still fits into the free time.

    For the booking transaction's re-check: every role filled by one of its candidates,
    no resource in two roles, every segment inside its resource's free time.
    """
    _require_aware(start)
    if set(assignment) != {role.name for role in shape.roles}:
        return False
    if len(set(assignment.values())) != len(assignment):
        return False
    for role in shape.roles:
        resource = assignment[role.name]
        if resource not in role.candidates:
            return False
        resource_free = free.get(resource, EMPTY)
        for offset_start, offset_end in shape.spans(role.name):
            if not covers(resource_free, start + offset_start, start + offset_end):
                return False
    return True


def allocations(shape: ServiceShape, start: datetime, assignment: Assignment) -> list[Allocation]:
    """The allocations a booking at ``start`` with ``assignment`` holds, sorted by start.

    A resource's touching segments make one allocation (the room from 0 to 110 minutes);
    a clinician free in between (blood draw, then procedure) has two.
    """
    _require_aware(start)
    if missing := {role.name for role in shape.roles} - set(assignment):
        raise ValueError(f"No resource assigned to roles: {sorted(missing)}.")
    return sorted(
        Allocation(start + offset_start, start + offset_end, assignment[role.name])
        for role in shape.roles
        for offset_start, offset_end in shape.spans(role.name)
    )


def is_bookable_time(
    start: datetime, *, now: datetime, zone: ZoneInfo, rules: BookingRules
) -> bool:
    """Whether ``start`` is a time the rules offer: on the local grid, within notice and horizon.

    Resources are not looked at; see ``is_feasible``; ``time_refusal`` says why not.
    """
    return time_refusal(start, now=now, zone=zone, rules=rules) is None


class TimeRefusal(Enum):
    """Why a start is not offered at all, whatever is free then."""

    TOO_SOON = "too_soon"
    """Before ``now + minimum_notice`` (with no notice: in the past)."""
    TOO_FAR = "too_far"
    """At or after ``now + horizon``."""
    OFF_GRID = "off_grid"
    """Not one of the local start times (midnight + k * granularity)."""


def time_refusal(
    start: datetime, *, now: datetime, zone: ZoneInfo, rules: BookingRules
) -> TimeRefusal | None:
    """Why the rules do not offer ``start``; None when they do (``is_bookable_time``)."""
    _require_aware(start, now)
    if start < now + rules.minimum_notice:
        return TimeRefusal.TOO_SOON
    if rules.horizon is not None and start >= now + rules.horizon:
        return TimeRefusal.TOO_FAR
    if not _on_grid(start, _utc_offset(start, zone), rules.granularity):
        return TimeRefusal.OFF_GRID
    return None


def _require_aware(*instants: datetime) -> None:
    if any(instant.tzinfo is None for instant in instants):
        raise ValueError("Instants must be aware datetimes.")


def _search_range(window: Interval, now: datetime, rules: BookingRules) -> Interval:
    earliest = max(window[0], now + rules.minimum_notice)
    latest = window[1] if rules.horizon is None else min(window[1], now + rules.horizon)
    return earliest, latest


def _ranked_candidates(
    shape: ServiceShape, preferences: Sequence[Preference], load: Mapping[ResourceId, float]
) -> dict[str, tuple[ResourceId, ...]]:
    """Each role's candidates in the order of choice: preferred, least loaded, then by id."""
    by_role = {preference.role: preference for preference in preferences}
    if len(by_role) != len(preferences):
        raise ValueError("At most one preference per role.")
    if unknown := set(by_role) - {role.name for role in shape.roles}:
        raise ValueError(f"Preferences name unknown roles: {sorted(unknown)}.")
    ranked: dict[str, tuple[ResourceId, ...]] = {}
    for role in shape.roles:
        preference = by_role.get(role.name)
        candidates = role.candidates
        if preference is not None and preference.required:
            # Asked for someone who cannot fill the role: no starts, not an error.
            candidates = tuple(c for c in candidates if c == preference.resource)
        wanted = preference.resource if preference is not None else None
        ranked[role.name] = tuple(
            sorted(candidates, key=lambda c: (c != wanted, load.get(c, 0.0), c))
        )
    return ranked


def _feasible_starts(
    spans: tuple[Offsets, ...],
    free: Mapping[ResourceId, IntervalSet],
    candidate: ResourceId,
    earliest: datetime,
    latest: datetime,
) -> IntervalSet:
    """The starts in ``[earliest, latest)`` at which ``candidate`` is free for every span."""
    # Only free time that a start in the range could use matters; the rest may be months.
    reach = clip(
        free.get(candidate, EMPTY),
        earliest + min(start for start, _ in spans),
        latest + max(end for _, end in spans),
    )
    starts: IntervalSet | None = None
    for offset_start, offset_end in spans:
        length = offset_end - offset_start
        fitting = IntervalSet(
            tuple(
                (free_start - offset_start, free_end - offset_end + TICK)
                for free_start, free_end in reach
                if free_end - free_start >= length
            )
        )
        starts = fitting if starts is None else intersect(starts, fitting)
        if not starts:
            return EMPTY
    return clip(starts or EMPTY, earliest, latest)


def _choice_map(
    ranked: tuple[ResourceId, ...], starts: Mapping[ResourceId, IntervalSet]
) -> list[_Labelled]:
    """One role's starts, split into pieces labelled with the first candidate free there."""
    labelled: list[_Labelled] = []
    taken = EMPTY
    for position, candidate in enumerate(ranked):
        labelled.extend((a, b, candidate) for a, b in subtract(starts[candidate], taken))
        if position < len(ranked) - 1:  # the last candidate leaves nothing to take from
            taken = union(taken, starts[candidate])
    labelled.sort(key=itemgetter(0))
    return labelled


def _first_choice_pieces(maps: Sequence[list[_Labelled]]) -> list[_Piece]:
    """The starts at which every role has a candidate, with each role's first choice."""
    if not maps:
        return []
    pieces: list[_Piece] = [(a, b, (label,)) for a, b, label in maps[0]]
    for role_map in maps[1:]:
        combined: list[_Piece] = []
        i = j = 0
        piece_count, map_count = len(pieces), len(role_map)
        while i < piece_count and j < map_count:
            piece_start, piece_end, choice = pieces[i]
            a, b, label = role_map[j]
            start, end = max(piece_start, a), min(piece_end, b)
            if start < end:
                combined.append((start, end, (*choice, label)))
            # Whichever ends first can meet nothing further on the other side.
            if piece_end < b:
                i += 1
            else:
                j += 1
        pieces = combined
    return pieces


def _distinct_choice(
    start: datetime,
    ranked: Mapping[str, tuple[ResourceId, ...]],
    starts_by_role: Sequence[Mapping[ResourceId, IntervalSet]],
    shape: ServiceShape,
) -> tuple[ResourceId, ...] | None:
    """The first assignment of distinct resources in the order of choice, if any."""
    options = [
        [c for c in ranked[role.name] if contains(starts_by_role[i][c], start)]
        for i, role in enumerate(shape.roles)
    ]

    def search(depth: int, chosen: tuple[ResourceId, ...]) -> tuple[ResourceId, ...] | None:
        if depth == len(options):
            return chosen
        for candidate in options[depth]:
            if candidate not in chosen:
                found = search(depth + 1, (*chosen, candidate))
                if found is not None:
                    return found
        return None

    return search(0, ())


def _utc_offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    if offset is None:  # pragma: no cover - a ZoneInfo always knows its offset
        raise ValueError(f"{zone} has no UTC offset at {instant}.")
    return offset


def _on_grid(instant: datetime, offset: timedelta, granularity: timedelta) -> bool:
    # Wall-clock time as a distance from a midnight; the grid restarts every local midnight,
    # which is the same as every multiple of the granularity because it divides a day.
    return (instant + offset - EPOCH) % granularity == timedelta()


def _offset_stretches(
    earliest: datetime, latest: datetime, zone: ZoneInfo
) -> list[tuple[datetime, datetime, timedelta]]:
    """``[earliest, latest)`` cut where the zone's UTC offset changes, with each offset.

    Probes every few hours and bisects to the microsecond where two probes disagree.
    """
    stretches: list[tuple[datetime, datetime, timedelta]] = []
    stretch_start, offset = earliest, _utc_offset(earliest, zone)
    probe = earliest
    while probe < latest:
        following = min(probe + OFFSET_PROBE, latest - TICK)
        if following <= probe:
            break
        if _utc_offset(following, zone) != offset:
            before, after = probe, following
            while after - before > TICK:
                middle = before + (after - before) // 2
                if _utc_offset(middle, zone) == offset:
                    before = middle
                else:
                    after = middle
            stretches.append((stretch_start, after, offset))
            stretch_start, offset = after, _utc_offset(after, zone)
        probe = following
    stretches.append((stretch_start, latest, offset))
    return stretches


def _grid_starts(
    start: datetime,
    end: datetime,
    stretches: Sequence[tuple[datetime, datetime, timedelta]],
    granularity: timedelta,
) -> Iterator[datetime]:
    """The grid instants in ``[start, end)``: local wall-clock time a multiple of granularity."""
    for stretch_start, stretch_end, offset in stretches:
        low, high = max(start, stretch_start), min(end, stretch_end)
        if low >= high:
            continue
        late = (low + offset - EPOCH) % granularity
        instant = low if not late else low + (granularity - late)
        while instant < high:
            yield instant
            instant += granularity
