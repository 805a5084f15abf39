from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.clinic.models import Closure, Location
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_create

# Wednesday 25 November 2026, 2pm in Springfield (America/Chicago).
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def local(location: Location, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=location.zone)


def hold(client: Client, location: Location, start: datetime) -> Any:
    return client.post(
        "/book/micro-needling-prp/hold/",
        {"start": start.isoformat(), "location": location.slug},
    )


def test_treatment_page_lists_what_can_be_booked_online(client: Client) -> None:
    html = client.get("/book/").text
    for name in ("Consultation", "Micro-Needling", "Micro-Needling with PRP"):
        assert name in html


def test_month_shows_full_and_closed_days_instead_of_hiding_them(
    client: Client, frozen_clinic: Location
) -> None:
    Closure.objects.create(
        location=frozen_clinic,
        first_day=datetime(2026, 11, 27).date(),  # noqa: DTZ001
        last_day=datetime(2026, 11, 27).date(),  # noqa: DTZ001
        reason="Staff training",
    )
    html = client.get("/book/micro-needling-prp/?month=2026-11").text
    assert 'Friday 27 November</span> <span class="day-count">No times left' in html
    assert "Monday 2 November" not in html  # past days are left out
    assert 'href="/book/micro-needling-prp/2026-11-26/?location=springfield"' in html


def test_days_beyond_the_booking_horizon_are_marked(client: Client) -> None:
    html = client.get("/book/micro-needling-prp/?month=2027-02").text
    assert 'Sunday 28 February</span> <span class="day-count">Not open for online booking' in html


def test_times_are_grouped_by_part_of_day_in_clinic_time(client: Client) -> None:
    html = client.get("/book/consultation/2026-11-26/").text
    assert "<h2>Morning</h2>" in html
    assert "<h2>Afternoon</h2>" in html
    assert "<h2>Evening</h2>" in html
    assert "Springfield clinic time (CST)" in html
    assert 'value="2026-11-26T08:00:00-06:00">8:00 a.m.</button>' in html


def test_choosing_a_prp_time_holds_it_and_asks_about_the_course(
    client: Client, frozen_clinic: Location
) -> None:
    response = hold(client, frozen_clinic, local(frozen_clinic, 26, 9))
    assert (response.status_code, response["Location"]) == (302, "/book/course/")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.HELD
    page = client.get("/book/details/").text
    assert "Your time is held" in page
    assert "Thursday 26 November at 9:00 a.m." in page
    assert "2:10 p.m." in page  # ten minutes from now, in clinic time


def test_a_time_taken_meanwhile_is_explained_with_the_nearest_alternatives(
    client: Client, frozen_clinic: Location
) -> None:
    start = local(frozen_clinic, 26, 12)
    booking_create(
        service=Service.objects.get(slug="micro-needling-prp"),
        location=frozen_clinic,
        start=start,
        now=NOW,
        channel=BookingChannel.STAFF,
    )
    response = hold(client, frozen_clinic, start)
    assert response.status_code == 409
    html = response.content.decode()
    assert "that time has just been taken" in html
    assert 'value="2026-11-26T11:45:00-06:00"' in html
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/book/no-such-treatment/", 404),
        ("/book/consultation/2026-02-30/", 400),
        ("/book/consultation/?month=next", 400),
    ],
)
def test_bad_addresses_get_a_clear_4xx(client: Client, path: str, status: int) -> None:
    assert client.get(path).status_code == status


@pytest.mark.parametrize(
    "start", ["", "tomorrow", "2026-11-26T09:00:00", "2026-11-26T09:07:00-06:00"]
)
def test_a_bad_start_is_refused_without_writing_anything(client: Client, start: str) -> None:
    response = client.post("/book/micro-needling-prp/hold/", {"start": start})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_details_errors_are_summarised_and_what_was_typed_is_kept(
    client: Client, frozen_clinic: Location
) -> None:
    hold(client, frozen_clinic, local(frozen_clinic, 26, 9))
    response = client.post(
        "/book/details/",
        {"given_name": "Ada", "family_name": "", "email": "ada@", "phone": "12",
         "date_of_birth": "1990-04-21"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.text
    assert 'id="error-summary"' in html
    assert 'href="#id_email"' in html
    assert 'value="Ada"' in html
    assert 'value="ada@"' in html
    assert 'aria-invalid="true"' in html


def test_details_without_a_held_time_send_the_patient_to_choose_one(client: Client) -> None:
    response = client.get("/book/details/")
    assert (response.status_code, response["Location"]) == (302, "/book/")


def test_asking_for_more_time_extends_the_hold(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, local(frozen_clinic, 26, 9))
    with time_machine.travel(NOW + timedelta(minutes=8), tick=False):
        client.post("/book/hold/extend/", {"next": "/book/details/"})
    booking = Booking.objects.get()
    assert booking.hold_expires_at == NOW + timedelta(minutes=18)


def test_a_course_step_proposes_every_date_and_keeps_the_choice(
    client: Client, frozen_clinic: Location
) -> None:
    Closure.objects.create(
        location=frozen_clinic,
        first_day=datetime(2026, 12, 24).date(),  # noqa: DTZ001
        last_day=datetime(2026, 12, 24).date(),  # noqa: DTZ001
        reason="Holiday",
    )
    hold(client, frozen_clinic, local(frozen_clinic, 26, 10))
    page = client.get("/book/course/").text
    assert "Your course of sessions" in page
    assert "Session 4: Thursday 18 February 2027, 10:00 a.m." in page
    assert (
        "The clinic is closed on Thursday 24 December, so we moved this session to "
        "Friday 25 December at 10:00 a.m." in page
    )
    six = client.get("/book/course/?sessions=6").text
    assert "Session 6: Thursday 15 April 2027, 10:00 a.m." in six
    response = client.post("/book/course/", {"sessions": "5"})
    assert response["Location"] == "/book/details/"
    assert client.get("/book/course/").text.count('value="5" checked') == 1


@pytest.mark.parametrize("sessions", ["3", "7", "many", "-1"])
def test_a_course_of_the_wrong_length_is_refused_with_a_message(
    client: Client, frozen_clinic: Location, sessions: str
) -> None:
    hold(client, frozen_clinic, local(frozen_clinic, 26, 10))
    response = client.post("/book/course/", {"sessions": sessions})
    assert response.status_code == 400
    assert "Please choose from 4 to 6 sessions" in response.text
