"""Rate limits as counts in fixed windows of the clock. Pure: the caller passes the time.

A rate such as ``120/m`` allows 120 requests in each minute of the clock (from :00 to
:59). One counter per client and window is all a shared store needs to keep, and one
atomic increment decides each request. The price of fixed windows: a client that spends a
whole allowance at the end of one window and another at the start of the next makes at
most twice the limit within one window's length, never more.
"""

import math
import re
from dataclasses import dataclass

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    """Requests allowed in one window (at least 1)."""
    seconds: int
    """The window's length."""


def parse_rate(text: str) -> Rate:
    """``"120/m"``, ``"2000/h"``, ``"5/10m"`` (5 per 10 minutes); units s, m, h, d."""
    match = _RATE.match(text)
    if match is None:
        raise ValueError(
            f"A rate is written as requests/period, e.g. 120/m (s, m, h or d); got {text!r}."
        )
    limit, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    if limit < 1 or multiple < 1:
        raise ValueError(f"A rate allows at least 1 request in at least 1 unit; got {text!r}.")
    return Rate(limit=limit, seconds=multiple * UNITS[unit])


def window_start(at: float, rate: Rate) -> int:
    """The start (seconds since the epoch) of the window holding the instant ``at``."""
    return math.floor(at / rate.seconds) * rate.seconds


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int
    """Whole seconds until the next window (0 when allowed)."""


def judge(hits: int, *, at: float, rate: Rate) -> Verdict:
    """``hits``: this request's number in its window, itself included (1 for the first)."""
    if hits <= rate.limit:
        return Verdict(allowed=True, retry_after=0)
    ends = window_start(at, rate) + rate.seconds
    return Verdict(allowed=False, retry_after=max(1, math.ceil(ends - at)))
