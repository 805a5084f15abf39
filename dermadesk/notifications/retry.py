"""When a message that could not be sent is tried again. Pure: no Django, no clock.

Temporary failures (the mail server unreachable, a timeout, a 4xx reply) wait longer after
each attempt: ``base``, then twice that, then four times, up to ``cap``. After
``max_attempts`` attempts the message is given up as failed and shown to staff.
"""

from datetime import datetime, timedelta

# 2**20 times any sensible base is far beyond any cap; stops the doubling from overflowing.
_MAX_DOUBLINGS = 20


def retry_delay(attempts: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """How long to wait after ``attempts`` failed attempts (1 or more) before the next one."""
    if attempts < 1:
        raise ValueError("retry_delay counts failed attempts from 1.")
    return min(cap, base * (1 << min(attempts - 1, _MAX_DOUBLINGS)))


def next_attempt_at(attempts: int, *, now: datetime, base: timedelta, cap: timedelta) -> datetime:
    return now + retry_delay(attempts, base=base, cap=cap)


def gives_up(attempts: int, *, max_attempts: int) -> bool:
    """True when a message that has just failed its ``attempts``-th attempt is not tried again."""
    return attempts >= max_attempts


def stale_before(now: datetime, *, sending_timeout: timedelta) -> datetime:
    """A message still "sending" since before this instant lost its sender (a worker died)."""
    return now - sending_timeout
