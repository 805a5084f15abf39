"""The API's errors: RFC 9457 problems raised by operations, answered in ``api.py``."""

from datetime import datetime
from typing import Any

from dermadesk.api.schemas import Problem
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, Service
from dermadesk.scheduling.queries import nearest_alternatives
from dermadesk.scheduling.services import (
    NotBookable,
    SchedulingError,
    SlotTaken,
    booking_reschedule,
)

PROBLEMS = {400: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}
STAFF_PROBLEMS = {401: Problem, 403: Problem, **PROBLEMS}


class ApiProblem(Exception):
    """Answer with a problem: ``status``, a title, a sentence for people, and more fields."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def time_taken(service: Service, location: Location, around: datetime, now: datetime,
               ignoring: int | None = None) -> ApiProblem:  # fmt: skip
    """409: the time went meanwhile; the nearest free starts come with it."""
    alternatives = nearest_alternatives(
        service=service, location=location, around=around, now=now, ignoring_booking=ignoring
    )
    return ApiProblem(
        409, "Time taken", str(SlotTaken()), alternatives=[slot.start for slot in alternatives]
    )


def moved_or_problem(booking: Booking, start: datetime, now: datetime) -> Booking:
    """``booking_reschedule``, its refusals as problems: a time taken 409 (with the nearest
    free ones), a time not offered 400, a booking that can no longer move 409."""
    try:
        return booking_reschedule(booking=booking, start=start, now=now)
    except SlotTaken:
        raise time_taken(booking.service, booking.location, start, now, booking.pk) from None
    except NotBookable as refused:
        raise ApiProblem(400, "Time not offered", str(refused)) from refused
    except SchedulingError as refused:
        raise ApiProblem(409, "Not changeable", str(refused)) from refused
