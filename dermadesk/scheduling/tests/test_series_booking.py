"""Booking a whole course of PRP sessions: proposed from the database, booked all or none."""

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from dermadesk.clinic.models import Closure, Location
from dermadesk.scheduling.engine import Slot
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Series, Service
from dermadesk.scheduling.queries import available_slots, series_proposal
from dermadesk.scheduling.series import Reason
from dermadesk.scheduling.services import (
    NotBookable,
    NotChangeable,
    SeriesSessionTaken,
    booking_create,
    booking_hold,
    series_book,
    series_cancel,
)
from dermadesk.scheduling.tests.conftest import NOW, course_of
from dermadesk.scheduling.tests.test_concurrency import overlapping_allocations
from dermadesk.staff.tests.people import signed_in


def prp() -> Service:
    return Service.objects.get(slug="micro-needling-prp")


def first_slot(location: Location, day: int = 26, hour: int = 10) -> Slot:
    start = datetime(2026, 11, day, hour, tzinfo=location.zone)
    [slot] = available_slots(
        service=prp(), location=location, start=start, end=start + timedelta(minutes=1), now=NOW
    )
    return slot


def test_a_course_is_proposed_four_weeks_apart_in_a_fixed_number_of_queries(
    clinic: Location, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = first_slot(clinic)
    service = prp()
    with django_assert_num_queries(2):  # the setup is kept: its token, then the busy time
        plan = series_proposal(service=service, location=clinic, first=first, count=6, now=NOW)
    assert plan.complete and not plan.changed
    days = [s.slot.start.astimezone(clinic.zone).date() for s in plan.sessions if s.slot]
    assert days == [date(2026, 11, 26) + timedelta(days=28 * k) for k in range(6)]


def test_a_closure_moves_one_session_and_says_why(clinic: Location) -> None:
    closed = date(2026, 12, 24)  # four weeks after the first session
    Closure.objects.create(location=clinic, first_day=closed, last_day=closed, reason="Holiday")
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=4, now=NOW
    )
    [moved] = plan.changed
    assert (moved.number, moved.reason) == (2, Reason.CLOSED)
    assert moved.slot is not None
    assert moved.slot.start.astimezone(clinic.zone).date() == date(2026, 12, 25)


def test_booking_a_course_writes_every_session_linked_in_order(clinic: Location) -> None:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=6, now=NOW
    )
    series = course_of(series_book(
        service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF,
    ))  # fmt: skip
    sessions = list(series.bookings.order_by("series_number"))
    assert [b.series_number for b in sessions] == [1, 2, 3, 4, 5, 6]
    assert {b.status for b in sessions} == {BookingStatus.CONFIRMED}
    assert [b.starts_at for b in sessions] == [s.slot.start for s in plan.sessions if s.slot]
    # The course runs past the 90-day booking horizon: the sixth session is 140 days on.
    assert overlapping_allocations() == 0


def test_a_held_first_session_becomes_the_first_of_the_course(clinic: Location) -> None:
    first = first_slot(clinic)
    held = booking_hold(
        service=prp(), location=clinic, start=first.start, now=NOW, channel=BookingChannel.WEB
    )
    plan = series_proposal(
        service=prp(), location=clinic, first=first, count=4, now=NOW, ignoring_booking=held.pk
    )
    series = course_of(series_book(
        service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.WEB, first_hold=held,
    ))  # fmt: skip
    held.refresh_from_db()
    assert (held.status, held.series_id, held.series_number) == (
        BookingStatus.CONFIRMED,
        series.pk,
        1,
    )
    assert series.bookings.count() == 4


def test_one_session_taken_meanwhile_books_none_of_them(clinic: Location) -> None:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=4, now=NOW
    )
    third = plan.sessions[2].slot
    assert third is not None
    # Someone else takes the only centrifuge at the third session's time.
    booking_create(service=prp(), location=clinic, start=third.start, now=NOW,
                   channel=BookingChannel.STAFF)  # fmt: skip
    with pytest.raises(SeriesSessionTaken) as taken:
        series_book(
            service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
            now=NOW, channel=BookingChannel.WEB,
        )  # fmt: skip
    assert taken.value.number == 3
    assert not Series.objects.exists()
    assert Booking.objects.count() == 1


def test_a_course_outside_the_services_limits_is_refused(clinic: Location) -> None:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=3, now=NOW
    )
    with pytest.raises(NotBookable, match="course of 4 to 6 sessions"):
        series_book(
            service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
            now=NOW, channel=BookingChannel.WEB,
        )  # fmt: skip
    assert not Booking.objects.exists()


def test_cancelling_a_course_cancels_only_the_sessions_ahead(clinic: Location) -> None:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=4, now=NOW
    )
    series = course_of(series_book(
        service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF,
    ))  # fmt: skip
    after_the_second = NOW + timedelta(days=30)
    assert len(series_cancel(series=series, now=after_the_second)) == 2
    statuses = list(series.bookings.order_by("series_number").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "cancelled", "cancelled"]


@pytest.fixture
def shared_clinic(transactional_db: None) -> Location:
    from dermadesk.clinic.demo import create_demo_location
    from dermadesk.scheduling.demo import create_demo_scheduling

    create_demo_location()
    location = Location.objects.get(slug="springfield")
    create_demo_scheduling(location)
    return location


def test_two_patients_booking_overlapping_courses_at_once_one_wins_whole(
    shared_clinic: Location,
) -> None:
    """Two courses that share the one centrifuge at every session: never half of each."""
    first = first_slot(shared_clinic)
    plan = series_proposal(service=prp(), location=shared_clinic, first=first, count=4, now=NOW)
    sessions = [s.slot for s in plan.sessions if s.slot]
    barrier = threading.Barrier(8)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def book() -> None:
        try:
            barrier.wait()
            series_book(service=prp(), location=shared_clinic, sessions=sessions, now=NOW,
                        channel=BookingChannel.WEB)  # fmt: skip
            outcome = "won"
        except SeriesSessionTaken:
            outcome = "taken"
        except Exception as error:  # any other outcome fails the test below
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=book) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == Counter({"won": 1, "taken": 7}), outcomes
    assert Series.objects.count() == 1
    assert Booking.objects.count() == 4
    assert overlapping_allocations() == 0


def test_staff_see_a_course_and_cancel_what_is_ahead_in_the_admin(
    clinic: Location, client: Client
) -> None:
    plan = series_proposal(
        service=prp(), location=clinic, first=first_slot(clinic), count=4, now=NOW
    )
    series = course_of(series_book(
        service=prp(), location=clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF,
    ))  # fmt: skip
    signed_in(client, User.objects.create_superuser("manager", "m@example.com", "pw-long-1"))
    page = client.get(f"/admin/scheduling/series/{series.pk}/change/")
    assert page.status_code == 200
    assert page.text.count("Confirmed") >= 4
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        signed_in(client, User.objects.get(username="manager"))  # the first session's age
        response = client.post(
            "/admin/scheduling/series/",
            {"action": "cancel_sessions_ahead", "_selected_action": [series.pk]},
            follow=True,
        )
    assert "2 session(s) cancelled." in response.text


def test_a_visit_booked_alone_becomes_the_first_session_of_a_course_booked_later(
    clinic: Location,
) -> None:
    first = first_slot(clinic)
    visit = booking_create(service=prp(), location=clinic, start=first.start, now=NOW,
                           channel=BookingChannel.WEB)  # fmt: skip
    plan = series_proposal(
        service=prp(), location=clinic, first=Slot(visit.starts_at, first.assignment), count=4,
        now=NOW,
    )  # fmt: skip
    sessions = [s.slot for s in plan.sessions if s.slot]
    series = course_of(series_book(service=prp(), location=clinic, sessions=sessions, now=NOW,
                         channel=BookingChannel.WEB, first_booked=visit))  # fmt: skip
    visit.refresh_from_db()
    assert (visit.series_id, visit.series_number, visit.sequence) == (series.pk, 1, 0)
    assert series.bookings.count() == 4
    assert overlapping_allocations() == 0
    # A visit in a course already cannot start another one.
    with pytest.raises(NotChangeable):
        series_book(service=prp(), location=clinic, sessions=sessions, now=NOW,
                    channel=BookingChannel.WEB, first_booked=visit)  # fmt: skip
    assert Series.objects.count() == 1
