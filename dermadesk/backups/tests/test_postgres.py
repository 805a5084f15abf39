"""What only PostgreSQL backups can meet: client programs missing, tables the backup lacks."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore serve PostgreSQL only")


def test_without_pg_dump_the_backup_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no pg_dump on it
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match=f"pg_dump is not installed.*postgresql-client-{server}"):
        call_command("backup", str(tmp_path / "clinic.backup"))
    assert list(tmp_path.iterdir()) == []


def test_tables_the_backup_lacks_stop_the_restore_before_anything_changes(tmp_path: Path) -> None:
    call_command("demo", verbosity=0)
    backup = tmp_path / "clinic.backup"
    call_command("backup", str(backup), stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_feature (id integer PRIMARY KEY)")
        cursor.execute("INSERT INTO later_feature VALUES (1)")
    try:
        with pytest.raises(CommandError, match="tables the backup does not \\(later_feature\\)"):
            call_command("restore", str(backup), "--force")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM later_feature")
            assert cursor.fetchone()[0] == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_feature")
