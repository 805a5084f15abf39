"""The JSON API (django-ninja): what a clinic's own website or app needs to book online,
one visit or a whole course; the staff endpoints are in ``staff.py``, mounted here.

Every operation calls the same services as the booking pages, so the rules (availability,
screening, consent, the change notice) are the site's rules. Errors are RFC 9457 problem
details with the status that says what went wrong: 400 or 422 for bad input, 401 and 403
for a staff token missing or without the permission, 404 for an unknown or foreign id, 409
for a time taken, a course changed or a change too late, 429 when rate-limited.
The OpenAPI document is at ``/api/openapi.json``, its reader at ``/api/docs``.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dermadesk.api.courses import booked_course_out, proposal_out
from dermadesk.api.inputs import day_start, instant, location_named, online_service
from dermadesk.api.problems import PROBLEMS, ApiProblem, moved_or_problem, time_taken
from dermadesk.api.schemas import (
    AvailabilityOut,
    BookingIn,
    BookingOut,
    CourseIn,
    CourseProposalOut,
    HoldIn,
    HoldOut,
    LocationOut,
    Problem,
    QuestionOut,
    RescheduleIn,
    ServiceOut,
)
from dermadesk.api.staff import router as staff_router
from dermadesk.api.throttle import ClientThrottle, check_hold_rate
from dermadesk.booking.course_plan import course_plan_from, planned_starts, sessions_allowed
from dermadesk.booking.manage import changeable_online, managed_booking
from dermadesk.booking.tokens import manage_token
from dermadesk.clinic.models import Location
from dermadesk.limits.client import client_address, hold_holder
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import PatientError, patient_find_or_create, visit_consents_sign
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import (
    NotBookable,
    SchedulingError,
    SeriesSessionTaken,
    SlotTaken,
    TooManyHolds,
    booking_cancel,
    booking_confirm,
    booking_hold,
    series_book,
)
from dermadesk.screening.models import ScreeningOutcome
from dermadesk.screening.queries import current_questionnaire, questions_for, valid_screening
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError, screening_submit

MAX_DAYS = 62


class ProblemAPI(NinjaAPI):
    """The document says what is sent: errors as ``application/problem+json``."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        return schema


api = ProblemAPI(
    title="dermadesk",
    version="1",
    description=(
        "Book the clinic's treatments: locations, services, free times, holds, bookings "
        "(one visit or a whole course), and changes by the booking's private manage token. "
        "Staff endpoints (tag `staff`) need an API token as `Authorization: Bearer <secret>`. "
        "Times are ISO 8601 with an offset; every error is an RFC 9457 problem."
    ),
    urls_namespace="api",
    throttle=[ClientThrottle()],
)


def _problem(request: HttpRequest, status: int, title: str, detail: str, **extra: Any) -> Any:
    body = Problem(title=title, status=status, detail=detail, **extra).model_dump(mode="json")
    # Fields a problem does not have are left out; inside them, null stays null.
    present = {key: value for key, value in body.items() if value is not None}
    response = api.create_response(request, present, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(ApiProblem)
def _api_problem(request: HttpRequest, error: ApiProblem) -> HttpResponse:
    return _problem(request, error.status, error.title, error.detail, **error.extra)  # type: ignore[no-any-return]


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in item.get("loc", ()) if part != "body"),
            "message": str(item.get("msg", "Invalid value.")),
        }
        for item in error.errors
    ]
    return _problem(  # type: ignore[no-any-return]
        request, 422, "Invalid input", "Some of what was sent is missing or not valid.",
        errors=errors,
    )  # fmt: skip


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _problem(request, 404, "Not found", str(error) or "Nothing is found here.")  # type: ignore[no-any-return]


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    sent = bool(request.headers.get("Authorization"))
    how = "Send a staff member's API token as “Authorization: Bearer <secret>”."
    detail = f"The token sent is unknown, expired or revoked. {how}" if sent else how
    response = _problem(request, 401, "Not signed in", detail)
    # RFC 6750: the scheme to use, and when a token was sent, that it was not accepted.
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent else "Bearer"
    return response  # type: ignore[no-any-return]


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    title = "Too many requests" if error.status_code == 429 else "Request refused"
    return _problem(request, error.status_code, title, error.message)  # type: ignore[no-any-return]


def _booking_out(booking: Booking, now: datetime) -> BookingOut:
    complete = (
        consent_status(patient=booking.patient, service=booking.service, now=now).complete
        if booking.patient is not None
        else False
    )
    return BookingOut(
        manage_token=manage_token(str(booking.public_id)),
        service=booking.service.slug,
        location=booking.location.slug,
        status=booking.status,
        start=booking.starts_at.astimezone(UTC),
        end=booking.ends_at.astimezone(UTC),
        consent_complete=complete,
        course=booked_course_out(booking),
    )


@api.get("/locations", response=list[LocationOut], tags=["clinic"])
def list_locations(request: HttpRequest) -> list[LocationOut]:
    """The clinic's locations, each with its time zone."""
    return [
        LocationOut(
            slug=location.slug,
            name=location.name,
            time_zone=location.time_zone,
            phone=location.phone,
            email=location.email,
            address_lines=location.address_lines,
        )
        for location in Location.objects.order_by("pk")
    ]


@api.get("/services", response=list[ServiceOut], tags=["clinic"])
def list_services(request: HttpRequest) -> list[dict[str, Any]]:
    """The treatments bookable online; a course says how many sessions, how far apart."""
    return [
        {
            "slug": service.slug,
            "name": service.name,
            "description": service.description,
            "price_display": service.price_display,
            "requires_screening": service.requires_screening,
            "course": {
                "min_sessions": service.series_min_sessions,
                "default_sessions": service.series_default_sessions,
                "max_sessions": service.series_max_sessions,
                "interval_days": service.series_interval_days,
            }
            if service.offers_series
            else None,
        }
        for service in Service.objects.filter(active=True, bookable_online=True)
    ]


@api.get(
    "/services/{slug}/availability", response={200: AvailabilityOut, **PROBLEMS}, tags=["booking"]
)
def availability(
    request: HttpRequest, slug: str, start: date, end: date, location: str | None = None
) -> AvailabilityOut:
    """Every free start from ``start`` up to (not including) ``end``, local dates, ≤ 62 days."""
    service, place = online_service(slug), location_named(location)
    if end <= start:
        raise ApiProblem(400, "Empty range", "The end date must come after the start date.")
    if (end - start).days > MAX_DAYS:
        raise ApiProblem(400, "Range too long", f"Ask for at most {MAX_DAYS} days at a time.")
    zone, now = place.zone, timezone.now()
    today = now.astimezone(zone).date()
    window_start, window_end = day_start(start, place, today), day_start(end, place, today)
    slots = available_slots(
        service=service, location=place, start=window_start, end=window_end, now=now
    )
    return AvailabilityOut(
        service=service.slug,
        location=place.slug,
        time_zone=place.time_zone,
        slots=[{"start": slot.start, "local_start": slot.start.astimezone(zone)} for slot in slots],  # type: ignore[misc]
    )


@api.get("/services/{slug}/questions", response={200: list[QuestionOut], **PROBLEMS},
         tags=["booking"])  # fmt: skip
def questions(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The health questions to answer before booking this treatment (empty when none)."""
    service = online_service(slug)
    questionnaire = current_questionnaire()
    if not service.requires_screening or questionnaire is None:
        return []
    return [
        {
            "key": question.key,
            "text": question.text,
            "help_text": question.help_text,
            "answer_type": question.answer_type,
            "required": question.required,
            "choices": [{"value": value, "label": label} for value, label in question.choice_pairs],
        }
        for question in questions_for(questionnaire=questionnaire, service=service)
    ]


@api.post("/holds", response={201: HoldOut, **PROBLEMS}, tags=["booking"])
def create_hold(request: HttpRequest, data: HoldIn) -> Status[HoldOut]:
    """Hold a free start while the patient gives their details (``BOOKING_HOLD_MINUTES``)."""
    check_hold_rate(request)
    service, place = online_service(data.service), location_named(data.location)
    now = timezone.now()
    start = instant(data.start, now)
    try:
        held = booking_hold(
            service=service, location=place, start=start, now=now, channel=BookingChannel.API,
            holder=hold_holder(request, with_session=False),
        )  # fmt: skip
    except TooManyHolds as refused:
        raise ApiProblem(429, "Too many times held", str(refused)) from refused
    except SlotTaken:
        raise time_taken(service, place, start, now) from None
    except NotBookable as refused:
        raise ApiProblem(400, "Time not offered", str(refused)) from refused
    expires = held.hold_expires_at or now  # a hold always has its expiry (a constraint)
    return Status(
        201, HoldOut(hold_id=str(held.public_id), start=held.starts_at, expires_at=expires)
    )


def _screen(held: Booking, patient: Any, answers: dict[str, str], now: datetime) -> None:
    """The treatment's screening on the visit's date, from a valid earlier one or these answers."""
    service = held.service
    day = held.starts_at.astimezone(held.location.zone).date()
    response = valid_screening(patient=patient, service=service, treatment_date=day, now=now)
    if response is None:
        questionnaire = current_questionnaire()
        if questionnaire is None:
            raise ApiProblem(409, "Screening paused", "Online booking of treatments is paused.")
        try:
            response = screening_submit(
                patient=patient, questionnaire=questionnaire, answers=answers, service=service,
                treatment_date=day, now=now,
            )  # fmt: skip
        except InvalidAnswers as invalid:
            raise ApiProblem(
                422, "Invalid answers", "Some screening answers are missing or not valid.",
                errors=[{"field": f"answers.{k}", "message": m} for k, m in invalid.errors.items()],
            ) from invalid  # fmt: skip
        except ScreeningError as refused:
            raise ApiProblem(422, "Screening refused", str(refused)) from refused
    if not response.is_bookable:
        booking_cancel(booking=held, now=now)
        title = (
            "Consultation first"
            if response.outcome == ScreeningOutcome.CONSULT_FIRST
            else "Not suitable"
        )
        raise ApiProblem(
            422, title, "This treatment cannot be booked online for this patient now; a "
            "consultation can be.", reasons=list(response.reasons),
        )  # fmt: skip


def _hold(hold_id: str) -> Booking:
    """The hold with this id, also when it ran out (it is renewed if the time is free)."""
    held = (
        Booking.objects.select_related("service", "location")
        .filter(public_id__iexact=hold_id.strip())
        .filter(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .first()
        if _is_uuid(hold_id)
        else None
    )
    if held is None:
        raise Http404("No hold has this id; it may have been booked or let go already.")
    return held


def _check_sessions(service: Service, count: int) -> None:
    """400 unless ``service`` is a course that may have ``count`` sessions."""
    if not service.offers_series:
        raise ApiProblem(
            400, "Not a course", f"{service.name} is booked one visit at a time, not as a course."
        )
    if not sessions_allowed(service, count):
        raise ApiProblem(
            400, "Sessions out of range",
            f"{service.name} is booked as a course of {service.series_min_sessions} to "
            f"{service.series_max_sessions} sessions. Please choose a number in that range, or "
            "book only this first visit.",
        )  # fmt: skip


@api.get("/holds/{hold_id}/course", response={200: CourseProposalOut, **PROBLEMS}, tags=["booking"])
def course_proposal(
    request: HttpRequest, hold_id: str, sessions: Query[int | None] = None
) -> CourseProposalOut:
    """The course the clinic proposes when the held time is its first session.

    ``sessions`` defaults to the service's usual number. Each later session aims at the same
    weekday, time and clinician, the service's interval apart; where that is not free it
    moves by a few days, and says why. Show the patient every date and each ``notice``.
    """
    held = _hold(hold_id)
    count = held.service.series_default_sessions if sessions is None else sessions
    _check_sessions(held.service, count)
    plan = course_plan_from(held, count, timezone.now())
    return proposal_out(plan, service=held.service, location=held.location)


def _accepted_course(held: Booking, course: CourseIn, now: datetime) -> SeriesPlan:
    """The course as proposed now, if it is the one the patient saw; 409 with it if not."""
    _check_sessions(held.service, course.sessions)
    if len(course.starts) != course.sessions:
        raise ApiProblem(
            400, "Sessions and starts differ",
            f"Please send the start of each of the {course.sessions} sessions, in order.",
        )  # fmt: skip
    starts = [instant(start, now) for start in course.starts]
    plan = course_plan_from(held, course.sessions, now)
    if not plan.complete or planned_starts(plan) != starts:
        raise ApiProblem(
            409, "Course changed",
            "Some dates of your course changed while you were finishing, so nothing is booked "
            "yet. Please look at the new dates and confirm them again.",
            course=proposal_out(plan, service=held.service, location=held.location),
        )  # fmt: skip
    return plan


def _book_course(held: Booking, plan: SeriesPlan, patient: Patient, now: datetime) -> Booking:
    """Every session of the course, or none; the first session's booking."""
    try:
        series = series_book(
            service=held.service, location=held.location,
            sessions=[s.slot for s in plan.sessions if s.slot], now=now,
            channel=BookingChannel.API, patient_id=patient.pk, first_hold=held,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            raise time_taken(held.service, held.location, held.starts_at, now) from None
        fresh = course_plan_from(held, len(plan.sessions), now)
        raise ApiProblem(
            409, "Session taken", str(taken), session=taken.number,
            course=proposal_out(fresh, service=held.service, location=held.location),
        ) from taken  # fmt: skip
    except SchedulingError as refused:
        raise ApiProblem(409, "Not bookable", str(refused)) from refused
    return series.bookings.select_related("service", "location", "patient", "series").get(
        series_number=1
    )


@api.post("/bookings", response={201: BookingOut, **PROBLEMS}, tags=["booking"])
def create_booking(request: HttpRequest, data: BookingIn) -> Status[BookingOut]:
    """Turn a hold into a booking: the patient, their screening answers and their consent.

    With ``course``, the hold is the first session of a course and every session is booked
    together, or none: if the proposal (``GET /holds/{hold_id}/course``) changed since the
    patient saw it, or a session is taken meanwhile, 409 with the fresh proposal.
    """
    now = timezone.now()
    held = _hold(data.hold_id)
    if not data.consent.accept_policies:
        raise ApiProblem(422, "Policies not accepted", "The patient must accept the policies.")
    # Checked before anything is written: a changed course asks the patient again.
    plan = _accepted_course(held, data.course, now) if data.course is not None else None
    person = data.patient
    try:
        patient, _ = patient_find_or_create(
            given_name=person.given_name, family_name=person.family_name, email=person.email,
            phone=person.phone, date_of_birth=person.date_of_birth,
            today=now.astimezone(held.location.zone).date(),
        )  # fmt: skip
    except PatientError as invalid:
        raise ApiProblem(422, "Invalid patient details", str(invalid)) from invalid
    if held.service.requires_screening:
        _screen(held, patient, data.answers, now)
    consents = consent_status(patient=patient, service=held.service, now=now)
    try:
        visit_consents_sign(
            patient=patient, consents=consents, optional_kinds=data.consent.optional,
            typed_name=data.consent.typed_name, now=now,
            ip_address=client_address(request),
            user_agent=request.headers.get("User-Agent", ""), booking=held,
        )  # fmt: skip
    except PatientError as refused:
        raise ApiProblem(422, "Consent not signed", str(refused)) from refused
    if plan is not None:
        return Status(201, _booking_out(_book_course(held, plan, patient, now), now))
    try:
        booking = booking_confirm(booking=held, now=now, patient_id=patient.pk)
    except SlotTaken:
        raise time_taken(held.service, held.location, held.starts_at, now) from None
    except SchedulingError as refused:
        raise ApiProblem(409, "Not bookable", str(refused)) from refused
    return Status(201, _booking_out(booking, now))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True


def _managed(token: str) -> Booking:
    booking = managed_booking(token)
    if booking is None:
        raise Http404("This token names no booking; it may be incomplete or too old.")
    return booking


def _changeable(booking: Booking, now: datetime) -> None:
    if booking.status != BookingStatus.CONFIRMED:
        raise ApiProblem(409, "Not changeable", "This booking can no longer be changed.")
    if not changeable_online(booking, now):
        raise ApiProblem(
            409, "Too late to change online",
            f"Changes close {settings.BOOKING_CHANGE_NOTICE_HOURS} hours before the visit; "
            f"please call the clinic on {booking.location.phone}.",
        )  # fmt: skip


@api.get("/bookings/{token}", response={200: BookingOut, **PROBLEMS}, tags=["manage"])
def get_booking(request: HttpRequest, token: str) -> BookingOut:
    """The booking the manage token names."""
    return _booking_out(_managed(token), timezone.now())


@api.post("/bookings/{token}/reschedule", response={200: BookingOut, **PROBLEMS}, tags=["manage"])
def reschedule_booking(request: HttpRequest, token: str, data: RescheduleIn) -> BookingOut:
    """Move the booking; the old time is given up only once the new one is secured."""
    booking, now = _managed(token), timezone.now()
    _changeable(booking, now)
    start = instant(data.start, now)
    return _booking_out(moved_or_problem(booking, start, now), now)


@api.post("/bookings/{token}/cancel", response={200: BookingOut, **PROBLEMS}, tags=["manage"])
def cancel_booking(request: HttpRequest, token: str) -> BookingOut:
    """Cancel the booking (within the change notice)."""
    booking, now = _managed(token), timezone.now()
    _changeable(booking, now)
    return _booking_out(booking_cancel(booking=booking, now=now), now)


api.add_router("/staff/", staff_router)
