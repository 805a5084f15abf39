"""The courses use-case: a course is booked as the person accepted it, or not at all."""

from datetime import date, datetime
from typing import Any

import pytest

from dermadesk.checkout import courses
from dermadesk.checkout.course_plan import planned_starts
from dermadesk.checkout.courses import (
    CourseChanged,
    CourseIncomplete,
    CourseLengthRefused,
    course_book_accepted,
    course_book_by_staff,
    course_propose,
)
from dermadesk.clinic.models import Closure, Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.scheduling.services import booking_create, booking_hold
from dermadesk.scheduling.tests.conftest import NOW


def prp() -> Service:
    return Service.objects.get(slug="micro-needling-prp")


@pytest.fixture
def ada(db: None) -> Patient:
    return Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip


@pytest.fixture
def held(clinic: Location) -> Booking:
    """Thursday 26 November at 10:00, held online: the first session of a course."""
    return booking_hold(
        service=prp(), location=clinic, start=datetime(2026, 11, 26, 10, tzinfo=clinic.zone),
        now=NOW, channel=BookingChannel.WEB,
    )  # fmt: skip


def test_a_course_accepted_as_proposed_is_booked_whole_and_returned_in_order(
    held: Booking, ada: Patient
) -> None:
    starts = planned_starts(course_propose(first=held, sessions=4, now=NOW))
    booked = course_book_accepted(
        first_hold=held, sessions=4, accepted_starts=starts, patient_id=ada.pk,
        channel=BookingChannel.WEB, now=NOW,
    )  # fmt: skip
    assert [b.series_number for b in booked] == [1, 2, 3, 4]
    assert [b.starts_at for b in booked] == starts
    assert booked[0].pk == held.pk
    assert {(b.status, b.patient_id) for b in booked} == {(BookingStatus.CONFIRMED, ada.pk)}


def test_a_course_that_changed_since_it_was_accepted_books_nothing_and_shows_the_new_one(
    held: Booking, ada: Patient, clinic: Location
) -> None:
    starts = planned_starts(course_propose(first=held, sessions=4, now=NOW))
    # Meanwhile the only centrifuge is taken at the third session's time.
    booking_create(service=prp(), location=clinic, start=starts[2], now=NOW,
                   channel=BookingChannel.STAFF, by_staff=True)  # fmt: skip
    with pytest.raises(CourseChanged) as changed:
        course_book_accepted(
            first_hold=held, sessions=4, accepted_starts=starts, patient_id=ada.pk,
            channel=BookingChannel.WEB, now=NOW,
        )  # fmt: skip
    assert changed.value.session is None
    assert "nothing is booked yet" in str(changed.value)
    fresh = planned_starts(changed.value.plan)
    assert fresh[:2] == starts[:2] and fresh[2] != starts[2]
    assert not Series.objects.exists()
    held.refresh_from_db()
    assert held.status == BookingStatus.HELD


def test_a_later_session_taken_while_booking_books_nothing_and_says_which(
    held: Booking, ada: Patient, clinic: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = planned_starts(course_propose(first=held, sessions=4, now=NOW))
    planned = courses.course_propose

    def plan_then_lose_the_fourth(**kwargs: Any) -> Any:
        plan = planned(**kwargs)
        booking_create(service=prp(), location=clinic, start=starts[3], now=NOW,
                       channel=BookingChannel.STAFF, by_staff=True)  # fmt: skip
        return plan

    monkeypatch.setattr(courses, "course_propose", plan_then_lose_the_fourth)
    with pytest.raises(CourseChanged) as changed:
        course_book_accepted(
            first_hold=held, sessions=4, accepted_starts=starts, patient_id=ada.pk,
            channel=BookingChannel.WEB, now=NOW,
        )  # fmt: skip
    assert changed.value.session == 4
    assert "session 4 of your course has just been taken" in str(changed.value)
    assert planned_starts(changed.value.plan)[3] != starts[3]
    assert not Series.objects.exists()


@pytest.mark.parametrize(
    ("slug", "sessions", "not_a_course"),
    [("micro-needling-prp", 7, False), ("micro-needling-prp", 3, False),
     ("micro-needling", 4, True)],
)  # fmt: skip
def test_a_course_the_treatment_does_not_allow_is_refused_before_anything_is_planned(
    clinic: Location, ada: Patient, slug: str, sessions: int, not_a_course: bool
) -> None:
    with pytest.raises(CourseLengthRefused) as refused:
        course_book_by_staff(
            service=Service.objects.get(slug=slug), location=clinic,
            start=datetime(2026, 11, 26, 10, tzinfo=clinic.zone), sessions=sessions,
            patient_id=ada.pk, now=NOW, created_by=None,
        )  # fmt: skip
    assert refused.value.not_a_course is not_a_course
    assert not Booking.objects.exists()


def test_staff_book_a_course_from_a_time_within_the_online_notice(
    clinic: Location, ada: Patient
) -> None:
    start = datetime(2026, 11, 25, 15, tzinfo=clinic.zone)  # in an hour
    booked = course_book_by_staff(
        service=prp(), location=clinic, start=start, sessions=4, patient_id=ada.pk, now=NOW,
        created_by=None,
    )  # fmt: skip
    assert booked.sessions[0].starts_at == start
    assert [b.starts_at for b in booked.sessions] == planned_starts(booked.plan)
    assert {b.channel for b in booked.sessions} == {BookingChannel.STAFF}


def test_a_course_with_a_session_that_has_no_time_is_incomplete_and_books_nothing(
    clinic: Location, ada: Patient
) -> None:
    Closure.objects.create(location=clinic, first_day=date(2027, 1, 18),
                           last_day=date(2027, 1, 24), reason="Renovation")  # fmt: skip
    with pytest.raises(CourseIncomplete) as incomplete:
        course_book_by_staff(
            service=prp(), location=clinic, start=datetime(2026, 11, 26, 10, tzinfo=clinic.zone),
            sessions=4, patient_id=ada.pk, now=NOW, created_by=None,
        )  # fmt: skip
    assert incomplete.value.plan.sessions[2].slot is None
    assert not Booking.objects.exists()
