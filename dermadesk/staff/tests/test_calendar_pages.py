"""The calendar's day and week pages: resources as columns, every visit's steps, the clinic's
time named; no health information; one audit row per page; a fixed number of queries."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.clinic.models import Closure, Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import booking_cancel, booking_create, booking_hold
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.calendar_queries import calendar_days
from dermadesk.staff.tests.people import signed_in

THURSDAY = date(2026, 11, 26)


pytestmark = pytest.mark.usefixtures("wednesday_afternoon")


def book(
    clinic: Location, patient: Patient | None, slug: str, hour: int, minute: int = 0
) -> Booking:
    return booking_create(
        service=Service.objects.get(slug=slug),
        location=clinic,
        start=datetime(2026, 11, 26, hour, minute, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        patient_id=patient.pk if patient else None,
        by_staff=True,
    )


def day_page(client: Client, day: str = "2026-11-26", **more: str) -> str:
    response = client.get("/staff/calendar/", {"date": day, "location": "springfield", **more})
    assert response.status_code == 200
    return response.content.decode()


def test_every_step_of_a_visit_is_shown_on_the_resource_it_uses(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    book(clinic, patient, "micro-needling-prp", 10)
    page = day_page(signed_in(client, desk))
    for step in ("Blood draw", "Centrifuge", "Numbing cream", "Procedure with PRP", "Turnover"):
        assert step in page
    for column in ("Dr. Avery Demo", "Treatment room 1", "Centrifuge", "Pen A"):
        assert f'<th scope="col">{column} <span class="kind">' in page
    assert "10:00–10:10 a.m." in page  # the blood draw, in clinic time
    assert "Ada Lovelace" in page and "Micro-Needling with PRP" in page


def test_the_clinics_time_zone_is_named_and_used(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    book(clinic, patient, "consultation", 9)
    page = day_page(signed_in(client, desk))
    assert "Springfield clinic time (CST, America/Chicago)" in page
    assert '<th scope="row">8:00 a.m.</th>' in page  # the clinic opens at 8 in its own time
    assert "9:00–9:30 a.m." in page  # 15:00 UTC


def test_the_calendar_shows_no_health_information(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    book(clinic, patient, "consultation", 9)
    page = day_page(signed_in(client, desk))
    for private in ("ada@example.com", "+12175550142", "1990", "screening", "Screening"):
        assert private not in page


def test_cancelled_visits_and_lapsed_holds_are_not_shown_live_holds_are(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    booking_cancel(booking=book(clinic, patient, "consultation", 9), now=NOW)
    booking_hold(
        service=Service.objects.get(slug="consultation"), location=clinic,
        start=datetime(2026, 11, 26, 11, tzinfo=clinic.zone), now=NOW,
        channel=BookingChannel.WEB,
    )  # fmt: skip
    page = day_page(signed_in(client, desk))
    assert "Ada Lovelace" not in page
    assert "Held while someone books online" in page
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert "Held while someone books online" not in day_page(signed_in(Client(), desk))


def test_one_link_per_visit_to_its_page(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    visit = book(clinic, patient, "micro-needling", 10)
    page = day_page(signed_in(client, desk))
    # One in the grid (the clinician's column), one in the list of the day's visits.
    assert page.count(f'href="/staff/visits/{visit.pk}/"') == 2


def test_the_day_page_writes_one_view_of_the_calendar_to_the_audit_trail(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    book(clinic, patient, "consultation", 9)
    day_page(signed_in(client, desk))
    [event] = AuditEvent.objects.all()
    assert (event.action, event.what, event.actor, event.patient_id) == (
        AuditAction.VIEW, "calendar", desk, None,
    )  # fmt: skip
    assert event.detail == "day 2026-11-26"


def test_a_closed_day_says_so(client: Client, desk: User, clinic: Location) -> None:
    Closure.objects.create(
        location=clinic, first_day=THURSDAY, last_day=THURSDAY, reason="Thanksgiving"
    )
    page = day_page(signed_in(client, desk))
    assert "The clinic is closed on this day, and nothing is booked." in page


def test_today_is_the_clinics_today(client: Client, desk: User, clinic: Location) -> None:
    # 11 p.m. on Wednesday in Springfield is already Thursday in UTC.
    with time_machine.travel(datetime(2026, 11, 26, 5, 0, tzinfo=UTC), tick=False):
        response = signed_in(Client(), desk).get("/staff/calendar/")
    assert "Wednesday 25 November 2026 (today)" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("26/11/2026", "Please give the date as year-month-day"),
        ("2026-02-30", "Please give the date as year-month-day"),
        ("9999-12-31", "Choose a date within ten years of today."),
    ],
)
def test_a_date_that_cannot_be_read_is_a_400_that_says_why(
    client: Client, desk: User, clinic: Location, day: str, said: str
) -> None:
    response = signed_in(client, desk).get("/staff/calendar/", {"date": day})
    assert response.status_code == 400
    assert said in response.content.decode()


def test_an_unknown_location_is_a_404(client: Client, desk: User, clinic: Location) -> None:
    response = signed_in(client, desk).get("/staff/calendar/", {"location": "nowhere"})
    assert response.status_code == 404


def test_previous_next_and_today_links(client: Client, desk: User, clinic: Location) -> None:
    page = day_page(signed_in(client, desk))
    assert 'href="?date=2026-11-25&amp;location=springfield" rel="prev"' in page
    assert 'href="?date=2026-11-27&amp;location=springfield" rel="next"' in page
    assert 'href="?date=2026-11-25&amp;location=springfield">Today</a>' in page


# The week


NEXT_MONDAY = date(2026, 11, 30)


def _busy_week(clinic: Location, patient: Patient) -> None:
    """Next week, Monday to Sunday: six visits a day."""
    for offset in range(7):
        for hour in (9, 11, 14):
            for slug in ("consultation", "micro-needling"):
                start = datetime.combine(NEXT_MONDAY + timedelta(days=offset), time(hour))
                booking_create(
                    service=Service.objects.get(slug=slug), location=clinic,
                    start=start.replace(tzinfo=clinic.zone), now=NOW,
                    channel=BookingChannel.STAFF, patient_id=patient.pk, by_staff=True,
                )  # fmt: skip


def test_the_week_lists_each_day_with_its_visits_per_resource(
    client: Client, desk: User, patient: Patient, clinic: Location
) -> None:
    visit = book(clinic, patient, "micro-needling-prp", 10)
    response = signed_in(client, desk).get(
        "/staff/calendar/week/", {"date": "2026-11-26", "location": "springfield"}
    )
    page = response.content.decode()
    assert page.count(f'href="/staff/visits/{visit.pk}/"') == 1  # in its first column
    assert response.status_code == 200
    assert "Week of Monday 23 November 2026" in page
    assert "Sunday 29 November" in page
    # The room's run: every step of the visit in it, from blood draw to turnover.
    assert "10:00–11:50 a.m." in page
    assert "(Blood draw, Numbing cream, Procedure with PRP, Turnover)" in page


def test_the_weeks_reads_are_six_queries_however_many_visits(
    patient: Patient, clinic: Location, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _busy_week(clinic, patient)
    with django_assert_num_queries(6):
        found = calendar_days(location=clinic, first_day=NEXT_MONDAY, days=7, now=NOW)
    assert len({step.visit.key for step in found.steps}) == Booking.objects.count()


def test_the_week_page_asks_a_fixed_number_of_queries(
    desk: User, patient: Patient, clinic: Location,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:  # fmt: skip
    _busy_week(clinic, patient)
    client = signed_in(Client(), desk)
    # The session, its user, their second factor and roles; the locations; the calendar's
    # six reads; the audit row; the site's main location (the page frame); the session
    # touched (in a savepoint).
    with django_assert_num_queries(16):
        response = client.get(
            "/staff/calendar/week/", {"date": "2026-12-02", "location": "springfield"}
        )
    assert response.status_code == 200
    assert response.content.decode().count("Ada Lovelace</a>") == 42
