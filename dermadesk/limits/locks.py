"""One client's requests one at a time, where a count must be exact under concurrency."""

import hashlib
from collections.abc import Iterable

from django.db import connection


def serialise_clients(keys: Iterable[str], *, scope: str) -> None:
    """Inside a transaction: wait for, then hold until it ends, one lock per key.

    PostgreSQL: transaction-level advisory locks, taken in a fixed order so two requests
    naming the same keys never wait on each other in a circle. SQLite needs none: its
    IMMEDIATE transactions already run writers one at a time (see settings).
    """
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        {
            int.from_bytes(hashlib.sha256(f"{scope}:{key}".encode()).digest()[:8], signed=True)
            for key in keys
        }
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
