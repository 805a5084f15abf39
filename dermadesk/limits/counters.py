"""Counting requests against a rate, in one store every worker process shares.

Each request is one statement: an upsert that adds 1 to the client's counter for the
current window (or starts the window at 1) and returns the new count. The database runs
it atomically, so two processes can never both see the last free place: each gets its own
number. Django's cache ``incr`` (a read, then a write) would lose counts under concurrency
and the in-process cache counts per process; see ``docs/decisions.md``.
"""

from datetime import datetime

from django.db import connection

from dermadesk.limits.digests import digest
from dermadesk.limits.models import RateCounter
from dermadesk.limits.windows import Rate, Verdict, judge, window_start

_TABLE = RateCounter._meta.db_table

# An older window arriving late (a process whose clock is behind) counts in the newer one.
_UPSERT = f"""
    INSERT INTO {_TABLE} (key, window_start, window_end, hits) VALUES (%s, %s, %s, 1)
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN excluded.window_start > {_TABLE}.window_start
                    THEN 1 ELSE {_TABLE}.hits + 1 END,
        window_end = CASE WHEN excluded.window_start > {_TABLE}.window_start
                          THEN excluded.window_end ELSE {_TABLE}.window_end END,
        window_start = CASE WHEN excluded.window_start > {_TABLE}.window_start
                            THEN excluded.window_start ELSE {_TABLE}.window_start END
    RETURNING hits
"""  # noqa: S608 -- the table name is ours; every value is a parameter


def rate_hit(*, scope: str, client: str, rate: Rate, now: datetime) -> Verdict:
    """Count one request of ``client`` (e.g. its address) for ``scope`` and judge it.

    Refused requests count too: a client that keeps trying stays refused until the
    window ends. The client is kept only as a keyed digest.
    """
    at = now.timestamp()
    start = window_start(at, rate)
    key = f"{scope}:{digest('rate', client)}"[:100]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, start, start + rate.seconds])
        row = cursor.fetchone()
    hits = int(row[0])
    if hits == 1:
        # A new window for this client: a good moment to forget windows that are over.
        RateCounter.objects.filter(window_end__lt=int(at)).delete()
    return judge(hits, at=at, rate=rate)
