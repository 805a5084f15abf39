"""The patient's emails about a booking: queued with each change, reminders kept in step."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from icalendar import Calendar

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.checkout.emails import late_change_request_send
from dermadesk.clinic.models import Location
from dermadesk.notifications.delivery import Outcome, message_deliver
from dermadesk.notifications.models import MessageStatus, OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, Series, Service
from dermadesk.scheduling.queries import available_slots, course_shift, series_proposal
from dermadesk.scheduling.services import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_hold,
    booking_reschedule,
    series_book,
    series_shift,
)
from dermadesk.scheduling.tests.conftest import course_of, link_token
from dermadesk.staff.tests.people import signed_in

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


@pytest.fixture
def patient() -> Patient:
    return Patient.objects.create(
        given_name="Ada",
        family_name="Lovelace",
        email="ada@example.com",
        phone="+12175550199",
        date_of_birth=datetime(1990, 4, 21, tzinfo=UTC).date(),
    )


def book(location: Location, patient: Patient | None, day: int, hour: int) -> Booking:
    return booking_create(
        service=Service.objects.get(slug="micro-needling"),
        location=location,
        start=datetime(2026, 11, day, hour, tzinfo=location.zone),
        now=NOW,
        channel=BookingChannel.WEB,
        patient_id=patient.pk if patient else None,
    )


def waiting(booking: Booking) -> dict[str, OutboundMessage]:
    """The booking's messages still to go, by what they are (confirmation, reminder-24h, ...)."""
    return {
        message.idempotency_key.rsplit(":", 1)[1]: message
        for message in OutboundMessage.objects.filter(
            idempotency_key__startswith=f"booking:{booking.pk}:", status=MessageStatus.PENDING
        )
    }


def test_a_confirmed_booking_sends_its_confirmation_with_a_calendar_file(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    confirmation = waiting(booking)["confirmation"]
    assert confirmation.recipient == "ada@example.com"
    assert confirmation.subject == "Your visit is booked: Monday 30 November 2026"
    assert "When: Monday 30 November 2026 at 10:00 a.m. CST" in confirmation.text_body
    token = link_token(booking)
    assert f"http://127.0.0.1:8000/book/manage/{token}/" in confirmation.text_body
    [attachment] = confirmation.attachments
    event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
    assert event["UID"] == f"{booking.public_id}@dermadesk"
    assert event.decoded("DTSTART") == booking.starts_at


def test_reminders_are_due_48_and_24_hours_before_and_lapse_at_the_visit(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    messages = waiting(booking)
    assert messages["reminder-48h"].due_at == booking.starts_at - timedelta(hours=48)
    assert messages["reminder-24h"].due_at == booking.starts_at - timedelta(hours=24)
    assert messages["reminder-24h"].expires_at == booking.starts_at


def test_a_reminder_whose_time_has_passed_is_not_queued(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 27, 8)  # Friday 8am: 42 hours away
    assert set(waiting(booking)) == {"confirmation", "reminder-24h"}


def test_a_hold_sends_nothing_until_it_is_confirmed(
    frozen_clinic: Location, patient: Patient
) -> None:
    held = booking_hold(
        service=Service.objects.get(slug="micro-needling"),
        location=frozen_clinic,
        start=datetime(2026, 11, 30, 10, tzinfo=frozen_clinic.zone),
        now=NOW,
        channel=BookingChannel.WEB,
    )
    assert not OutboundMessage.objects.exists()
    booking_confirm(booking=held, now=NOW, patient_id=patient.pk)
    booking_confirm(booking=held, now=NOW, patient_id=patient.pk)  # told once only
    assert set(waiting(held)) == {"confirmation", "reminder-48h", "reminder-24h"}


def test_a_move_replaces_the_reminders_and_says_what_changed(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    old_reminder = waiting(booking)["reminder-24h"]
    moved = booking_reschedule(
        booking=booking, start=datetime(2026, 12, 1, 15, tzinfo=frozen_clinic.zone), now=NOW
    )
    old_reminder.refresh_from_db()
    assert old_reminder.status == MessageStatus.CANCELLED
    messages = waiting(moved)
    assert set(messages) == {"confirmation", "change", "reminder-48h", "reminder-24h"}
    assert messages["reminder-24h"].due_at == moved.starts_at - timedelta(hours=24)
    assert (
        "earlier time (Monday 30 November 2026 at 10:00 a.m. CST)" in messages["change"].text_body
    )
    assert messages["change"].subject == "Your visit has moved to Tuesday 1 December 2026"


def test_a_cancellation_cancels_the_reminders_and_the_calendar_event(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    cancelled = booking_cancel(booking=booking, now=NOW)
    messages = waiting(cancelled)
    assert set(messages) == {"confirmation", "cancellation"}
    calendar = Calendar.from_ical(messages["cancellation"].attachments[0]["content"])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == cancelled.sequence == 1


def test_a_booking_without_a_patient_writes_to_nobody(frozen_clinic: Location) -> None:
    book(frozen_clinic, None, 30, 10)
    assert not OutboundMessage.objects.exists()


def test_a_late_request_tells_the_front_desk_once(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 26, 10)
    assert late_change_request_send(booking=booking, wish="cancel", now=NOW)
    assert not late_change_request_send(booking=booking, wish="cancel", now=NOW)
    notice = OutboundMessage.objects.get(idempotency_key__endswith=":late-request")
    assert notice.recipient == frozen_clinic.email
    assert notice.reply_to == "ada@example.com"
    assert notice.subject.startswith("Please call: Ada Lovelace would like to cancel a visit")
    assert f"/admin/scheduling/booking/{booking.pk}/change/" in notice.text_body


def test_a_late_request_raises_one_alert_for_the_staff_with_how_to_call_back(
    frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 26, 10)
    late_change_request_send(booking=booking, wish="move", now=NOW)
    late_change_request_send(booking=booking, wish="move", now=NOW)
    [alert] = Alert.objects.all()
    assert alert.kind == AlertKind.LATE_CHANGE
    assert alert.what.startswith(
        "Ada Lovelace would like to move their Micro-Needling visit on "
        "Thursday 26 November 2026 at 10:00 a.m. CST"
    )
    assert "+12175550199" in alert.what and "ada@example.com" in alert.what
    assert alert.link == f"/staff/visits/{booking.pk}/"
    assert alert.patient_id == patient.pk  # showing it is audited against her


def test_asking_on_the_manage_page_within_the_notice_keeps_the_visit(
    client: Client, frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 26, 10)  # tomorrow morning
    url = f"/book/manage/{link_token(booking)}/"
    assert "Ask to cancel my visit" in client.get(url).text
    response = client.post(url + "ask/", {"wish": "cancel"}, follow=True)
    assert "we have told the team" in response.text
    assert OutboundMessage.objects.filter(idempotency_key__endswith=":late-request").count() == 1
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_an_unknown_wish_is_refused_with_a_message(
    client: Client, frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 26, 10)
    response = client.post(f"/book/manage/{link_token(booking)}/ask/", {"wish": "x" * 500})
    assert response.status_code == 400
    assert "move or cancel" in response.text
    assert not OutboundMessage.objects.filter(idempotency_key__endswith=":late-request").exists()


def test_staff_cancelling_in_the_admin_emails_the_patient(
    client: Client, frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    signed_in(client, User.objects.create_superuser("manager", "m@example.com", "pw-long-1"))
    listing = client.get("/admin/scheduling/booking/?q=lovelace").text
    assert "Ada Lovelace" in listing
    client.post(
        "/admin/scheduling/booking/",
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
    )
    assert set(waiting(booking)) == {"confirmation", "cancellation"}


def test_a_course_is_confirmed_in_one_email_and_each_session_reminded(
    frozen_clinic: Location, patient: Patient
) -> None:
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 30, 10, tzinfo=frozen_clinic.zone)
    [first] = available_slots(
        service=service, location=frozen_clinic, start=start, end=start + timedelta(minutes=1),
        now=NOW,
    )  # fmt: skip
    plan = series_proposal(service=service, location=frozen_clinic, first=first, count=4, now=NOW)
    series = course_of(series_book(
        service=service, location=frozen_clinic, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.WEB, patient_id=patient.pk,
    ))  # fmt: skip
    confirmations = OutboundMessage.objects.filter(idempotency_key__endswith=":confirmation")
    [confirmation] = confirmations
    assert "What: Micro-Needling with PRP, session 1 of 4" in confirmation.text_body
    assert "Your course of 4 sessions:" in confirmation.text_body
    assert "- Session 4: Monday 22 February 2027 at 10:00 a.m. CST" in confirmation.text_body
    fourth = series.bookings.get(series_number=4)
    reminder = waiting(fourth)["reminder-24h"]
    assert "session 4 of 4" in reminder.text_body
    assert OutboundMessage.objects.filter(idempotency_key__contains=":reminder-").count() == 8


def test_a_move_emails_a_new_link_and_the_first_one_stops_working(
    client: Client, frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    first = link_token(booking)
    moved = booking_reschedule(
        booking=booking, start=datetime(2026, 12, 1, 11, tzinfo=frozen_clinic.zone), now=NOW
    )
    assert moved.manage_token is not None and moved.manage_token != first
    change = waiting(moved)["change"]
    assert f"/book/manage/{moved.manage_token}/" in change.text_body
    assert f"/book/manage/{first}/" not in change.text_body
    assert client.get(f"/book/manage/{first}/").status_code == 404
    assert client.get(f"/book/manage/{moved.manage_token}/").status_code == 200


def test_staff_screens_never_show_a_working_link(
    client: Client, frozen_clinic: Location, patient: Patient
) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    token = link_token(booking)
    confirmation = waiting(booking)["confirmation"]
    signed_in(client, User.objects.create_superuser("boss", "boss@example.com", "x" * 20))
    page = client.get(f"/admin/notifications/outboundmessage/{confirmation.pk}/change/").text
    assert "Your visit is booked" in page
    assert token not in page
    assert "/book/manage/[private]/" in page


def test_a_sent_message_keeps_no_working_link(frozen_clinic: Location, patient: Patient) -> None:
    booking = book(frozen_clinic, patient, 30, 10)
    token = link_token(booking)
    confirmation = waiting(booking)["confirmation"]
    assert message_deliver(message_id=confirmation.pk, now=NOW).outcome == Outcome.SENT
    confirmation.refresh_from_db()
    assert token not in confirmation.text_body + confirmation.html_body
    assert "removed after sending" in confirmation.text_body
    assert confirmation.private_values == []


def prp_course(location: Location, patient: Patient) -> Series:
    service = Service.objects.get(slug="micro-needling-prp")
    start = datetime(2026, 11, 30, 10, tzinfo=location.zone)
    [first] = available_slots(
        service=service, location=location, start=start, end=start + timedelta(minutes=1),
        now=NOW,
    )  # fmt: skip
    plan = series_proposal(service=service, location=location, first=first, count=4, now=NOW)
    return course_of(series_book(
        service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
        now=NOW, channel=BookingChannel.WEB, patient_id=patient.pk,
    ))  # fmt: skip


def test_later_sessions_moved_together_make_one_email_with_an_event_for_each(
    frozen_clinic: Location, patient: Patient
) -> None:
    series = prp_course(frozen_clinic, patient)
    second = series.bookings.get(series_number=2)
    second = booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None
    sessions = {b.series_number or 0: p.slot for b, p in shift.proposed() if p.slot}
    moved = series_shift(series=series, sessions=sessions, now=NOW)
    assert [b.series_number for b in moved] == [3, 4]

    [email] = OutboundMessage.objects.filter(template_key="booking-course-change")
    assert email.recipient == "ada@example.com"
    assert email.subject == "2 sessions of your course have moved"
    assert (
        "- Session 3: Monday 1 February 2027 at 10:00 a.m. CST "
        "(was Monday 25 January 2027 at 10:00 a.m. CST)" in email.text_body
    )
    assert "- Session 4: Monday 1 March 2027" in email.text_body
    fourth_link = f"/book/manage/{moved[1].manage_token}/"
    assert fourth_link in email.text_body
    # No separate change email for either session.
    assert not any("change" in waiting(booking) for booking in moved)
    [attachment] = email.attachments
    events = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert [(str(e["UID"]), e["SEQUENCE"], e.decoded("DTSTART")) for e in events] == [
        (f"{b.public_id}@dermadesk", 1, b.starts_at) for b in moved
    ]


def test_later_sessions_moved_together_each_get_their_reminders_again(
    frozen_clinic: Location, patient: Patient
) -> None:
    series = prp_course(frozen_clinic, patient)
    second = series.bookings.get(series_number=2)
    second = booking_reschedule(booking=second, start=second.starts_at + timedelta(days=7), now=NOW)
    later = list(series.bookings.filter(series_number__gt=2).order_by("series_number"))
    old_reminders = [waiting(booking)["reminder-24h"] for booking in later]
    shift = course_shift(booking=second, now=NOW, after=NOW)
    assert shift is not None
    sessions = {b.series_number or 0: p.slot for b, p in shift.proposed() if p.slot}
    moved = series_shift(series=series, sessions=sessions, now=NOW)
    for old in old_reminders:
        old.refresh_from_db()
        assert old.status == MessageStatus.CANCELLED
    for booking in moved:
        messages = waiting(booking)
        assert messages["reminder-24h"].due_at == booking.starts_at - timedelta(hours=24)
        assert messages["reminder-48h"].due_at == booking.starts_at - timedelta(hours=48)
