"""One visit of the signed-in patient: see it, move or cancel it within the notice (else ask
the team), sign its consent, answer its health questions, book the rest of its course.

Every change goes through the checkout's use-cases, as the manage link's pages do; the
visit is found only among the scope's records (404 otherwise).
"""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dermadesk.checkout.checkout import ScreeningPaused
from dermadesk.checkout.choosing import month_of_days, times_of_day
from dermadesk.checkout.course_plan import course_choice
from dermadesk.checkout.courses import (
    CourseChanged,
    course_add_accepted,
    sessions_chosen,
    starts_accepted,
)
from dermadesk.checkout.emails import late_change_request_send
from dermadesk.checkout.forms import ScreeningForm, consent_form
from dermadesk.checkout.manage import (
    TooLateOnline,
    change_notice,
    course_cancel_online,
    visit_cancel_online,
    visit_move_online,
)
from dermadesk.checkout.policy import notice_in_words
from dermadesk.checkout.visit_forms import visit_screen, visit_sign
from dermadesk.limits.client import client_address
from dermadesk.portal.access import PatientScope, patient_page
from dermadesk.portal.queries import VisitView, scope_visit, visit_view
from dermadesk.scheduling import reach
from dermadesk.scheduling.models import Booking
from dermadesk.scheduling.queries import nearest_alternatives
from dermadesk.scheduling.services import SchedulingError, SlotTaken
from dermadesk.screening.models import ScreeningOutcome
from dermadesk.screening.queries import current_questionnaire, questions_for
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError


def _context(scope: PatientScope, visit: VisitView, **more: Any) -> dict[str, Any]:
    location = visit.booking.location
    return {
        "scope": scope,
        "section": "home",
        "visit": visit,
        "location": location,
        "notice": notice_in_words(change_notice()),
        **more,
    }


def _problem(request: HttpRequest, scope: PatientScope, message: str, status: int) -> HttpResponse:
    return render(
        request, "portal/problem.html", {"scope": scope, "message": message}, status=status
    )


def _too_late(request: HttpRequest, scope: PatientScope, booking: Booking) -> HttpResponse:
    visit = visit_view(booking, timezone.now())
    return render(request, "portal/visit.html", _context(scope, visit, too_late=True), status=409)


@require_GET
@patient_page
def visit_page(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    visit = visit_view(scope_visit(scope, visit_id), timezone.now())
    return render(request, "portal/visit.html", _context(scope, visit))


@require_http_methods(["GET", "POST"])
@patient_page
def visit_cancel(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    if not visit.changeable:
        return _too_late(request, scope, booking)
    if request.method == "GET":
        return render(request, "portal/visit_cancel.html", _context(scope, visit))
    try:
        visit_cancel_online(booking=booking, now=now)
    except TooLateOnline:
        return _too_late(request, scope, booking)
    except SchedulingError as refused:
        return _problem(request, scope, str(refused), 409)
    messages.success(request, "Your visit is cancelled. We have sent you an email to confirm.")
    return redirect("portal:sign_in")


@require_http_methods(["GET", "POST"])
@patient_page
def visit_cancel_course(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """Cancel this session of a course and every later one (all beyond the notice)."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    if booking.series is None:
        return _problem(request, scope, "This visit is not part of a course.", 404)
    if not visit.changeable:
        return _too_late(request, scope, booking)
    if request.method == "GET":
        return render(request, "portal/visit_cancel_course.html", _context(scope, visit))
    try:
        sessions = course_cancel_online(booking=booking, now=now)
    except TooLateOnline:
        return _too_late(request, scope, booking)
    except SchedulingError as refused:
        return _problem(request, scope, str(refused), 409)
    count = len(sessions)
    messages.success(
        request,
        f"{count} session{'s' if count != 1 else ''} of your course "
        f"{'are' if count != 1 else 'is'} cancelled. We have sent you an email for each.",
    )
    return redirect("portal:sign_in")


@require_GET
@patient_page
def visit_move_day(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    if not visit.changeable:
        return _too_late(request, scope, booking)
    try:
        month = month_of_days(
            service=booking.service, location=booking.location,
            month=request.GET.get("month"), now=now, ignoring_booking=booking.pk,
        )  # fmt: skip
    except ValueError:
        return _problem(request, scope, "Please choose a month from the calendar.", 400)
    base = reverse("portal:visit_move_day", args=[booking.pk])
    return render(
        request, "portal/move_day.html", _context(scope, visit, month=month, day_link_base=base)
    )


def _times_page(
    request: HttpRequest, scope: PatientScope, booking: Booking, day_text: str, *,
    status: int = 200, problem_text: str = "", alternatives: list[datetime] | None = None,
) -> HttpResponse:  # fmt: skip
    now = timezone.now()
    try:
        day = reach.parse_day(day_text, now.date())
    except ValueError:
        return _problem(request, scope, "Please choose a date from the calendar.", 400)
    parts = times_of_day(
        service=booking.service, location=booking.location, day=day, now=now,
        ignoring_booking=booking.pk,
    )  # fmt: skip
    zone = booking.location.zone
    return render(
        request,
        "portal/move_time.html",
        _context(
            scope,
            visit_view(booking, now),
            day=day,
            parts=parts,
            problem=problem_text,
            alternatives=[start.astimezone(zone) for start in alternatives or []],
            zone_label=now.astimezone(zone).strftime("%Z"),
        ),
        status=status,
    )


@require_GET
@patient_page
def visit_move_time(
    request: HttpRequest, scope: PatientScope, visit_id: int, day: str
) -> HttpResponse:
    booking = scope_visit(scope, visit_id)
    if not visit_view(booking, timezone.now()).changeable:
        return _too_late(request, scope, booking)
    return _times_page(request, scope, booking, day)


@require_POST
@patient_page
def visit_move(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """Move the visit to the time chosen; the old one is let go only once the new is held."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    try:
        start = reach.parse_instant(request.POST.get("start", ""), now)
    except ValueError:
        return _problem(request, scope, "Please choose one of the times shown.", 400)
    day = start.astimezone(booking.location.zone).date().isoformat()
    try:
        visit_move_online(booking=booking, start=start, now=now)
    except TooLateOnline:
        return _too_late(request, scope, booking)
    except SlotTaken as taken:
        nearest = nearest_alternatives(
            service=booking.service, location=booking.location, around=start, now=now,
            ignoring_booking=booking.pk,
        )  # fmt: skip
        return _times_page(
            request, scope, booking, day, status=409, problem_text=str(taken),
            alternatives=[slot.start for slot in nearest],
        )  # fmt: skip
    except SchedulingError as refused:
        return _times_page(request, scope, booking, day, status=400, problem_text=str(refused))
    messages.success(request, "Your visit has moved. We have sent you an email with the new time.")
    return redirect("portal:visit", visit_id=booking.pk)


@require_POST
@patient_page
def visit_ask(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """Too close to change online: the patient asks, the front desk is told and calls back."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    wish = request.POST.get("wish", "")
    if wish not in ("move", "cancel"):
        return _problem(request, scope, "Please choose whether to move or cancel.", 400)
    if visit.changeable:
        target = "portal:visit_cancel" if wish == "cancel" else "portal:visit_move_day"
        return redirect(target, visit_id=booking.pk)
    if not visit.upcoming:
        return _problem(request, scope, "This visit can no longer be changed.", 409)
    late_change_request_send(booking=booking, wish=wish, now=now)
    messages.success(
        request,
        "Thank you: we have told the team, and someone will contact you soon, during "
        "opening hours. Your visit stays booked until we have spoken with you.",
    )
    return redirect("portal:visit", visit_id=booking.pk)


@require_http_methods(["GET", "POST"])
@patient_page
def visit_consent(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """The consent documents the visit needs, signed here with the typed full name."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    if visit.forms is None or visit.forms.consents.complete:
        messages.info(request, "There is nothing left to sign for this visit.")
        return redirect("portal:visit", visit_id=booking.pk)
    consents = visit.forms.consents

    def sign(typed_name: str, optional_kinds: set[str]) -> None:
        visit_sign(
            booking=booking, consents=consents, optional_kinds=optional_kinds,
            typed_name=typed_name, now=now, ip_address=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
        )  # fmt: skip

    form, signed = consent_form(request, consents, sign)
    if signed:
        messages.success(request, "Thank you: your consent is signed.")
        return redirect("portal:visit", visit_id=booking.pk)
    return render(
        request,
        "portal/visit_consent.html",
        _context(scope, visit, form=form, consents=consents),
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@patient_page
def visit_screening(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """The health questions for the visit's treatment and date, when they are due."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    visit = visit_view(booking, now)
    if visit.forms is None or not visit.forms.screening_due:
        messages.info(request, "There are no health questions to answer for this visit.")
        return redirect("portal:visit", visit_id=booking.pk)
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return _problem(request, scope, str(ScreeningPaused()), 503)
    questions = questions_for(questionnaire=questionnaire, service=booking.service)
    form = ScreeningForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            response = visit_screen(booking=booking, answers=form.answers(), now=now)
        except InvalidAnswers as invalid:
            for key, message in invalid.errors.items():
                form.add_error(key if key in form.fields else None, message)
        except (ScreeningError, ScreeningPaused, SchedulingError) as refused:
            form.add_error(None, str(refused))
        else:
            if response.outcome == ScreeningOutcome.SUITABLE:
                messages.success(request, "Thank you: your answers are saved.")
            else:
                messages.info(
                    request,
                    "Thank you: your answers are saved. A clinician will look at them before "
                    "your visit, and we will contact you if anything needs to change.",
                )
            return redirect("portal:visit", visit_id=booking.pk)
    return render(
        request,
        "portal/visit_screening.html",
        _context(scope, visit, form=form, questionnaire=questionnaire),
        status=400 if form.is_bound else 200,
    )


def _course_page(
    request: HttpRequest, scope: PatientScope, booking: Booking, count: int, now: datetime,
    *, status: int = 200, problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "portal/visit_course.html",
        _context(
            scope,
            visit_view(booking, now),
            problem=problem_text,
            zone_label=now.astimezone(booking.location.zone).strftime("%Z"),
            **course_choice(booking, count, now),
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@patient_page
def visit_course(request: HttpRequest, scope: PatientScope, visit_id: int) -> HttpResponse:
    """Book the rest of a course after a visit booked on its own: every date proposed at
    once, booked as shown or not at all (``checkout.courses.course_add_accepted``)."""
    booking = scope_visit(scope, visit_id)
    now = timezone.now()
    if not visit_view(booking, now).can_add_course:
        messages.info(request, "This visit cannot start a course online. Please call us.")
        return redirect("portal:visit", visit_id=booking.pk)
    service = booking.service
    source = request.POST if request.method == "POST" else request.GET
    count = sessions_chosen(source.get("sessions"), service, service.series_default_sessions)
    if count is None or count == 1:
        return _course_page(
            request, scope, booking, service.series_default_sessions, now, status=400,
            problem_text=f"Please choose from {service.series_min_sessions} to "
            f"{service.series_max_sessions} sessions.",
        )  # fmt: skip
    if request.method == "GET":
        return _course_page(request, scope, booking, count, now)
    accepted = [start for start in starts_accepted(request.POST.get("starts", "")) if start]
    try:
        course_add_accepted(first_visit=booking, sessions=count, accepted_starts=accepted, now=now)
    except CourseChanged as changed:
        return _course_page(
            request, scope, booking, count, now, status=409,
            problem_text=str(changed) if changed.session else "Some dates changed while you "
            "were looking. Please look at them again: nothing is booked yet.",
        )  # fmt: skip
    except SchedulingError as refused:
        return _problem(request, scope, str(refused), 409)
    messages.success(
        request,
        f"Your course of {count} sessions is booked. We have sent you an email with every date.",
    )
    return redirect(reverse("portal:sign_in") + "#course-heading")
