"""A clinician's private calendar feed: made, replaced and stopped on their account page,
fetched without signing in, parsed back by ``icalendar``: their visits in their location's
zone, the treatment and initials only."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from icalendar import Calendar
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.services import booking_cancel, booking_create, booking_reschedule
from dermadesk.staff.models import CalendarFeed
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield


@dataclass
class Practice:
    clinic: Location
    avery: Resource
    jordan: Resource
    clinician: User
    ada: Patient


def visit(
    practice: Practice, provider: Resource, start: datetime, slug: str = "consultation"
) -> Booking:
    return booking_create(
        service=Service.objects.get(slug=slug), location=practice.clinic, start=start, now=NOW,
        channel=BookingChannel.STAFF, patient_id=practice.ada.pk, by_staff=True,
        preferences=[Preference(role="clinician", resource=str(provider.pk), required=True)],
    )  # fmt: skip


def local(practice: Practice, year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=practice.clinic.zone)


@pytest.fixture
def practice(clinic: Location) -> Iterator[Practice]:
    """Dr. Avery Demo's login (a clinician) and Ada, a patient; the clock stopped at NOW."""
    with time_machine.travel(NOW, tick=False):
        avery = Resource.objects.get(location=clinic, name="Dr. Avery Demo")
        jordan = Resource.objects.get(location=clinic, name="Jordan Demo, RN")
        ada = Patient.objects.create(
            given_name="Ada", family_name="Lovelace", email="ada@example.com",
            phone="+12175550101", date_of_birth=date(1985, 12, 10),
        )  # fmt: skip
        clinician = staff_member("avery", Role.CLINICIAN, provider=avery)
        yield Practice(clinic=clinic, avery=avery, jordan=jordan, clinician=clinician, ada=ada)


def make_feed(practice: Practice, client: Client | None = None) -> str:
    """The feed's path, as the page that shows the address once gives it."""
    client = client or signed_in(Client(), practice.clinician)
    response = client.post("/staff/account/calendar-feed/")
    assert response.status_code == 200
    url: str = response.context["feed_url"]
    return url.removeprefix("http://127.0.0.1:8000")


def fetch(path: str) -> Any:
    return Client().get(path)


def events_of(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


# Making and reading a feed


def test_a_clinicians_calendar_app_reads_their_visit_in_the_locations_zone(
    practice: Practice,
) -> None:
    booked = visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    path = make_feed(practice)
    response = fetch(path)
    (event,) = events_of(response)
    assert event["SUMMARY"] == "Consultation · A. L."
    assert event.decoded("DTSTART") == local(practice, 2026, 11, 26, 10)
    assert str(event.decoded("DTSTART").tzinfo) == "America/Chicago"
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert str(event["UID"]) == f"{booked.public_id}-clinician@dermadesk"
    calendar = Calendar.from_ical(response.content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"
    assert "Dr. Avery Demo" in str(calendar["NAME"])
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_the_feed_holds_no_name_contact_detail_or_birth_date(
    practice: Practice,
) -> None:
    visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    body = fetch(make_feed(practice)).content.decode()
    private = ("Lovelace", "Ada", "ada@example.com", "5550101", "19851210", "1985-12-10")
    for value in private:
        assert value not in body


def test_with_initials_turned_off_only_the_treatment_shows(
    practice: Practice, settings: Settings
) -> None:
    settings.CALENDAR_FEED_INITIALS = False
    visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    (event,) = events_of(fetch(make_feed(practice)))
    assert event["SUMMARY"] == "Consultation"


def test_an_empty_feed_still_parses_and_names_its_zone(practice: Practice) -> None:
    response = fetch(make_feed(practice))
    assert events_of(response) == []
    assert Calendar.from_ical(response.content)["X-WR-TIMEZONE"] == "America/Chicago"


def test_only_the_clinicians_own_visits_in_the_window_and_still_on_are_listed(
    practice: Practice,
) -> None:
    inside = visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    visit(practice, practice.jordan, local(practice, 2026, 11, 26, 11))  # another clinician
    booking_cancel(booking=visit(practice, practice.avery, local(practice, 2026, 11, 26, 14)),
                   now=NOW)  # fmt: skip
    visit(practice, practice.avery, local(practice, 2027, 3, 4, 10))  # 98 days ahead
    within = visit(practice, practice.avery, local(practice, 2027, 2, 18, 10))  # 84 days ahead
    events = events_of(fetch(make_feed(practice)))
    assert [str(e["UID"]).split("-clinician")[0] for e in events] == [
        str(inside.public_id), str(within.public_id),
    ]  # fmt: skip


def test_visits_more_than_the_days_before_drop_out(practice: Practice) -> None:
    visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    path = make_feed(practice)
    with time_machine.travel(NOW + timedelta(days=29), tick=False):
        assert len(events_of(fetch(path))) == 1
    with time_machine.travel(NOW + timedelta(days=32), tick=False):
        assert events_of(fetch(path)) == []


def test_a_moved_visit_keeps_its_event_with_the_new_time_and_a_higher_sequence(
    practice: Practice,
) -> None:
    booked = visit(practice, practice.avery, local(practice, 2026, 11, 26, 10))
    path = make_feed(practice)
    (before,) = events_of(fetch(path))
    booking_reschedule(booking=booked, start=local(practice, 2026, 11, 26, 15), now=NOW,
                       by_staff=True)  # fmt: skip
    (after,) = events_of(fetch(path))
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == local(practice, 2026, 11, 26, 15)
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_the_feed_is_read_in_seven_queries_however_many_visits(
    practice: Practice, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for hour in (9, 11, 13, 15):
        visit(practice, practice.avery, local(practice, 2026, 11, 26, hour))
    path = make_feed(practice)
    client = Client()
    client.get(path)  # the first request of a rate window also clears ended windows
    # The rate count, the feed and its owner, their roles, their provider, the fetch noted,
    # the visits, their rooms.
    with django_assert_num_queries(7):
        assert len(events_of(client.get(path))) == 4


# Replacing, stopping, refusing


def test_a_new_address_stops_the_old_one_at_once(practice: Practice) -> None:
    client = signed_in(Client(), practice.clinician)
    old, new = make_feed(practice, client), make_feed(practice, client)
    assert old != new
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    assert CalendarFeed.objects.filter(user=practice.clinician).count() == 1


def test_a_stopped_feed_answers_404(practice: Practice) -> None:
    client = signed_in(Client(), practice.clinician)
    path = make_feed(practice, client)
    response = client.post("/staff/account/calendar-feed/stop/", follow=True)
    assert "Your calendar feed is stopped" in response.content.decode()
    assert fetch(path).status_code == 404
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("secret", ["A" * 43, "short", "a" * 43 + "x", "..%2F..%2Fetc"])
def test_an_address_never_made_answers_404(practice: Practice, secret: str) -> None:
    make_feed(practice)
    assert fetch(f"/feeds/{secret}.ics").status_code == 404


def test_a_clinician_who_leaves_or_is_unlinked_is_no_longer_served(practice: Practice) -> None:
    path = make_feed(practice)
    practice.clinician.is_active = False
    practice.clinician.save()
    assert fetch(path).status_code == 404
    practice.clinician.is_active = True
    practice.clinician.save()
    assert fetch(path).status_code == 200
    practice.avery.staff_member = None
    practice.avery.save()
    assert fetch(path).status_code == 404


def test_only_the_digest_of_the_address_is_stored(practice: Practice) -> None:
    path = make_feed(practice)
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    stored = CalendarFeed.objects.values().get()
    assert stored["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(stored)


def test_staff_not_linked_to_a_clinician_cannot_make_a_feed_and_are_told_why(
    practice: Practice,
) -> None:
    desk = signed_in(Client(), staff_member("desk", Role.FRONT_DESK))
    assert "Your calendar feed" not in desk.get("/staff/account/").content.decode()
    response = desk.post("/staff/account/calendar-feed/", follow=True)
    assert "not linked to a clinician in the calendar" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_fetching_feeds_is_rate_limited_per_client_address(
    practice: Practice, settings: Settings
) -> None:
    settings.CALENDAR_FEED_RATE_LIMIT = "2/h"
    path = make_feed(practice)
    assert [fetch(path).status_code for _ in range(3)] == [200, 200, 429]
    assert fetch("/feeds/" + "B" * 43 + ".ics").status_code == 429


# The account page


def test_the_account_page_says_the_feed_is_on_and_when_it_was_last_fetched(
    practice: Practice,
) -> None:
    client = signed_in(Client(), practice.clinician)
    assert "Make my calendar feed" in client.get("/staff/account/").content.decode()
    path = make_feed(practice, client)
    page = client.get("/staff/account/").content.decode()
    assert "Your feed is on" in page
    assert "no calendar app has fetched it yet" in page
    fetch(path)
    page = client.get("/staff/account/").content.decode()
    assert "last fetched it on 25 Nov 2026, 14:00 CST" in page
    assert path.removeprefix("/feeds/").removesuffix(".ics") not in page


def test_the_page_showing_the_address_is_never_cached(practice: Practice) -> None:
    response = signed_in(Client(), practice.clinician).post("/staff/account/calendar-feed/")
    assert "no-store" in response["Cache-Control"]
    assert response.context["webcal_url"].startswith("webcal://127.0.0.1:8000/feeds/")


def test_a_fetch_is_noted_at_most_once_a_minute(practice: Practice) -> None:
    path = make_feed(practice)
    fetch(path)
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        fetch(path)
    assert CalendarFeed.objects.get().last_fetched_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        fetch(path)
    assert CalendarFeed.objects.get().last_fetched_at == NOW + timedelta(minutes=2)
