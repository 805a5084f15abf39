"""A visit's page in the back office, and what staff do from it: check the patient in, mark
the visit not attended or completed, move it to a free time, cancel it.

Each change goes through the booking services (``booking_check_in``, ``booking_no_show``,
``booking_complete``, ``booking_reschedule`` by staff rules, ``booking_cancel``), the same
the staff API and the admin call; the patient is emailed by them as for any change. Each
change and each look at the page is written to the audit trail.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.checkout.course import clock_text, day_text
from dermadesk.scheduling.attendance import Step, attendance_refusal
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus
from dermadesk.scheduling.queries import nearest_alternatives, next_free_starts
from dermadesk.scheduling.services import (
    SchedulingError,
    SlotTaken,
    booking_cancel,
    booking_check_in,
    booking_complete,
    booking_no_show,
    booking_reschedule,
)
from dermadesk.staff.calendar_forms import StartForm
from dermadesk.staff.calendar_pages import day_asked, zone_text
from dermadesk.staff.calendar_queries import VisitDetail, local_midnight, visit_detail
from dermadesk.staff.consent_pages import desk_consents
from dermadesk.staff.pages import audit_event, audit_view, staff_page, staff_user
from dermadesk.staff.policy import may
from dermadesk.staff.refusals import refusal_status
from dermadesk.staff.roles import Action

FREE_TIMES = 12


def when_text(moment: datetime, booking: Booking) -> str:
    """'Thursday 26 November at 10:00 a.m.' in the visit's clinic time."""
    local = moment.astimezone(booking.location.zone)
    return f"{day_text(local)} at {clock_text(local)}"


def _detail(booking_id: int) -> VisitDetail:
    found = visit_detail(booking_id)
    if found is None:
        raise Http404("No visit has this number.")
    return found


def _booking(booking_id: int) -> Booking:
    booking = Booking.objects.select_related("service", "location", "patient").filter(pk=booking_id)
    found = booking.first()
    if found is None:
        raise Http404("No visit has this number.")
    return found


NOT_CHANGEABLE = "it is over, cancelled, or already marked as attended or not."


def _changeable(booking: Booking, now: datetime) -> bool:
    """Whether staff may move or cancel it: booked for a patient, not marked attended or
    not, and not over (a patient running late may be moved to later that day)."""
    return (
        booking.status == BookingStatus.CONFIRMED
        and booking.patient_id is not None
        and booking.ends_at > now
    )


def _name(user: User | None) -> str:
    if user is None:
        return "someone no longer on the staff"
    return user.get_full_name() or user.get_username()


def _booked_how(booking: Booking) -> str:
    if booking.channel == BookingChannel.WEB:
        return "online by the patient"
    if booking.channel == BookingChannel.API:
        return "through the clinic's booking interface (API)"
    return f"by {_name(booking.created_by)}" if booking.created_by_id else "by staff"


def attendance_lines(booking: Booking) -> list[str]:
    """Who marked the visit's attendance and when, in the clinic's time."""
    marks = (
        ("Checked in", booking.checked_in_at, booking.checked_in_by),
        ("Marked as not attended", booking.no_show_at, booking.no_show_by),
        ("Marked as completed", booking.completed_at, booking.completed_by),
    )
    return [
        f"{what} {when_text(at, booking)} by {_name(by)}."
        for what, at, by in marks
        if at is not None
    ]


@dataclass(frozen=True)
class AttendanceButton:
    step: Step
    url: str
    label: str


ATTENDANCE = (
    (Step.CHECK_IN, "staff:visit_check_in", "Check in"),
    (Step.NO_SHOW, "staff:visit_no_show", "Mark as not attended"),
    (Step.COMPLETE, "staff:visit_complete", "Mark as completed"),
)


def _attendance_buttons(booking: Booking, now: datetime) -> list[AttendanceButton]:
    """The attendance steps the visit's status and time allow now."""
    zone = booking.location.zone
    return [
        AttendanceButton(step, reverse(url, args=[booking.pk]), label)
        for step, url, label in ATTENDANCE
        if not attendance_refusal(
            step, status=booking.status, starts_at=booking.starts_at, now=now, zone=zone
        )
    ]


def _visit_context(request: HttpRequest, detail: VisitDetail, now: datetime) -> dict[str, Any]:
    booking = detail.booking
    day = booking.starts_at.astimezone(booking.location.zone).date()
    return {
        "detail": detail,
        "booking": booking,
        "visit": detail.visit,
        "patient": booking.patient,
        "location": booking.location,
        "day": day,
        "zone_text": zone_text(booking.location, day),
        "when": when_text(booking.starts_at, booking),
        "ends": clock_text(booking.ends_at.astimezone(booking.location.zone)),
        "booked": f"{when_text(booking.created_at, booking)}, {_booked_how(booking)}",
        "attendance": attendance_lines(booking),
        "buttons": (
            _attendance_buttons(booking, now) if may(request.user, Action.VISIT_STATUS) else []
        ),
        "may_change": may(request.user, Action.VISIT_BOOK) and _changeable(booking, now),
        **_record_links(request, booking),
        "consents_to_sign": _consents_to_sign(request, booking, now),
    }


def _consents_to_sign(request: HttpRequest, booking: Booking, now: datetime) -> list[str]:
    """The titles of the consents the visit still needs, when they can be signed on the
    clinic's tablet now."""
    consents = desk_consents(booking, now) if may(request.user, Action.VISIT_STATUS) else None
    return [] if consents is None else [item.document.title for item in consents.pending]


def _record_links(request: HttpRequest, booking: Booking) -> dict[str, bool]:
    """Whether the treatment record opens from here: the chart once the patient is checked
    in, a complication after; only for those the policy lets see this patient's charts."""
    here = booking.patient_id is not None and booking.status in (
        BookingStatus.CHECKED_IN, BookingStatus.COMPLETED,
    )  # fmt: skip
    return {
        "may_chart": here and may(request.user, Action.CHART, patient_id=booking.patient_id),
        "may_complication": here
        and may(request.user, Action.COMPLICATIONS, patient_id=booking.patient_id),
        "may_photos": here and may(request.user, Action.PHOTOS, patient_id=booking.patient_id),
    }


def _audit_shown(request: HttpRequest, booking: Booking) -> None:
    """The page about to be answered shows this visit's patient: one row in the trail."""
    if booking.patient_id is not None:
        audit_view(
            request, patient_id=booking.patient_id, what="booking",
            object_ref=f"scheduling.booking:{booking.pk}",
        )  # fmt: skip


def _show_visit(
    request: HttpRequest, booking_id: int, *, problem: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    detail = _detail(booking_id)
    booking = detail.booking
    _audit_shown(request, booking)
    context = _visit_context(request, detail, now) | {"problem": problem}
    return render(request, "staff/calendar/visit.html", context, status=status)


@staff_page(Action.PATIENT_RECORD)
@require_http_methods(["GET", "HEAD"])
def visit_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A visit: the patient's name and contact, when, which steps on which resources, its
    status with who marked it and when, and what may be done with it now."""
    return _show_visit(request, booking_id)


# Attendance


ATTENDED = {
    Step.CHECK_IN: (booking_check_in, "{patient} is checked in.", "checked in"),
    Step.NO_SHOW: (booking_no_show, "Marked as not attended.", "marked as not attended"),
    Step.COMPLETE: (booking_complete, "Marked as completed.", "marked as completed"),
}


def _attend(request: HttpRequest, booking_id: int, step: Step) -> HttpResponse:
    service, said, done = ATTENDED[step]
    booking = _booking(booking_id)
    try:
        service(booking=booking, by=staff_user(request), now=timezone.now())
    except SchedulingError as error:
        return _show_visit(request, booking_id, problem=str(error), status=refusal_status(error))
    audit_event(
        request, AuditAction.CHANGE, patient_id=booking.patient_id, what="booking",
        object_ref=f"scheduling.booking:{booking.pk}", detail=done,
    )  # fmt: skip
    patient = booking.patient.full_name if booking.patient else "The patient"
    messages.success(request, said.format(patient=patient))
    return redirect("staff:visit", booking_id=booking.pk)


@staff_page(Action.VISIT_STATUS)
@require_POST
def visit_check_in(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _attend(request, booking_id, Step.CHECK_IN)


@staff_page(Action.VISIT_STATUS)
@require_POST
def visit_no_show(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _attend(request, booking_id, Step.NO_SHOW)


@staff_page(Action.VISIT_STATUS)
@require_POST
def visit_complete(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _attend(request, booking_id, Step.COMPLETE)


# Moving


def _from_day(request: HttpRequest, booking: Booking, now: datetime) -> tuple[datetime, str]:
    """Where the free times start: ``?from=`` (a local day), else the visit's own day (or
    now, if that has passed); with why ``?from=`` could not be used, if it could not."""
    zone = booking.location.zone
    day = booking.starts_at.astimezone(zone).date()
    problem = ""
    try:
        day = day_asked(request, day, name="from")
    except ValueError as error:
        problem = str(error)
    return max(local_midnight(day, booking.location), now), problem


def _move_page(
    request: HttpRequest, booking: Booking, *, form: StartForm, problem: str = "",
    alternatives: list[datetime] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    now = timezone.now()
    after, unread = _from_day(request, booking, now)
    if unread and not problem:
        problem, status = unread, 400
    free = next_free_starts(
        service=booking.service, location=booking.location, after=after, now=now,
        count=FREE_TIMES, ignoring_booking=booking.pk, by_staff=True,
    )  # fmt: skip
    zone = booking.location.zone
    day = booking.starts_at.astimezone(zone).date()
    context = {
        "booking": booking,
        "patient": booking.patient,
        "location": booking.location,
        "when": when_text(booking.starts_at, booking),
        "zone_text": zone_text(booking.location, day),
        "free": [slot.start.astimezone(zone) for slot in free],
        "from_day": after.astimezone(zone).date(),
        "form": form,
        "problem": problem,
        "alternatives": [moment.astimezone(zone) for moment in alternatives or []],
    }
    _audit_shown(request, booking)
    return render(request, "staff/calendar/visit_move.html", context, status=status)


@staff_page(Action.VISIT_BOOK)
@require_http_methods(["GET", "HEAD", "POST"])
def visit_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Choose a new time for a visit from the free times (its own time counts as free), or
    type one; the same clinician, room and devices are kept where they are free."""
    booking = _booking(booking_id)
    now = timezone.now()
    if not _changeable(booking, now):
        return _show_visit(
            request, booking_id, status=409,
            problem=f"This visit can no longer be moved: {NOT_CHANGEABLE}",
        )  # fmt: skip
    if request.method != "POST":
        return _move_page(request, booking, form=StartForm(location=booking.location, now=now))
    form = StartForm(request.POST, location=booking.location, now=now)
    if not form.is_valid():
        return _move_page(request, booking, form=form, status=400)
    previous = booking.starts_at
    try:
        moved = booking_reschedule(booking=booking, start=form.moment, now=now, by_staff=True)
    except SlotTaken as taken:
        nearby = nearest_alternatives(
            service=booking.service, location=booking.location, around=form.moment, now=now,
            ignoring_booking=booking.pk, by_staff=True,
        )  # fmt: skip
        return _move_page(
            request, booking, form=form, problem=str(taken), status=409,
            alternatives=[slot.start for slot in nearby],
        )  # fmt: skip
    except SchedulingError as error:
        return _move_page(
            request, booking, form=form, problem=str(error), status=refusal_status(error)
        )
    audit_event(
        request, AuditAction.CHANGE, patient_id=booking.patient_id, what="booking",
        object_ref=f"scheduling.booking:{booking.pk}",
        detail=f"moved from {previous.isoformat()} to {moved.starts_at.isoformat()}",
    )  # fmt: skip
    messages.success(
        request,
        f"Moved to {when_text(moved.starts_at, moved)} (it was {when_text(previous, moved)}); "
        "the patient gets an email with the new time.",
    )
    return redirect("staff:visit", booking_id=booking.pk)


# Cancelling


@staff_page(Action.VISIT_BOOK)
@require_http_methods(["GET", "HEAD", "POST"])
def visit_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Ask first; on "Cancel the visit", cancel it (one session of a course by itself)."""
    booking = _booking(booking_id)
    now = timezone.now()
    if not _changeable(booking, now):
        return _show_visit(
            request, booking_id, status=409,
            problem=f"This visit can no longer be cancelled: {NOT_CHANGEABLE}",
        )  # fmt: skip
    if request.method == "POST":
        try:
            booking_cancel(booking=booking, now=now)
        except SchedulingError as error:
            return _show_visit(
                request, booking_id, problem=str(error), status=refusal_status(error)
            )
        audit_event(
            request, AuditAction.CHANGE, patient_id=booking.patient_id, what="booking",
            object_ref=f"scheduling.booking:{booking.pk}", detail="cancelled",
        )  # fmt: skip
        messages.success(
            request,
            f"Cancelled: {booking.service.name} on {when_text(booking.starts_at, booking)}; "
            "the patient gets an email saying so.",
        )
        day = booking.starts_at.astimezone(booking.location.zone).date()
        return redirect(
            f"{reverse('staff:calendar')}?date={day.isoformat()}&location={booking.location.slug}"
        )
    day = booking.starts_at.astimezone(booking.location.zone).date()
    context = {
        "booking": booking,
        "patient": booking.patient,
        "location": booking.location,
        "when": when_text(booking.starts_at, booking),
        "zone_text": zone_text(booking.location, day),
    }
    _audit_shown(request, booking)
    return render(request, "staff/calendar/visit_cancel.html", context)
