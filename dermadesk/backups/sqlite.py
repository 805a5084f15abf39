"""SQLite: backups through SQLite's online backup API.

The backup reads the database in one step inside one read transaction, so it is a
consistent snapshot even while the server writes (in WAL mode writers do not wait for it,
and it does not wait for them). A restore copies the backup into the live file the same
way, in one write transaction: the server's connections see the old database or the
restored one, never a mixture, and a failure leaves the old one.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from dermadesk.backups.errors import BackupError

BUSY_SECONDS = 30  # how long to wait for the server's writers to let go of the file


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)


def sqlite_backup(*, database: str, target: Path) -> None:
    """Copy the live ``database`` file into ``target`` (a new file)."""
    with (
        closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
        # One self-contained file: no -wal or -shm beside it when it is opened later.
        copy.execute("PRAGMA journal_mode=DELETE")


def sqlite_tables(archive: Path) -> set[str]:
    """The tables of a backup file, after checking that it is a sound dermadesk database."""
    try:
        with closing(_read_only(archive)) as backup:
            (verdict,) = backup.execute("PRAGMA quick_check").fetchone()
            rows = backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {name for (name,) in rows}
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{archive} is not an SQLite backup ({error}). A backup restores into the kind "
            "of database it was made from."
        ) from error
    if verdict != "ok":
        raise BackupError(f"{archive} is damaged: SQLite's check says {verdict!r}.")
    if "django_migrations" not in tables:
        raise BackupError(f"{archive} is an SQLite database, but not a backup of dermadesk.")
    return tables


def sqlite_restore(*, archive: Path, database: str) -> None:
    """Replace everything in the live ``database`` file with the backup ``archive``."""
    with (
        closing(_read_only(archive)) as backup,
        closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as live,
    ):
        backup.backup(live)
