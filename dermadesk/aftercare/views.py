"""The patient's aftercare pages, opened by a signed link (no sign-in): the timeline of what
to expect after a session, its PDF, the check-in forms and the rest of a course.

Every page is sent with ``Cache-Control: no-store`` (a shared computer keeps no copy) and
``noindex``; the link is the only key, and it expires (``links``).
"""

from datetime import datetime
from functools import wraps
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from dermadesk.aftercare.checkin import Level
from dermadesk.aftercare.forms import CheckInForm
from dermadesk.aftercare.guide import Treatment, dated, stage_at, timeline_for
from dermadesk.aftercare.links import (
    LinkExpired,
    Purpose,
    aftercare_by_token,
    check_in_by_token,
    guide_path,
)
from dermadesk.aftercare.models import Aftercare, CheckIn
from dermadesk.aftercare.services import check_in_answer, judgement_of
from dermadesk.clinic.models import Location
from dermadesk.pdf import PdfUnavailable, html_to_pdf

NOT_OURS = "We could not open this link. Please check that it was copied whole from our message."
EXPIRED = (
    "This link has expired: links about a session work for {days} days after it. Your "
    "instructions and anything else you need are still here for you: just ask us."
)


class View(Protocol):
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


def private(view: View) -> View:
    """The response is never kept by a browser or a proxy, and never indexed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def problem(
    request: HttpRequest, heading: str, message: str, *, status: int,
    location: Location | None = None,
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "aftercare/problem.html",
        {"heading": heading, "message": message, "location": location},
        status=status,
    )


def link_problem(request: HttpRequest, expired: LinkExpired | None = None) -> HttpResponse:
    """404 for a link that is not ours, 410 for one past its time (with the clinic's number)."""
    if expired is None:
        return problem(request, "This link does not work", NOT_OURS, status=404)
    return problem(
        request,
        "This link has expired",
        EXPIRED.format(days=settings.AFTERCARE_LINK_DAYS),
        status=410,
        location=expired.aftercare.booking.location,
    )


def guide_context(aftercare: Aftercare, now: datetime) -> dict[str, Any]:
    """What the timeline page and its PDF show: the stages dated in the clinic's zone."""
    booking = aftercare.booking
    location = booking.location
    zone = location.zone
    timeline = timeline_for(Treatment(aftercare.treatment))
    ended = aftercare.session_ended_at
    return {
        "aftercare": aftercare,
        "service_name": booking.service.name,
        "location": location,
        "zone": zone,
        "zone_label": ended.astimezone(zone).strftime("%Z"),
        "ended": ended,
        "timeline": timeline,
        "stages": dated(timeline, ended, zone),
        "current": stage_at(timeline, ended, now),
    }


def _opened(request: HttpRequest, token: str) -> Aftercare | HttpResponse:
    try:
        aftercare = aftercare_by_token(Purpose.GUIDE, token, now=timezone.now())
    except LinkExpired as expired:
        return link_problem(request, expired)
    return aftercare if aftercare is not None else link_problem(request)


@require_GET
@private
def guide(request: HttpRequest, token: str) -> HttpResponse:
    opened = _opened(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    context = guide_context(opened, timezone.now()) | {"token": token}
    return render(request, "aftercare/guide.html", context)


@require_GET
@private
def guide_pdf(request: HttpRequest, token: str) -> HttpResponse:
    opened = _opened(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    # A PDF is kept for days: it does not say which stage was the current one when made.
    context = guide_context(opened, timezone.now()) | {"current": None}
    html = render_to_string("aftercare/guide_pdf.html", context, request=request)
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable:
        return problem(
            request,
            "The PDF is not available just now",
            "We cannot make the PDF at the moment. The instructions on the page before are "
            "the same: you can print that page instead.",
            status=503,
            location=opened.booking.location,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="aftercare-instructions.pdf"'
    return response


# The check-in


def _check_in_opened(request: HttpRequest, token: str) -> CheckIn | HttpResponse:
    try:
        check_in = check_in_by_token(token, now=timezone.now())
    except LinkExpired as expired:
        return link_problem(request, expired)
    return check_in if check_in is not None else link_problem(request)


def _check_in_context(check_in: CheckIn) -> dict[str, Any]:
    aftercare = check_in.aftercare
    location = aftercare.booking.location
    return {
        "check_in": check_in,
        "service_name": aftercare.booking.service.name,
        "location": location,
        "zone": location.zone,
        "ended": aftercare.session_ended_at,
        "guide_path": guide_path(aftercare),
    }


@require_http_methods(["GET", "POST"])
@private
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The check-in's questions; answered, the patient is told at once what to do."""
    opened = _check_in_opened(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            check_in_answer(check_in=opened, answers=form.answers(), now=timezone.now())
            return redirect("aftercare:check-in-done", token=token)
        status = 400
    else:
        status = 200
    return render(
        request,
        "aftercare/check_in.html",
        _check_in_context(opened) | {"form": form, "token": token},
        status=status,
    )


@require_GET
@private
def check_in_done(request: HttpRequest, token: str) -> HttpResponse:
    """What the latest answers call for: the advice and the clinic's number (never the
    answers themselves: anyone at this computer could open the link)."""
    opened = _check_in_opened(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    latest = opened.answers.order_by("-answered_at", "-pk").first()
    if latest is None:
        return redirect("aftercare:check-in", token=token)
    judgement = judgement_of(latest, session_ended_at=opened.aftercare.session_ended_at)
    return render(
        request,
        "aftercare/check_in_done.html",
        _check_in_context(opened)
        | {"judgement": judgement, "fine": judgement.level == Level.FINE,
           "urgent": judgement.level >= Level.URGENT, "token": token},
    )  # fmt: skip
