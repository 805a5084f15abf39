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
from pydantic_core import to_json

from dermadesk.api.courses import booked_course_out, proposal_out
from dermadesk.api.inputs import day_start, instant, location_named, online_service
from dermadesk.api.problems import PROBLEMS, ApiProblem, scheduling_problem, time_taken
from dermadesk.api.schemas import (
    AvailabilityOut,
    BookingIn,
    BookingOut,
    CourseIn,
    CourseProposalOut,
    EmailCodeIn,
    EmailCodeOut,
    EmailProofIn,
    EmailProofOut,
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
from dermadesk.checkout.checkout import (
    AcceptedCourse,
    ConsentGiven,
    ConsentNeeded,
    EmailNotProven,
    Person,
    ScreeningNeeded,
    ScreeningPaused,
    ScreeningRefused,
    checkout_book,
)
from dermadesk.checkout.course_plan import course_plan_from
from dermadesk.checkout.courses import CourseChanged, course_length_check
from dermadesk.checkout.manage import changeable_online, managed_booking
from dermadesk.checkout.signin import (
    email_proof_issue,
    email_proven_by,
    sign_in_code_check,
    sign_in_code_send,
)
from dermadesk.clinic.models import Location
from dermadesk.limits.client import client_address, hold_holder
from dermadesk.patients.login import CodeRefused
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import InvalidPatientDetails, PatientError
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
    booking_hold,
    booking_reschedule,
)
from dermadesk.screening.models import ScreeningOutcome
from dermadesk.screening.queries import current_questionnaire, questions_for
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError

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


@api.exception_handler(SchedulingError)
def _scheduling_refused(request: HttpRequest, error: SchedulingError) -> HttpResponse:
    """Every refused booking, course or change, answered the same way wherever it came from."""
    return _api_problem(request, scheduling_problem(error))


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


def _booking_out(
    booking: Booking, now: datetime, token: str, issued: dict[int, str | None] | None = None
) -> BookingOut:
    """The booking as the API shows it. ``token``: its manage token (the one just issued, or
    the one the caller used); ``issued``: the course sessions' tokens just issued."""
    complete = (
        consent_status(patient=booking.patient, service=booking.service, now=now).complete
        if booking.patient is not None
        else False
    )
    return BookingOut(
        manage_token=token,
        service=booking.service.slug,
        location=booking.location.slug,
        status=booking.status,
        start=booking.starts_at.astimezone(UTC),
        end=booking.ends_at.astimezone(UTC),
        consent_complete=complete,
        course=booked_course_out(booking, issued),
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
) -> HttpResponse:
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
    # ``AvailabilityOut``, written straight to JSON by pydantic-core: ninja's check of the
    # answer against the schema and its JSON encoder took 4 of the 15 ms that a month of
    # consultations (650 starts) took over HTTP. The schema still documents the answer, and
    # the schemathesis test checks every answer against it.
    body = {
        "service": service.slug,
        "location": place.slug,
        "time_zone": place.time_zone,
        "slots": [{"start": s.start, "local_start": s.start.astimezone(zone)} for s in slots],
    }
    return HttpResponse(to_json(body), content_type="application/json")


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
    course_length_check(service=service, count=count)


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


def _course_problem(
    held: Booking, plan: SeriesPlan, title: str, detail: str, **more: Any
) -> ApiProblem:
    return ApiProblem(
        409, title, detail, **more,
        course=proposal_out(plan, service=held.service, location=held.location),
    )  # fmt: skip


def _accepted(held: Booking, course: CourseIn | None, now: datetime) -> AcceptedCourse | None:
    """The course as the patient accepted it, its shape checked (400) before anything else."""
    if course is None:
        return None
    _check_sessions(held.service, course.sessions)
    if len(course.starts) != course.sessions:
        raise ApiProblem(
            400, "Sessions and starts differ",
            f"Please send the start of each of the {course.sessions} sessions, in order.",
        )  # fmt: skip
    return AcceptedCourse(
        sessions=course.sessions, starts=[instant(start, now) for start in course.starts]
    )


@api.post("/email-codes", response={202: EmailCodeOut, **PROBLEMS}, tags=["booking"])
def send_email_code(request: HttpRequest, data: EmailCodeIn) -> Status[EmailCodeOut]:
    """Email the patient a six-digit code that proves the address is theirs.

    Ask for it when the patient has typed their email; then send the code they type to
    ``POST /email-proofs``. One new code per address a minute (429 otherwise).
    """
    now = timezone.now()
    try:
        sign_in_code_send(email=data.email, location=location_named(data.location), now=now)
    except CodeRefused as refused:
        raise ApiProblem(429, "Code sent moments ago", str(refused)) from refused
    except PatientError as invalid:
        raise ApiProblem(422, "Invalid email", str(invalid)) from invalid
    return Status(202, EmailCodeOut(sent=True, minutes=settings.PATIENT_CODE_MINUTES))


@api.post("/email-proofs", response={201: EmailProofOut, **PROBLEMS}, tags=["booking"])
def prove_email(request: HttpRequest, data: EmailProofIn) -> Status[EmailProofOut]:
    """Turn the code the patient typed into a proof to send with the booking.

    A wrong or expired code is a 422; after several, tries must wait a little longer each
    time (429 says how long).
    """
    try:
        account = sign_in_code_check(email=data.email, code=data.code, now=timezone.now())
    except CodeRefused as refused:
        if refused.wait_seconds:
            raise ApiProblem(429, "Wait before trying again", str(refused)) from refused
        raise ApiProblem(422, "Code not accepted", str(refused)) from refused
    return Status(
        201,
        EmailProofOut(
            email_proof=email_proof_issue(account), minutes=settings.PATIENT_SESSION_MINUTES
        ),
    )


@api.post("/bookings", response={201: BookingOut, **PROBLEMS}, tags=["booking"])
def create_booking(request: HttpRequest, data: BookingIn) -> Status[BookingOut]:
    """Turn a hold into a booking: the patient, their screening answers and their consent.

    Needs ``email_proof`` for ``patient.email`` (``POST /email-codes``, then
    ``POST /email-proofs``); without it, 403 and nothing is written. The answers sent are
    judged on their own. Everything is written together or not at all. With ``course``,
    the hold is the first session of a course and every session is booked together, or
    none: if the proposal (``GET /holds/{hold_id}/course``) changed since the patient saw
    it, or a session is taken meanwhile, 409 with the fresh proposal.
    """
    now = timezone.now()
    held = _hold(data.hold_id)
    if not data.consent.accept_policies:
        raise ApiProblem(422, "Policies not accepted", "The patient must accept the policies.")
    course = _accepted(held, data.course, now)
    person = Person(
        given_name=data.patient.given_name, family_name=data.patient.family_name,
        email=data.patient.email, phone=data.patient.phone,
        date_of_birth=data.patient.date_of_birth,
    )  # fmt: skip
    try:
        booked = checkout_book(
            held=held, person=person, proven_email=email_proven_by(data.email_proof),
            answers=data.answers, course=course, channel=BookingChannel.API, now=now,
            consent=ConsentGiven(
                typed_name=data.consent.typed_name, optional_kinds=data.consent.optional,
                ip_address=client_address(request),
                user_agent=request.headers.get("User-Agent", ""),
            ),
        )  # fmt: skip
    except EmailNotProven as refused:
        raise ApiProblem(403, "Email not proven", str(refused)) from refused
    except TooManyHolds as refused:
        raise ApiProblem(429, "Too many times held", str(refused)) from refused
    except InvalidAnswers as invalid:
        raise ApiProblem(
            422, "Invalid answers", "Some screening answers are missing or not valid.",
            errors=[{"field": f"answers.{k}", "message": m} for k, m in invalid.errors.items()],
        ) from invalid  # fmt: skip
    except ScreeningRefused as refused:
        title = (
            "Consultation first"
            if refused.response.outcome == ScreeningOutcome.CONSULT_FIRST
            else "Not suitable"
        )
        raise ApiProblem(
            422, title, str(refused), reasons=list(refused.response.reasons)
        ) from refused
    except (ScreeningNeeded, ScreeningPaused, ScreeningError) as refused:
        raise ApiProblem(422, "Screening needed", str(refused)) from refused
    except CourseChanged as changed:
        if changed.session is not None:  # a later session was taken as it was being booked
            raise _course_problem(
                held, changed.plan, "Session taken", str(changed), session=changed.session
            ) from changed
        raise _course_problem(held, changed.plan, "Course changed", str(changed)) from changed
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            raise time_taken(held.service, held.location, held.starts_at, now) from None
        fresh = course_plan_from(held, course.sessions if course else 1, now)
        raise _course_problem(
            held, fresh, "Session taken", str(taken), session=taken.number
        ) from taken
    except SlotTaken:
        raise time_taken(held.service, held.location, held.starts_at, now) from None
    except InvalidPatientDetails as invalid:
        raise ApiProblem(422, "Invalid patient details", str(invalid)) from invalid
    except (PatientError, ConsentNeeded) as refused:
        raise ApiProblem(422, "Consent not signed", str(refused)) from refused
    except SchedulingError as refused:
        raise ApiProblem(409, "Not bookable", str(refused)) from refused
    first = booked[0]
    issued = {session.pk: session.manage_token for session in booked} if course else None
    return Status(201, _booking_out(first, now, first.manage_token or "", issued))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True


def _managed(token: str) -> Booking:
    booking = managed_booking(token, timezone.now())
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
    return _booking_out(_managed(token), timezone.now(), token)


@api.post("/bookings/{token}/reschedule", response={200: BookingOut, **PROBLEMS}, tags=["manage"])
def reschedule_booking(request: HttpRequest, token: str, data: RescheduleIn) -> BookingOut:
    """Move the booking; the old time is given up only once the new one is secured."""
    booking, now = _managed(token), timezone.now()
    _changeable(booking, now)
    start = instant(data.start, now)
    moved = booking_reschedule(booking=booking, start=start, now=now)
    return _booking_out(moved, now, moved.manage_token or token)


@api.post("/bookings/{token}/cancel", response={200: BookingOut, **PROBLEMS}, tags=["manage"])
def cancel_booking(request: HttpRequest, token: str) -> BookingOut:
    """Cancel the booking (within the change notice)."""
    booking, now = _managed(token), timezone.now()
    _changeable(booking, now)
    cancelled = booking_cancel(booking=booking, now=now)
    return _booking_out(cancelled, now, cancelled.manage_token or token)


api.add_router("/staff/", staff_router)
