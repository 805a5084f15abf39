"""The managers' report: a year of one location's figures, through the database, on SQLite.

Run ``make bench`` (or ``.venv/bin/python bench/reports.py``); it prints a markdown table.

The demo clinic with a year of history (fixed seed): 12,000 visits (70% completed, 10% not
attended, 20% cancelled), 400 courses of 4 to 6 sessions, 3,000 contact messages and 3,000
screenings, written with bulk inserts into a fresh SQLite file in a temporary folder (set
BENCH_DATABASE_URL to measure PostgreSQL instead). Measured: ``monthly_report`` for the 12
months (its four queries and the arithmetic), and the page and the CSV through the test
client as a signed-in manager.
"""

import os
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from dermadesk.clinic.models import Location  # noqa: E402
from dermadesk.contact.models import ContactMessage  # noqa: E402
from dermadesk.patients.models import Patient  # noqa: E402
from dermadesk.scheduling.models import Booking, BookingChannel, Series, Service  # noqa: E402
from dermadesk.screening.models import Questionnaire, ScreeningResponse  # noqa: E402
from dermadesk.staff.monthly import Month  # noqa: E402
from dermadesk.staff.reports import monthly_report  # noqa: E402
from dermadesk.staff.roles import Role  # noqa: E402
from dermadesk.staff.tests.people import signed_in, staff_member  # noqa: E402

SEED = 20261205
YEAR_START = datetime(2026, 1, 1, 12, tzinfo=UTC)
VISITS, COURSES, CONTACTS, SCREENINGS, PATIENTS = 12_000, 400, 3_000, 3_000, 2_000


def instant(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))


def fill(location: Location) -> None:
    rng = random.Random(SEED)  # noqa: S311 - test data, not secrets
    services = list(Service.objects.all())
    patients = Patient.objects.bulk_create(
        Patient(given_name=f"P{n}", family_name="Bench", email=f"p{n}@example.com",
                date_of_birth=date(1990, 1, 1) + timedelta(days=n))
        for n in range(PATIENTS)
    )  # fmt: skip

    def visit(starts_at: datetime, status: str, **more: object) -> Booking:
        return Booking(
            location=location, service=rng.choice(services), patient=rng.choice(patients),
            status=status, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
            channel=BookingChannel.WEB, **more,
        )  # fmt: skip

    statuses = ["completed"] * 7 + ["no_show"] + ["cancelled"] * 2
    Booking.objects.bulk_create(visit(instant(rng), rng.choice(statuses)) for _ in range(VISITS))
    courses = Series.objects.bulk_create(
        Series(location=location, service=services[0], patient=rng.choice(patients),
               sessions_planned=rng.randint(4, 6))
        for _ in range(COURSES)
    )  # fmt: skip
    sessions = []
    for course in courses:
        first = instant(rng)
        for number in range(1, course.sessions_planned + 1):
            starts_at = first + timedelta(days=28 * (number - 1))
            status = "completed" if starts_at < YEAR_START + timedelta(days=300) else "confirmed"
            sessions.append(visit(starts_at, status, series=course, series_number=number))
    Booking.objects.bulk_create(sessions)
    ContactMessage.objects.bulk_create(
        ContactMessage(name="Someone", email=f"p{rng.randrange(PATIENTS * 2)}@example.com",
                       topic="prices", message="?", created_at=instant(rng))
        for _ in range(CONTACTS)
    )  # fmt: skip
    questionnaire = Questionnaire.objects.order_by("pk")[0]
    ScreeningResponse.objects.bulk_create(
        ScreeningResponse(patient=rng.choice(patients), questionnaire=questionnaire,
                          service=rng.choice(services), answers={}, treatment_date=date(2026, 6, 1),
                          outcome="suitable", created_at=instant(rng), valid_until=date(2026, 9, 1))
        for _ in range(SCREENINGS)
    )  # fmt: skip


def median_ms(run: Callable[[], object], times: int = 15) -> float:
    run()  # warm
    samples = []
    for _ in range(times):
        started = clock.perf_counter()
        run()
        samples.append((clock.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    location = Location.objects.get(slug="springfield")
    fill(location)
    first, last = Month(2026, 1), Month(2026, 12)

    def report() -> object:
        return monthly_report(first=first, last=last, locations=[location],
                              clinic_zone=location.zone)  # fmt: skip

    with CaptureQueriesContext(connection) as captured:
        report()
    queries = len(captured)  # counted now: each request below starts a new query log
    client = signed_in(Client(), staff_member("bench-manager", Role.MANAGER))
    query = {"first": "2026-01", "last": "2026-12"}

    def page(path: str) -> Callable[[], object]:
        def get() -> object:
            response = client.get(path, query, secure=True)  # production settings: HTTPS
            assert response.status_code == 200, response.status_code
            return response

        return get

    with override_settings(ALLOWED_HOSTS=["testserver"]):
        rows = [
            ("`monthly_report`, 12 months", median_ms(report)),
            ("`/staff/reports/` page", median_ms(page("/staff/reports/"))),
            ("`/staff/reports/export.csv`", median_ms(page("/staff/reports/export.csv"))),
        ]
    print(f"\n### Report: a year at one location ({connection.vendor})\n")
    print(f"{VISITS:,} visits, {COURSES} courses, {CONTACTS:,} contact messages, "
          f"{SCREENINGS:,} screenings; {queries} queries.\n")  # fmt: skip
    print("| what | median |\n| --- | ---: |")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} ms |")


if __name__ == "__main__":
    main()
