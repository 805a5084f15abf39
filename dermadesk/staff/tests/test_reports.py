"""The managers' reports: the figures of a month, read in a fixed number of queries, as a
page with a chart and a table, and as CSV."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage, ContactStatus
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.screening.models import Questionnaire, ScreeningResponse
from dermadesk.staff.monthly import Month
from dermadesk.staff.reports import monthly_report
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
NOVEMBER = Month(2026, 11)


@pytest.fixture
def springfield(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def person(given: str, email: str) -> Patient:
    return Patient.objects.create(
        given_name=given, family_name="Example", email=email, date_of_birth=date(1990, 1, 1)
    )


def visit(location: Location, patient: Patient, starts_at: datetime, status: str,
          **more: object) -> Booking:  # fmt: skip
    return Booking.objects.create(
        location=location, service=Service.objects.get(slug="micro-needling"), patient=patient,
        status=status, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
        channel=BookingChannel.STAFF, **more,
    )  # fmt: skip


def screened(patient: Patient, at: datetime) -> ScreeningResponse:
    return ScreeningResponse.objects.create(
        patient=patient, questionnaire=Questionnaire.objects.order_by("pk")[0],
        service=Service.objects.get(slug="micro-needling"), answers={},
        treatment_date=at.date(), outcome="suitable", created_at=at,
        valid_until=at.date() + timedelta(days=90),
    )  # fmt: skip


def at(day: int, hour: int, location: Location, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=location.zone)


@pytest.fixture
def november(springfield: Location) -> Location:
    """A month at Springfield: visits of every outcome, a course, contacts and screenings."""
    ada, grace = person("Ada", "ada@example.com"), person("Grace", "grace@example.com")
    visit(springfield, ada, at(3, 10, springfield), BookingStatus.COMPLETED)
    visit(springfield, ada, at(4, 10, springfield), BookingStatus.NO_SHOW)
    visit(springfield, grace, at(5, 10, springfield), BookingStatus.CANCELLED)
    visit(springfield, grace, at(27, 10, springfield), BookingStatus.CONFIRMED)  # still ahead
    visit(springfield, grace, at(1, 0, springfield) - timedelta(minutes=30),  # 31 October
          BookingStatus.COMPLETED)  # fmt: skip
    course = Series.objects.create(location=springfield, service=Service.objects.get(
        slug="micro-needling"), patient=ada, sessions_planned=4)  # fmt: skip
    visit(springfield, ada, at(10, 9, springfield), BookingStatus.COMPLETED,
          series=course, series_number=1)  # fmt: skip
    visit(springfield, ada, at(8, 9, springfield, month=12), BookingStatus.CONFIRMED,
          series=course, series_number=2)  # fmt: skip
    ContactMessage.objects.create(name="Ada", email="ADA@example.com", topic="prices",
                                  message="?", created_at=at(1, 9, springfield))  # fmt: skip
    ContactMessage.objects.create(name="Joan", email="joan@example.com", topic="prices",
                                  message="?", created_at=at(2, 9, springfield))  # fmt: skip
    ContactMessage.objects.create(name="Bot", email="bot@example.com", topic="other",
                                  message="?", created_at=at(2, 9, springfield),
                                  status=ContactStatus.SPAM)  # fmt: skip
    screened(grace, at(20, 9, springfield))  # then a visit on the 27th
    screened(person("Joan", "joan@example.com"), at(21, 9, springfield))  # nothing booked
    return springfield


def test_a_months_figures_count_each_outcome_course_and_conversion(november: Location) -> None:
    report = monthly_report(first=NOVEMBER, last=NOVEMBER, locations=[november],
                            clinic_zone=november.zone)  # fmt: skip
    [row] = report.rows
    f = row.figures
    assert (f.visits, f.no_shows, f.cancellations) == (2, 1, 1)
    assert f.no_show_percent == "33%"
    assert (f.courses, f.sessions_done, f.sessions_planned, f.completion_percent) == (
        1,
        1,
        4,
        "25%",
    )
    # Ada wrote (as ADA@example.com) before her bookings were made; Joan never booked.
    assert (f.contacts, f.contacts_booked, f.contact_percent) == (2, 1, "50%")
    assert (f.screenings, f.screenings_booked, f.screening_percent) == (2, 1, "50%")


def test_a_booking_made_before_the_message_is_no_conversion(november: Location) -> None:
    Booking.objects.filter(patient__given_name="Ada").update(created_at=at(1, 0, november))
    report = monthly_report(first=NOVEMBER, last=NOVEMBER, locations=[november],
                            clinic_zone=november.zone)  # fmt: skip
    assert report.rows[0].figures.contacts_booked == 0


def test_the_report_reads_five_queries_however_much_there_is(
    november: Location, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(5):  # type: ignore[operator]
        monthly_report(first=Month(2026, 1), last=Month(2026, 12), locations=[november],
                       clinic_zone=november.zone)  # fmt: skip
    for day in range(1, 29):
        visit(november, Patient.objects.first(), at(day, 15, november), BookingStatus.COMPLETED)  # type: ignore[arg-type]
    with django_assert_num_queries(5):  # type: ignore[operator]
        monthly_report(first=Month(2026, 1), last=Month(2026, 12), locations=[november],
                       clinic_zone=november.zone)  # fmt: skip


@pytest.fixture
def manager(client: Client, november: Location) -> Client:
    return signed_in(client, staff_member("mia", Role.MANAGER))


def test_a_manager_reads_the_month_as_a_chart_and_a_table(manager: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        page = manager.get("/staff/reports/?first=2026-10&last=2026-11&location=springfield")
    assert page.status_code == 200
    text = page.text
    assert "October 2026 to November 2026" in text
    assert '<svg class="chart"' in text and 'role="img"' in text
    assert "<caption>Visits, October 2026 to November 2026" in text
    assert "2 of 4 (25%)" not in text and "1 of 4 (25%)" in text
    assert "1 of 2 (50%)" in text  # screenings
    assert "America/Chicago" in text


def test_the_usual_report_is_the_last_six_months_of_every_location(manager: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        text = manager.get("/staff/reports/").text
    assert "June 2026 to November 2026, Dermadesk Skin Clinic, Springfield" in text


def test_the_csv_has_a_row_per_month_and_location_with_the_same_figures(manager: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        response = manager.get("/staff/reports/export.csv?first=2026-10&last=2026-11")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="dermadesk-report-2026-10-to-2026-11.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["month"] for row in rows] == ["2026-10", "2026-11"]
    november = rows[1]
    assert (november["visits completed"], november["no-shows"], november["cancellations"]) == (
        "2", "1", "1",
    )  # fmt: skip
    assert november["no-show rate (%)"] == "33.3"
    assert (november["sessions done"], november["sessions planned"]) == ("1", "4")
    assert rows[0]["visits completed"] == "1"  # 31 October, late evening in Springfield
    assert rows[0]["course completion (%)"] == ""  # no course began: no rate rather than 0


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    manager: Client, november: Location
) -> None:
    Location.objects.filter(pk=november.pk).update(name='=HYPERLINK("http://x")')
    with time_machine.travel(NOW, tick=False):
        response = manager.get("/staff/reports/export.csv?first=2026-11&last=2026-11")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["location"] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("first=2026-13&last=2026-11", "like 2026-03"),
        ("first=2026-11&last=2026-10", "on or after the first"),
        ("first=2020-01&last=2026-11", "at most 36 months"),
        ("first=1900-01&last=2026-11", "Please choose a month between"),
        ("first=2026-11&last=2026-11&location=nowhere", "Please choose a location from the list."),
    ],
)
def test_a_wrong_filter_is_refused_with_a_message_on_the_page_and_in_the_csv(
    manager: Client, query: str, says: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        page = manager.get(f"/staff/reports/?{query}")
        download = manager.get(f"/staff/reports/export.csv?{query}")
    assert page.status_code == 400 and says in page.text
    assert download.status_code == 400 and says in download.content.decode()
