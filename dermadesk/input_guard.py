"""Requests refused before any view reads them: text no database can store, bodies too large.

A NUL character (U+0000) cannot be stored in PostgreSQL, nor even compared with a column:
psycopg raises ``DataError`` wherever such text reaches a query (a treatment's slug in the
path, a location in the query string, a name in a form or in a JSON body), which was a 500.
No name, date, slug or message has a use for it, so it is refused once, here, for every
page and the API, rather than by a validator on each field, which a new field or a plain
``request.GET`` read would forget. Text that cannot be written as UTF-8 (a lone surrogate,
which only a JSON escape such as ``\\ud800`` can make) fails on both databases alike and is
refused the same way. Django's form fields refuse NUL too, but only in forms.

A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's 2.5 MB), or with more fields
than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, is refused as Django would, but in the API's own
format: pages get a plain page, ``/api/`` an RFC 9457 problem (``application/problem+json``).
Nothing of what was sent is logged. Errors of ``/api/`` that no operation answered (an
unknown address, a method not taken) become problem documents too, so a client of the API
reads every error the same way.
"""

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
PLAIN_ERRORS = {
    404: "Nothing is found at this address. The API's operations are listed at /api/docs.",
    405: "This address does not take this method; the Allow header says which it takes.",
    503: (
        "Our system is briefly unavailable, so nothing was done or saved. Please try again "
        "in a minute or two (the Retry-After header says how many seconds to wait)."
    ),
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
METHODS_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    title: str
    detail: str
    """For people: what is wrong and what to do, never what was sent."""


UNSTORABLE = Refusal(
    400,
    "Invalid characters",
    "What was sent contains a character that no name, date or message can hold (an "
    "invisible “null” character, or a broken one). Please type it again and send it once more.",
)
TOO_LARGE = Refusal(
    413,
    "Too much sent at once",
    "What was sent is larger than we accept at once. Please shorten it and try again.",
)
TOO_MANY_FIELDS = Refusal(
    400,
    "Too many fields",
    "What was sent has far more parts than any of our forms. Please send the form as shown.",
)
UNREADABLE_FORM = Refusal(
    400, "Unreadable form", "The form could not be read. Please send it again from the page."
)


def unstorable(text: str) -> bool:
    """Text that the database cannot store: a NUL character, or not writable as UTF-8."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _any_unstorable(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(unstorable(key) or any(map(unstorable, values)) for key, values in pairs)


def _json_strings(value: object) -> Iterable[str]:
    """Every key and string inside a parsed JSON document."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _body_unstorable(body: bytes) -> bool:
    """A NUL byte in the raw body, or one a JSON escape (``\\u0000``, ``\\ud800``) makes."""
    if b"\x00" in body:
        return True
    if b"\\u" not in body:
        return False  # Without escapes, decoded text holds only what the bytes hold.
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False  # Not JSON, or nested too deep to read: the view says so.
    return any(unstorable(text) for text in _json_strings(document))


def refusal_of(request: HttpRequest) -> Refusal | None:
    """Why ``request`` must be refused before a view reads it; None when it need not be."""
    try:
        if unstorable(request.path_info) or _any_unstorable(request.GET.lists()):
            return UNSTORABLE
        headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
        if any(isinstance(value, str) and unstorable(value) for value in headers):
            return UNSTORABLE
        if request.method in METHODS_WITHOUT_BODY:
            return None
        # The pages read forms (the CSRF check reads them anyway); the API reads the raw
        # body, which can no longer be read once a multipart form was parsed from it.
        if request.content_type in FORM_TYPES and not _is_api(request):
            names = [
                upload.name or "" for _, uploads in request.FILES.lists() for upload in uploads
            ]
            if _any_unstorable(request.POST.lists()) or any(map(unstorable, names)):
                return UNSTORABLE
            return None
        return UNSTORABLE if _body_unstorable(request.body) else None
    except RequestDataTooBig:
        return TOO_LARGE
    except (TooManyFieldsSent, TooManyFilesSent):
        return TOO_MANY_FIELDS
    except MultiPartParserError:
        return UNREADABLE_FORM


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def problem_response(status: int, title: str, detail: str) -> HttpResponse:
    """An RFC 9457 problem document, as the API's own errors are."""
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JsonResponse(problem, status=status, content_type=PROBLEM_TYPE)


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The refusal as a problem document for the API, as a plain page elsewhere."""
    if _is_api(request):
        return problem_response(refusal.status, refusal.title, refusal.detail)
    page = render_to_string("400.html", {"title": refusal.title, "message": refusal.detail})
    return HttpResponse(page, status=refusal.status)


def as_problem(response: HttpResponse) -> HttpResponse:
    """An error of ``/api/`` answered outside the API's operations (an address it does not
    have, a method an operation does not take, a server error) as a problem document; the
    headers that say what to do next (``Allow``, ``Retry-After``) are kept."""
    detail = PLAIN_ERRORS.get(
        response.status_code, "The request could not be carried out. Please try again later."
    )
    problem = problem_response(response.status_code, response.reason_phrase, detail)
    for header in KEPT_HEADERS:
        if header in response:
            problem[header] = response[header]
    return problem


class InputGuardMiddleware:
    """Refuse, with a 4xx, a request no view could safely read (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refusal_of(request)
        if refusal is not None:
            # What was refused, never what was sent: it may be a patient's details.
            logger.warning("Request refused: %s (%s)", refusal.title, refusal.status)
            return refusal_response(request, refusal)
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            return as_problem(response)
        return response
