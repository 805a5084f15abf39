"""Selectors: read what the availability engine needs, in a fixed number of queries.

Everything is loaded into plain values first (``AvailabilityInputs``); the pure ``engine``
then computes without touching the database. The clinic's setup (services, resources,
shifts, hours, time off) comes from ``catalog``, kept in memory until it changes; only the
busy time of bookings and holds is read on each call.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection

from dermadesk.clinic.hours import Schedule, open_intervals
from dermadesk.clinic.models import Location
from dermadesk.scheduling.catalog import (
    CatalogResource,
    booking_rules,
    current_catalog,
    resource_key,
)
from dermadesk.scheduling.engine import (
    BookingRules,
    Preference,
    ResourceId,
    ServiceShape,
    Slot,
    bookable_starts,
    free_intervals,
)
from dermadesk.scheduling.intervals import Interval, IntervalSet, intersect, normalize
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingStatus,
    ResourceKind,
    Service,
)
from dermadesk.scheduling.series import PlannedSession, SeriesPlan, plan_series, session_targets


@dataclass(frozen=True)
class AvailabilityInputs:
    """Everything the engine needs for one service at one location over one window."""

    shape: ServiceShape
    rules: BookingRules
    free: dict[ResourceId, IntervalSet]
    load: dict[ResourceId, float]
    """Minutes each candidate is already booked in the window: the engine's tie-break."""
    resources: dict[ResourceId, CatalogResource]
    open_time: IntervalSet
    """When the location is open around the window (closures and special hours applied)."""

    @property
    def provider_roles(self) -> tuple[str, ...]:
        """The roles filled by people: a series keeps the same ones where it can."""
        return tuple(
            role.name
            for role in self.shape.roles
            if role.candidates
            and all(self.resources[c].kind == ResourceKind.PROVIDER for c in role.candidates)
        )


def service_rules(service: Service, *, by_staff: bool = False) -> BookingRules:
    """The service's booking rules; ``by_staff``: without the online notice and horizon."""
    return booking_rules(service, by_staff=by_staff)


_ALLOCATIONS = Allocation._meta.db_table
# Hand-written rather than built by the ORM on every call (measured: about 1 ms of Python
# for this one query). ``active = %s`` with True matches the partial index
# ``allocation_busy_idx`` on both databases (SQLite plans again once it is bound).
_BUSY_SQL = f"""
    SELECT resource_id, {{starts}}, {{ends}} FROM {_ALLOCATIONS}
    WHERE active = %s AND resource_id IN ({{ids}}) AND ends_at > %s AND starts_at < %s
        AND (hold_expires_at IS NULL OR hold_expires_at > %s){{ignoring}}
"""  # noqa: S608 -- the table and column names are ours; every value is a parameter
# SQLite: read the instants as plain text (no declared type, so none of Django's converters)
# and parse them with ``fromisoformat``: half the time of the converters for ~2,000 rows.
_INSTANT_COLUMNS = {
    "sqlite": ("CAST(starts_at AS TEXT)", "CAST(ends_at AS TEXT)"),
}


def busy_allocations(
    resource_ids: list[int],
    start: datetime,
    end: datetime,
    now: datetime,
    ignoring: Collection[int] = (),
) -> list[tuple[int, datetime, datetime]]:
    """Active allocations of these resources overlapping ``[start, end)``; expired holds skipped.

    ``ignoring``: bookings being moved do not stand in their own way.
    This is the one read that grows with the bookings, so it avoids the ORM's per-value
    conversion (measured: most of the selector's time on SQLite, which returns text).
    """
    if not resource_ids:
        return []
    starts, ends = _INSTANT_COLUMNS.get(connection.vendor, ("starts_at", "ends_at"))
    excluded = sorted(ignoring)
    sql = _BUSY_SQL.format(
        starts=starts,
        ends=ends,
        ids=", ".join(["%s"] * len(resource_ids)),
        ignoring=f" AND booking_id NOT IN ({', '.join(['%s'] * len(excluded))})"
        if excluded
        else "",
    )
    instant = connection.ops.adapt_datetimefield_value
    params = [True, *resource_ids, instant(start), instant(end), instant(now), *excluded]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        parsed: dict[str, datetime] = {}

        def utc(text: str) -> datetime:
            # Django stores UTC, naive, as "YYYY-MM-DD HH:MM:SS[.ffffff]"; a booking's
            # allocations share their instants, so each text is parsed once.
            value = parsed.get(text)
            if value is None:
                value = parsed[text] = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return value

        return [(row[0], utc(row[1]), utc(row[2])) for row in rows]
    return [(row[0], as_utc(row[1]), as_utc(row[2])) for row in rows]


def as_utc(value: datetime | str) -> datetime:
    """A stored instant as an aware UTC datetime.

    Django stores UTC; SQLite hands it back as text or as a naive datetime (its converter),
    PostgreSQL as an aware one.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def availability_inputs(
    *,
    service: Service,
    location: Location,
    start: datetime,
    end: datetime,
    now: datetime,
    ignoring_booking: int | None = None,
    ignoring_bookings: Collection[int] = (),
    by_staff: bool = False,
) -> AvailabilityInputs:
    """Read the service, its candidate resources and their busy time around ``[start, end)``.

    Two queries while the clinic's setup is kept (the setup's token, the busy time); eleven
    the first time after it changed. Whatever the window, the resources or the bookings.
    ``ignoring_booking`` (one) and ``ignoring_bookings`` (several, e.g. the later sessions
    of a course being moved together): their own time counts as free. ``by_staff``: the
    rules of a booking made by staff (no online notice or horizon).
    """
    ignoring = {*ignoring_bookings, *([ignoring_booking] if ignoring_booking is not None else [])}
    catalog = current_catalog()
    setup = catalog.location(location.pk)
    shape, candidates = catalog.shape(service.pk, location.pk)
    ids = [r.pk for r in candidates]

    # A visit starting inside the window may run past its end: look that far beyond it.
    reach_start, reach_end = start - shape.duration, end + shape.duration
    zone = location.zone
    schedule = setup.schedule(
        zone,
        reach_start.astimezone(zone).date() - timedelta(days=1),
        reach_end.astimezone(zone).date() + timedelta(days=1),
    )
    open_time = open_intervals(schedule, reach_start, reach_end)

    busy: dict[int, list[Interval]] = {pk: setup.blocked(pk, reach_start, reach_end) for pk in ids}
    load: dict[ResourceId, float] = defaultdict(float)
    for resource_id, busy_start, busy_end in busy_allocations(
        ids, reach_start, reach_end, now, ignoring
    ):
        busy[resource_id].append((busy_start, busy_end))
        load[resource_key(resource_id)] += (busy_end - busy_start).total_seconds() / 60

    free: dict[ResourceId, IntervalSet] = {}
    open_set = normalize(open_time)
    for resource in candidates:
        available: list[Interval] | IntervalSet = open_time
        if resource.kind == ResourceKind.PROVIDER:
            # A provider works their shifts, and only while the location is open.
            worked = Schedule(
                zone=zone, weekly=setup.shifts.get(resource.pk, {}), closures=schedule.closures
            )
            available = list(
                intersect(open_set, normalize(open_intervals(worked, reach_start, reach_end)))
            )
        free[resource_key(resource.pk)] = free_intervals(available, busy[resource.pk])
    return AvailabilityInputs(
        shape=shape,
        rules=catalog.service(service.pk).rules(by_staff=by_staff),
        free=free,
        load=dict(load),
        resources={resource_key(r.pk): r for r in candidates},
        open_time=open_set,
    )


def available_slots(
    *,
    service: Service,
    location: Location,
    start: datetime,
    end: datetime,
    now: datetime,
    preferences: Sequence[Preference] = (),
    ignoring_booking: int | None = None,
    by_staff: bool = False,
) -> list[Slot]:
    """Every bookable start of ``service`` in ``[start, end)``, each with its resources.

    ``ignoring_booking``: when a booking is being moved, its own time counts as free.
    ``by_staff``: the starts staff may book (no online notice or horizon).
    """
    inputs = availability_inputs(
        service=service,
        location=location,
        start=start,
        end=end,
        now=now,
        ignoring_booking=ignoring_booking,
        by_staff=by_staff,
    )
    return bookable_starts(
        inputs.shape,
        inputs.free,
        window=(start, end),
        now=now,
        zone=location.zone,
        rules=inputs.rules,
        preferences=preferences,
        load=inputs.load,
    )


def next_free_starts(
    *,
    service: Service,
    location: Location,
    after: datetime,
    now: datetime,
    count: int = 12,
    preferences: Sequence[Preference] = (),
    ignoring_booking: int | None = None,
    by_staff: bool = False,
) -> list[Slot]:
    """The first ``count`` bookable starts of ``service`` from ``after`` (or ``now``, if
    later): the next free times, for staff on the phone. Looks a week ahead, then four
    weeks when the first week has fewer (one more read); each read is eleven queries.
    """
    start = max(after, now)
    slots: list[Slot] = []
    for days in (7, 28):
        slots = available_slots(
            service=service, location=location, start=start, end=start + timedelta(days=days),
            now=now, preferences=preferences, ignoring_booking=ignoring_booking,
            by_staff=by_staff,
        )  # fmt: skip
        if len(slots) >= count:
            break
    return slots[:count]


def nearest_alternatives(
    *,
    service: Service,
    location: Location,
    around: datetime,
    now: datetime,
    count: int = 6,
    ignoring_booking: int | None = None,
    by_staff: bool = False,
) -> list[Slot]:
    """Starts close to one that was taken: the same day first, nearest in time, then the days
    around it, nearest first."""
    zone = location.zone
    day = around.astimezone(zone).date()
    first = datetime.combine(day - timedelta(days=3), time(0), tzinfo=zone)
    last = datetime.combine(day + timedelta(days=4), time(0), tzinfo=zone)
    slots = [
        slot
        for slot in available_slots(
            service=service,
            location=location,
            start=first,
            end=last,
            now=now,
            ignoring_booking=ignoring_booking,
            by_staff=by_staff,
        )
        if slot.start != around
    ]
    slots.sort(
        key=lambda slot: (
            abs((slot.start.astimezone(zone).date() - day).days),
            abs(slot.start - around),
        )
    )
    return sorted(slots[:count], key=lambda slot: slot.start)


def series_proposal(
    *,
    service: Service,
    location: Location,
    first: Slot,
    count: int,
    now: datetime,
    ignoring_booking: int | None = None,
    ignoring_bookings: Collection[int] = (),
    by_staff: bool = False,
) -> SeriesPlan:
    """A course of ``count`` sessions of ``service``, the first being ``first``.

    One read (eleven queries) covers every session's flexible window; the planner does the
    rest. ``ignoring_booking``: the held first session does not stand in its own way;
    ``ignoring_bookings``: nor do sessions about to be moved to the new plan. ``by_staff``:
    planned by the rules of staff (no online notice or horizon).
    """
    zone = location.zone
    last_target = session_targets(
        first.start, count=count, interval_days=service.series_interval_days, zone=zone
    )[-1]
    flex = timedelta(days=service.series_flex_days + 1)
    inputs = availability_inputs(
        service=service,
        location=location,
        start=first.start,
        end=last_target + flex,
        now=now,
        ignoring_booking=ignoring_booking,
        ignoring_bookings=ignoring_bookings,
        by_staff=by_staff,
    )
    return plan_series(
        inputs.shape,
        inputs.free,
        first=first,
        count=count,
        interval_days=service.series_interval_days,
        flex_days=service.series_flex_days,
        now=now,
        zone=zone,
        rules=inputs.rules,
        open_time=inputs.open_time,
        provider_roles=inputs.provider_roles,
        load=inputs.load,
    )


def booking_slot(booking: Booking) -> Slot:
    """A booking's start and the resource it holds in each role, as the engine gives slots."""
    assignment = {
        role: resource_key(resource)
        for role, resource in booking.allocations.values_list("role", "resource_id")
    }
    return Slot(booking.starts_at, assignment)


@dataclass(frozen=True)
class CourseShift:
    """The later sessions of a course, and where they would go to follow one session again."""

    anchor: Booking
    """The session the later ones follow (usually one just moved)."""
    plan: SeriesPlan
    """Planned from the anchor: the plan's session 1 is the anchor, session i its number
    plus i - 1."""
    later: tuple[Booking, ...]
    """The course's confirmed sessions after the anchor, in order."""

    def proposed(self) -> list[tuple[Booking, PlannedSession]]:
        """Each later session with where the plan puts it."""
        first = self.anchor.series_number or 1
        return [
            (booking, self.plan.sessions[(booking.series_number or 0) - first])
            for booking in self.later
        ]

    @property
    def complete(self) -> bool:
        """Every later session has a time near its date."""
        return all(planned.slot is not None for _, planned in self.proposed())

    def starts(self) -> list[datetime | None]:
        """Where the plan puts each later session, in order (None: nothing free near it)."""
        return [planned.slot.start if planned.slot else None for _, planned in self.proposed()]

    @property
    def needed(self) -> bool:
        """Some later session is not where the plan would put it."""
        return any(
            planned.slot is None or planned.slot.start != booking.starts_at
            for booking, planned in self.proposed()
        )


def course_shift(
    *, booking: Booking, now: datetime, after: datetime, by_staff: bool = False
) -> CourseShift | None:
    """How the confirmed sessions after ``booking`` would follow it at the course's interval.

    Only sessions starting after ``after`` are included (e.g. ``now`` plus the online change
    notice). None when the booking is not part of a course or nothing follows it.
    ``by_staff``: planned by the rules of staff.
    """
    if booking.series_id is None or booking.series_number is None:
        return None
    later = tuple(
        Booking.objects.filter(
            series_id=booking.series_id,
            series_number__gt=booking.series_number,
            status=BookingStatus.CONFIRMED,
            starts_at__gt=after,
        ).order_by("series_number")
    )
    if not later:
        return None
    plan = series_proposal(
        service=booking.service,
        location=booking.location,
        first=booking_slot(booking),
        count=(later[-1].series_number or 0) - booking.series_number + 1,
        now=now,
        ignoring_bookings=[session.pk for session in later],
        by_staff=by_staff,
    )
    return CourseShift(anchor=booking, plan=plan, later=later)
