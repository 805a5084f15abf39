"""Staff endpoints of the JSON API (``/api/staff/…``): the day's bookings, booking a visit or a
course for a patient, moving and cancelling.

Each needs a staff member's API token (``auth.StaffToken``) and the Django permissions
named on it. Staff are not bound by the online change notice; every other rule is the
services' (the engine's grid, notice and horizon, no double booking). Nothing here gives
health information: a booking shows the patient's name and id only.
"""

import uuid
from datetime import UTC, date, timedelta
from typing import cast

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from dermadesk.api.auth import StaffToken, staff_user
from dermadesk.api.courses import proposal_out
from dermadesk.api.inputs import day_start, instant, location_named
from dermadesk.api.problems import STAFF_PROBLEMS, ApiProblem, moved_or_problem, time_taken
from dermadesk.api.queries import booking_detailed, bookings_starting, course_detailed
from dermadesk.api.schemas import (
    PatientRefOut,
    RescheduleIn,
    StaffBookingIn,
    StaffBookingOut,
    StaffCourseIn,
    StaffCourseOut,
    StaffDayOut,
)
from dermadesk.checkout.course import session_label
from dermadesk.checkout.course_plan import first_session, sessions_allowed
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, ResourceKind, Series, Service
from dermadesk.scheduling.queries import series_proposal
from dermadesk.scheduling.services import (
    NotBookable,
    NotChangeable,
    SeriesSessionTaken,
    SlotTaken,
    booking_cancel,
    booking_create,
    series_book,
)

router = Router(tags=["staff"])

VIEW = StaffToken("scheduling.view_booking")
ADD = StaffToken("scheduling.add_booking")
# As in the admin's "Book a course": a course is a Series row and its bookings.
ADD_COURSE = StaffToken("scheduling.add_booking", "scheduling.add_series")
CHANGE = StaffToken("scheduling.change_booking")


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

    Needs ``scheduling.view_booking``.
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

    Needs ``scheduling.add_booking``. A time taken meanwhile: 409 with the nearest free ones.
    """
    now = timezone.now()
    patient, service = _patient(data.patient_id), _service(data.service)
    place, start = location_named(data.location), instant(data.start, now)
    try:
        booking = booking_create(
            service=service, location=place, start=start, now=now, channel=BookingChannel.STAFF,
            created_by=staff_user(request), patient_id=patient.pk,
        )  # fmt: skip
    except SlotTaken:
        raise time_taken(service, place, start, now) from None
    except NotBookable as refused:
        raise ApiProblem(400, "Time not offered", str(refused)) from refused
    return Status(201, _reloaded(booking))


@router.post("/courses", auth=ADD_COURSE, response={201: StaffCourseOut, **STAFF_PROBLEMS})
def book_course(request: HttpRequest, data: StaffCourseIn) -> Status[StaffCourseOut]:
    """Book a whole course for a patient: the first session at ``start``, the others as the
    clinic plans them (same weekday, time and clinician where it can), all or none.

    Needs ``scheduling.add_booking`` and ``scheduling.add_series``. When a session cannot be
    planned or is taken meanwhile: 409 with the proposal, and nothing is booked.
    """
    now = timezone.now()
    patient, service = _patient(data.patient_id), _service(data.service)
    place, start = location_named(data.location), instant(data.start, now)
    if not sessions_allowed(service, data.sessions):
        raise ApiProblem(400, *_course_limits(service))
    try:
        first = first_session(service=service, location=place, start=start, now=now)
    except SlotTaken:
        raise time_taken(service, place, start, now) from None
    except NotBookable as refused:
        raise ApiProblem(400, "Time not offered", str(refused)) from refused
    plan = series_proposal(
        service=service, location=place, first=first, count=data.sessions, now=now
    )
    if not plan.complete:
        raise ApiProblem(
            409, "Course not bookable",
            "Not every session of this course has a free time near its regular date; "
            "nothing is booked. Choose fewer sessions or another first time.",
            course=proposal_out(plan, service=service, location=place),
        )  # fmt: skip
    try:
        series = cast(Series, series_book(
            service=service, location=place, sessions=[s.slot for s in plan.sessions if s.slot],
            now=now, channel=BookingChannel.STAFF, patient_id=patient.pk,
            created_by=staff_user(request),
        )[0].series)  # fmt: skip
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            raise time_taken(service, place, start, now) from None
        fresh = series_proposal(
            service=service, location=place, first=first, count=data.sessions, now=now
        )
        raise ApiProblem(
            409, "Session taken",
            f"Session {taken.number} of this course was taken meanwhile, so nothing was "
            "booked. The fresh proposal is below.",
            session=taken.number, course=proposal_out(fresh, service=service, location=place),
        ) from taken  # fmt: skip
    return Status(
        201,
        StaffCourseOut(
            sessions_planned=series.sessions_planned,
            proposal=proposal_out(plan, service=service, location=place).sessions,
            bookings=[_staff_booking_out(booking) for booking in course_detailed(series)],
        ),
    )


def _course_limits(service: Service) -> tuple[str, str]:
    if not service.offers_series:
        return "Not a course", f"{service.name} is booked one visit at a time, not as a course."
    return "Sessions out of range", (
        f"{service.name} is booked as a course of {service.series_min_sessions} to "
        f"{service.series_max_sessions} sessions."
    )


@router.post(
    "/bookings/{booking_id}/cancel", auth=CHANGE, response={200: StaffBookingOut, **STAFF_PROBLEMS}
)
def cancel_booking(request: HttpRequest, booking_id: uuid.UUID) -> StaffBookingOut:
    """Cancel a booking, however soon it is (the patient is emailed as usual).

    Needs ``scheduling.change_booking``. One session of a course is cancelled by itself.
    """
    booking, now = _booking(booking_id), timezone.now()
    try:
        cancelled = booking_cancel(booking=booking, now=now)
    except NotChangeable as refused:
        raise ApiProblem(409, "Not changeable", str(refused)) from refused
    return _reloaded(cancelled)


@router.post(
    "/bookings/{booking_id}/reschedule", auth=CHANGE,
    response={200: StaffBookingOut, **STAFF_PROBLEMS},
)  # fmt: skip
def reschedule_booking(
    request: HttpRequest, booking_id: uuid.UUID, data: RescheduleIn
) -> StaffBookingOut:
    """Move a booking to ``start``, however soon it is; the same clinician and room where free.

    Needs ``scheduling.change_booking``. A time taken: 409 with the nearest free ones.
    """
    booking, now = _booking(booking_id), timezone.now()
    start = instant(data.start, now)
    return _reloaded(moved_or_problem(booking, start, now))
