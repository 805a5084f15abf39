"""Every refusal of the services and the courses use-case becomes one problem, said once."""

from datetime import datetime

import pytest

from dermadesk.api.problems import scheduling_problem
from dermadesk.api.tests.calls import NOW
from dermadesk.checkout.courses import CourseChanged, course_propose
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import BookingChannel, Service
from dermadesk.scheduling.services import (
    HoldExpired,
    NotBookable,
    NotChangeable,
    SchedulingError,
    SeriesSessionTaken,
    SlotTaken,
    booking_hold,
)


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (HoldExpired(), 409, "Hold expired"),
        (NotChangeable("This booking can no longer be moved."), 409, "Not changeable"),
        (NotBookable("That time cannot be booked online."), 400, "Time not offered"),
        (SeriesSessionTaken(3), 409, "Session taken"),
        (SlotTaken(), 409, "Time taken"),
        (SchedulingError("Something else."), 409, "Not bookable"),
    ],
)
def test_each_refusal_has_its_status_and_title(
    error: SchedulingError, status: int, title: str
) -> None:
    problem = scheduling_problem(error)
    assert (problem.status, problem.title, problem.detail) == (status, title, str(error))


def test_a_session_taken_while_booking_a_course_comes_with_its_number_and_the_fresh_plan(
    frozen_clinic: Location,
) -> None:
    held = booking_hold(
        service=Service.objects.get(slug="micro-needling-prp"), location=frozen_clinic,
        start=datetime(2026, 11, 26, 10, tzinfo=frozen_clinic.zone), now=NOW,
        channel=BookingChannel.API,
    )  # fmt: skip
    plan = course_propose(first=held, sessions=4, now=NOW)
    taken = CourseChanged("Session 2 went.", plan=plan, service=held.service,
                          location=frozen_clinic, session=2)  # fmt: skip
    problem = scheduling_problem(taken)
    assert (problem.status, problem.title, problem.extra["session"]) == (409, "Session taken", 2)
    assert len(problem.extra["course"].sessions) == 4
    changed = CourseChanged("Changed.", plan=plan, service=held.service, location=frozen_clinic)
    assert scheduling_problem(changed).title == "Course changed"
