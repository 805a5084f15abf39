"""Counters of rate limits, shared by every worker process through the database."""

from django.db import models


class RateCounter(models.Model):
    """How many requests one client made in the current window of one limit.

    One row per limit and client (``key``), changed only by one atomic upsert
    (``counters.rate_hit``), so any number of processes count together.
    """

    key = models.CharField(primary_key=True, max_length=100)
    window_start = models.BigIntegerField(help_text="Seconds since 1970 (UTC).")
    window_end = models.BigIntegerField(db_index=True, help_text="Seconds since 1970 (UTC).")
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
