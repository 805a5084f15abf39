"""The JSON API, as a clinic's own website would use it."""

from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from dermadesk.api.tests.calls import NOW, answers_for, book, hold, post
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_create

pytestmark = pytest.mark.usefixtures("frozen_clinic")


def test_services_and_locations_are_listed(client: Client) -> None:
    services = {s["slug"]: s for s in client.get("/api/services").json()}
    assert services["micro-needling-prp"]["course"] == {
        "min_sessions": 4, "default_sessions": 4, "max_sessions": 6, "interval_days": 28,
    }  # fmt: skip
    assert services["consultation"]["course"] is None
    [location] = client.get("/api/locations").json()
    assert location["time_zone"] == "America/Chicago"


def test_availability_is_the_sites_own(client: Client) -> None:
    response = client.get(
        "/api/services/consultation/availability", {"start": "2026-11-26", "end": "2026-11-27"}
    )
    assert response.status_code == 200
    body = response.json()
    page = client.get("/book/consultation/2026-11-26/").text
    assert len(body["slots"]) == page.count('name="start" value=')
    assert body["slots"][0]["local_start"] == "2026-11-26T08:00:00-06:00"
    assert body["slots"][0]["start"] == "2026-11-26T14:00:00Z"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"start": "2026-11-27", "end": "2026-11-26"}, 400),
        ({"start": "2026-11-01", "end": "2027-02-01"}, 400),
        ({"start": "yesterday", "end": "2026-11-27"}, 422),
        ({"end": "2026-11-27"}, 422),
        ({"start": "2026-11-26", "end": "2026-11-27", "location": "nowhere"}, 404),
    ],
)
def test_bad_availability_questions_get_a_problem(
    client: Client, query: dict[str, str], status: int
) -> None:
    response = client.get("/api/services/consultation/availability", query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert response.json()["detail"]


def test_a_patient_books_through_the_api_with_screening_and_consent(client: Client) -> None:
    held = hold(client)
    assert held.status_code == 201, held.content
    response = book(client, held.json()["hold_id"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["consent_complete"]) == ("confirmed", True)
    booking = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert booking.channel == BookingChannel.API
    assert booking.patient == Patient.objects.get()
    assert ConsentSignature.objects.filter(booking=booking).exists()
    assert OutboundMessage.objects.filter(idempotency_key__endswith=":confirmation").exists()
    assert client.get(f"/api/bookings/{body['manage_token']}").json()["status"] == "confirmed"


def test_a_taken_time_is_409_with_the_nearest_free_ones(
    client: Client, frozen_clinic: Location
) -> None:
    prp = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 27, 10, tzinfo=frozen_clinic.zone)
    booking_create(service=prp, location=frozen_clinic, start=start, now=NOW,
                   channel=BookingChannel.STAFF)  # fmt: skip
    response = hold(client, "micro-needling-prp", start.isoformat())
    assert response.status_code == 409
    problem = response.json()
    assert problem["title"] == "Time taken"
    assert problem["alternatives"]


def test_a_condition_needing_a_talk_first_is_refused_with_its_reasons(client: Client) -> None:
    held = hold(client).json()
    response = book(client, held["hold_id"], answers=answers_for("micro-needling", eczema="yes"))
    assert response.status_code == 422
    assert response.json()["title"] == "Consultation first"
    assert response.json()["reasons"]
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_missing_answers_are_listed_and_nothing_is_booked(client: Client) -> None:
    held = hold(client).json()
    response = book(client, held["hold_id"], answers={})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "answers.keloid_scars" in fields
    assert Booking.objects.get().status == BookingStatus.HELD


@pytest.mark.parametrize(
    "change",
    [
        {"hold_id": "not-a-hold"},
        {"hold_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_an_unknown_hold_is_404(client: Client, change: dict[str, str]) -> None:
    hold(client)
    assert book(client, **change).status_code == 404


def test_a_naive_time_is_refused(client: Client) -> None:
    response = hold(client, start="2026-11-27T10:00:00")
    assert response.status_code == 400
    assert "offset" in response.json()["detail"]


def test_a_booking_is_moved_and_cancelled_by_its_token(client: Client) -> None:
    token = book(client, hold(client).json()["hold_id"]).json()["manage_token"]
    moved = post(
        client, f"/api/bookings/{token}/reschedule", {"start": "2026-11-28T11:00:00-06:00"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == "2026-11-28T17:00:00Z"
    # Each change gives a new token; the one before stops working.
    new_token = moved.json()["manage_token"]
    assert new_token != token
    assert client.get(f"/api/bookings/{token}").status_code == 404
    assert client.get(f"/api/bookings/{new_token}").json()["manage_token"] == new_token
    cancelled = post(client, f"/api/bookings/{new_token}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    assert post(client, f"/api/bookings/{new_token}/cancel", {}).status_code == 404


def test_a_forged_token_reaches_nothing(client: Client) -> None:
    assert client.get("/api/bookings/abc:def").status_code == 404


def test_within_the_notice_the_api_says_to_call(client: Client) -> None:
    token = book(client, hold(client, start="2026-11-26T10:00:00-06:00").json()["hold_id"]).json()[
        "manage_token"
    ]
    response = post(client, f"/api/bookings/{token}/cancel", {})
    assert response.status_code == 409
    assert "(217) 555-0142" in response.json()["detail"]


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00Z", "0001-01-01T00:30:00+00:00"])
def test_a_time_far_from_today_is_refused_not_a_server_error(client: Client, start: str) -> None:
    response = hold(client, start=start)
    assert response.status_code == 400
    assert response.json()["title"] == "Time out of range"


def test_dates_far_from_today_are_refused_not_a_server_error(client: Client) -> None:
    response = client.get(
        "/api/services/consultation/availability", {"start": "9999-12-29", "end": "9999-12-31"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Date out of range"


def test_the_openapi_document_and_its_reader_are_served(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    assert "/api/services/{slug}/availability" in document["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # served from our own static files


def test_too_many_requests_get_a_429_problem(client: Client, settings: Settings) -> None:
    settings.API_RATE_LIMIT = "3/m"
    cache.clear()
    statuses = [client.get("/api/services").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/services").json()["title"] == "Too many requests"
    cache.clear()


def test_the_clinics_own_site_may_call_the_api_from_a_browser(
    client: Client, settings: Settings
) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://clinic.example"]
    allowed = client.get("/api/services", headers={"Origin": "https://clinic.example"})
    assert allowed["Access-Control-Allow-Origin"] == "https://clinic.example"
    other = client.get("/api/services", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other
