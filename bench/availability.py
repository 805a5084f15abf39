"""Availability through the database: the selector's queries plus the engine, on SQLite.

Run ``make bench`` (or ``.venv/bin/python bench/availability.py``); it prints markdown tables.

The clinic is the demo clinic (open 08:00-19:00 daily, America/Chicago) with a fourth
provider: 4 providers, 3 rooms, 2 pens, 1 centrifuge. Existing bookings of the three
services (half consultations, 30% Micro-Needling, 20% with PRP) are placed by the engine
itself at random feasible starts (fixed seed) around "now", three months back and forward
for 5,000 bookings, the period scaled with the count so the clinic is equally busy; they are
then written with bulk inserts. The database is a fresh SQLite file in a temporary folder
(set BENCH_DATABASE_URL to measure PostgreSQL instead).
"""

import os
import random
import statistics
import sys
import tempfile
import time as clock
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DERMADESK_VAR_DIR", tempfile.mkdtemp(prefix="dermadesk-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ["DJANGO_SETTINGS_MODULE"] = "dermadesk.settings"
if "BENCH_DATABASE_URL" in os.environ:
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dermadesk.clinic.demo import create_demo_location  # noqa: E402
from dermadesk.clinic.models import Location  # noqa: E402
from dermadesk.scheduling import engine  # noqa: E402
from dermadesk.scheduling.demo import create_demo_scheduling  # noqa: E402
from dermadesk.scheduling.intervals import IntervalSet, normalize, subtract  # noqa: E402
from dermadesk.scheduling.models import (  # noqa: E402
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    CatalogVersion,
    Resource,
    ResourceKind,
    Service,
    Skill,
    WeeklyShift,
)
from dermadesk.scheduling.queries import availability_inputs, series_proposal  # noqa: E402
from dermadesk.scheduling.series import SeriesPlan, plan_series, session_targets  # noqa: E402

SEED = 20261125
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday morning in Springfield
MIX = [("consultation", 0.5), ("micro-needling", 0.3), ("micro-needling-prp", 0.2)]
RUNS = 30


def build_clinic() -> Location:
    call_command("migrate", verbosity=0)
    create_demo_location()
    location = Location.objects.get(slug="springfield")
    create_demo_scheduling(location)
    fourth, created = Resource.objects.get_or_create(
        location=location, name="Riley Demo, PA", defaults={"kind": ResourceKind.PROVIDER}
    )
    if created:
        fourth.skills.set(Skill.objects.all())
        WeeklyShift.objects.bulk_create(
            WeeklyShift(resource=fourth, weekday=d, starts=time(11), ends=time(19))
            for d in range(7)
        )
    return location


def populate(location: Location, count: int, now: datetime = NOW) -> int:
    """Place ``count`` bookings (as many as fit) with the engine around ``now``; returns how
    many were placed."""
    Allocation.objects.all().delete()
    Booking.objects.all().delete()
    # Six months of history and the month ahead, stretched with the count so the clinic is
    # as busy per day whatever the count; the month ahead about half as full as the past.
    start = now - timedelta(days=round(152 * count / 5000))
    end = now + timedelta(days=31)
    services = {s.slug: s for s in Service.objects.all()}
    inputs = {
        slug: availability_inputs(
            service=service, location=location, start=start, end=end, now=start
        )
        for slug, service in services.items()
    }
    free: dict[engine.ResourceId, IntervalSet] = {}
    for service_inputs in inputs.values():
        free.update(service_inputs.free)
    rules = engine.BookingRules(granularity=timedelta(minutes=15))
    rng = random.Random(SEED + count)  # noqa: S311 - invented bookings, nothing secret
    slugs, weights = zip(*MIX, strict=True)
    days = (end - start).days
    bookings: list[Booking] = []
    rows: list[list[Allocation]] = []
    attempts = 0
    while len(bookings) < count and attempts < count * 6:
        attempts += 1
        slug = rng.choices(slugs, weights)[0]
        shape = inputs[slug].shape
        moment = start + timedelta(days=rng.randrange(days))
        if moment >= now and rng.random() < 0.5:
            continue
        day = moment.astimezone(location.zone).date()
        day_start = datetime.combine(day, time(0), tzinfo=location.zone)
        slots = engine.bookable_starts(
            shape, free, window=(day_start, day_start + timedelta(days=1)), now=start,
            zone=location.zone, rules=rules,
        )  # fmt: skip
        if not slots:
            continue
        slot = rng.choice(slots)
        placed = engine.allocations(shape, slot.start, slot.assignment)
        for item in placed:
            free[item.resource] = subtract(free[item.resource], normalize([(item.start, item.end)]))
        roles = {resource: role for role, resource in slot.assignment.items()}
        bookings.append(
            Booking(
                location=location,
                service=services[slug],
                status=BookingStatus.CONFIRMED,
                starts_at=slot.start,
                ends_at=max(item.end for item in placed),
                channel=BookingChannel.STAFF,
            )
        )
        rows.append(
            [
                Allocation(resource_id=int(i.resource), role=roles[i.resource],
                           starts_at=i.start, ends_at=i.end)
                for i in placed
            ]
        )  # fmt: skip
    Booking.objects.bulk_create(bookings, batch_size=500)
    allocation_rows = []
    for booking, allocations in zip(bookings, rows, strict=True):
        for allocation in allocations:
            allocation.booking = booking
            allocation_rows.append(allocation)
    Allocation.objects.bulk_create(allocation_rows, batch_size=1000)
    return len(bookings)


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds over RUNS calls, after one warm-up."""
    function()
    samples = []
    for _ in range(RUNS):
        began = clock.perf_counter()
        function()
        samples.append((clock.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def availability(
    location: Location, service: Service, days: int, now: datetime = NOW
) -> list[engine.Slot]:
    """What the API's availability does between reading its input and writing its answer."""
    end = now + timedelta(days=days)
    inputs = availability_inputs(service=service, location=location, start=now, end=end, now=now)
    return engine.bookable_starts(
        inputs.shape, inputs.free, window=(now, end), now=now, zone=location.zone,
        rules=inputs.rules, load=inputs.load,
    )  # fmt: skip


def after_change(location: Location, service: Service) -> list[engine.Slot]:
    """The first answer after the setup changed: the setup is read again (nine queries more)."""
    CatalogVersion.objects.update(token=uuid.uuid4().hex)  # what the triggers do on a change
    return availability(location, service, 31)


def engine_only(location: Location, service: Service, days: int) -> Callable[[], object]:
    end = NOW + timedelta(days=days)
    inputs = availability_inputs(service=service, location=location, start=NOW, end=end, now=NOW)
    return lambda: engine.bookable_starts(
        inputs.shape, inputs.free, window=(NOW, end), now=NOW, zone=location.zone,
        rules=inputs.rules, load=inputs.load,
    )  # fmt: skip


def feasibility_check(location: Location, service: Service) -> Callable[[], object]:
    """What the booking path does for one start: read around it, then check it."""
    slot = availability(location, service, 31)[len(availability(location, service, 31)) // 2]

    def check() -> bool:
        inputs = availability_inputs(
            service=service, location=location, start=slot.start,
            end=slot.start + timedelta(microseconds=1), now=NOW,
        )  # fmt: skip
        return engine.is_feasible(inputs.shape, inputs.free, slot.start, slot.assignment)

    assert check()
    return check


def series_cases(location: Location) -> list[tuple[str, Callable[[], SeriesPlan]]]:
    """A course of 6 PRP sessions from the first free start a week or more ahead."""
    service = Service.objects.get(slug="micro-needling-prp")
    week_on = NOW + timedelta(days=7)
    day = (week_on, week_on + timedelta(days=7))
    around = availability_inputs(
        service=service, location=location, start=day[0], end=day[1], now=NOW
    )
    first = engine.bookable_starts(
        around.shape, around.free, window=day, now=NOW, zone=location.zone, rules=around.rules
    )[0]
    last = session_targets(first.start, count=6, interval_days=28, zone=location.zone)[-1]
    inputs = availability_inputs(
        service=service, location=location, start=first.start, end=last + timedelta(days=4),
        now=NOW,
    )  # fmt: skip

    def planner_only() -> SeriesPlan:
        return plan_series(
            inputs.shape, inputs.free, first=first, count=6, interval_days=28, flex_days=3,
            now=NOW, zone=location.zone, rules=inputs.rules, open_time=inputs.open_time,
            provider_roles=inputs.provider_roles, load=inputs.load,
        )  # fmt: skip

    def with_queries() -> SeriesPlan:
        return series_proposal(service=service, location=location, first=first, count=6, now=NOW)

    return [("planner alone", planner_only), ("queries + planner", with_queries)]


def main() -> None:
    location = build_clinic()
    services = list(Service.objects.order_by("display_order"))
    print(f"Database: {connection.vendor}; {RUNS} runs per figure, milliseconds.\n")
    placed = populate(location, 5000)
    in_month = Booking.objects.filter(
        starts_at__gte=NOW, starts_at__lt=NOW + timedelta(days=31)
    ).count()
    print(f"{placed} bookings placed, {in_month} of them in the 31 days measured.\n")
    print("| service | what | median | p95 | starts found |")
    print("| --- | --- | ---: | ---: | ---: |")
    for service in services:
        cases: list[tuple[str, int, Callable[[], object]]] = [
            ("31 days, engine alone", 31, engine_only(location, service, 31)),
            ("31 days, queries + engine", 31, partial(availability, location, service, 31)),
            ("31 days, after a change of setup", 31, partial(after_change, location, service)),
            ("60 days, queries + engine", 60, partial(availability, location, service, 60)),
            ("one start, queries + check", 0, feasibility_check(location, service)),
        ]
        for label, days, function in cases:
            median, p95 = timed(function)
            found = len(availability(location, service, days)) if days else 1
            print(f"| {service.name} | {label} | {median:.1f} | {p95:.1f} | {found} |")

    print("\nA course of 6 Micro-Needling with PRP sessions proposed (bar: 50 ms):\n")
    print("| what | median | p95 | sessions changed |")
    print("| --- | ---: | ---: | ---: |")
    for label, propose in series_cases(location):
        median, p95 = timed(propose)
        print(f"| {label} | {median:.1f} | {p95:.1f} | {len(propose().changed)} |")

    print("\nAs the bookings double (31 days of Micro-Needling with PRP, queries + engine):\n")
    print("| bookings | in the 31 days | median | p95 |")
    print("| ---: | ---: | ---: | ---: |")
    prp = Service.objects.get(slug="micro-needling-prp")
    for count in (1250, 2500, 5000, 10000):
        placed = populate(location, count)
        in_month = Booking.objects.filter(
            starts_at__gte=NOW, starts_at__lt=NOW + timedelta(days=31)
        ).count()
        median, p95 = timed(lambda: availability(location, prp, 31))
        print(f"| {placed} | {in_month} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
