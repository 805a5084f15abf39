"""Back up, wipe, restore: every row of every table comes back, on SQLite and PostgreSQL."""

import shutil
import sqlite3
import stat
import subprocess
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from dermadesk.api.tests.calls import NOW, PATIENT, book, hold
from dermadesk.backups.services import rows_per_table
from dermadesk.contact.models import ContactMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)

Snapshot = dict[str, list[str]]


def snapshot() -> Snapshot:
    """Every row of every table (Django's own included), in a stable order."""
    tables: Snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = [tuple(_plain(value) for value in row) for row in cursor.fetchall()]
            tables[table] = sorted(repr(row) for row in rows)
    return tables


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


@pytest.fixture
def clinic_with_bookings() -> Iterator[None]:
    """The demo clinic, two patients booked through the API (with their answers, consents
    and emails), a time held, a cancellation and a contact message."""
    client = Client()
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        for start, person in (
            ("2026-11-27T10:00:00-06:00", PATIENT),
            ("2026-11-27T14:00:00-06:00", PATIENT | {"given_name": "Grace",
                                                     "family_name": "Hopper",
                                                     "email": "grace@example.com"}),
        ):  # fmt: skip
            held = hold(client, start=start).json()["hold_id"]
            consent = {"typed_name": f"{person['given_name']} {person['family_name']}",
                       "accept_policies": True}  # fmt: skip
            response = book(client, held, patient=person, consent=consent)
            assert response.status_code == 201, response.content
            if person is PATIENT:
                token = response.json()["manage_token"]
        assert client.post(f"/api/bookings/{token}/cancel").status_code == 200
        assert hold(client, start="2026-11-28T11:00:00-06:00").status_code == 201
        ContactMessage.objects.create(
            name="Alex", email="alex@example.com", topic="prices", message="How much is it?"
        )
    yield


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("clinic_with_bookings")
def test_a_backup_restores_every_row_of_every_table_into_a_wiped_database(
    tmp_path: Path,
) -> None:
    before = snapshot()
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1
    assert Patient.objects.count() == 2
    backup = tmp_path / "clinic.backup"
    said = run("backup", str(backup))
    assert said.startswith(f"Backed up the {'SQLite' if connection.vendor == 'sqlite' else 'Po'}")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds every patient's record

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    # What remains: the migrations' record, and the setup token the catalog's triggers rewrite.
    remaining = {table for table, rows in rows_per_table().items() if rows}
    assert remaining <= {"django_migrations", "scheduling_catalogversion"}
    said = run("restore", str(backup))

    assert snapshot() == before
    assert "The database held no data before." in said
    assert "tables," in said and "migrate" not in said


@pytest.mark.usefixtures("clinic_with_bookings")
def test_a_database_holding_data_is_left_alone_without_force_and_replaced_with_it(
    tmp_path: Path,
) -> None:
    before = snapshot()
    backup = tmp_path / "clinic.backup"
    run("backup", str(backup))
    Patient.objects.create(
        given_name="Later", family_name="Patient", email="later@example.com",
        date_of_birth=date(1990, 1, 1),
    )  # fmt: skip
    Booking.objects.filter(status=BookingStatus.CONFIRMED).update(status=BookingStatus.NO_SHOW)
    changed = snapshot()

    with pytest.raises(CommandError, match=r"already holds data .* nothing was changed"):
        run("restore", str(backup))
    assert snapshot() == changed

    said = run("restore", str(backup), "--force")
    assert snapshot() == before
    assert "It replaced the data the database held before" in said


@pytest.mark.usefixtures("clinic_with_bookings")
def test_a_backup_made_while_patients_are_written_is_consistent(tmp_path: Path) -> None:
    """A writer adds patients two at a time, in one transaction each; every backup taken
    meanwhile holds an even number of them: a snapshot, never half a transaction."""
    stop = threading.Event()
    written = []

    def write_pairs() -> None:
        number = 0
        try:
            while not stop.is_set():
                with transaction.atomic():
                    for _ in range(2):
                        number += 1
                        Patient.objects.create(
                            given_name="Pair", family_name=f"Writer {number}",
                            email=f"pair{number}@example.com", date_of_birth=date(1980, 1, 1),
                        )  # fmt: skip
                written.append(number)
        finally:
            connection.close()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    counts = []
    try:
        for number in range(3):
            backup = tmp_path / f"during-{number}.backup"
            run("backup", str(backup))
            counts.append(patients_in(backup))
    finally:
        stop.set()
        writer.join()
    assert len(written) > 1  # the writer did write while the backups ran
    assert all(count % 2 == 0 for count in counts), counts  # the 2 booked patients + pairs


def patients_in(backup: Path) -> int:
    """How many patients a backup file holds, read from the file itself."""
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(backup)) as copy:
            return int(copy.execute("SELECT COUNT(*) FROM patients_patient").fetchone()[0])
    pg_restore = shutil.which("pg_restore")  # as the restore command finds it
    assert pg_restore is not None
    command = [pg_restore, "--data-only", "--table=patients_patient", "--file=-", str(backup)]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    data = listing.split("FROM stdin;\n", 1)[1].split("\n\\.\n", 1)[0]
    return len(data.splitlines())


def test_a_backup_does_not_overwrite_a_file_unless_told(tmp_path: Path) -> None:
    call_command("migrate", verbosity=0)
    existing = tmp_path / "kept.backup"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="exists already"):
        run("backup", str(existing))
    assert existing.read_text() == "an older backup"
    run("backup", str(existing), "--force")
    assert existing.read_bytes() != b"an older backup"
    # No partial left; the private files' archive beside it.
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "kept.backup",
        "kept.backup.photos.tar",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no backup file"),
        (b"name,email\nAda,ada@example.com\n", "is not an? (SQLite|PostgreSQL) backup"),
    ],
)
def test_what_is_not_a_backup_is_refused_and_nothing_changes(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    call_command("demo", verbosity=0)
    before = snapshot()
    path = tmp_path / "not-a-backup"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("restore", str(path), "--force")
    assert snapshot() == before
