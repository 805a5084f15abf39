"""PostgreSQL: backups with pg_dump's custom format, restored with pg_restore.

pg_dump reads the whole database in one snapshot (a repeatable-read transaction), so the
backup is consistent while the server writes. pg_restore runs in one transaction
(``--single-transaction``), dropping each object the backup holds before making it again
(``--clean --if-exists``): it restores all of it or, on any error, changes nothing.
Objects are made by the user restoring, without the original owners and grants
(``--no-owner --no-privileges``), so a backup restores on another server too.

The password goes to the programs in their environment (``PGPASSWORD``), never on their
command line, where other users of the machine could read it.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from dermadesk.backups.errors import BackupError
from dermadesk.backups.versions import UnknownVersion, client_major, client_refusal, server_major

# Connection options of DATABASES["default"]["OPTIONS"] that libpq reads from the environment.
_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
# A table's line in ``pg_restore --list``: "215; 1259 16390 TABLE public patients_patient …".
_TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)


def _environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict.get("NAME") or "",
    }
    for option, variable in _OPTION_VARIABLES.items():
        if option in settings_dict.get("OPTIONS", {}):
            values[variable] = str(settings_dict["OPTIONS"][option])
    return {name: value for name, value in values.items() if value}


def _program(name: str, server_version_num: int) -> str:
    """The path of ``name`` (pg_dump, pg_restore), checked to be new enough for the server."""
    path = shutil.which(name)
    server = server_major(server_version_num)
    if path is None:
        raise BackupError(
            f"{name} is not installed. Install PostgreSQL's client programs version {server} "
            f"or newer (Debian: apt-get install postgresql-client-{server}; `make postgres` "
            "does it for the local server)."
        )
    answer = subprocess.run(  # noqa: S603 -- a program found on PATH, no shell
        [path, "--version"], capture_output=True, text=True, check=False
    )
    try:
        client = client_major(answer.stdout)
    except UnknownVersion as error:
        raise BackupError(f"{path}: {error}") from error
    refusal = client_refusal(program=name, client=client, server=server)
    if refusal is not None:
        raise BackupError(refusal)
    return path


def _run(command: list[str], settings_dict: dict[str, Any], what: str) -> str:
    environment = os.environ | _environment(settings_dict)
    result = subprocess.run(  # noqa: S603 -- our own argument list, no shell
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        said = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {said}")
    return result.stdout


def postgres_backup(
    *, settings_dict: dict[str, Any], server_version_num: int, target: Path
) -> None:
    """pg_dump of the whole database into ``target``, in the custom format."""
    pg_dump = _program("pg_dump", server_version_num)
    command = [pg_dump, "--format=custom", "--no-password", f"--file={target}"]
    _run([*command, str(settings_dict["NAME"])], settings_dict, "pg_dump")


def postgres_tables(*, archive: Path, settings_dict: dict[str, Any],
                    server_version_num: int) -> set[str]:  # fmt: skip
    """The tables in a pg_dump archive, after checking that pg_restore can read it."""
    pg_restore = _program("pg_restore", server_version_num)
    try:
        listing = _run([pg_restore, "--list", str(archive)], settings_dict, "pg_restore")
    except BackupError as error:
        raise BackupError(
            f"{archive} is not a PostgreSQL backup ({error}). A backup restores into the "
            "kind of database it was made from."
        ) from error
    tables = {name for _, name in _TABLE_ENTRY.findall(listing)}
    if "django_migrations" not in tables:
        raise BackupError(f"{archive} is a PostgreSQL archive, but not a backup of dermadesk.")
    return tables


def postgres_restore(
    *, archive: Path, settings_dict: dict[str, Any], server_version_num: int
) -> None:
    """Replace what the backup holds, in one transaction."""
    pg_restore = _program("pg_restore", server_version_num)
    command = [
        pg_restore, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
        "--no-owner", "--no-privileges", "--no-password",
        f"--dbname={settings_dict['NAME']}", str(archive),
    ]  # fmt: skip
    _run(command, settings_dict, "pg_restore")
