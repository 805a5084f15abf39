"""Staff endpoints of the JSON API (``/api/staff/…``): the day's bookings, booking a visit or a
course for a patient, moving and cancelling, moving a course's later sessions together, and a
patient's record as FHIR R4.

Each needs a staff member's API token (``auth.StaffToken``) whose owner's roles allow the
action named on it (the staff policy, the same the back office's pages ask).
Staff book by the clinic's rules (``by_staff``): not the online change notice,
minimum notice or horizon, but the clinic's hours, the clinicians' shifts, the start times
and no double booking. Refusals are answered by the API's one handler
(``problems.scheduling_problem``). Nothing here gives health information, except the FHIR
export (``patient_health``, for the patient's own clinicians and managers, audited): a
booking shows the patient's name and id only.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from dermadesk.api.auth import StaffToken, staff_user
from dermadesk.api.courses import later_sessions_out, proposal_out
from dermadesk.api.inputs import day_start, instant, location_named
from dermadesk.api.problems import STAFF_PROBLEMS, ApiProblem
from dermadesk.api.queries import booking_detailed, bookings_starting, sessions_detailed
from dermadesk.api.schemas import (
    LaterSessionsIn,
    LaterSessionsOut,
    PatientRefOut,
    RescheduleIn,
    StaffBookingIn,
    StaffBookingOut,
    StaffCourseIn,
    StaffCourseOut,
    StaffDayOut,
    StaffLaterSessionsMovedOut,
)
from dermadesk.checkout.course import session_label
from dermadesk.checkout.courses import (
    course_book_by_staff,
    later_sessions_move,
    later_sessions_proposal,
)
from dermadesk.checkout.manage import course_sessions
from dermadesk.interop.export import patient_export
from dermadesk.limits.client import client_address
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, ResourceKind, Service
from dermadesk.scheduling.services import (
    NotChangeable,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from dermadesk.staff.policy import may, roles_of
from dermadesk.staff.roles import Action

router = Router(tags=["staff"])

VIEW = StaffToken(Action.CALENDAR_VIEW)
ADD = StaffToken(Action.VISIT_BOOK)
ADD_COURSE = StaffToken(Action.VISIT_BOOK)
CHANGE = StaffToken(Action.VISIT_BOOK)
HEALTH = StaffToken(Action.PATIENT_HEALTH)

FHIR_JSON = "application/fhir+json"


def _staff_booking_out(booking: Booking) -> StaffBookingOut:
    """A booking for the front desk: when, what, who, where; no health information."""
    zone = booking.location.zone
    allocations = list(booking.allocations.all())  # prefetched by the day's list

    def named(kind: ResourceKind) -> list[str]:
        return sorted({a.resource.name for a in allocations if a.resource.kind == kind})

    series, number = booking.series, booking.series_number
    patient = booking.patient
    return StaffBookingOut(
        id=booking.public_id,
        service=booking.service.slug,
        service_name=booking.service.name,
        location=booking.location.slug,
        status=booking.status,
        start=booking.starts_at.astimezone(UTC),
        local_start=booking.starts_at.astimezone(zone),
        end=booking.ends_at.astimezone(UTC),
        channel=booking.channel,
        patient=PatientRefOut(id=patient.pk, name=patient.full_name) if patient else None,
        session=number if series else None,
        sessions_planned=series.sessions_planned if series else None,
        session_label=session_label(number, series.sessions_planned) if series and number else "",
        clinicians=named(ResourceKind.PROVIDER),
        rooms=named(ResourceKind.ROOM),
    )


def _reloaded(booking: Booking) -> StaffBookingOut:
    """The booking as the day's list shows it, read again after a change."""
    return _staff_booking_out(booking_detailed(booking))


def _patient(patient_id: int) -> Patient:
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        raise Http404("No patient has this id.")
    return patient


def _service(slug: str) -> Service:
    """Any active treatment: staff also book those not offered online."""
    service = Service.objects.filter(slug=slug, active=True).first()
    if service is None:
        raise Http404("No active treatment has this name.")
    return service


def _booking(booking_id: uuid.UUID) -> Booking:
    booking = (
        Booking.objects.select_related("service", "location", "patient", "series")
        .filter(public_id=booking_id)
        .first()
    )
    if booking is None:
        raise Http404("No booking has this id.")
    return booking


@router.get("/bookings", auth=VIEW, response={200: StaffDayOut, **STAFF_PROBLEMS})
def day_bookings(request: HttpRequest, day: date, location: str | None = None) -> StaffDayOut:
    """The bookings that start on ``day`` (the location's local date), in order of time.

    Needs a role with ``calendar_view``.
    """
    place = location_named(location)
    today = timezone.now().astimezone(place.zone).date()
    start = day_start(day, place, today)
    end = day_start(day + timedelta(days=1), place, today)
    return StaffDayOut(
        location=place.slug,
        time_zone=place.time_zone,
        day=day,
        bookings=[
            _staff_booking_out(booking)
            for booking in bookings_starting(location=place, start=start, end=end)
        ],
    )


@router.post("/bookings", auth=ADD, response={201: StaffBookingOut, **STAFF_PROBLEMS})
def book_visit(request: HttpRequest, data: StaffBookingIn) -> Status[StaffBookingOut]:
    """Book one visit for a patient, confirmed at once (the patient is emailed as usual).

    Needs a role with ``visit_book``. Any time the clinic is open and the clinician works,
    however soon or far ahead. A time taken: 409 with the nearest free ones; a time outside
    the clinic's hours or off the start times: 400.
    """
    now = timezone.now()
    patient, service = _patient(data.patient_id), _service(data.service)
    place, start = location_named(data.location), instant(data.start, now)
    booking = booking_create(
        service=service, location=place, start=start, now=now, channel=BookingChannel.STAFF,
        created_by=staff_user(request), patient_id=patient.pk, by_staff=True,
    )  # fmt: skip
    return Status(201, _reloaded(booking))


@router.post("/courses", auth=ADD_COURSE, response={201: StaffCourseOut, **STAFF_PROBLEMS})
def book_course(request: HttpRequest, data: StaffCourseIn) -> Status[StaffCourseOut]:
    """Book a whole course for a patient: the first session at ``start``, the others as the
    clinic plans them (same weekday, time and clinician where it can), all or none.

    Needs a role with ``visit_book``. When a session cannot be
    planned or is taken meanwhile: 409 with the proposal, and nothing is booked.
    """
    now = timezone.now()
    patient, service = _patient(data.patient_id), _service(data.service)
    place, start = location_named(data.location), instant(data.start, now)
    booked = course_book_by_staff(
        service=service, location=place, start=start, sessions=data.sessions,
        patient_id=patient.pk, now=now, created_by=staff_user(request),
    )  # fmt: skip
    return Status(
        201,
        StaffCourseOut(
            sessions_planned=len(booked.sessions),
            proposal=proposal_out(booked.plan, service=service, location=place).sessions,
            bookings=[_staff_booking_out(b) for b in sessions_detailed(booked.sessions)],
        ),
    )


@router.post(
    "/bookings/{booking_id}/cancel", auth=CHANGE, response={200: StaffBookingOut, **STAFF_PROBLEMS}
)
def cancel_booking(request: HttpRequest, booking_id: uuid.UUID) -> StaffBookingOut:
    """Cancel a booking, however soon it is (the patient is emailed as usual).

    Needs a role with ``visit_book``. One session of a course is cancelled by itself.
    """
    booking, now = _booking(booking_id), timezone.now()
    return _reloaded(booking_cancel(booking=booking, now=now))


@router.post(
    "/bookings/{booking_id}/reschedule", auth=CHANGE,
    response={200: StaffBookingOut, **STAFF_PROBLEMS},
)  # fmt: skip
def reschedule_booking(
    request: HttpRequest, booking_id: uuid.UUID, data: RescheduleIn
) -> StaffBookingOut:
    """Move a booking to ``start``, however soon it is; the same clinician and room where free.

    Needs a role with ``visit_book``. A time taken: 409 with the nearest free ones. The
    later sessions of a course do not follow by themselves: see ``…/later-sessions``.
    """
    booking, now = _booking(booking_id), timezone.now()
    start = instant(data.start, now)
    return _reloaded(booking_reschedule(booking=booking, start=start, now=now, by_staff=True))


def _later_sessions_of(booking: Booking, now: datetime) -> LaterSessionsOut:
    shift = later_sessions_proposal(booking=booking, now=now, by_staff=True)
    if shift is None:
        raise NotChangeable("No later session of a course follows this booking.")
    return later_sessions_out(shift)


@router.get(
    "/bookings/{booking_id}/later-sessions", auth=VIEW,
    response={200: LaterSessionsOut, **STAFF_PROBLEMS},
)  # fmt: skip
def later_sessions(request: HttpRequest, booking_id: uuid.UUID) -> LaterSessionsOut:
    """The later sessions of this booking's course, and where each would go to follow it at
    the course's interval again (e.g. after it was moved): the same weekday, time and
    clinician where free, else the nearest free time within a few days, saying why.

    Needs a role with ``calendar_view``. Not part of a course, or nothing after it: 409.
    """
    return _later_sessions_of(_booking(booking_id), timezone.now())


@router.post(
    "/bookings/{booking_id}/later-sessions", auth=CHANGE,
    response={200: StaffLaterSessionsMovedOut, **STAFF_PROBLEMS},
)  # fmt: skip
def move_later_sessions(
    request: HttpRequest, booking_id: uuid.UUID, data: LaterSessionsIn
) -> StaffLaterSessionsMovedOut:
    """Move the later sessions to the starts shown by ``GET …/later-sessions``, all or none.

    Needs a role with ``visit_book``. If the proposal changed since (or a session was
    taken meanwhile), 409 with the fresh proposal and nothing moves. The patient gets one
    email listing every moved session, with a calendar update for each.
    """
    booking, now = _booking(booking_id), timezone.now()
    starts = [instant(start, now) for start in data.starts]
    moved = later_sessions_move(booking=booking, accepted_starts=starts, now=now, by_staff=True)
    return StaffLaterSessionsMovedOut(
        moved=len(moved),
        bookings=[_staff_booking_out(b) for b in sessions_detailed(course_sessions(booking))],
    )


@router.get(
    "/patients/{patient_id}/fhir", auth=HEALTH, response=STAFF_PROBLEMS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "A FHIR R4 Bundle of type collection.",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)  # fmt: skip
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's record as a FHIR R4 Bundle (``application/fhir+json``): Patient, an
    Appointment per visit, each screening as a QuestionnaireResponse with the Questionnaire
    version answered, and each consent signed as a Consent with the document's version.

    Needs ``patient_health`` for this patient: a clinician for their own patients (a visit
    with them, past or to come), a manager for anyone; otherwise 403. The export is written
    into the audit trail with the token's owner.
    """
    user = staff_user(request)
    if not may(user, Action.PATIENT_HEALTH, patient_id=patient_id):
        raise ApiProblem(
            403, "Not permitted",
            "Clinicians may export the records of their own patients only.",
        )  # fmt: skip
    bundle = patient_export(
        patient_id=patient_id, actor=user, roles=[role.value for role in roles_of(user)],
        address=client_address(request), detail="through the staff API", now=timezone.now(),
    )  # fmt: skip
    if bundle is None:
        raise Http404("No patient has this id.")
    return HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_JSON)
