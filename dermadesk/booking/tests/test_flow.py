"""The whole booking path through the pages, as a patient without JavaScript takes it."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.screening.models import AnswerType, ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, questions_for

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield
DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def harmless_answers(service: Service, **overrides: str) -> dict[str, str]:
    """'No' to every yes/no question, the first choice of each list, dates left empty."""
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    answers = {}
    for question in questions_for(questionnaire=questionnaire, service=service):
        if question.answer_type == AnswerType.YES_NO:
            answers[question.key] = "no"
        elif question.answer_type == AnswerType.CHOICE:
            answers[question.key] = question.choice_pairs[0][0]
        elif question.answer_type == AnswerType.NUMBER:
            answers[question.key] = "0"
    answers.update(overrides)
    return answers


def hold_and_give_details(
    client: Client, location: Location, slug: str, hour: int, details: dict[str, str] = DETAILS
) -> None:
    """Hold a time, give the details and type the code from the email (as the patient)."""
    start = datetime(2026, 11, 27, hour, tzinfo=location.zone)
    client.post(f"/book/{slug}/hold/", {"start": start.isoformat()})
    give_details(client, details)


def give_details(client: Client, details: dict[str, str] = DETAILS) -> None:
    """Step 4, and the code from the email when this browser has not proved the address."""
    response = client.post("/book/details/", details)
    assert response.status_code == 302, response.content
    if response["Location"] == "/book/verify/":
        response = client.post("/book/verify/", {"code": latest_code(details["email"])})
        assert response["Location"] == "/book/screening/", response.content


def test_a_patient_books_micro_needling_from_start_to_finish(
    client: Client, frozen_clinic: Location
) -> None:
    service = Service.objects.get(slug="micro-needling")
    hold_and_give_details(client, frozen_clinic, service.slug, 10)
    page = client.get("/book/screening/")
    assert "A few health questions" in page.text
    response = client.post("/book/screening/", harmless_answers(service))
    assert response["Location"] == "/book/consent/"
    page = client.get("/book/consent/")
    assert "Our visit policies" in page.text
    response = client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    assert response["Location"] == "/book/confirm/"
    response = client.post("/book/confirm/", follow=True)
    assert "You are booked" in response.text
    assert "Friday 27 November 2026, 10:00 a.m." in response.text
    booking = Booking.objects.get(status=BookingStatus.CONFIRMED)
    patient = Patient.objects.get()
    assert booking.patient == patient
    assert ConsentSignature.objects.filter(patient=patient, booking=booking).exists()
    assert ScreeningResponse.objects.filter(patient=patient).count() == 1


def test_a_condition_needing_a_consultation_offers_one_and_frees_the_time(
    client: Client, frozen_clinic: Location
) -> None:
    service = Service.objects.get(slug="micro-needling")
    hold_and_give_details(client, frozen_clinic, service.slug, 10)
    answers = harmless_answers(service, pregnant="yes")
    response = client.post("/book/screening/", answers)
    assert response.status_code == 200
    assert "Book a consultation instead" in response.text
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_a_valid_screening_is_not_asked_again(client: Client, frozen_clinic: Location) -> None:
    service = Service.objects.get(slug="micro-needling")
    hold_and_give_details(client, frozen_clinic, service.slug, 10)
    client.post("/book/screening/", harmless_answers(service))
    client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    client.post("/book/confirm/")
    hold_and_give_details(client, frozen_clinic, service.slug, 15)
    response = client.get("/book/screening/")
    assert response["Location"] == "/book/consent/"


def test_a_typed_name_that_is_not_the_patients_is_refused(
    client: Client, frozen_clinic: Location
) -> None:
    service = Service.objects.get(slug="micro-needling")
    hold_and_give_details(client, frozen_clinic, service.slug, 10)
    client.post("/book/screening/", harmless_answers(service))
    response = client.post("/book/consent/", {"typed_name": "Someone Else", "policies": "on"})
    assert response.status_code == 400
    assert 'href="#id_typed_name"' in response.text
    assert not ConsentSignature.objects.exists()


def test_unanswered_questions_are_listed_and_nothing_is_stored(
    client: Client, frozen_clinic: Location
) -> None:
    hold_and_give_details(client, frozen_clinic, "micro-needling", 10)
    response = client.post("/book/screening/", {})
    assert response.status_code == 400
    assert "Please check" in response.text
    assert not ScreeningResponse.objects.exists()


def test_a_consultation_needs_no_health_questions(client: Client, frozen_clinic: Location) -> None:
    hold_and_give_details(client, frozen_clinic, "consultation", 10)
    assert client.get("/book/screening/")["Location"] == "/book/consent/"


def test_a_second_booking_finds_the_same_patient(client: Client, frozen_clinic: Location) -> None:
    service = Service.objects.get(slug="micro-needling")
    for hour in (10, 15):
        hold_and_give_details(client, frozen_clinic, service.slug, hour)
        client.post("/book/screening/", harmless_answers(service))
        client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
        client.post("/book/confirm/")
    assert Patient.objects.count() == 1
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2


def test_the_confirmation_email_carries_no_health_answers(
    client: Client, frozen_clinic: Location
) -> None:
    service = Service.objects.get(slug="micro-needling")
    hold_and_give_details(client, frozen_clinic, service.slug, 10)
    client.post("/book/screening/", harmless_answers(service, cold_sores="yes"))
    client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    client.post("/book/confirm/")
    assert ScreeningResponse.objects.get().outcome == "suitable_with_notes"
    confirmation = OutboundMessage.objects.get(idempotency_key__endswith=":confirmation")
    assert confirmation.recipient == "ada@example.com"
    for message in OutboundMessage.objects.all():
        everything = message.subject + message.text_body + message.html_body
        assert "cold sores" not in everything.lower()  # the reason given on the page
        assert "antiviral" not in everything.lower()


def choose_course_and_finish(client: Client, location: Location, sessions: str) -> Any:
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 27, 10, tzinfo=location.zone)
    assert (
        client.post(f"/book/{service.slug}/hold/", {"start": start.isoformat()})["Location"]
        == "/book/course/"
    )
    assert client.post("/book/course/", {"sessions": sessions})["Location"] == "/book/details/"
    give_details(client)
    client.post("/book/screening/", harmless_answers(service))
    client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"})
    return client


def test_a_patient_books_a_course_of_four_prp_sessions(
    client: Client, frozen_clinic: Location
) -> None:
    choose_course_and_finish(client, frozen_clinic, "4")
    page = client.get("/book/confirm/").text
    assert "Confirm my 4 sessions" in page
    response = client.post("/book/confirm/", follow=True)
    assert "You are booked" in response.text
    assert "session 1 of 4" in response.text
    assert "Friday 19 February 2027, 10:00 a.m." in response.text
    series = Series.objects.get()
    assert series.bookings.filter(status=BookingStatus.CONFIRMED).count() == 4
    assert {b.patient_id for b in series.bookings.all()} == {Patient.objects.get().pk}


def test_course_dates_taken_meanwhile_are_shown_again_and_nothing_is_booked(
    client: Client, frozen_clinic: Location
) -> None:
    choose_course_and_finish(client, frozen_clinic, "4")
    third = datetime(2027, 1, 22, 10, tzinfo=frozen_clinic.zone)
    booking_create(
        service=Service.objects.get(slug="micro-needling-prp"), location=frozen_clinic,
        start=third, now=NOW, channel=BookingChannel.STAFF,
    )  # fmt: skip
    response = client.post("/book/confirm/")
    assert response.status_code == 409
    assert "Some dates of your course changed" in response.text
    assert "so we moved this session to" in response.text
    assert not Series.objects.exists()
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 1


def test_only_the_first_visit_of_a_course_can_be_booked(
    client: Client, frozen_clinic: Location
) -> None:
    choose_course_and_finish(client, frozen_clinic, "1")
    client.post("/book/confirm/")
    booking = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert booking.series is None
