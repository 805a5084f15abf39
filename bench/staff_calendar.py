"""The back office's week calendar of one location: reads, layout and the whole page.

Run ``make bench`` (or ``.venv/bin/python bench/staff_calendar.py``); it prints a markdown
table. (Not ``calendar.py``: run as a script, that name would stand in for the standard
library's ``calendar``, which Django imports.)

The clinic is the demo clinic (open 08:00-19:00 daily, America/Chicago) with a fourth
clinician: 4 clinicians, 3 rooms, 2 pens, 1 centrifuge. 300 visits of one week (most of
them consultations, some Micro-Needling and Micro-Needling with PRP, each for its own
patient) are placed by the engine at random feasible starts (fixed seed) and written with
bulk inserts. The page is asked for through Django's test client by a signed-in front-desk
member, so the figure holds the middleware (session, the staff gate, the second factor),
the six reads, the layout, the template and the audit row. The database is a fresh SQLite
file in a temporary folder (set BENCH_DATABASE_URL to measure PostgreSQL instead).
"""

import os
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DERMADESK_VAR_DIR", tempfile.mkdtemp(prefix="dermadesk-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("STATIC_MANIFEST", "0")
# The test client speaks plain HTTP to the host "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ["DJANGO_SETTINGS_MODULE"] = "dermadesk.settings"
if "BENCH_DATABASE_URL" in os.environ:
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from dermadesk.clinic.demo import create_demo_location  # noqa: E402
from dermadesk.clinic.models import Location  # noqa: E402
from dermadesk.patients.models import Patient  # noqa: E402
from dermadesk.scheduling import engine  # noqa: E402
from dermadesk.scheduling.demo import create_demo_scheduling  # noqa: E402
from dermadesk.scheduling.intervals import IntervalSet, normalize, subtract  # noqa: E402
from dermadesk.scheduling.models import (  # noqa: E402
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    ResourceKind,
    Service,
    Skill,
    WeeklyShift,
)
from dermadesk.scheduling.queries import availability_inputs  # noqa: E402
from dermadesk.staff.calendar_grid import day_grid, week_table  # noqa: E402
from dermadesk.staff.calendar_queries import calendar_days  # noqa: E402
from dermadesk.staff.roles import Role  # noqa: E402
from dermadesk.staff.tests.people import signed_in, staff_member  # noqa: E402

SEED = 20261207
MONDAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # the week before, so every visit lies ahead
VISITS = 300
MIX = [("consultation", 0.85), ("micro-needling", 0.1), ("micro-needling-prp", 0.05)]
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
            WeeklyShift(resource=fourth, weekday=d, starts=time(8), ends=time(19)) for d in range(7)
        )
    return location


def populate(location: Location) -> int:
    """Place up to ``VISITS`` visits in the week with the engine; returns how many."""
    Allocation.objects.all().delete()
    Booking.objects.all().delete()
    zone = location.zone
    start = datetime.combine(MONDAY, time(0), tzinfo=zone)
    end = start + timedelta(days=7)
    services = {s.slug: s for s in Service.objects.all()}
    inputs = {
        slug: availability_inputs(service=service, location=location, start=start, end=end, now=NOW)
        for slug, service in services.items()
    }
    free: dict[engine.ResourceId, IntervalSet] = {}
    for service_inputs in inputs.values():
        free.update(service_inputs.free)
    rules = engine.BookingRules(granularity=timedelta(minutes=15))
    rng = random.Random(SEED)  # noqa: S311 - invented visits, nothing secret
    slugs, weights = zip(*MIX, strict=True)
    patients = Patient.objects.bulk_create(
        Patient(given_name=f"Patient{n}", family_name=f"Benchmark{n}",
                email=f"patient{n}@example.com", date_of_birth=date(1980, 1, 1))
        for n in range(VISITS)
    )  # fmt: skip
    bookings: list[Booking] = []
    rows: list[list[Allocation]] = []
    attempts = 0
    while len(bookings) < VISITS and attempts < VISITS * 20:
        attempts += 1
        slug = rng.choices(slugs, weights)[0]
        day_start = start + timedelta(days=rng.randrange(7))
        slots = engine.bookable_starts(
            inputs[slug].shape, free, window=(day_start, day_start + timedelta(days=1)),
            now=NOW, zone=zone, rules=rules,
        )  # fmt: skip
        if not slots:
            continue
        slot = rng.choice(slots[:8])  # pack the day from its start, as a busy desk does
        placed = engine.allocations(inputs[slug].shape, slot.start, slot.assignment)
        for item in placed:
            free[item.resource] = subtract(free[item.resource], normalize([(item.start, item.end)]))
        roles = {resource: role for role, resource in slot.assignment.items()}
        bookings.append(
            Booking(
                location=location, service=services[slug], status=BookingStatus.CONFIRMED,
                starts_at=slot.start, ends_at=max(item.end for item in placed),
                channel=BookingChannel.STAFF, patient=patients[len(bookings)],
            )
        )  # fmt: skip
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


def main() -> None:
    location = build_clinic()
    placed = populate(location)
    allocations = Allocation.objects.count()
    busiest = max(
        (MONDAY + timedelta(days=i) for i in range(7)),
        key=lambda d: Booking.objects.filter(
            starts_at__gte=datetime.combine(d, time(0), tzinfo=location.zone),
            starts_at__lt=datetime.combine(d + timedelta(days=1), time(0), tzinfo=location.zone),
        ).count(),
    )
    desk = staff_member("bench-desk", Role.FRONT_DESK)
    client = signed_in(Client(), desk)
    week_url = f"/staff/calendar/week/?date={MONDAY.isoformat()}&location={location.slug}"
    day_url = f"/staff/calendar/?date={busiest.isoformat()}&location={location.slug}"

    def reads() -> object:
        return calendar_days(location=location, first_day=MONDAY, days=7, now=NOW)

    def reads_and_layout() -> object:
        found = calendar_days(location=location, first_day=MONDAY, days=7, now=NOW)
        return week_table(found.day_list, location.zone, found.columns, found.steps)

    def day_reads_and_layout() -> object:
        found = calendar_days(location=location, first_day=busiest, days=1, now=NOW)
        return day_grid(busiest, location.zone, found.columns, found.steps,
                        open_spans=found.open_spans)  # fmt: skip

    def page(url: str) -> Callable[[], object]:
        def ask() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        return ask

    asked: list[str] = []

    def counted(run: Callable[..., object], sql: str, *rest: object) -> object:
        asked.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(counted):
        page(week_url)()
    size = len(client.get(week_url).content)
    print(f"Database: {connection.vendor}; {RUNS} runs per figure, milliseconds.\n")
    print(
        f"{placed} visits placed in the week of {MONDAY:%d %B %Y} ({allocations} allocations); "
        f"the week page asks {len(asked)} queries and weighs {size // 1024} KB.\n"
    )
    print("| what | median | p95 |")
    print("| --- | ---: | ---: |")
    cases: list[tuple[str, Callable[[], object]]] = [
        ("week: reads (`calendar_days`, six queries)", reads),
        ("week: reads + layout (`week_table`)", reads_and_layout),
        ("week: the whole page, signed in (test client)", page(week_url)),
        (f"busiest day ({busiest:%A}): reads + layout (`day_grid`)", day_reads_and_layout),
        (f"busiest day ({busiest:%A}): the whole page", page(day_url)),
    ]
    for label, function in cases:
        median, p95 = timed(function)
        print(f"| {label} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
