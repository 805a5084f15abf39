"""The rest of a course, from the reminder sent after a visit: the dates proposed from that
visit, booked all at once once the patient has proved their email address with a code.

The signed link only opens the proposal (no patient details beyond a masked address); the
booking itself needs the code the checkout sends (``checkout.signin``), and goes through
the checkout's use-case (``courses.course_add_accepted``: planned again, compared with the
dates shown, every session or none), which makes the visit session 1 of the course.
"""

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dermadesk.aftercare.links import LinkExpired, Purpose, aftercare_by_token
from dermadesk.aftercare.models import Aftercare
from dermadesk.aftercare.services import course_unbooked
from dermadesk.aftercare.views import link_problem, private
from dermadesk.checkout.course import interval_text
from dermadesk.checkout.course_plan import planned_starts, session_views
from dermadesk.checkout.courses import CourseProblem, course_add_accepted, course_propose
from dermadesk.checkout.signin import same_email, sign_in_code_check, sign_in_code_send
from dermadesk.patients.login import CodeRefused, proven_account
from dermadesk.patients.models import Patient, PatientAccount
from dermadesk.scheduling import reach
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import SchedulingError


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="The code from the email",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": "Please type the six-digit code from the email.",
            "invalid": "The code is six digits, like 482913.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def masked(email: str) -> str:
    """'a•••@example.com': enough for the patient to know which address, no more."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _proven(request: HttpRequest, patient: Patient) -> bool:
    account = proven_account(request.user)
    return account is not None and same_email(patient.email, account.email)


def _sign_in(request: HttpRequest, account: PatientAccount) -> None:
    """As the booking pages do: this browser proved the address, for a while."""
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.PATIENT_SESSION_MINUTES * 60)


def _opened(request: HttpRequest, token: str) -> Aftercare | HttpResponse:
    try:
        aftercare = aftercare_by_token(Purpose.COURSE, token, now=timezone.now())
    except LinkExpired as expired:
        return link_problem(request, expired)
    if aftercare is None or aftercare.booking.patient is None:
        return link_problem(request)
    return aftercare


def _patient(aftercare: Aftercare) -> Patient:
    patient = aftercare.booking.patient
    if patient is None:  # _opened refuses these links: never reached
        raise Http404("This visit was booked for nobody in particular.")
    return patient


def _course_of(booking: Booking) -> list[Booking]:
    if booking.series is None:
        return []
    return list(
        booking.series.bookings.filter(
            status__in=(BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)
        ).order_by("series_number")
    )


def _page(
    request: HttpRequest, aftercare: Aftercare, token: str, *, now: datetime,
    plan: SeriesPlan | None = None, form: CodeForm | None = None, problem: str = "",
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    booking = aftercare.booking
    patient = _patient(aftercare)
    service, location = booking.service, booking.location
    context: dict[str, Any] = {
        "token": token,
        "booking": booking,
        "service": service,
        "location": location,
        "zone": location.zone,
        "zone_label": now.astimezone(location.zone).strftime("%Z"),
        "interval": interval_text(service.series_interval_days),
        "problem": problem,
    }
    if not course_unbooked(booking, now=now):
        context["booked"] = _course_of(booking)
        return render(request, "aftercare/course_booked.html", context, status=status)
    if booking.series is not None:
        # Sessions of a course booked together went missing (cancelled): staff plan them.
        return render(request, "aftercare/course_call.html", context, status=status)
    if plan is None:
        plan = course_propose(first=booking, sessions=service.series_default_sessions, now=now)
    context |= {
        "sessions": session_views(plan, service=service, location=location)[1:],
        "complete": plan.complete,
        "starts": [start.isoformat() for start in planned_starts(plan)],
        "count": len(plan.sessions),
        "proven": _proven(request, patient),
        "email": masked(patient.email),
        "form": form or CodeForm(),
        "minutes": settings.PATIENT_CODE_MINUTES,
    }
    return render(request, "aftercare/course.html", context, status=status)


@require_http_methods(["GET", "POST"])
@private
def course(request: HttpRequest, token: str) -> HttpResponse:
    opened = _opened(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    now = timezone.now()
    if request.method == "GET":
        return _page(request, opened, token, now=now)
    booking = opened.booking
    patient = _patient(opened)
    action = request.POST.get("action", "")
    if action == "send-code":
        try:
            sign_in_code_send(email=patient.email, location=booking.location, now=now)
        except CodeRefused as refused:
            return _page(request, opened, token, now=now, problem=str(refused), status=429)
        messages.success(request, f"We have sent a code to {masked(patient.email)}.")
        return redirect("aftercare:course", token=token)
    if action == "code":
        form = CodeForm(request.POST)
        if not form.is_valid():
            return _page(request, opened, token, now=now, form=form, status=400)
        try:
            account = sign_in_code_check(
                email=patient.email, code=form.cleaned_data["code"].strip(), now=now
            )
        except CodeRefused as refused:
            form.add_error("code", str(refused))
            status = 429 if refused.wait_seconds else 400
            return _page(request, opened, token, now=now, form=form, status=status)
        _sign_in(request, account)
        return redirect("aftercare:course", token=token)
    if action == "book":
        return _book(request, opened, token, now=now)
    return _page(request, opened, token, now=now, problem="Please use the buttons on this page.",
                 status=400)  # fmt: skip


def _book(request: HttpRequest, aftercare: Aftercare, token: str, *, now: datetime) -> HttpResponse:
    booking = aftercare.booking
    patient = _patient(aftercare)
    if not _proven(request, patient):
        problem = "Please type the code we email you first: it shows us this is you."
        return _page(request, aftercare, token, now=now, problem=problem, status=403)
    if not course_unbooked(booking, now=now) or booking.series is not None:
        return _page(request, aftercare, token, now=now)
    try:
        accepted = [reach.parse_instant(value, now) for value in request.POST.getlist("start")]
        count = int(request.POST.get("count", ""))
    except ValueError:
        problem = "Something in the form was not as we sent it. Please look at the dates again."
        return _page(request, aftercare, token, now=now, problem=problem, status=400)
    try:
        course_add_accepted(
            first_visit=booking, sessions=count, accepted_starts=accepted, now=now,
            channel=BookingChannel.WEB,
        )  # fmt: skip
    except CourseProblem as changed:
        return _page(
            request, aftercare, token, now=now, plan=changed.plan, problem=str(changed),
            status=409,
        )  # fmt: skip
    except SchedulingError as refused:
        return _page(request, aftercare, token, now=now, problem=str(refused), status=409)
    messages.success(request, "Your course is booked. We have emailed you the dates.")
    return redirect("aftercare:course", token=token)
