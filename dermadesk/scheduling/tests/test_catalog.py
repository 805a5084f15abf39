"""The kept copy of the clinic's setup: any change, made any way, shows in the next answer."""

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from dermadesk.clinic.models import Closure, Location, OfficeHours, SpecialHours
from dermadesk.scheduling.catalog import catalog_models
from dermadesk.scheduling.models import (
    CatalogVersion,
    Resource,
    ResourceKind,
    Service,
    ServiceRole,
    ServiceSegment,
    Skill,
    Unavailability,
    WeeklyShift,
)
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[3]
THURSDAY = date(2026, 11, 26)  # every demo provider works on Thursdays


Answer = list[tuple[datetime, list[tuple[str, str]]]]


def answer(location: Location, slug: str = "micro-needling-prp") -> Answer:
    """The free starts of a treatment on Thursday, each with the resources it would get."""
    start = datetime.combine(THURSDAY, time(0), tzinfo=location.zone)
    slots = available_slots(
        service=Service.objects.get(slug=slug),
        location=location,
        start=start,
        end=start + timedelta(days=1),
        now=NOW,
    )
    return [(slot.start, sorted(slot.assignment.items())) for slot in slots]


def read_afresh(location: Location, slug: str = "micro-needling-prp") -> Answer:
    """The answer from the setup read again (a new token makes every process read it)."""
    CatalogVersion.objects.update(token="read-afresh")
    return answer(location, slug)


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


# Each edit changes Thursday's answer, and none goes through Model.save(): updates and
# deletes of querysets, bulk inserts, raw SQL, a many-to-many change.
EDITS: dict[str, Callable[[Location], object]] = {
    "closure added": lambda clinic: Closure.objects.bulk_create(
        [Closure(location=clinic, first_day=THURSDAY, last_day=THURSDAY, reason="Training")]
    ),
    "office hours changed": lambda clinic: OfficeHours.objects.filter(
        location=clinic, weekday=THURSDAY.weekday()
    ).update(opens=time(12)),
    "special hours added": lambda clinic: SpecialHours.objects.bulk_create(
        [SpecialHours(location=clinic, date=THURSDAY, opens=time(9), closes=time(11))]
    ),
    "shift removed": lambda clinic: WeeklyShift.objects.filter(
        resource__name="Dr. Avery Demo", weekday=THURSDAY.weekday()
    ).delete(),
    "time off added": lambda clinic: Unavailability.objects.bulk_create(
        [
            Unavailability(
                resource=Resource.objects.get(name="Dr. Avery Demo"),
                starts_at=datetime.combine(THURSDAY, time(8), tzinfo=clinic.zone),
                ends_at=datetime.combine(THURSDAY, time(13), tzinfo=clinic.zone),
                reason="Dentist",
            )
        ]
    ),
    "resource put out of use": lambda clinic: Resource.objects.filter(name="Pen A").update(
        active=False
    ),
    "skill taken away": lambda clinic: Resource.objects.get(name="Dr. Avery Demo").skills.remove(
        Skill.objects.get(code="prp")
    ),
    "step made longer (raw SQL)": lambda clinic: sql(
        f"UPDATE {ServiceSegment._meta.db_table} SET end_minute = end_minute + 60 "  # noqa: S608
        "WHERE label = %s",
        ["Turnover"],
    ),
    "role tied to one resource": lambda clinic: ServiceRole.objects.filter(
        service__slug="micro-needling-prp", name="room"
    ).update(resource=Resource.objects.get(name="Treatment room 3")),
    "slots every 30 minutes": lambda clinic: Service.objects.filter(
        slug="micro-needling-prp"
    ).update(slot_minutes=30),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_change_to_the_setup_shows_in_the_next_answer(
    clinic: Location, edit: Callable[[Location], object]
) -> None:
    before = answer(clinic)
    assert answer(clinic) == before  # kept, and the same
    edit(clinic)
    after = answer(clinic)
    assert after != before
    assert after == read_afresh(clinic)


def test_a_change_rolled_back_leaves_nothing_behind(clinic: Location) -> None:
    before = answer(clinic)
    with pytest.raises(RuntimeError), transaction.atomic():
        Resource.objects.filter(kind=ResourceKind.PROVIDER).update(active=False)
        assert answer(clinic) == []  # read inside the transaction, from its own change
        raise RuntimeError("undo")
    assert answer(clinic) == before
    # The next change gets a token of its own, not the one the undone change had.
    Closure.objects.create(location=clinic, first_day=date(2027, 1, 1), last_day=date(2027, 1, 1))
    assert answer(clinic) == before


def test_without_its_token_the_setup_is_read_on_every_answer(
    clinic: Location, django_assert_num_queries: Any
) -> None:
    before = answer(clinic)
    CatalogVersion.objects.all().delete()  # as a flushed database has it
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime.combine(THURSDAY, time(0), tzinfo=clinic.zone)
    for _ in range(2):
        with django_assert_num_queries(11):
            slots = available_slots(
                service=service, location=clinic, start=start, end=start + timedelta(days=1),
                now=NOW,
            )  # fmt: skip
        assert [(s.start, sorted(s.assignment.items())) for s in slots] == before


def test_migrate_puts_back_a_trigger_that_went_missing(clinic: Location) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    table = Closure._meta.db_table
    if connection.vendor == "sqlite":
        sql(f'DROP TRIGGER "catalog_{table}_insert"', [])
    else:
        sql(f'DROP TRIGGER catalog_changed ON "{table}"', [])
    call_command("migrate", verbosity=0)
    before = answer(clinic)
    EDITS["closure added"](clinic)
    assert answer(clinic) == []
    assert before != []


def test_every_table_of_the_setup_has_its_trigger(db: None) -> None:
    tables = {model._meta.db_table for model in catalog_models()}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = 'catalog_changed'"
            )
        triggered = {row[0] for row in cursor.fetchall()}
    assert tables <= triggered


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_shows_in_the_next_answer(clinic: Location) -> None:
    before = answer(clinic)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings['NAME']}"
    else:
        url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}"
        )
    change = (
        "from dermadesk.clinic.models import OfficeHours; "
        "OfficeHours.objects.filter(weekday=3).update(opens='15:00')"
    )
    subprocess.run(  # noqa: S603 -- our own manage.py, on the test database
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", change],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True, timeout=120,
    )  # fmt: skip
    after = answer(clinic)
    assert after != before
    assert min(after)[0].astimezone(clinic.zone).time() >= time(15)
