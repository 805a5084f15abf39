"""The staff endpoints: a front-desk program with an API token books, lists, moves, cancels."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from dermadesk.api.services import api_token_create, api_token_revoke
from dermadesk.api.tests.calls import NOW, answers_for, book, hold, post
from dermadesk.clinic.models import Closure, Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

pytestmark = pytest.mark.usefixtures("frozen_clinic")

BOOKING_ROLES = (Role.FRONT_DESK,)


def bearer(user: User, **options: Any) -> dict[str, str]:
    issued = api_token_create(user=user, name="front desk", now=NOW, **options)
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def desk() -> dict[str, str]:
    """The front desk's token: may see, book and change bookings."""
    return bearer(staff_member("desk", *BOOKING_ROLES))


def local(location: Location, year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=location.zone)


def visit(patient: Patient, start: datetime, slug: str = "micro-needling") -> dict[str, Any]:
    return {"patient_id": patient.pk, "service": slug, "location": "springfield",
            "start": start.isoformat()}  # fmt: skip


def day(client: Client, headers: dict[str, str], on: str = "2026-11-27") -> Any:
    return client.get("/api/staff/bookings", {"day": on}, headers=headers)


# Signing in


def test_without_a_token_the_staff_endpoints_answer_401_saying_how_to_sign_in(
    client: Client,
) -> None:
    response = day(client, {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/problem+json"
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "secret",
    ["nonsense", "dd_00000000_" + "A" * 43, "Basic dXNlcjpwYXNz"],
)
def test_an_unknown_token_is_401(client: Client, secret: str) -> None:
    response = day(client, {"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_guessing_tokens_is_rate_limited_like_any_request(
    client: Client, settings: Settings
) -> None:
    settings.API_RATE_LIMIT = "3/m"
    headers = {"Authorization": "Bearer dd_00000000_" + "A" * 43}
    statuses = [day(client, headers).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert day(client, headers).json()["title"] == "Too many requests"


def test_a_revoked_token_is_401(client: Client) -> None:
    user = staff_member("desk", *BOOKING_ROLES)
    issued = api_token_create(user=user, name="old tablet", now=NOW)
    api_token_revoke(token=issued.token)
    response = day(client, {"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 401


def test_an_expired_token_is_401(client: Client) -> None:
    headers = bearer(staff_member("desk", *BOOKING_ROLES), expires_at=NOW + timedelta(hours=1))
    assert day(client, headers).status_code == 200
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert day(client, headers).status_code == 401


def test_a_token_stops_working_when_its_owner_leaves_the_staff(client: Client) -> None:
    user = staff_member("desk", *BOOKING_ROLES)
    headers = bearer(user)
    User.objects.filter(pk=user.pk).update(is_staff=False)
    assert day(client, headers).status_code == 401


def test_a_token_whose_owner_lacks_the_permission_is_403(
    client: Client, patient: Patient, frozen_clinic: Location
) -> None:
    viewer = bearer(staff_member("viewer", Role.CLINICIAN))
    assert day(client, viewer).status_code == 200
    start = local(frozen_clinic, 2026, 11, 27, 10)
    response = post(client, "/api/staff/bookings", visit(patient, start), **viewer)
    assert response.status_code == 403
    assert response.json()["title"] == "Not permitted"
    assert "visit_book" in response.json()["detail"]
    assert not Booking.objects.exists()
    assert day(client, bearer(staff_member("nobody"))).status_code == 403


def test_booking_a_course_needs_a_role_that_books(
    client: Client, patient: Patient, frozen_clinic: Location
) -> None:
    clinician = bearer(staff_member("clinician", Role.CLINICIAN))
    body = visit(patient, local(frozen_clinic, 2026, 11, 26, 9), "micro-needling-prp")
    response = post(client, "/api/staff/courses", body | {"sessions": 4}, **clinician)
    assert response.status_code == 403
    assert "visit_book" in response.json()["detail"]
    assert not Booking.objects.exists()


# The day's bookings


def test_the_day_lists_who_comes_when_and_with_whom_and_no_health_information(
    client: Client, desk: dict[str, str]
) -> None:
    hold_id = hold(client, "micro-needling-prp").json()["hold_id"]
    starts = [s["start"] for s in client.get(f"/api/holds/{hold_id}/course").json()["sessions"]]
    answers = answers_for("micro-needling-prp", cold_sores="yes")  # a clinician's note
    course = {"sessions": 4, "starts": starts}
    booked = book(client, hold_id, "micro-needling-prp", answers=answers, course=course)
    assert booked.status_code == 201, booked.content
    response = day(client, desk)
    assert response.status_code == 200
    listed = response.json()
    assert (listed["location"], listed["time_zone"], listed["day"]) == (
        "springfield", "America/Chicago", "2026-11-27",
    )  # fmt: skip
    [entry] = listed["bookings"]
    patient = Patient.objects.get()
    assert entry["patient"] == {"id": patient.pk, "name": "Ada Lovelace"}
    assert entry["local_start"] == "2026-11-27T10:00:00-06:00"
    assert (entry["service"], entry["status"]) == ("micro-needling-prp", "confirmed")
    assert (entry["session"], entry["sessions_planned"], entry["session_label"]) == (
        1, 4, "session 1 of 4",
    )  # fmt: skip
    assert len(entry["clinicians"]) == 1 and len(entry["rooms"]) == 1
    assert set(entry) == {
        "id", "service", "service_name", "location", "status", "start", "local_start", "end",
        "channel", "patient", "session", "sessions_planned", "session_label", "clinicians",
        "rooms",
    }  # fmt: skip
    text = response.text.lower()
    for health in ("cold", "sore", "screening", "answer", "note", "ada@example.com", "1990"):
        assert health not in text


def test_the_day_is_read_in_the_same_queries_however_many_bookings(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    consultation = Service.objects.get(slug="consultation")

    def queries_for_the_day() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert day(client, desk).status_code == 200
        return len(queries)

    booking_create(service=consultation, location=frozen_clinic, patient_id=patient.pk,
                   start=local(frozen_clinic, 2026, 11, 27, 9), now=NOW,
                   channel=BookingChannel.STAFF)  # fmt: skip
    queries_for_the_day()  # the token's first use is recorded; the next within a minute is not
    one = queries_for_the_day()
    for hour in (11, 13, 15):
        booking_create(service=consultation, location=frozen_clinic, patient_id=patient.pk,
                       start=local(frozen_clinic, 2026, 11, 27, hour), now=NOW,
                       channel=BookingChannel.STAFF)  # fmt: skip
    assert queries_for_the_day() == one
    assert len(day(client, desk).json()["bookings"]) == 4


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"day": "not-a-day"}, 422),
        ({}, 422),
        ({"day": "9999-12-31"}, 400),
        ({"day": "2026-11-27", "location": "nowhere"}, 404),
    ],
)
def test_a_bad_day_question_is_a_problem(
    client: Client, desk: dict[str, str], query: dict[str, str], status: int
) -> None:
    response = client.get("/api/staff/bookings", query, headers=desk)
    assert response.status_code == status
    assert response.json()["status"] == status


# Booking a visit


def test_staff_book_a_visit_for_a_patient_by_id(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    start = local(frozen_clinic, 2026, 11, 27, 10)
    response = post(client, "/api/staff/bookings", visit(patient, start), **desk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["patient"] == {"id": patient.pk, "name": "Grace Hopper"}
    assert (body["status"], body["channel"]) == ("confirmed", "staff")
    booking = Booking.objects.get()
    assert str(booking.public_id) == body["id"]
    assert (booking.patient, booking.channel) == (patient, BookingChannel.STAFF)
    assert booking.created_by == User.objects.get(username="desk")
    assert OutboundMessage.objects.filter(
        recipient="grace@example.com", idempotency_key__endswith=":confirmation"
    ).exists()


def test_a_time_taken_is_409_with_the_nearest_free_ones(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    start = local(frozen_clinic, 2026, 11, 27, 10)
    post(client, "/api/staff/bookings", visit(patient, start, "micro-needling-prp"), **desk)
    response = post(
        client, "/api/staff/bookings", visit(patient, start, "micro-needling-prp"), **desk
    )
    assert response.status_code == 409
    assert response.json()["title"] == "Time taken"
    assert response.json()["alternatives"]
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"patient_id": 999_999}, 404),
        ({"service": "no-such-treatment"}, 404),
        ({"location": "nowhere"}, 404),
        ({"patient_id": 0}, 422),
        ({"patient_id": 2**64}, 422),
        ({"start": "2026-11-27T10:00:00"}, 400),
        ({"start": "2026-11-27T10:07:00-06:00"}, 400),
        ({"start": "tomorrow"}, 422),
    ],
)
def test_bad_input_for_a_visit_is_a_problem_and_books_nothing(
    client: Client,
    desk: dict[str, str],
    patient: Patient,
    frozen_clinic: Location,
    change: dict[str, Any],
    status: int,
) -> None:
    body = visit(patient, local(frozen_clinic, 2026, 11, 27, 10)) | change
    response = post(client, "/api/staff/bookings", body, **desk)
    assert response.status_code == status, response.content
    assert not Booking.objects.exists()


# Booking a course


def test_staff_book_a_whole_course_for_a_patient(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    body = visit(patient, local(frozen_clinic, 2026, 11, 26, 9), "micro-needling-prp")
    response = post(client, "/api/staff/courses", body | {"sessions": 6}, **desk)
    assert response.status_code == 201, response.content
    course = response.json()
    assert course["sessions_planned"] == 6
    assert [b["session_label"] for b in course["bookings"]] == [
        f"session {k} of 6" for k in range(1, 7)
    ]
    assert [b["start"] for b in course["bookings"]] == [s["start"] for s in course["proposal"]]
    series = Series.objects.get()
    assert series.patient == patient
    sessions = list(series.bookings.order_by("series_number"))
    assert len(sessions) == 6
    assert {(b.channel, b.created_by_id, b.patient_id) for b in sessions} == {
        (BookingChannel.STAFF, User.objects.get(username="desk").pk, patient.pk)
    }


def test_a_course_with_a_session_that_cannot_be_placed_is_409_and_nothing_is_booked(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    # The whole week around the third session's date is closed: nothing within 3 days.
    Closure.objects.create(location=frozen_clinic, first_day=date(2027, 1, 18),
                           last_day=date(2027, 1, 24), reason="Renovation")  # fmt: skip
    body = visit(patient, local(frozen_clinic, 2026, 11, 26, 9), "micro-needling-prp")
    response = post(client, "/api/staff/courses", body | {"sessions": 4}, **desk)
    assert response.status_code == 409
    problem = response.json()
    assert problem["title"] == "Course not bookable"
    third = problem["course"]["sessions"][2]
    assert (third["start"], third["reason"]) == (None, "closed")
    assert third["notice"].startswith("Nothing is free within 3 days of Thursday 21 January")
    assert not Booking.objects.exists()
    assert not Series.objects.exists()


def test_a_course_whose_first_time_is_taken_is_409_with_alternatives(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    body = visit(patient, local(frozen_clinic, 2026, 11, 26, 9), "micro-needling-prp")
    post(client, "/api/staff/bookings", body, **desk)
    response = post(client, "/api/staff/courses", body | {"sessions": 4}, **desk)
    assert response.status_code == 409
    assert response.json()["alternatives"]
    assert not Series.objects.exists()


@pytest.mark.parametrize(
    ("slug", "sessions", "title"),
    [
        ("micro-needling-prp", 3, "Sessions out of range"),
        ("micro-needling-prp", 7, "Sessions out of range"),
        ("micro-needling", 4, "Not a course"),
    ],
)
def test_a_course_outside_the_treatments_limits_is_refused(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location,
    slug: str, sessions: int, title: str,
) -> None:  # fmt: skip
    body = visit(patient, local(frozen_clinic, 2026, 11, 26, 9), slug) | {"sessions": sessions}
    response = post(client, "/api/staff/courses", body, **desk)
    assert response.status_code == 400
    assert response.json()["title"] == title
    assert not Booking.objects.exists()


# Moving and cancelling


@pytest.fixture
def tomorrow_morning(patient: Patient, frozen_clinic: Location) -> Booking:
    """A visit well within the online change notice (24 hours)."""
    return booking_create(
        service=Service.objects.get(slug="micro-needling"), location=frozen_clinic,
        start=local(frozen_clinic, 2026, 11, 26, 9), now=NOW, channel=BookingChannel.WEB,
        patient_id=patient.pk,
    )  # fmt: skip


def test_staff_cancel_a_booking_however_soon_it_is(
    client: Client, desk: dict[str, str], tomorrow_morning: Booking
) -> None:
    response = post(client, f"/api/staff/bookings/{tomorrow_morning.public_id}/cancel", {}, **desk)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    tomorrow_morning.refresh_from_db()
    assert tomorrow_morning.status == BookingStatus.CANCELLED
    assert OutboundMessage.objects.filter(idempotency_key__endswith=":cancellation").exists()


def test_staff_move_a_booking_however_soon_it_is(
    client: Client, desk: dict[str, str], tomorrow_morning: Booking
) -> None:
    path = f"/api/staff/bookings/{tomorrow_morning.public_id}/reschedule"
    response = post(client, path, {"start": "2026-11-26T11:00:00-06:00"}, **desk)
    assert response.status_code == 200, response.content
    assert response.json()["local_start"] == "2026-11-26T11:00:00-06:00"
    tomorrow_morning.refresh_from_db()
    assert tomorrow_morning.starts_at == datetime.fromisoformat("2026-11-26T17:00:00Z")
    assert OutboundMessage.objects.filter(idempotency_key__endswith=":change").exists()


def test_moving_to_a_time_taken_is_409_and_the_booking_stays(
    client: Client, desk: dict[str, str], patient: Patient, frozen_clinic: Location
) -> None:
    prp = Service.objects.get(slug="micro-needling-prp")
    taken, tomorrow = local(frozen_clinic, 2026, 11, 27, 10), local(frozen_clinic, 2026, 11, 26, 9)
    for start in (taken, tomorrow):
        booking = booking_create(service=prp, location=frozen_clinic, start=start, now=NOW,
                                 channel=BookingChannel.STAFF, patient_id=patient.pk)  # fmt: skip
    path = f"/api/staff/bookings/{booking.public_id}/reschedule"
    response = post(client, path, {"start": taken.isoformat()}, **desk)
    assert response.status_code == 409
    assert response.json()["alternatives"]
    booking.refresh_from_db()
    assert booking.starts_at == tomorrow


def test_a_booking_that_is_over_cannot_be_cancelled(
    client: Client, desk: dict[str, str], tomorrow_morning: Booking
) -> None:
    Booking.objects.filter(pk=tomorrow_morning.pk).update(status=BookingStatus.COMPLETED)
    response = post(client, f"/api/staff/bookings/{tomorrow_morning.public_id}/cancel", {}, **desk)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("booking_id", "status"),
    [("00000000-0000-0000-0000-000000000000", 404), ("not-an-id", 422)],
)
def test_an_unknown_booking_id_is_a_problem(
    client: Client, desk: dict[str, str], booking_id: str, status: int
) -> None:
    response = post(client, f"/api/staff/bookings/{booking_id}/cancel", {}, **desk)
    assert response.status_code == status


def test_the_staff_endpoints_are_documented_with_the_bearer_scheme(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["StaffToken"] == {
        "type": "http", "scheme": "bearer",
    }  # fmt: skip
    staff = [
        operation
        for path, operations in document["paths"].items()
        if path.startswith("/api/staff/")
        for operation in operations.values()
    ]
    assert len(staff) == 8
    for operation in staff:
        assert operation["tags"] == ["staff"]
        assert operation["security"] == [{"StaffToken": []}]
        assert {"401", "403"} <= set(operation["responses"])
