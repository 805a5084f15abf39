"""Managing one booking through the private link in the patient's emails: see, move,
cancel, sign what is pending, book or move the rest of a course, ask the team when late."""

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dermadesk.booking.pages import (
    client_ip,
    course_session_views,
    day_page,
    link_problem,
    parse_start,
    problem,
    times_page,
    zone_context,
)
from dermadesk.checkout.course import SessionView, interval_text
from dermadesk.checkout.course_plan import course_choice
from dermadesk.checkout.courses import (
    CourseChanged,
    LaterSessionsChanged,
    course_add_accepted,
    course_can_be_added,
    later_sessions_move,
    later_sessions_proposal,
    sessions_chosen,
    starts_accepted,
)
from dermadesk.checkout.emails import booking_ics, late_change_request_send
from dermadesk.checkout.forms import consent_form
from dermadesk.checkout.manage import (
    change_notice,
    changeable_online,
    course_cancel_online,
    course_sessions,
    managed_booking,
    visit_cancel_online,
    visit_move_online,
)
from dermadesk.checkout.policy import notice_in_words
from dermadesk.checkout.visit_forms import visit_sign
from dermadesk.patients.queries import consent_status
from dermadesk.scheduling import reach
from dermadesk.scheduling.models import (
    Booking,
    BookingStatus,
)
from dermadesk.scheduling.queries import (
    CourseShift,
    nearest_alternatives,
)
from dermadesk.scheduling.services import (
    SchedulingError,
    SlotTaken,
)


def _manage_context(booking: Booking, token: str, now: datetime) -> dict[str, Any]:
    return {
        "booking": booking,
        "token": token,
        "changeable": changeable_online(booking, now),
        "notice": notice_in_words(change_notice()),
        "upcoming": booking.status == BookingStatus.CONFIRMED and booking.starts_at > now,
        "consents": consent_status(patient=booking.patient, service=booking.service, now=now)
        if booking.patient is not None
        else None,
        "course": course_sessions(booking),
        **zone_context(booking.location, now),
    }


def _manage_page_context(booking: Booking, token: str, now: datetime) -> dict[str, Any]:
    """The manage page of a session that was moved offers to move the later ones after it."""
    context = _manage_context(booking, token, now)
    moved = booking.sequence > 0 and booking.series_id is not None
    shift = _course_shift(booking, now) if moved and context["changeable"] else None
    return context | {
        "offer_course": context["changeable"] and course_can_be_added(booking),
        "offer_move_later": shift is not None and shift.needed,
        "interval": interval_text(booking.service.series_interval_days),
    }


@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = managed_booking(token, timezone.now())
    if booking is None:
        return link_problem(request)
    now = timezone.now()
    return render(request, "booking/manage.html", _manage_page_context(booking, token, now))


def _too_late(request: HttpRequest, booking: Booking, token: str) -> HttpResponse:
    context = _manage_context(booking, token, timezone.now())
    return render(request, "booking/manage.html", context | {"too_late": True}, status=409)


def _changeable(request: HttpRequest, token: str) -> Booking | HttpResponse:
    """The booking the link names, if it may still be changed online; else the page to show."""
    booking = managed_booking(token, timezone.now())
    if booking is None:
        return link_problem(request)
    if not changeable_online(booking, timezone.now()):
        return _too_late(request, booking, token)
    return booking


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    now = timezone.now()
    if request.method == "GET":
        return render(request, "booking/manage_cancel.html", _manage_context(booking, token, now))
    cancelled = visit_cancel_online(booking=booking, now=now)
    messages.success(request, "Your visit is cancelled. We have sent you an email to confirm.")
    return redirect("booking:manage", token=cancelled.manage_token or token)


@require_GET
def manage_move_day(request: HttpRequest, token: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    return day_page(
        request,
        service=booking.service,
        location=booking.location,
        day_link_base=reverse("booking:move", args=[token]),
        ignoring_booking=booking.pk,
        extra={"moving": booking},
    )


def _move_times(
    request: HttpRequest, booking: Booking, token: str, day: date, **more: Any
) -> HttpResponse:
    return times_page(
        request,
        service=booking.service,
        location=booking.location,
        day=day,
        time_action=reverse("booking:move-to", args=[token]),
        day_page=reverse("booking:move", args=[token]),
        ignoring_booking=booking.pk,
        extra={"moving": booking},
        **more,
    )


@require_GET
def manage_move_time(request: HttpRequest, token: str, day: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    try:
        parsed = reach.parse_day(day, timezone.now().date())
    except ValueError:
        return problem(request, "Please choose a date from the calendar.")
    return _move_times(request, booking, token, parsed)


@require_POST
def manage_move(request: HttpRequest, token: str) -> HttpResponse:
    """Move the visit. The old time is given up only once the new one is secured."""
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    now = timezone.now()
    start = parse_start(request.POST.get("start", ""))
    if start is None:
        return problem(request, "Please choose one of the times shown.")
    day = start.astimezone(booking.location.zone).date()
    try:
        moved = visit_move_online(booking=booking, start=start, now=now)
    except SlotTaken as taken:
        alternatives = nearest_alternatives(
            service=booking.service, location=booking.location, around=start, now=now,
            ignoring_booking=booking.pk,
        )  # fmt: skip
        return _move_times(
            request, booking, token, day, status=409, problem_text=str(taken),
            alternatives=[s.start for s in alternatives],
        )  # fmt: skip
    except SchedulingError as refused:
        return _move_times(request, booking, token, day, status=400, problem_text=str(refused))
    messages.success(request, "Your visit has moved. We have sent you an email with the new time.")
    # The move gave the visit a new link; the one in the older emails stops working.
    new_token = moved.manage_token or token
    shift = _course_shift(moved, now)
    if shift is not None and shift.needed:
        return redirect("booking:move-later", token=new_token)
    return redirect("booking:manage", token=new_token)


def _course_shift(booking: Booking, now: datetime) -> CourseShift | None:
    """The later sessions of the booking's course that can still be moved online."""
    if booking.series_id is None or booking.status != BookingStatus.CONFIRMED:
        return None
    return later_sessions_proposal(booking=booking, now=now)


def _shift_rows(shift: CourseShift) -> list[tuple[Booking, SessionView]]:
    """Each later session with its proposed time, numbered as in the course."""
    views = course_session_views(shift.plan, shift.anchor)
    first = shift.anchor.series_number or 1
    return [
        (booking, replace(views[(booking.series_number or 0) - first],
                          number=booking.series_number or 0))
        for booking, _ in shift.proposed()
    ]  # fmt: skip


def _shift_starts(shift: CourseShift) -> list[str]:
    return [planned.slot.start.isoformat() if planned.slot else "" for _, planned in
            shift.proposed()]  # fmt: skip


def _move_later_page(
    request: HttpRequest, booking: Booking, token: str, shift: CourseShift, now: datetime,
    *, status: int = 200, problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    rows = _shift_rows(shift)
    return render(
        request,
        "booking/manage_move_later.html",
        _manage_context(booking, token, now)
        | {
            "rows": rows,
            "complete": all(view.start is not None for _, view in rows),
            "starts": ",".join(_shift_starts(shift)),
            "interval": interval_text(booking.service.series_interval_days),
            "problem": problem_text,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage_move_later(request: HttpRequest, token: str) -> HttpResponse:
    """Move the course's later sessions so they follow this one at the usual interval again."""
    booking = managed_booking(token, timezone.now())
    if booking is None or booking.series is None:
        return link_problem(request)
    now = timezone.now()
    shift = _course_shift(booking, now)
    if shift is None or not shift.needed:
        messages.info(request, "Your later sessions already follow this visit; nothing to move.")
        return redirect("booking:manage", token=token)
    if request.method == "GET":
        return _move_later_page(request, booking, token, shift, now)
    try:
        moved = later_sessions_move(
            booking=booking,
            accepted_starts=starts_accepted(request.POST.get("starts", "")),
            now=now,
        )
    except LaterSessionsChanged as changed:
        return _move_later_page(
            request, booking, token, changed.shift, now, status=409,
            problem_text=str(changed) if changed.shift.complete else "We cannot move every "
            "later session online. Please call us and we will find times together.",
        )  # fmt: skip
    except SchedulingError as refused:
        return problem(request, str(refused), status=409)
    count = len(moved)
    messages.success(
        request,
        f"{count} later session{'s have' if count != 1 else ' has'} moved. We have sent you "
        f"an email with {'every new time' if count != 1 else 'the new time'}.",
    )
    return redirect("booking:manage", token=token)


def _add_course_page(
    request: HttpRequest, booking: Booking, token: str, count: int, now: datetime,
    *, status: int = 200, problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "booking/manage_course.html",
        _manage_context(booking, token, now)
        | course_choice(booking, count, now)
        | {"problem": problem_text},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage_add_course(request: HttpRequest, token: str) -> HttpResponse:
    """Book the rest of a course after a first visit that was booked on its own."""
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    if not course_can_be_added(booking):
        return link_problem(request)
    service, now = booking.service, timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    count = sessions_chosen(source.get("sessions"), service, service.series_default_sessions)
    if count is None or count == 1:
        return _add_course_page(
            request, booking, token, service.series_default_sessions, now, status=400,
            problem_text=f"Please choose from {service.series_min_sessions} to "
            f"{service.series_max_sessions} sessions.",
        )  # fmt: skip
    if request.method == "GET":
        return _add_course_page(request, booking, token, count, now)
    accepted = [start for start in starts_accepted(request.POST.get("starts", "")) if start]
    try:
        booked = course_add_accepted(
            first_visit=booking, sessions=count, accepted_starts=accepted, now=now
        )
    except CourseChanged as changed:
        return _add_course_page(
            request, booking, token, count, now, status=409,
            problem_text=str(changed) if changed.session else "Some dates changed while you "
            "were looking. Please look at them again: nothing is booked yet.",
        )  # fmt: skip
    except SchedulingError as refused:
        return problem(request, str(refused), status=409)
    messages.success(
        request,
        f"Your course of {count} sessions is booked. We have sent you an email with every date.",
    )
    return redirect("booking:manage", token=booked[0].manage_token or token)


@require_http_methods(["GET", "POST"])
def manage_cancel_course(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel every session of the course that is still far enough ahead to change online."""
    booking = managed_booking(token, timezone.now())
    if booking is None or booking.series is None:
        return link_problem(request)
    now = timezone.now()
    if not changeable_online(booking, now):
        return _too_late(request, booking, token)
    if request.method == "GET":
        context = _manage_context(booking, token, now)
        return render(request, "booking/manage_cancel_course.html", context)
    sessions = course_cancel_online(booking=booking, now=now)
    cancelled = len(sessions)
    messages.success(
        request,
        f"{cancelled} session{'s' if cancelled != 1 else ''} of your course "
        f"{'are' if cancelled != 1 else 'is'} cancelled. We have sent you an email for each.",
    )
    this = next((session for session in sessions if session.pk == booking.pk), None)
    return redirect(
        "booking:manage", token=this.manage_token if this and this.manage_token else token
    )


@require_http_methods(["GET", "POST"])
def manage_consent(request: HttpRequest, token: str) -> HttpResponse:
    """Consent still to sign for a booked visit (booked by phone, or a document renewed)."""
    booking = managed_booking(token, timezone.now())
    if booking is None or booking.patient is None:
        return link_problem(request)
    now = timezone.now()
    context = _manage_context(booking, token, now)
    consents = context["consents"]
    if not context["upcoming"] or consents.complete:
        messages.info(request, "There is nothing left to sign for this visit.")
        return redirect("booking:manage", token=token)

    def sign(typed_name: str, optional_kinds: set[str]) -> None:
        # The manage link was sent to the patient's own address: it stands as their proof.
        visit_sign(
            booking=booking, consents=consents, optional_kinds=optional_kinds,
            typed_name=typed_name, now=now, ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )  # fmt: skip

    form, signed = consent_form(request, consents, sign)
    if signed:
        messages.success(request, "Thank you: your consent is signed.")
        return redirect("booking:manage", token=token)
    return render(
        request,
        "booking/manage_consent.html",
        context | {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
def manage_late_request(request: HttpRequest, token: str) -> HttpResponse:
    """Too close to change online: the patient asks, the front desk is told and calls back."""
    booking = managed_booking(token, timezone.now())
    if booking is None:
        return link_problem(request)
    now = timezone.now()
    context = _manage_context(booking, token, now)
    wish = request.POST.get("wish", "")
    if wish not in ("move", "cancel"):
        return problem(request, "Please choose whether you would like to move or cancel.")
    if context["changeable"]:
        return redirect("booking:cancel" if wish == "cancel" else "booking:move", token=token)
    if not context["upcoming"] or booking.patient is None:
        return problem(request, "This visit can no longer be changed.", status=409)
    late_change_request_send(booking=booking, wish=wish, now=now)
    messages.success(
        request,
        "Thank you: we have told the team, and someone will contact you soon, during "
        "opening hours. Your visit stays booked until we have spoken with you.",
    )
    return redirect("booking:manage", token=token)


@require_GET
def done(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: when and where, what to do before, and the link to manage it."""
    booking = managed_booking(token, timezone.now())
    if booking is None:
        return link_problem(request)
    return render(request, "booking/done.html", _manage_context(booking, token, timezone.now()))


@require_GET
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    """The visit as an .ics file for the patient's calendar."""
    booking = managed_booking(token, timezone.now())
    if booking is None:
        return link_problem(request)
    response = HttpResponse(booking_ics(booking, now=timezone.now()), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response
