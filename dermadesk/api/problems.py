"""The API's errors: RFC 9457 problems raised by operations, answered in ``api.py``.

``scheduling_problem`` is the one place where the booking and course errors become problems:
the API registers it for ``SchedulingError``, so operations call the services and the
use-cases without an ``except`` of their own.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone

from dermadesk.api.courses import later_sessions_out, proposal_out
from dermadesk.api.schemas import Problem
from dermadesk.checkout.courses import (
    CourseChanged,
    CourseIncomplete,
    CourseLengthRefused,
    LaterSessionsChanged,
)
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Service
from dermadesk.scheduling.queries import nearest_alternatives
from dermadesk.scheduling.services import (
    PATIENT_TAKEN,
    STAFF_TAKEN,
    HoldExpired,
    NotBookable,
    NotChangeable,
    SchedulingError,
    SeriesSessionTaken,
    SlotTaken,
)

PROBLEMS = {400: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}
STAFF_PROBLEMS = {401: Problem, 403: Problem, **PROBLEMS}


class ApiProblem(Exception):
    """Answer with a problem: ``status``, a title, a sentence for people, and more fields."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def time_taken(service: Service, location: Location, around: datetime, now: datetime,
               ignoring: int | None = None, *, detail: str | None = None,
               by_staff: bool = False) -> ApiProblem:  # fmt: skip
    """409: the time went meanwhile; the nearest free starts come with it."""
    alternatives = nearest_alternatives(
        service=service, location=location, around=around, now=now, ignoring_booking=ignoring,
        by_staff=by_staff,
    )  # fmt: skip
    return ApiProblem(
        409, "Time taken", detail or str(SlotTaken()),
        alternatives=[slot.start for slot in alternatives],
    )  # fmt: skip


def _taken(error: SlotTaken, detail: str) -> ApiProblem:
    attempt = error.attempt
    if attempt is None:  # found by the database's constraint: where is not known
        return ApiProblem(409, "Time taken", detail, alternatives=[])
    return time_taken(
        attempt.service, attempt.location, attempt.start, timezone.now(),
        attempt.ignoring_booking, detail=detail, by_staff=attempt.by_staff,
    )  # fmt: skip


def scheduling_problem(error: SchedulingError) -> ApiProblem:
    """The problem that answers a refused booking, course or change."""
    detail = str(error)
    if isinstance(error, CourseLengthRefused):
        title = "Not a course" if error.not_a_course else "Sessions out of range"
        return ApiProblem(400, title, detail)
    if isinstance(error, CourseIncomplete | CourseChanged):
        course = proposal_out(error.plan, service=error.service, location=error.location)
        if isinstance(error, CourseIncomplete):
            return ApiProblem(409, "Course not bookable", detail, course=course)
        if error.session is not None:
            return ApiProblem(409, "Session taken", detail, session=error.session, course=course)
        return ApiProblem(409, "Course changed", detail, course=course)
    if isinstance(error, LaterSessionsChanged):
        later = later_sessions_out(error.shift)
        return ApiProblem(409, "Later sessions changed", detail, session=error.session,
                          later_sessions=later)  # fmt: skip
    if isinstance(error, SeriesSessionTaken) and error.number != 1:
        return ApiProblem(409, "Session taken", detail, session=error.number)
    if isinstance(error, SeriesSessionTaken):  # the first session: the time itself went
        by_staff = error.attempt is not None and error.attempt.by_staff
        return _taken(error, STAFF_TAKEN if by_staff else PATIENT_TAKEN)
    if isinstance(error, SlotTaken):
        return _taken(error, detail)
    if isinstance(error, NotBookable):
        return ApiProblem(400, "Time not offered", detail)
    if isinstance(error, HoldExpired):
        return ApiProblem(409, "Hold expired", detail)
    if isinstance(error, NotChangeable):
        return ApiProblem(409, "Not changeable", detail)
    return ApiProblem(409, "Not bookable", detail)
