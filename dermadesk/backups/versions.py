"""Which pg_dump and pg_restore can work with which PostgreSQL server. Pure: no Django.

pg_dump refuses a server newer than itself ("server version mismatch"), and pg_restore
reads the archives of its own and older versions only, so both must be at least the
server's major version. Debian's ``postgresql-client-N`` provides version N.
"""

import re

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class UnknownVersion(ValueError):
    """A program's ``--version`` answer that names no PostgreSQL version."""


def client_major(version_text: str) -> int:
    """The major version in ``pg_dump --version``'s answer ("pg_dump (PostgreSQL) 15.20 …")."""
    found = _VERSION.search(version_text)
    if found is None:
        raise UnknownVersion(f"Not a PostgreSQL program's version: {version_text.strip()!r}")
    return int(found.group(1))


def server_major(server_version_num: int) -> int:
    """The major version of a server from ``server_version_num`` (150020 → 15; 90624 → 9)."""
    return server_version_num // 10000


def client_refusal(*, program: str, client: int, server: int) -> str | None:
    """Why ``program`` (version ``client``) cannot serve a ``server``; None when it can."""
    if client >= server:
        return None
    return (
        f"{program} {client} cannot work with this PostgreSQL {server} server: install "
        f"PostgreSQL's client programs version {server} or newer (Debian: apt-get install "
        f"postgresql-client-{server}) and put them first on PATH."
    )
