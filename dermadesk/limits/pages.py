"""Fair use on the patient's pages: a rate limit per view, and the 429 page that says so."""

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dermadesk.limits.client import client_group
from dermadesk.limits.counters import rate_hit
from dermadesk.limits.fair_use import wait_in_words
from dermadesk.limits.windows import parse_rate

View = Callable[..., HttpResponse]


def refused(request: HttpRequest, message: str, retry_after: timedelta | None) -> HttpResponse:
    """A 429 page: what happened and what to do, with ``Retry-After`` when it is known."""
    response = render(request, "limits/too_many.html", {"message": message}, status=429)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, int(retry_after.total_seconds() + 0.999)))
    return response


def rate_limited(scope: str, *, setting: str, methods: tuple[str, ...] = ("POST",)) -> Callable[
    [View], View
]:  # fmt: skip
    """Count each request of ``methods`` per client in ``scope`` at the rate ``setting`` names.

    The rate is read from the settings on each request (``"10/h"``); the client is its
    address through our trusted proxies, shared by every worker process.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                rate = parse_rate(getattr(settings, setting))
                verdict = rate_hit(
                    scope=scope, client=client_group(request), rate=rate, now=timezone.now()
                )
                if not verdict.allowed:
                    wait = timedelta(seconds=verdict.retry_after)
                    return refused(
                        request,
                        "We have had a lot of requests from your connection in a short "
                        "time, so we have paused them for a while. Nothing you chose before "
                        f"is lost. Please try again in {wait_in_words(wait)}, or call us: "
                        "our phone number is at the foot of this page.",
                        wait,
                    )
            return view(request, *args, **kwargs)

        return limited

    return decorate
