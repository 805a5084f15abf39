"""The whole database into one file and back: SQLite's backup API, or pg_dump/pg_restore.

A backup is one file in the database's own format (an SQLite database; a pg_dump archive
in the custom format), written under a temporary name and renamed when complete, readable
by its owner only: it holds every patient's record. A restore refuses a database that
already holds data unless told to replace it (``force``), and says what it replaced and
whether the code has migrations the backup lacks.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from dermadesk.backups.errors import BackupError
from dermadesk.backups.postgres import postgres_backup, postgres_restore, postgres_tables
from dermadesk.backups.sqlite import sqlite_backup, sqlite_restore, sqlite_tables

# Tables `migrate` fills by itself (and the setup token its triggers keep): rows there do not
# make a database "hold data".
MIGRATE_OWN_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "scheduling_catalogversion"}
)
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class BackupDone:
    path: Path
    engine: str
    database: str
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class RestoreDone:
    path: Path
    engine: str
    database: str
    tables: int
    rows: int
    replaced: dict[str, int]
    """The tables that held data before (with ``force``), and how many rows each had."""
    migrations_to_apply: int
    """Migrations of this code that the backup had not applied: run ``migrate``."""
    migrations_unknown: list[str]
    """Migrations the backup had applied that this code does not have (a newer backup)."""
    seconds: float


def _engine(connection: BaseDatabaseWrapper) -> str:
    engine = ENGINES.get(connection.vendor)
    if engine is None:
        raise BackupError(f"Backups are made of SQLite and PostgreSQL, not {connection.vendor}.")
    return engine


def _database_name(connection: BaseDatabaseWrapper) -> str:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        raise BackupError("This SQLite database lives in memory: there is no file to back up.")
    return name


def _server_version(connection: BaseDatabaseWrapper) -> int:
    """PostgreSQL's ``server_version_num`` (150020 for 15.20)."""
    version: int = connection.pg_version  # type: ignore[attr-defined]
    return version


def rows_per_table(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """How many rows each table of the database holds (every table, Django's own too)."""
    connection = connections[using]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _holding_data(counts: dict[str, int]) -> dict[str, int]:
    return {
        table: rows for table, rows in counts.items() if rows and table not in MIGRATE_OWN_TABLES
    }


def _new_private_file(path: Path) -> Path:
    """An empty file beside ``path`` that only its owner may read, to write the backup in."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return partial


def database_backup(
    *, path: Path, replace: bool = False, using: str = DEFAULT_DB_ALIAS
) -> BackupDone:
    """Back the whole database up into the file ``path``, consistent while the site runs.

    An existing file is kept unless ``replace``; a failed backup leaves no file behind.
    """
    connection = connections[using]
    engine, database = _engine(connection), _database_name(connection)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the backup file's name, inside it.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if path.exists() and not replace:
        raise BackupError(f"{path} exists already. Choose another name, or add --force.")
    started = time.monotonic()
    partial = _new_private_file(path)
    try:
        if connection.vendor == "sqlite":
            sqlite_backup(database=database, target=partial)
        else:
            postgres_backup(
                settings_dict=connection.settings_dict,
                server_version_num=_server_version(connection),
                target=partial,
            )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupDone(
        path=path, engine=engine, database=database, size_bytes=path.stat().st_size,
        seconds=time.monotonic() - started,
    )  # fmt: skip


def database_restore(
    *, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreDone:
    """Replace the database's contents with the backup ``path``.

    Refused (``BackupError``, nothing changed) when the file is not a readable dermadesk
    backup of this database's kind, and when the database holds data, unless ``force``.
    """
    connection = connections[using]
    engine, database = _engine(connection), _database_name(connection)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    started = time.monotonic()
    if connection.vendor == "sqlite":
        sqlite_tables(path)
    else:
        version = _server_version(connection)
        archive_tables = postgres_tables(
            archive=path, settings_dict=connection.settings_dict, server_version_num=version
        )
    before = rows_per_table(using=using)
    holding = _holding_data(before)
    if holding and not force:
        biggest = sorted(holding, key=lambda table: -holding[table])[:3]
        raise BackupError(
            f"The {engine} database {database} already holds data "
            f"({sum(holding.values())} rows in {len(holding)} tables, such as "
            f"{', '.join(biggest)}). Restoring would replace all of it; nothing was changed. "
            "Add --force to replace it, or restore into an empty database."
        )
    if connection.vendor == "sqlite":
        connection.close()
        sqlite_restore(archive=path, database=database)
    else:
        extra = sorted(set(before) - archive_tables)
        if extra:
            raise BackupError(
                f"The database has tables the backup does not ({', '.join(extra[:5])}): it "
                "was made by an older version of dermadesk. Nothing was changed. Restore "
                "it into an empty database (createdb), then run manage.py migrate."
            )
        connection.close()
        postgres_restore(
            archive=path, settings_dict=connection.settings_dict, server_version_num=version
        )
    connection.close()  # nothing cached from before the restore is used again
    after = rows_per_table(using=using)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = sorted(
        f"{app}.{name}"
        for app, name in executor.loader.applied_migrations
        if (app, name) not in executor.loader.disk_migrations
    )
    return RestoreDone(
        path=path, engine=engine, database=database, tables=len(after),
        rows=sum(after.values()), replaced=holding, migrations_to_apply=len(plan),
        migrations_unknown=unknown, seconds=time.monotonic() - started,
    )  # fmt: skip
