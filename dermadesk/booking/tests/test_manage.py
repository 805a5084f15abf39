import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import ConsentKind, ConsentSignature, Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots, series_proposal
from dermadesk.scheduling.services import (
    booking_create,
    booking_link_renew,
    booking_reschedule,
    series_book,
)
from dermadesk.scheduling.tests.conftest import course_of

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def book(location: Location, day: int, hour: int, slug: str = "micro-needling") -> Booking:
    return booking_create(
        service=Service.objects.get(slug=slug),
        location=location,
        start=datetime(2026, 11, day, hour, tzinfo=location.zone),
        now=NOW,
        channel=BookingChannel.WEB,
    )


def link(booking: Booking, path: str = "") -> str:
    """A working manage link of ``booking`` now (a fresh one: a change replaces the link)."""
    return f"/book/manage/{booking_link_renew(booking=booking)}/{path}"


def test_the_manage_link_shows_that_booking_in_clinic_time(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10)
    html = client.get(link(booking)).text
    assert "Friday 27 November 2026, 10:00 a.m. (Springfield clinic time, CST)" in html
    assert "Move to another time" in html


@pytest.mark.parametrize("token", ["nonsense", "abc:def:ghi"])
def test_a_broken_link_says_so_without_showing_anything(client: Client, token: str) -> None:
    response = client.get(f"/book/manage/{token}/")
    assert response.status_code == 404
    assert "This link does not work any more" in response.text


def test_cancelling_by_link_frees_the_time(client: Client, frozen_clinic: Location) -> None:
    booking = book(frozen_clinic, 27, 10)
    assert "Cancel your visit?" in client.get(link(booking, "cancel/")).text
    response = client.post(link(booking, "cancel/"), follow=True)
    assert "Your visit is cancelled." in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not booking.allocations.filter(active=True).exists()


def test_moving_by_link_takes_the_new_time_and_frees_the_old(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10)
    new_start = datetime(2026, 11, 28, 9, tzinfo=frozen_clinic.zone)
    page = client.get(link(booking, "move/2026-11-28/")).text
    assert f'value="{new_start.isoformat()}"' in page
    response = client.post(link(booking, "move/to/"), {"start": new_start.isoformat()}, follow=True)
    assert "Your visit has moved." in response.text
    booking.refresh_from_db()
    assert booking.starts_at == new_start
    assert booking.sequence == 1


def test_the_visits_own_time_is_offered_when_moving(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10, slug="micro-needling-prp")
    own = booking.starts_at.astimezone(frozen_clinic.zone)
    assert f'value="{own.isoformat()}"' in client.get(link(booking, "move/2026-11-27/")).text


def test_a_move_to_a_taken_time_keeps_the_old_one_and_offers_alternatives(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10, slug="micro-needling-prp")
    other = book(frozen_clinic, 28, 10, slug="micro-needling-prp")
    response = client.post(link(booking, "move/to/"), {"start": other.starts_at.isoformat()})
    assert response.status_code == 409
    assert "that time has just been taken" in response.text
    booking.refresh_from_db()
    assert booking.starts_at == datetime(2026, 11, 27, 10, tzinfo=frozen_clinic.zone)


def test_within_the_notice_the_patient_is_asked_to_call(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 26, 10)  # tomorrow morning: less than 24 hours away
    html = client.get(link(booking)).text
    assert "can no longer be changed online" in html
    assert "(217) 555-0142" in html
    response = client.post(link(booking, "cancel/"))
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_link_for_one_booking_cannot_reach_another(
    client: Client, frozen_clinic: Location
) -> None:
    mine = book(frozen_clinic, 27, 10)
    token = link(mine).split("/")[3]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/book/manage/{altered}/").status_code == 404
    assert client.get(f"/book/manage/{mine.public_id}/").status_code == 404


def test_an_expired_link_stops_working(client: Client, frozen_clinic: Location) -> None:
    booking = book(frozen_clinic, 27, 10)
    url = link(booking)
    with time_machine.travel(NOW + timedelta(days=401), tick=False):
        assert client.get(url).status_code == 404


def test_a_visit_booked_without_consent_can_be_signed_by_the_link(
    client: Client, frozen_clinic: Location
) -> None:
    patient = Patient.objects.create(
        given_name="Ada",
        family_name="Lovelace",
        email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )
    booking = booking_create(
        service=Service.objects.get(slug="micro-needling"),
        location=frozen_clinic,
        start=datetime(2026, 11, 27, 10, tzinfo=frozen_clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        patient_id=patient.pk,
    )
    assert "Consent pending" in client.get(link(booking)).text
    page = client.get(link(booking, "consent/"))
    assert "Sign your consent" in page.text
    refused = client.post(link(booking, "consent/"), {"typed_name": "Ada Lovelace"})
    assert refused.status_code == 400
    assert not ConsentSignature.objects.exists()
    response = client.post(
        link(booking, "consent/"), {"typed_name": "Ada Lovelace", "policies": "on"}, follow=True
    )
    assert "your consent is signed" in response.text
    signature = ConsentSignature.objects.get(patient=patient, booking=booking)
    assert (signature.typed_name, signature.ip_address) == ("Ada Lovelace", "127.0.0.1")
    assert signature.document.kind == ConsentKind.MICRO_NEEDLING
    assert "Consent pending" not in response.text


def test_cancelling_the_rest_of_a_course_keeps_the_sessions_before(
    client: Client, frozen_clinic: Location
) -> None:
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 27, 10, tzinfo=frozen_clinic.zone)
    [first] = available_slots(
        service=service, location=frozen_clinic, start=start, end=start + timedelta(minutes=1),
        now=NOW,
    )  # fmt: skip
    plan = series_proposal(service=service, location=frozen_clinic, first=first, count=4, now=NOW)
    series = course_of(series_book(
        service=service, location=frozen_clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF,
    ))  # fmt: skip
    second = series.bookings.get(series_number=2)
    page = client.get(link(second)).text
    assert "session 2 of 4" in page
    assert "Cancel this and the later sessions" in page
    response = client.post(link(second, "cancel-course/"), follow=True)
    assert "3 sessions of your course are cancelled." in response.text
    statuses = list(series.bookings.order_by("series_number").values_list("status", flat=True))
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]


def test_a_single_visit_has_no_course_to_cancel(client: Client, frozen_clinic: Location) -> None:
    booking = book(frozen_clinic, 27, 10)
    assert client.post(link(booking, "cancel-course/")).status_code == 404


def book_course(location: Location) -> list[Booking]:
    """A course of four PRP sessions for Ada, from Friday 27 November at 10:00."""
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 27, 10, tzinfo=location.zone)
    [first] = available_slots(
        service=service, location=location, start=start, end=start + timedelta(minutes=1), now=NOW
    )
    plan = series_proposal(service=service, location=location, first=first, count=4, now=NOW)
    series = course_of(series_book(
        service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.STAFF, patient_id=patient.pk,
    ))  # fmt: skip
    return list(series.bookings.order_by("series_number"))


def local_days(sessions: list[Booking]) -> list[date]:
    for session in sessions:
        session.refresh_from_db()
    return [s.starts_at.astimezone(s.location.zone).date() for s in sessions]


def test_moving_a_course_session_offers_to_move_the_later_ones(
    client: Client, frozen_clinic: Location
) -> None:
    sessions = book_course(frozen_clinic)
    second = sessions[1]
    new_start = datetime(2026, 12, 31, 10, tzinfo=frozen_clinic.zone)  # a week later
    response = client.post(link(second, "move/to/"), {"start": new_start.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/move-later/")
    page = response.text
    assert "Your visit has moved." in page
    assert "Move your later sessions too?" in page
    assert "Thursday 28 January 2027, 10:00 a.m." in page
    assert "Thursday 25 February 2027, 10:00 a.m." in page
    assert local_days(sessions)[2:] == [date(2027, 1, 22), date(2027, 2, 19)]  # not yet moved


def test_the_patient_moves_the_later_sessions_as_shown_and_is_told_in_one_email(
    client: Client, frozen_clinic: Location
) -> None:
    sessions = book_course(frozen_clinic)
    second = sessions[1]
    new_start = datetime(2026, 12, 31, 10, tzinfo=frozen_clinic.zone)
    client.post(link(second, "move/to/"), {"start": new_start.isoformat()})
    page = client.get(link(second, "move-later/")).text
    starts = page.split('name="starts" value="')[1].split('"')[0]
    response = client.post(link(second, "move-later/"), {"starts": starts}, follow=True)
    assert "2 later sessions have moved." in response.text
    assert local_days(sessions) == [
        date(2026, 11, 27), date(2026, 12, 31), date(2027, 1, 28), date(2027, 2, 25)
    ]  # fmt: skip
    assert "We have sent you an email with every new time." in response.text
    # One email for the session moved, one for the two that followed it.
    [change] = OutboundMessage.objects.filter(template_key="booking-change")
    [course_change] = OutboundMessage.objects.filter(template_key="booking-course-change")
    assert {change.recipient, course_change.recipient} == {"ada@example.com"}
    assert "- Session 3: Thursday 28 January 2027" in course_change.text_body
    assert "See new times for them" not in response.text


def test_later_sessions_stay_until_the_patient_chooses_to_move_them(
    client: Client, frozen_clinic: Location
) -> None:
    sessions = book_course(frozen_clinic)
    second = sessions[1]
    booking_reschedule(
        booking=second, start=datetime(2026, 12, 31, 10, tzinfo=frozen_clinic.zone), now=NOW
    )
    assert "See new times for them" in client.get(link(second)).text
    assert "See new times for them" not in client.get(link(sessions[0])).text
    assert local_days(sessions)[2:] == [date(2027, 1, 22), date(2027, 2, 19)]


def test_dates_that_changed_meanwhile_are_shown_again_before_anything_moves(
    client: Client, frozen_clinic: Location
) -> None:
    sessions = book_course(frozen_clinic)
    second = sessions[1]
    booking_reschedule(
        booking=second, start=datetime(2026, 12, 31, 10, tzinfo=frozen_clinic.zone), now=NOW
    )
    stale = "2027-01-29T16:00:00+00:00,2027-02-26T16:00:00+00:00"
    response = client.post(link(second, "move-later/"), {"starts": stale})
    assert response.status_code == 409
    assert "nothing has been moved yet" in response.text
    assert local_days(sessions)[2:] == [date(2027, 1, 22), date(2027, 2, 19)]


def test_a_course_in_rhythm_has_nothing_to_move(client: Client, frozen_clinic: Location) -> None:
    sessions = book_course(frozen_clinic)
    response = client.get(link(sessions[1], "move-later/"), follow=True)
    assert "Your later sessions already follow this visit" in response.text
    assert client.get(link(book(frozen_clinic, 28, 10), "move-later/")).status_code == 404


def single_prp_visit(location: Location) -> Booking:
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    return booking_create(
        service=Service.objects.get(slug="micro-needling-prp"), location=location,
        start=datetime(2026, 11, 27, 10, tzinfo=location.zone), now=NOW,
        channel=BookingChannel.WEB, patient_id=patient.pk,
    )  # fmt: skip


def test_a_first_visit_booked_alone_can_grow_into_a_course(
    client: Client, frozen_clinic: Location
) -> None:
    visit = single_prp_visit(frozen_clinic)
    assert "Plan and book the rest of your course" in client.get(link(visit)).text
    page = client.get(link(visit, "course/"), {"sessions": 5}).text
    assert "Session 5: Friday 19 March 2027, 10:00 a.m." in page
    starts = page.split('name="starts" value="')[1].split('"')[0]
    response = client.post(link(visit, "course/"), {"sessions": 5, "starts": starts}, follow=True)
    assert "Your course of 5 sessions is booked." in response.text
    visit.refresh_from_db()
    assert (visit.series_number, visit.sequence) == (1, 0)
    assert visit.series is not None
    assert list(visit.series.bookings.order_by("series_number").values_list("starts_at", flat=True)
                ) == [datetime.fromisoformat(s) for s in starts.split(",")]  # fmt: skip
    [course_email] = OutboundMessage.objects.filter(template_key="booking-course-added")
    assert "Session 5: Friday 19 March 2027 at 10:00 a.m. CDT" in course_email.text_body
    assert OutboundMessage.objects.filter(template_key="booking-confirmation").count() == 1
    assert "Plan and book the rest of your course" not in response.text


def test_dates_changed_meanwhile_book_no_course(client: Client, frozen_clinic: Location) -> None:
    visit = single_prp_visit(frozen_clinic)
    stale = "2026-11-27T16:00:00+00:00,2026-12-26T16:00:00+00:00"
    response = client.post(link(visit, "course/"), {"sessions": 4, "starts": stale})
    assert response.status_code == 409
    assert "nothing is booked yet" in response.text
    assert Booking.objects.count() == 1


def test_only_a_single_visit_of_a_course_treatment_can_grow_into_one(
    client: Client, frozen_clinic: Location
) -> None:
    plain = book(frozen_clinic, 27, 12)  # Micro-Needling is not given as a course
    assert client.get(link(plain, "course/")).status_code == 404
    in_a_course = book_course(frozen_clinic)[1]
    assert client.get(link(in_a_course, "course/")).status_code == 404


def test_a_move_replaces_the_link_and_the_old_one_stops_working(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10)
    old = link(booking)
    new_start = datetime(2026, 11, 28, 11, tzinfo=frozen_clinic.zone)
    response = client.post(f"{old}move/to/", {"start": new_start.isoformat()}, follow=True)
    new = response.redirect_chain[-1][0]
    assert new != old
    assert "Saturday 28 November 2026, 11:00 a.m." in client.get(new).text
    assert client.get(old).status_code == 404


def test_a_cancellation_replaces_the_link_too(client: Client, frozen_clinic: Location) -> None:
    booking = book(frozen_clinic, 27, 10)
    old = link(booking)
    response = client.post(f"{old}cancel/", follow=True)
    assert "Your visit is cancelled." in response.text
    assert response.redirect_chain[-1][0] != old
    assert client.get(old).status_code == 404


def test_the_link_stops_working_two_days_after_the_visit(
    client: Client, frozen_clinic: Location
) -> None:
    booking = book(frozen_clinic, 27, 10)
    url = link(booking)
    with time_machine.travel(booking.ends_at + timedelta(days=2, minutes=-1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(booking.ends_at + timedelta(days=2), tick=False):
        assert client.get(url).status_code == 404


def test_only_a_digest_of_the_link_is_stored(frozen_clinic: Location) -> None:
    booking = book(frozen_clinic, 27, 10)
    token = link(booking).split("/")[3]
    stored = Booking.objects.filter(pk=booking.pk).values_list("manage_digest", flat=True).get()
    assert stored is not None and token not in stored
    assert stored == hashlib.sha256(token.encode()).hexdigest()
