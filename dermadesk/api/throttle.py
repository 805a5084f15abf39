"""The API's rate limit: requests per client address (``API_RATE_LIMIT``), across processes.

The address is the one our own proxies saw (``dermadesk.limits.client``), so a made-up
``X-Forwarded-For`` changes nothing; the count lives in the database's shared counters
(``dermadesk.limits.counters``), so four worker processes share one limit, not four.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.throttling import BaseThrottle

from dermadesk.limits.client import client_group
from dermadesk.limits.counters import rate_hit
from dermadesk.limits.windows import parse_rate


class ClientThrottle(BaseThrottle):
    """Requests per client address, at the rate ``API_RATE_LIMIT`` says when asked.

    Requests signed with a valid staff token are not counted (a refused token is: see
    ``auth.StaffToken``).
    """

    def __init__(self, scope: str = "api", setting: str = "API_RATE_LIMIT") -> None:
        self.scope, self.setting = scope, setting
        # One instance serves every request; the wait belongs to each thread's last one.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        if getattr(request, "auth", None) is not None:
            return True
        verdict = rate_hit(
            scope=self.scope,
            client=client_group(request),
            rate=parse_rate(getattr(settings, self.setting)),  # read each time
            now=timezone.now(),
        )
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        retry_after = getattr(self._last, "retry_after", 0)
        return float(retry_after) if retry_after else None


HOLDS = ClientThrottle(scope="holds", setting="BOOKING_HOLD_RATE_LIMIT")


def check_hold_rate(request: HttpRequest) -> None:
    """``POST /holds`` counts with the pages' holds: 429 past ``BOOKING_HOLD_RATE_LIMIT``."""
    if not HOLDS.allow_request(request):
        raise HttpError(
            429,
            "This connection has asked for many times in a short while. Please finish the "
            f"bookings under way and try again in {int(HOLDS.wait() or 1)} seconds.",
        )
