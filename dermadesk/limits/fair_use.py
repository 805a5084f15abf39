"""How many live holds one client may keep, and how often one may be extended. Pure."""

from collections.abc import Iterable
from datetime import datetime, timedelta


def wait_for_room(ends: Iterable[datetime], *, now: datetime, limit: int) -> timedelta | None:
    """``None`` when one more may start now; otherwise how long until one more may.

    ``ends`` are when the client's current ones (holds, open entries) end by themselves;
    those ended by ``now`` do not count. At most ``limit`` may run at once; a ``limit`` of
    0 or less means no limit.
    """
    if limit <= 0:
        return None
    running = sorted(end for end in ends if end > now)
    if len(running) < limit:
        return None
    # Once this one ends, only limit - 1 are left running.
    return running[len(running) - limit] - now


def has_room(running: int, *, limit: int) -> bool:
    """Whether one more may open beside ``running`` open ones (a ``limit`` of 0: no limit)."""
    return limit <= 0 or running < limit


def may_extend(extensions_so_far: int, *, allowed: int) -> bool:
    """Whether a hold extended ``extensions_so_far`` times may be extended once more."""
    return extensions_so_far < allowed


def wait_in_words(wait: timedelta) -> str:
    """A wait said plainly, rounded up: "a minute", "12 minutes", "2 hours"."""
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    if minutes == 1:
        return "a minute"
    if minutes < 120:
        return f"{minutes} minutes"
    hours = -(-minutes // 60)
    return f"{hours} hours"
