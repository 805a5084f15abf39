"""A course of sessions through the API: proposed from a hold, booked whole or not at all."""

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from dermadesk.api.tests.calls import NOW, book, hold
from dermadesk.checkout import courses as courses_module
from dermadesk.clinic.models import Closure, Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.scheduling.services import SeriesSessionTaken, booking_create

pytestmark = pytest.mark.usefixtures("frozen_clinic")

PRP = "micro-needling-prp"
FIRST = "2026-11-27T10:00:00-06:00"  # a Friday; the course's later Fridays follow


def held_prp(client: Client, start: str = FIRST) -> str:
    response = hold(client, PRP, start)
    assert response.status_code == 201, response.content
    return str(response.json()["hold_id"])


def proposal(client: Client, hold_id: str, **query: Any) -> Any:
    return client.get(f"/api/holds/{hold_id}/course", query)


def book_course(client: Client, hold_id: str, starts: list[str]) -> Any:
    return book(client, hold_id, PRP, course={"sessions": len(starts), "starts": starts})


def test_a_course_is_proposed_four_weeks_apart_with_the_same_clinician(client: Client) -> None:
    response = proposal(client, held_prp(client))
    assert response.status_code == 200, response.content
    course = response.json()
    assert (course["sessions_count"], course["interval_days"], course["complete"]) == (4, 28, True)
    sessions = course["sessions"]
    assert [s["local_start"] for s in sessions] == [
        "2026-11-27T10:00:00-06:00", "2026-12-25T10:00:00-06:00",
        "2027-01-22T10:00:00-06:00", "2027-02-19T10:00:00-06:00",
    ]  # fmt: skip
    assert sessions[1]["start"] == "2026-12-25T16:00:00Z"
    assert len({s["clinician"] for s in sessions}) == 1
    assert not any(s["moved"] or s["reason"] or s["notice"] for s in sessions)


def test_a_closure_on_a_regular_date_moves_that_session_and_says_why(
    client: Client, frozen_clinic: Location
) -> None:
    christmas = date(2026, 12, 25)
    Closure.objects.create(
        location=frozen_clinic, first_day=christmas, last_day=christmas, reason="Christmas"
    )
    course = proposal(client, held_prp(client), sessions=5).json()
    assert course["sessions_count"] == 5
    second = course["sessions"][1]
    assert second["local_target"] == "2026-12-25T10:00:00-06:00"
    assert second["moved"] is True
    assert second["reason"] == "closed"
    # The day before: the same clinician does not work on Saturdays.
    assert second["local_start"] == "2026-12-24T10:00:00-06:00"
    assert second["notice"] == (
        "The clinic is closed on Friday 25 December, so we moved this session to "
        "Thursday 24 December at 10:00 a.m."
    )
    assert [s["moved"] for s in course["sessions"]] == [False, True, False, False, False]


@pytest.mark.parametrize("sessions", [1, 3, 7])
def test_a_number_of_sessions_outside_the_course_is_refused(client: Client, sessions: int) -> None:
    response = proposal(client, held_prp(client), sessions=sessions)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "Micro-Needling with PRP is booked as a course of 4 to 6 sessions."
    )


def test_a_number_of_sessions_that_is_no_number_is_invalid_input(client: Client) -> None:
    response = proposal(client, held_prp(client), sessions="four")
    assert response.status_code == 422


def test_a_treatment_given_one_visit_at_a_time_has_no_course(client: Client) -> None:
    held = hold(client).json()["hold_id"]
    response = proposal(client, held)
    assert response.status_code == 400
    assert response.json()["title"] == "Not a course"


@pytest.mark.parametrize("hold_id", ["not-a-hold", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_hold_has_no_course(client: Client, hold_id: str) -> None:
    response = proposal(client, hold_id)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_course_is_booked_whole_with_one_email_listing_every_session(client: Client) -> None:
    hold_id = held_prp(client)
    starts = [s["start"] for s in proposal(client, hold_id).json()["sessions"]]
    response = book_course(client, hold_id, starts)
    assert response.status_code == 201, response.content
    booked = response.json()
    series = Series.objects.get()
    sessions = list(series.bookings.order_by("series_number"))
    assert [b.series_number for b in sessions] == [1, 2, 3, 4]
    assert {b.status for b in sessions} == {BookingStatus.CONFIRMED}
    assert {b.channel for b in sessions} == {BookingChannel.API}
    assert {b.patient_id for b in sessions} == {Patient.objects.get().pk}
    assert str(sessions[0].public_id) == hold_id  # the hold is the first session
    assert booked["course"]["label"] == "session 1 of 4"
    assert [(s["number"], s["start"]) for s in booked["course"]["sessions"]] == list(
        zip([1, 2, 3, 4], starts, strict=True)
    )
    # As on the site: one confirmation (the first session's), reminders for every session.
    confirmations = OutboundMessage.objects.filter(idempotency_key__endswith=":confirmation")
    assert confirmations.count() == 1
    body = confirmations.get().text_body
    assert "Your course of 4 sessions" in body and "Session 4: Friday 19 February 2027" in body
    reminders = OutboundMessage.objects.filter(idempotency_key__contains=":reminder-")
    reminded = {key.split(":")[1] for key in reminders.values_list("idempotency_key", flat=True)}
    assert reminded == {str(b.pk) for b in sessions}


def test_each_session_shows_its_place_in_the_course_by_its_own_token(client: Client) -> None:
    hold_id = held_prp(client)
    starts = [s["start"] for s in proposal(client, hold_id).json()["sessions"]]
    course = book_course(client, hold_id, starts).json()["course"]
    third = course["sessions"][2]
    body = client.get(f"/api/bookings/{third['manage_token']}").json()
    assert body["start"] == starts[2]
    assert (body["course"]["session"], body["course"]["label"]) == (3, "session 3 of 4")
    assert [s["number"] for s in body["course"]["sessions"]] == [1, 2, 3, 4]


def test_a_single_visit_shows_no_course(client: Client) -> None:
    token = book(client, hold(client).json()["hold_id"]).json()["manage_token"]
    assert client.get(f"/api/bookings/{token}").json()["course"] is None


def test_a_proposal_changed_since_it_was_shown_is_409_with_the_new_one_and_nothing_booked(
    client: Client, frozen_clinic: Location
) -> None:
    hold_id = held_prp(client)
    starts = [s["start"] for s in proposal(client, hold_id).json()["sessions"]]
    third = datetime(2027, 1, 22, 10, tzinfo=frozen_clinic.zone)
    booking_create(
        service=Service.objects.get(slug=PRP), location=frozen_clinic, start=third, now=NOW,
        channel=BookingChannel.STAFF,
    )  # fmt: skip
    response = book_course(client, hold_id, starts)
    assert response.status_code == 409
    problem = response.json()
    assert problem["title"] == "Course changed"
    assert "nothing is booked yet" in problem["detail"]
    new_third = problem["course"]["sessions"][2]
    assert (new_third["moved"], new_third["reason"]) == (True, "fully_booked")
    assert new_third["notice"].startswith("Friday 22 January at 10:00 a.m. is already fully booked")
    assert not Series.objects.exists()
    assert not Patient.objects.exists()  # checked before anything is written
    assert Booking.objects.get(public_id=hold_id).status == BookingStatus.HELD


def test_starts_that_do_not_match_the_number_of_sessions_are_refused(client: Client) -> None:
    hold_id = held_prp(client)
    starts = [s["start"] for s in proposal(client, hold_id).json()["sessions"]]
    response = book(client, hold_id, PRP, course={"sessions": 5, "starts": starts})
    assert response.status_code == 400
    assert not Series.objects.exists()


def test_a_session_taken_while_booking_is_409_with_what_is_known_and_nothing_booked(
    client: Client, frozen_clinic: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold_id = held_prp(client)
    starts = [s["start"] for s in proposal(client, hold_id).json()["sessions"]]

    # Someone takes the fourth session's time after the course was checked and before it
    # is written: the writing itself notices (as ``series_book`` does) and nothing stays.
    def fourth_taken(*args: Any, **kwargs: Any) -> Any:
        raise SeriesSessionTaken(4)

    monkeypatch.setattr(courses_module, "series_book", fourth_taken)
    response = book_course(client, hold_id, starts)
    assert response.status_code == 409
    problem = response.json()
    assert (problem["title"], problem["session"]) == ("Session taken", 4)
    assert "session 4 of your course has just been taken" in problem["detail"]
    assert len(problem["course"]["sessions"]) == 4  # the fresh proposal to show again
    assert not Series.objects.exists()
    assert Booking.objects.get(public_id=hold_id).status == BookingStatus.HELD
    assert not Patient.objects.exists()  # nothing half-written
