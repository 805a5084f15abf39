"""The staff API books by the clinic's rules, not the online ones, and moves a course's later
sessions together, as the manage page does: proposed, accepted, moved all or none."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from dermadesk.api.tests.calls import NOW, post
from dermadesk.api.tests.test_staff import (
    BOOKING_ROLES,
    bearer,
    local,
    visit,
)
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Series, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

pytestmark = pytest.mark.usefixtures("frozen_clinic")


@pytest.fixture
def desk() -> dict[str, str]:
    return bearer(staff_member("desk", *BOOKING_ROLES))


# Staff rules for staff


@pytest.mark.parametrize(
    "start",
    [
        datetime.fromisoformat("2026-11-25T15:00:00-06:00"),  # in an hour: within the notice
        datetime.fromisoformat("2027-03-04T10:00:00-06:00"),  # past the 90-day horizon
    ],
    ids=["within the online notice", "past the online horizon"],
)
def test_staff_book_a_visit_the_online_rules_would_refuse(
    client: Client, desk: dict[str, str], patient: Patient, start: datetime
) -> None:
    response = post(client, "/api/staff/bookings", visit(patient, start), **desk)
    assert response.status_code == 201, response.content
    assert Booking.objects.get().starts_at == start


def test_a_visit_outside_the_clinics_hours_is_refused_in_staff_words(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    start = local(frozen_clinic, 2026, 11, 27, 20)
    response = post(client, "/api/staff/bookings", visit(patient, start), **desk)
    assert response.status_code == 400
    problem = response.json()
    assert (problem["title"], problem["detail"]) == (
        "Time not offered", "This time is outside the clinic's hours."
    )  # fmt: skip
    assert not Booking.objects.exists()


def test_a_time_taken_is_told_to_staff_in_their_words_with_the_nearest_free_ones(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    # In an hour: the alternatives are the times staff may book, not only the online ones.
    start = datetime.fromisoformat("2026-11-25T15:00:00-06:00")
    body = visit(patient, start, "micro-needling-prp")
    post(client, "/api/staff/bookings", body, **desk)
    problem = post(client, "/api/staff/bookings", body, **desk).json()
    assert problem["title"] == "Time taken"
    assert "not free for this treatment" in problem["detail"]
    soonest = min(datetime.fromisoformat(a) for a in problem["alternatives"])
    assert soonest < NOW + timedelta(hours=2)  # within the online notice


def test_staff_book_a_course_whose_first_session_is_within_the_online_notice(
    client: Client, desk: dict[str, str], patient: Patient
) -> None:
    body = visit(patient, datetime.fromisoformat("2026-11-25T15:00:00-06:00"),
                 "micro-needling-prp") | {"sessions": 4}  # fmt: skip
    response = post(client, "/api/staff/courses", body, **desk)
    assert response.status_code == 201, response.content
    assert Series.objects.get().bookings.count() == 4


# Moving the later sessions of a course


def staff_course(client: Client, desk: dict[str, str], patient: Patient,
                 location: Location) -> list[dict[str, Any]]:  # fmt: skip
    body = visit(patient, local(location, 2026, 11, 26, 9), "micro-needling-prp")
    response = post(client, "/api/staff/courses", body | {"sessions": 4}, **desk)
    assert response.status_code == 201, response.content
    bookings: list[dict[str, Any]] = response.json()["bookings"]
    return bookings


def move_second_a_week_on(client: Client, desk: dict[str, str],
                          sessions: list[dict[str, Any]]) -> str:  # fmt: skip
    second = sessions[1]
    later = datetime.fromisoformat(second["start"]) + timedelta(days=7)
    path = f"/api/staff/bookings/{second['id']}/reschedule"
    assert post(client, path, {"start": later.isoformat()}, **desk).status_code == 200
    return str(second["id"])


def test_after_a_move_the_later_sessions_are_proposed_to_follow_it(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    sessions = staff_course(client, desk, patient, frozen_clinic)
    second = move_second_a_week_on(client, desk, sessions)
    response = client.get(f"/api/staff/bookings/{second}/later-sessions", headers=desk)
    assert response.status_code == 200, response.content
    proposal = response.json()
    assert (proposal["needed"], proposal["complete"]) == (True, True)
    assert [s["number"] for s in proposal["sessions"]] == [3, 4]
    for session, booked in zip(proposal["sessions"], sessions[2:], strict=True):
        assert session["moves"]
        assert session["start"] == booked["start"]
        new = datetime.fromisoformat(session["proposed_start"])
        assert new - datetime.fromisoformat(booked["start"]) == timedelta(days=7)


def test_staff_move_the_later_sessions_together_and_the_patient_gets_one_email(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    sessions = staff_course(client, desk, patient, frozen_clinic)
    second = move_second_a_week_on(client, desk, sessions)
    path = f"/api/staff/bookings/{second}/later-sessions"
    starts = [s["proposed_start"] for s in client.get(path, headers=desk).json()["sessions"]]
    response = post(client, path, {"starts": starts}, **desk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"] == 2
    assert [b["start"] for b in body["bookings"][2:]] == starts
    moved = Series.objects.get().bookings.filter(series_number__gt=2).order_by("series_number")
    assert [b.starts_at for b in moved] == [datetime.fromisoformat(s) for s in starts]
    emails = OutboundMessage.objects.filter(recipient="grace@example.com")
    assert emails.filter(template_key="booking-course-change").count() == 1
    assert not emails.filter(
        template_key="booking-change", idempotency_key__in=[f"booking:{b.pk}:1:change"
                                                            for b in moved],
    ).exists()  # fmt: skip


def test_starts_that_differ_from_the_proposal_move_nothing_and_the_fresh_one_comes_back(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    sessions = staff_course(client, desk, patient, frozen_clinic)
    second = move_second_a_week_on(client, desk, sessions)
    path = f"/api/staff/bookings/{second}/later-sessions"
    stale = [s["start"] for s in sessions[2:]]  # where they are, not where they would go
    response = post(client, path, {"starts": stale}, **desk)
    assert response.status_code == 409
    problem = response.json()
    assert problem["title"] == "Later sessions changed"
    assert "nothing was moved" in problem["detail"]
    assert [s["number"] for s in problem["later_sessions"]["sessions"]] == [3, 4]
    assert [b.starts_at.isoformat() for b in Series.objects.get().bookings.filter(
        series_number__gt=2).order_by("series_number")] == [
        datetime.fromisoformat(s).isoformat() for s in stale
    ]  # fmt: skip


def test_a_later_session_taken_meanwhile_moves_none_of_them(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    sessions = staff_course(client, desk, patient, frozen_clinic)
    second = move_second_a_week_on(client, desk, sessions)
    path = f"/api/staff/bookings/{second}/later-sessions"
    starts = [s["proposed_start"] for s in client.get(path, headers=desk).json()["sessions"]]
    # Someone takes the fourth session's new time (the one centrifuge) before it is accepted.
    booking_create(
        service=Service.objects.get(slug="micro-needling-prp"), location=frozen_clinic,
        start=datetime.fromisoformat(starts[1]), now=NOW, channel=BookingChannel.STAFF,
        by_staff=True,
    )  # fmt: skip
    response = post(client, path, {"starts": starts}, **desk)
    assert response.status_code == 409
    assert response.json()["later_sessions"]["sessions"][1]["proposed_start"] != starts[1]
    later = Series.objects.get().bookings.filter(series_number__gt=2).order_by("series_number")
    assert [b.starts_at.isoformat() for b in later] == [
        datetime.fromisoformat(s["start"]).isoformat() for s in sessions[2:]
    ]


def test_a_visit_not_in_a_course_has_no_later_sessions(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    start = local(frozen_clinic, 2026, 11, 27, 10)
    booked = post(client, "/api/staff/bookings", visit(patient, start), **desk).json()
    response = client.get(f"/api/staff/bookings/{booked['id']}/later-sessions", headers=desk)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_moving_later_sessions_needs_the_change_permission(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    sessions = staff_course(client, desk, patient, frozen_clinic)
    viewer = bearer(staff_member("viewer", Role.CLINICIAN))
    path = f"/api/staff/bookings/{sessions[1]['id']}/later-sessions"
    assert client.get(path, headers=viewer).status_code == 200
    response = post(client, path, {"starts": [s["start"] for s in sessions[2:]]}, **viewer)
    assert response.status_code == 403


def test_moving_later_sessions_is_documented(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    operations = document["paths"]["/api/staff/bookings/{booking_id}/later-sessions"]
    assert set(operations) == {"get", "post"}
    assert {"200", "401", "403", "404", "409"} <= set(operations["post"]["responses"])
    assert "LaterSessionsIn" in document["components"]["schemas"]
