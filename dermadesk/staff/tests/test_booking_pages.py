"""Booking by phone from the calendar: find or add the patient, choose the treatment and a
free time (or type one), a course proposed whole and booked all or none."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

CHOICE = {"location": "springfield", "service": "consultation", "start_day": "2026-11-26"}


pytestmark = pytest.mark.usefixtures("wednesday_afternoon")


def test_a_patient_is_found_by_phone_and_the_words_stay_out_of_the_trail(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).post("/staff/visits/new/", {"q": "(217) 555-0142"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 patient found" in text
    assert f"/staff/visits/new/{patient.pk}/?location=springfield" in text
    [event] = AuditEvent.objects.all()
    assert (event.what, event.patient_id) == ("patient search", None)
    assert "555" not in event.detail and "217" not in event.object_ref


def test_an_empty_search_is_a_400_that_says_what_to_type(client: Client, desk: User) -> None:
    response = signed_in(client, desk).post("/staff/visits/new/", {"q": "  "})
    assert response.status_code == 400
    assert "Please type something to search for." in response.content.decode()


def test_a_new_patient_is_added_then_the_visit_is_chosen(client: Client, desk: User) -> None:
    response = signed_in(client, desk).post(
        "/staff/visits/new/patient/?location=springfield&date=2026-11-26",
        {"given_name": "Grace", "family_name": "Hopper", "email": "grace@example.com",
         "phone": "217 555 0199", "date_of_birth": "1986-12-09"},
    )  # fmt: skip
    grace = Patient.objects.get(email="grace@example.com")
    assert grace.phone == "+12175550199"
    assert response["Location"] == (
        f"/staff/visits/new/{grace.pk}/?location=springfield&start_day=2026-11-26"
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, patient_id=grace.pk).exists()


def test_a_patient_already_known_is_not_made_twice(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).post(
        "/staff/visits/new/patient/",
        {"given_name": "Someone", "family_name": "Else", "email": "ADA@example.com",
         "phone": "", "date_of_birth": "1990-04-12"},
        follow=True,
    )  # fmt: skip
    assert "Ada Lovelace already has a record" in response.content.decode()
    assert Patient.objects.count() == 1


def test_new_patient_details_that_cannot_be_used_are_a_400(client: Client, desk: User) -> None:
    response = signed_in(client, desk).post(
        "/staff/visits/new/patient/",
        {"given_name": "Grace", "family_name": "", "email": "not an email",
         "phone": "12", "date_of_birth": "1986-12-09"},
    )  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 400
    assert "Please check this" in text
    assert not Patient.objects.exists()


def test_the_next_free_times_of_the_treatment_are_offered(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).get(f"/staff/visits/new/{patient.pk}/", CHOICE)
    text = response.content.decode()
    assert "Next free times for Consultation" in text
    assert 'value="2026-11-26T08:00:00-06:00"' in text
    assert "Thursday 26 November, 8:00 a.m.</button>" in text
    assert "Springfield clinic time (CST, America/Chicago)" in text
    [event] = AuditEvent.objects.all()
    assert (event.what, event.patient_id) == ("contact details", patient.pk)


def test_choosing_a_free_time_books_it_by_staff_and_emails_the_patient(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/?location=springfield&service=consultation",
        {"start": "2026-11-26T09:00:00-06:00"},
        follow=True,
    )
    booking = Booking.objects.get()
    assert (booking.patient, booking.channel, booking.created_by, booking.status) == (
        patient, BookingChannel.STAFF, desk, BookingStatus.CONFIRMED,
    )  # fmt: skip
    assert booking.starts_at == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert "Booked: Consultation for Ada Lovelace on Thursday 26 November at 9:00 a.m." in (
        response.content.decode()
    )
    assert OutboundMessage.objects.filter(recipient="ada@example.com").exists()


def test_staff_may_book_this_afternoon_which_online_booking_does_not_offer(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/?location=springfield&service=consultation",
        {"date": "2026-11-25", "time": "15:00"},
    )
    assert response.status_code == 302
    assert Booking.objects.get().starts_at == datetime(2026, 11, 25, 21, 0, tzinfo=UTC)


def test_a_time_taken_is_a_409_with_times_nearby_and_nothing_booked(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    for _ in range(2):  # both clinicians who work on Thursdays
        booking_create(
            service=Service.objects.get(slug="consultation"), location=clinic,
            start=datetime(2026, 11, 26, 12, tzinfo=clinic.zone), now=NOW,
            channel=BookingChannel.STAFF, by_staff=True,
        )  # fmt: skip
    response = signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/?location=springfield&service=consultation",
        {"date": "2026-11-26", "time": "12:00"},
    )
    assert response.status_code == 409
    assert "These times are free close to it" in response.content.decode()
    assert Booking.objects.filter(patient=patient).count() == 0


def test_a_time_outside_the_clinics_hours_is_a_400(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/?location=springfield&service=consultation",
        {"date": "2026-11-26", "time": "21:00"},
    )
    assert response.status_code == 400
    assert "outside the clinic&#x27;s hours" in response.content.decode()


def test_a_clinician_asked_for_is_the_one_booked(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    jordan = clinic.resources.get(name="Jordan Demo, RN")
    signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/?location=springfield&service=consultation"
        f"&clinician={jordan.pk}",
        {"start": "2026-11-26T09:00:00-06:00"},
    )
    assert Booking.objects.get().allocations.get(role="clinician").resource == jordan


def test_a_course_is_proposed_then_booked_all_at_once(
    client: Client, desk: User, patient: Patient
) -> None:
    query = "?location=springfield&service=micro-needling-prp&sessions=4"
    signed_in(client, desk)
    proposal = client.post(
        f"/staff/visits/new/{patient.pk}/{query}", {"start": "2026-11-26T10:00:00-06:00"}
    )
    text = proposal.content.decode()
    assert proposal.status_code == 200
    assert "A course of 4 sessions" in text and "Book all 4 sessions" in text
    assert not Booking.objects.exists()
    starts = re.findall(r'name="session" value="([^"]+)"', text)
    assert len(starts) == 4
    booked = client.post(f"/staff/visits/new/{patient.pk}/course/{query}", {"session": starts})
    assert booked.status_code == 302
    sessions = list(Booking.objects.order_by("starts_at"))
    assert len(sessions) == 4
    assert {b.series_id for b in sessions} == {sessions[0].series_id}
    assert booked["Location"] == f"/staff/visits/{sessions[0].pk}/"


def test_a_course_whose_plan_changed_is_shown_again_and_nothing_is_booked(
    client: Client, desk: User, patient: Patient
) -> None:
    query = "?location=springfield&service=micro-needling-prp&sessions=4"
    accepted = ["2026-11-26T10:00:00-06:00", "2026-12-24T10:00:00-06:00",
                "2027-01-21T10:00:00-06:00", "2027-02-19T10:00:00-06:00"]  # fmt: skip
    response = signed_in(client, desk).post(
        f"/staff/visits/new/{patient.pk}/course/{query}", {"session": accepted}
    )
    assert response.status_code == 409
    assert "The proposal changed since it was shown" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_course_of_a_length_the_treatment_has_not_is_a_400(
    client: Client, desk: User, patient: Patient
) -> None:
    response = signed_in(client, desk).get(
        f"/staff/visits/new/{patient.pk}/",
        {"location": "springfield", "service": "consultation", "sessions": "4"},
    )
    assert response.status_code == 400
    assert "Consultation is booked one visit at a time" in response.content.decode()


@pytest.mark.parametrize(
    "asked",
    [
        {"service": "no-such-treatment"},
        {"service": "consultation", "start_day": "someday"},
        {"service": "consultation", "start_day": "9999-01-01"},
        {"service": "consultation", "clinician": "99999"},
        {"service": "consultation", "sessions": "many"},
    ],
)
def test_a_choice_that_cannot_be_used_is_a_400_that_says_why(
    client: Client, desk: User, patient: Patient, asked: dict[str, str]
) -> None:
    response = signed_in(client, desk).get(
        f"/staff/visits/new/{patient.pk}/", {"location": "springfield", **asked}
    )
    assert response.status_code == 400
    assert "Please check this" in response.content.decode()


def test_a_clinician_cannot_book(client: Client, patient: Patient) -> None:
    clinician = staff_member("clin", Role.CLINICIAN)
    signed_in(client, clinician)
    assert client.get("/staff/visits/new/").status_code == 403
    assert client.get(f"/staff/visits/new/{patient.pk}/", CHOICE).status_code == 403
