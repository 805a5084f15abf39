"""The clinic's setup as availability needs it, read once per change and kept in each process.

Services (roles, segments, booking rules), each location's active resources and their
skills, the providers' weekly shifts, office hours, special hours, closures and time off
change a few times a week; bookings change all day. Availability used to read both on every
request (eleven queries, most of its time); now only the bookings are read each time, and
the setup is kept in memory until it changes.

Correct across processes: every insert, update or delete on the setup's tables, however it
is made (admin, a queryset's ``update``, ``bulk_create``, raw SQL, a data migration), fires
a database trigger that writes a new random token into the one row of ``CatalogVersion``,
in the same transaction as the change. Each read first fetches that token (one query on the
primary key): the same token means the same committed setup, so the process's copy is used;
another token means the setup is read again. The token is read before the setup, so what
is kept under a token is never older than the token; a random token never comes back, so a
change rolled back cannot leave a copy that looks current. The triggers are (re)installed
after every ``migrate`` (``install_triggers``), because SQLite drops a table's triggers when
a migration rebuilds the table.
"""

import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from dermadesk.clinic.hours import DateRange, Schedule, Span
from dermadesk.clinic.models import Closure, Location, OfficeHours, SpecialHours
from dermadesk.scheduling.engine import BookingRules, ResourceId, Role, Segment, ServiceShape
from dermadesk.scheduling.intervals import Interval
from dermadesk.scheduling.models import (
    CatalogVersion,
    Resource,
    Service,
    ServiceRole,
    ServiceSegment,
    Unavailability,
    WeeklyShift,
)

_VERSION_TABLE = CatalogVersion._meta.db_table
_TOKEN_SQL = f"SELECT token FROM {_VERSION_TABLE} WHERE id = 1"  # noqa: S608 -- our table


def catalog_models() -> tuple[type[Model], ...]:
    """The tables whose rows the kept setup is made of: a change to any of them renews it."""
    return (
        Location,
        OfficeHours,
        SpecialHours,
        Closure,
        Resource,
        Resource.skills.through,
        WeeklyShift,
        Unavailability,
        Service,
        ServiceRole,
        ServiceSegment,
    )


def resource_key(resource_id: int) -> ResourceId:
    return str(resource_id)


@dataclass(frozen=True, slots=True)
class CatalogResource:
    """An active resource of a location, as the engine's reads need it."""

    pk: int
    kind: str
    category: str
    skills: frozenset[int]


@dataclass(frozen=True, slots=True)
class RoleSetup:
    name: str
    kind: str
    category: str
    skill_id: int | None
    resource_id: int | None

    def filled_by(self, resource: CatalogResource) -> bool:
        """Whether ``resource`` can play this role."""
        if self.resource_id is not None:
            return resource.pk == self.resource_id
        if resource.kind != self.kind:
            return False
        if self.category and resource.category != self.category:
            return False
        return self.skill_id is None or self.skill_id in resource.skills


@dataclass(frozen=True, slots=True)
class ServiceSetup:
    """A service's roles, steps and booking rules."""

    pk: int
    roles: tuple[RoleSetup, ...]
    segments: tuple[tuple[str, int, int], ...]
    """Each step: the role's name, its first and its end minute."""
    slot_minutes: int
    min_notice_minutes: int
    horizon_days: int

    def rules(self, *, by_staff: bool = False) -> BookingRules:
        return booking_rules(self, by_staff=by_staff)


class HasRules(Protocol):
    """A service's rule fields: the model's, or the kept copy's."""

    @property
    def slot_minutes(self) -> int: ...
    @property
    def min_notice_minutes(self) -> int: ...
    @property
    def horizon_days(self) -> int: ...


def booking_rules(service: HasRules, *, by_staff: bool = False) -> BookingRules:
    """A service's booking rules; ``by_staff``: without the online notice and horizon."""
    rules = BookingRules(
        granularity=timedelta(minutes=service.slot_minutes),
        minimum_notice=timedelta(minutes=service.min_notice_minutes),
        horizon=timedelta(days=service.horizon_days),
    )
    return rules.for_staff() if by_staff else rules


@dataclass(frozen=True, slots=True)
class Blocks:
    """One resource's time off (or maintenance), sorted by start, found by window quickly."""

    starts: tuple[datetime, ...]
    intervals: tuple[Interval, ...]
    longest: timedelta

    @classmethod
    def of(cls, intervals: list[Interval]) -> "Blocks":
        ordered = tuple(sorted(intervals))
        longest = max((end - start for start, end in ordered), default=timedelta(0))
        return cls(tuple(start for start, _ in ordered), ordered, longest)

    def overlapping(self, start: datetime, end: datetime) -> list[Interval]:
        """The blocks that overlap ``[start, end)``."""
        # A block starting at or before ``start - longest`` has ended by ``start``.
        first = bisect_right(self.starts, start - self.longest)
        last = bisect_left(self.starts, end)
        return [block for block in self.intervals[first:last] if block[1] > start]


NO_BLOCKS = Blocks((), (), timedelta(0))


@dataclass(frozen=True)
class LocationSetup:
    """A location's active resources, shifts, hours, closures and time off."""

    resources: tuple[CatalogResource, ...]
    """Active resources, by primary key."""
    shifts: Mapping[int, Mapping[int, tuple[Span, ...]]]
    """Each provider's spans per weekday (0 = Monday)."""
    weekly: Mapping[int, tuple[Span, ...]]
    special: Mapping[date, tuple[Span, ...]]
    closures: tuple[DateRange, ...]
    blocks: Mapping[int, Blocks]

    def schedule(self, zone: ZoneInfo, first_day: date, last_day: date) -> Schedule:
        """When the location opens, with the special hours and closures between two days."""
        return Schedule(
            zone=zone,
            weekly=self.weekly,
            exceptions={
                day: spans for day, spans in self.special.items() if first_day <= day <= last_day
            },
            closures=tuple(c for c in self.closures if c.first <= last_day and c.last >= first_day),
        )

    def blocked(self, resource_id: int, start: datetime, end: datetime) -> list[Interval]:
        """The resource's time off overlapping ``[start, end)``."""
        return self.blocks.get(resource_id, NO_BLOCKS).overlapping(start, end)


@dataclass
class Catalog:
    """The setup as of one token, filled in as locations and services are first asked for.

    Use it only just after ``current_catalog()`` returned it: what it reads then is at
    least as new as its token.
    """

    token: str | None
    """None: the token row is missing (a database just flushed); nothing is kept."""
    _locations: dict[int, LocationSetup] = field(default_factory=dict)
    _services: dict[int, ServiceSetup] = field(default_factory=dict)
    _shapes: dict[tuple[int, int], tuple[ServiceShape, tuple[CatalogResource, ...]]] = field(
        default_factory=dict
    )

    def location(self, location_id: int) -> LocationSetup:
        setup = self._locations.get(location_id)
        if setup is None:
            setup = self._locations[location_id] = read_location(location_id)
        return setup

    def service(self, service_id: int) -> ServiceSetup:
        setup = self._services.get(service_id)
        if setup is None:
            setup = self._services[service_id] = read_service(service_id)
        return setup

    def shape(
        self, service_id: int, location_id: int
    ) -> tuple[ServiceShape, tuple[CatalogResource, ...]]:
        """The service's shape at the location, and the resources that can fill its roles."""
        key = (service_id, location_id)
        if key not in self._shapes:
            self._shapes[key] = service_shape(
                self.service(service_id), self.location(location_id).resources
            )
        return self._shapes[key]


def service_shape(
    service: ServiceSetup, resources: tuple[CatalogResource, ...]
) -> tuple[ServiceShape, tuple[CatalogResource, ...]]:
    """The service's roles (with the resources that can fill them) and segments, and those
    resources."""
    roles = tuple(
        Role(role.name, tuple(resource_key(r.pk) for r in resources if role.filled_by(r)))
        for role in service.roles
    )
    shape = ServiceShape(
        roles=roles,
        segments=tuple(
            Segment(name, timedelta(minutes=first), timedelta(minutes=last))
            for name, first, last in service.segments
        ),
    )
    wanted = {key for role in roles for key in role.candidates}
    return shape, tuple(r for r in resources if resource_key(r.pk) in wanted)


_kept: Catalog = Catalog(token=None)
_keeping = threading.Lock()


def current_catalog() -> Catalog:
    """The setup as it stands now: the process's copy, or a new one if the token moved."""
    global _kept
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL)
        row = cursor.fetchone()
    token = row[0] if row else None
    if token is None:
        return Catalog(token=None)  # Nothing to check a copy against: read everything.
    with _keeping:
        if _kept.token != token:
            _kept = Catalog(token=token)
        return _kept


def read_service(service_id: int) -> ServiceSetup:
    """Three queries: the service, its roles, its steps."""
    service = Service.objects.only("slot_minutes", "min_notice_minutes", "horizon_days").get(
        pk=service_id
    )
    roles = list(
        ServiceRole.objects.filter(service_id=service_id)
        .order_by("pk")
        .values_list("pk", "name", "kind", "category", "skill_id", "resource_id")
    )
    names = {pk: name for pk, name, *_ in roles}
    steps = (
        ServiceSegment.objects.filter(service_id=service_id)
        .order_by("start_minute", "pk")
        .values_list("role_id", "start_minute", "end_minute")
    )
    return ServiceSetup(
        pk=service_id,
        roles=tuple(RoleSetup(*role[1:]) for role in roles),
        segments=tuple((names[role_id], first, last) for role_id, first, last in steps),
        slot_minutes=service.slot_minutes,
        min_notice_minutes=service.min_notice_minutes,
        horizon_days=service.horizon_days,
    )


def read_location(location_id: int) -> LocationSetup:
    """Six queries: resources with their skills, shifts, office hours, special hours,
    closures, time off."""
    found: dict[int, tuple[str, str, set[int]]] = {}
    for pk, kind, category, skill in (
        Resource.objects.filter(location_id=location_id, active=True)
        .order_by("pk")
        .values_list("pk", "kind", "category", "skills")
    ):
        skills = found.setdefault(pk, (kind, category, set()))[2]
        if skill is not None:
            skills.add(skill)
    resources = tuple(
        CatalogResource(pk, kind, category, frozenset(skills))
        for pk, (kind, category, skills) in found.items()
    )
    shifts: dict[int, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for resource_id, weekday, starts, ends in WeeklyShift.objects.filter(
        resource__location_id=location_id, resource__active=True
    ).values_list("resource_id", "weekday", "starts", "ends"):
        shifts[resource_id][weekday].append(Span(starts, ends))
    weekly: dict[int, list[Span]] = defaultdict(list)
    for weekday, opens, closes in OfficeHours.objects.filter(location_id=location_id).values_list(
        "weekday", "opens", "closes"
    ):
        weekly[weekday].append(Span(opens, closes))
    special: dict[date, list[Span]] = defaultdict(list)
    for day, opens, closes in SpecialHours.objects.filter(location_id=location_id).values_list(
        "date", "opens", "closes"
    ):
        special[day].append(Span(opens, closes))
    closures = tuple(
        DateRange(first, last)
        for first, last in Closure.objects.filter(location_id=location_id)
        .order_by("first_day")
        .values_list("first_day", "last_day")
    )
    blocks: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, starts_at, ends_at in Unavailability.objects.filter(
        resource__location_id=location_id, resource__active=True
    ).values_list("resource_id", "starts_at", "ends_at"):
        blocks[resource_id].append((starts_at, ends_at))
    return LocationSetup(
        resources=resources,
        shifts={
            pk: {day: tuple(sorted(spans)) for day, spans in by_day.items()}
            for pk, by_day in shifts.items()
        },
        weekly={day: tuple(sorted(spans)) for day, spans in weekly.items()},
        special={day: tuple(sorted(spans)) for day, spans in special.items()},
        closures=closures,
        blocks={pk: Blocks.of(intervals) for pk, intervals in blocks.items()},
    )


# The triggers. SQLite: three per table (row-level is all it has); PostgreSQL: one
# statement-level trigger per table, TRUNCATE included, calling one function.
_NEW_TOKEN = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
}
_RENEW = (
    "INSERT INTO {table} (id, token) VALUES (1, {token}) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)
_PG_FUNCTION = "scheduling_catalog_changed"


def trigger_sql(vendor: str, tables: list[str]) -> list[str]:
    """The statements that (re)create the triggers on ``tables``; idempotent."""
    renew = _RENEW.format(table=_VERSION_TABLE, token=_NEW_TOKEN[vendor])
    if vendor == "sqlite":
        return [
            statement
            for table in tables
            for event in ("insert", "update", "delete")
            for statement in (
                f'DROP TRIGGER IF EXISTS "catalog_{table}_{event}"',
                f'CREATE TRIGGER "catalog_{table}_{event}" AFTER {event.upper()} ON "{table}" '
                f"FOR EACH ROW BEGIN {renew}; END",
            )
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {renew}; RETURN NULL; END $$",
        *(
            statement
            for table in tables
            for statement in (
                f'DROP TRIGGER IF EXISTS catalog_changed ON "{table}"',
                f"CREATE TRIGGER catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()',
            )
        ),
    ]


def install_triggers(database: BaseDatabaseWrapper) -> None:
    """Create the token row (if missing) and the triggers on every setup table there is."""
    if database.vendor not in _NEW_TOKEN:
        return
    existing = set(database.introspection.table_names())
    if _VERSION_TABLE not in existing:
        return  # Migrated back to before it existed.
    tables = [m._meta.db_table for m in catalog_models() if m._meta.db_table in existing]
    with database.cursor() as cursor:
        for statement in trigger_sql(database.vendor, tables):
            cursor.execute(statement)
        cursor.execute(_RENEW.format(table=_VERSION_TABLE, token=_NEW_TOKEN[database.vendor]))


def triggers_after_migrate(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate``, connected for the scheduling app: once per ``migrate`` or ``flush``."""
    install_triggers(connections[using])
