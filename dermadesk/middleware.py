"""Cross-cutting request handling."""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# What the database raises when it cannot be reached (or the connection broke).
UNREACHABLE = (OperationalError, InterfaceError)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``) with every response.

    First in the chain, so static files, error pages and the 503 page carry it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer with a friendly 503 instead of a 500.

    The page is rendered without the request context, whose processors would query the
    database again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG or not isinstance(exception, UNREACHABLE):
            return None  # In development, Django's own error page shows the cause.
        return database_unavailable(exception)


def database_unavailable(exception: BaseException) -> HttpResponse:
    """The friendly 503 page, rendered without the request context (whose processors would
    query the database again); ``/api/`` turns it into a problem document (input_guard)."""
    # The class name only: database errors can quote the data of the failed query.
    logger.error("Database unavailable (%s)", type(exception).__name__)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the error was the database being out of reach.

    Catches what the middleware above cannot see: a database error outside a view, such as
    the 404 page's context processors querying the database for an unknown address.
    """
    exception = sys.exception()  # Django calls the handler inside its ``except`` block
    if isinstance(exception, UNREACHABLE):
        return database_unavailable(exception)
    return defaults.server_error(request)
