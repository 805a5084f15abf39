"""The reminder to book the rest of a course, once per visit, and its page: the dates
proposed from the visit, booked through the checkout's use-case once the patient typed the
code sent to their email."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from dermadesk.aftercare.links import Purpose, token_for
from dermadesk.aftercare.models import Aftercare, SendStatus
from dermadesk.aftercare.services import aftercare_sweep
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.scheduling.links import link_digest
from dermadesk.scheduling.models import Booking, BookingStatus

Complete = Callable[[Booking, datetime], Booking]


@pytest.fixture
def prp(clinic: Location, visit: VisitMaker, complete: Complete) -> Aftercare:
    """A first PRP session booked on its own, completed at 12:30."""
    booking = visit("micro-needling-prp", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 30, tzinfo=clinic.zone))
    return Aftercare.objects.get(booking=booking)


def reminders() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template_key=TemplateKey.AFTERCARE_COURSE_REMINDER))


def page(aftercare: Aftercare) -> str:
    return f"/aftercare/course/{token_for(Purpose.COURSE, aftercare.pk)}/"


def test_a_first_session_booked_alone_plans_a_reminder_a_few_hours_later(prp: Aftercare) -> None:
    assert prp.course_reminder == SendStatus.PLANNED
    assert prp.course_reminder_due_at == prp.session_ended_at + timedelta(hours=3)
    due = prp.course_reminder_due_at
    assert aftercare_sweep(now=due - timedelta(minutes=1)) == {}
    assert aftercare_sweep(now=due)["course reminders"] == 1
    assert aftercare_sweep(now=due + timedelta(hours=1)) == {}  # once per visit
    (message,) = reminders()
    assert message.recipient == "ada@example.com"
    assert "your next session would be around Thursday 24 December 2026" in message.text_body
    assert "/aftercare/course/" in message.text_body


def test_a_treatment_not_given_as_a_course_gets_no_reminder(
    clinic: Location, visit: VisitMaker, complete: Complete
) -> None:
    booking = visit("micro-needling", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 30, tzinfo=clinic.zone))
    assert Aftercare.objects.get().course_reminder == ""


def test_no_reminder_once_the_next_visit_is_booked_another_way(
    clinic: Location, visit: VisitMaker, prp: Aftercare
) -> None:
    visit("micro-needling-prp", hour=10, day=27)  # booked at the desk on the way out
    assert aftercare_sweep(now=prp.course_reminder_due_at or prp.created_at) == {}
    prp.refresh_from_db()
    assert prp.course_reminder == SendStatus.SKIPPED
    assert reminders() == []


def test_the_page_proposes_the_later_sessions_and_asks_for_a_code(
    client: Client, prp: Aftercare
) -> None:
    with time_machine.travel(prp.session_ended_at + timedelta(hours=4), tick=False):
        response = client.get(page(prp))
    assert response.status_code == 200
    text = response.content.decode()
    assert "would be session 1 of 4" in text
    assert "Session 2: Thursday 24 December 2026" in text
    assert "Session 4:" in text
    assert "a•••@example.com" in text
    assert "ada@example.com" not in text
    assert "Email me a code" in text
    assert "Book these" not in text


def test_the_patient_proves_the_email_then_books_the_course(client: Client, prp: Aftercare) -> None:
    later = prp.session_ended_at + timedelta(hours=4)
    with time_machine.travel(later, tick=False):
        response = client.post(page(prp), {"action": "send-code"})
        assert response.status_code == 302
        response = client.post(
            page(prp), {"action": "code", "code": latest_code("ada@example.com")}
        )
        assert response.status_code == 302
        text = client.get(page(prp)).content.decode()
        assert "Book these 3 sessions" in text
        response = client.post(page(prp), _form(text))
        assert response.status_code == 302
        text = client.get(page(prp)).content.decode()
    assert "Your course is booked" in text
    visit = prp.booking
    visit.refresh_from_db()
    assert visit.status == BookingStatus.COMPLETED
    assert visit.series_number == 1
    assert visit.series is not None
    sessions = list(visit.series.bookings.order_by("series_number"))
    assert [s.series_number for s in sessions] == [1, 2, 3, 4]
    assert [s.status for s in sessions[1:]] == [BookingStatus.CONFIRMED] * 3
    course_email = OutboundMessage.objects.get(template_key=TemplateKey.BOOKING_COURSE_ADDED)
    assert "Session 2: Thursday 24 December 2026" in course_email.text_body
    # Its link is session 2's: the visit that took place is not changed any more.
    token = re.search(r"/book/manage/([^/]+)/", course_email.text_body)
    assert token is not None
    assert link_digest(token.group(1)) == sessions[1].manage_digest


def _form(text: str) -> dict[str, object]:
    starts = re.findall(r'name="start" value="([^"]+)"', text)
    count = re.search(r'name="count" value="(\d+)"', text)
    assert count is not None
    return {"action": "book", "count": count.group(1), "start": starts}


def test_booking_without_the_code_is_refused_and_books_nothing(
    client: Client, prp: Aftercare
) -> None:
    with time_machine.travel(prp.session_ended_at + timedelta(hours=4), tick=False):
        response = client.post(page(prp), {"action": "book", "count": "4", "start": []})
    assert response.status_code == 403
    assert Booking.objects.filter(series__isnull=False).count() == 0


def test_dates_that_changed_meanwhile_book_nothing_and_show_the_new_ones(
    client: Client, prp: Aftercare
) -> None:
    from dermadesk.checkout.tests.signin import signed_in

    signed_in(client, "ada@example.com")
    with time_machine.travel(prp.session_ended_at + timedelta(hours=4), tick=False):
        form = _form(client.get(page(prp)).content.decode())
        starts = list(form["start"])  # type: ignore[call-overload]
        starts[2] = (datetime.fromisoformat(starts[2]) + timedelta(hours=1)).isoformat()
        response = client.post(page(prp), form | {"start": starts})
    assert response.status_code == 409
    assert "changed while you were finishing" in response.content.decode()
    assert Booking.objects.filter(series__isnull=False).count() == 0


def test_a_code_that_is_wrong_is_a_400(client: Client, prp: Aftercare) -> None:
    with time_machine.travel(prp.session_ended_at + timedelta(hours=4), tick=False):
        client.post(page(prp), {"action": "send-code"})
        response = client.post(page(prp), {"action": "code", "code": "000000"})
    assert response.status_code in (400, 429)
    assert "not right" in response.content.decode()
