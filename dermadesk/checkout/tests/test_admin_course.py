"""Staff book a whole course in the admin: every date proposed, then all booked or none."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.test import Client

from dermadesk.clinic.models import Closure, Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Series, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.tests.people import signed_in

URL = "/admin/scheduling/series/book/"


@pytest.fixture
def manager(client: Client) -> Iterator[Client]:
    with time_machine.travel(NOW, tick=False):
        signed_in(client, User.objects.create_superuser("manager", "m@example.com", "pw-long-1"))
        yield client


@pytest.fixture
def ada(db: None) -> Patient:
    return Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip


def course_form(clinic: Location, ada: Patient, **changes: object) -> dict[str, object]:
    prp = Service.objects.get(slug="micro-needling-prp")
    return {
        "patient": ada.pk, "service": prp.pk, "location": clinic.pk,
        "first_date": "2026-11-26", "first_time": "10:00", "sessions": 4, "clinician": "",
        **changes,
    }  # fmt: skip


def test_staff_see_every_date_proposed_and_why_one_moved(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    closed = date(2026, 12, 24)
    Closure.objects.create(location=clinic, first_day=closed, last_day=closed, reason="Holiday")
    response = manager.post(URL, course_form(clinic, ada) | {"propose": "1"})
    assert response.status_code == 200
    page = response.text
    assert "Thu 24 Dec 2026, 10:00" in page  # the regular time
    assert "Fri 25 Dec 2026, 10:00" in page  # where it went
    assert "the clinic is closed that day" in page
    assert "Book all 4 sessions" in page
    assert not Booking.objects.exists()


def test_staff_book_the_course_as_proposed_and_the_patient_is_told(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    proposal = manager.post(URL, course_form(clinic, ada) | {"propose": "1"}).text
    starts = proposal.split('name="starts" value="')[1].split('"')[0]
    response = manager.post(URL, course_form(clinic, ada) | {"book": "1", "starts": starts},
                            follow=True)  # fmt: skip
    assert "Booked 4 sessions of Micro-Needling with PRP for Ada Lovelace." in response.text
    series = Series.objects.get()
    sessions = list(series.bookings.order_by("series_number"))
    assert [b.starts_at.isoformat() for b in sessions] == starts.split(",")
    assert {(b.patient_id, b.channel, b.created_by_id) for b in sessions} == {
        (ada.pk, BookingChannel.STAFF, User.objects.get().pk)
    }
    assert OutboundMessage.objects.filter(template_key="booking-confirmation").count() == 1


def test_a_proposal_that_changed_since_it_was_shown_books_nothing(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    proposal = manager.post(URL, course_form(clinic, ada) | {"propose": "1"}).text
    starts = proposal.split('name="starts" value="')[1].split('"')[0]
    third = datetime.fromisoformat(starts.split(",")[2])
    # Meanwhile the only centrifuge is taken at the third session's time.
    booking_create(service=Service.objects.get(slug="micro-needling-prp"), location=clinic,
                   start=third, now=NOW, channel=BookingChannel.STAFF)  # fmt: skip
    response = manager.post(URL, course_form(clinic, ada) | {"book": "1", "starts": starts})
    assert response.status_code == 409
    assert "The proposal changed since it was shown" in response.text
    assert not Series.objects.exists()


def test_a_first_time_that_is_not_free_shows_times_nearby(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    booking_create(service=Service.objects.get(slug="micro-needling-prp"), location=clinic,
                   start=datetime(2026, 11, 26, 10, tzinfo=clinic.zone), now=NOW,
                   channel=BookingChannel.STAFF)  # fmt: skip
    response = manager.post(URL, course_form(clinic, ada) | {"propose": "1"})
    assert response.status_code == 409
    assert "That time is not free for this treatment" in response.text
    assert "Free first times nearby" in response.text


def test_a_first_time_outside_the_clinics_hours_is_refused_in_staff_words(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    response = manager.post(URL, course_form(clinic, ada, first_time="03:00") | {"propose": "1"})
    assert response.status_code == 400
    assert "This time is outside the clinic&#x27;s hours." in response.text
    assert "online" not in response.text.split('class="errornote"')[1].split("</div>")[0]
    assert "Free first times nearby" in response.text


def test_staff_book_a_course_starting_within_the_online_notice(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    # NOW is 2 p.m. on Wednesday 25 November; online, the first time would be 4 p.m.
    form = course_form(clinic, ada, first_date="2026-11-25", first_time="15:00")
    proposal = manager.post(URL, form | {"propose": "1"})
    assert proposal.status_code == 200, proposal.text
    starts = proposal.text.split('name="starts" value="')[1].split('"')[0]
    response = manager.post(URL, form | {"book": "1", "starts": starts}, follow=True)
    assert "Booked 4 sessions" in response.text
    first = Series.objects.get().bookings.get(series_number=1)
    assert first.starts_at == datetime(2026, 11, 25, 15, tzinfo=clinic.zone)


def test_a_course_outside_the_treatments_limits_is_refused(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    response = manager.post(URL, course_form(clinic, ada, sessions=9) | {"propose": "1"})
    assert response.status_code == 400
    assert "Micro-Needling with PRP is booked as a course of 4 to 6 sessions." in response.text


def test_the_chosen_clinician_takes_every_session_where_free(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    jordan = Resource.objects.get(name__startswith="Jordan")
    proposal = manager.post(
        URL, course_form(clinic, ada, clinician=jordan.pk) | {"propose": "1"}
    ).text
    assert proposal.count(jordan.name) == 4 + 1  # each session, and the clinician list


def test_front_desk_without_the_booking_permission_cannot_book_a_course(
    clinic: Location, ada: Patient, client: Client
) -> None:
    desk = User.objects.create_user("desk", password="pw-long-1", is_staff=True)
    desk.user_permissions.add(Permission.objects.get(codename="view_series"))
    signed_in(client, desk)
    with time_machine.travel(NOW, tick=False):
        assert "Book a course" not in client.get("/admin/scheduling/series/").text
        assert client.get(URL).status_code == 403
    assert not Series.objects.exists()


def test_the_patients_page_links_to_a_course_for_them(
    clinic: Location, ada: Patient, manager: Client
) -> None:
    page = manager.get(f"/admin/patients/patient/{ada.pk}/change/").text
    assert f'href="{URL}?patient={ada.pk}"' in page
    form = manager.get(URL, {"patient": ada.pk}).text
    assert f'<option value="{ada.pk}" selected>Ada Lovelace</option>' in form
