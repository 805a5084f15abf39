"""A visit's page and what staff do from it: check in, not attended, completed, move, cancel."""

from datetime import UTC, datetime

import pytest
import time_machine
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

# Thursday 26 November 2026 in Springfield (America/Chicago, UTC-6).
THURSDAY_8_AM = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
THURSDAY_10_15 = datetime(2026, 11, 26, 16, 15, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("wednesday_afternoon")


@pytest.fixture
def visit(clinic: Location, patient: Patient) -> Booking:
    """A consultation on Thursday at 10:00 clinic time."""
    return booking_create(
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=datetime(2026, 11, 26, 10, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        patient_id=patient.pk,
        by_staff=True,
    )


def page(client: Client, visit: Booking) -> str:
    response = client.get(f"/staff/visits/{visit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_visit_page_shows_the_patients_name_and_contact_and_is_audited_once(
    client: Client, desk: User, visit: Booking, patient: Patient
) -> None:
    text = page(signed_in(client, desk), visit)
    assert "Ada Lovelace" in text and "ada@example.com" in text and "+12175550142" in text
    assert (
        "Thursday 26 November at 10:00 a.m. to 10:30 a.m., Springfield clinic time (CST, " in text
    )
    assert "by Desk" not in text  # booked by nobody signed in here

    [event] = AuditEvent.objects.all()
    assert (event.action, event.what, event.patient_id) == (AuditAction.VIEW, "booking", patient.pk)
    assert event.object_ref == f"scheduling.booking:{visit.pk}"


def test_check_in_is_offered_on_the_visits_day_only(desk: User, visit: Booking) -> None:
    assert "Check in" not in page(signed_in(Client(), desk), visit)
    with time_machine.travel(THURSDAY_8_AM, tick=False):
        assert "Check in" in page(signed_in(Client(), desk), visit)


def test_checking_in_keeps_who_and_when_and_says_so(desk: User, visit: Booking) -> None:
    with time_machine.travel(THURSDAY_8_AM, tick=False):
        client = signed_in(Client(), desk)
        response = client.post(f"/staff/visits/{visit.pk}/check-in/", follow=True)
    text = response.content.decode()
    assert "Ada Lovelace is checked in." in text
    assert "Checked in Thursday 26 November at 8:00 a.m. by Desk." in text
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_by, visit.checked_in_at) == (
        BookingStatus.CHECKED_IN, desk, THURSDAY_8_AM,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, detail="checked in").count() == 1


def test_checking_in_the_day_before_is_a_409_that_says_why(
    client: Client, desk: User, visit: Booking
) -> None:
    response = signed_in(client, desk).post(f"/staff/visits/{visit.pk}/check-in/")
    assert response.status_code == 409
    assert "only on the day of their visit (Thursday 26 November)" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED


def test_not_attended_once_the_start_has_passed(desk: User, visit: Booking) -> None:
    with time_machine.travel(THURSDAY_8_AM, tick=False):
        early = signed_in(Client(), desk).post(f"/staff/visits/{visit.pk}/no-show/")
    assert early.status_code == 409
    with time_machine.travel(THURSDAY_10_15, tick=False):
        late = signed_in(Client(), desk).post(f"/staff/visits/{visit.pk}/no-show/")
    assert late.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.no_show_by) == (BookingStatus.NO_SHOW, desk)


def test_completed_after_check_in(desk: User, visit: Booking) -> None:
    with time_machine.travel(THURSDAY_8_AM, tick=False):
        client = signed_in(Client(), desk)
        assert client.post(f"/staff/visits/{visit.pk}/completed/").status_code == 409
        client.post(f"/staff/visits/{visit.pk}/check-in/")
        assert client.post(f"/staff/visits/{visit.pk}/completed/").status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.completed_by) == (BookingStatus.COMPLETED, desk)


def test_a_clinician_marks_attendance_but_cannot_move_or_cancel(
    client: Client, visit: Booking
) -> None:
    clinician = staff_member("clin", Role.CLINICIAN)
    signed_in(client, clinician)
    assert "Move this visit" not in page(client, visit)
    assert client.get(f"/staff/visits/{visit.pk}/move/").status_code == 403
    assert client.post(f"/staff/visits/{visit.pk}/cancel/").status_code == 403
    with time_machine.travel(THURSDAY_8_AM, tick=False):
        response = signed_in(Client(), clinician).post(f"/staff/visits/{visit.pk}/check-in/")
    assert response.status_code == 302


def test_an_unknown_visit_is_a_404(client: Client, desk: User, clinic: Location) -> None:
    assert signed_in(client, desk).get("/staff/visits/999999/").status_code == 404


# Moving


def test_the_move_page_offers_the_next_free_times_in_clinic_time(
    client: Client, desk: User, visit: Booking
) -> None:
    response = signed_in(client, desk).get(f"/staff/visits/{visit.pk}/move/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Next free times from Thursday 26 November" in text
    # Its own time counts as free: the visit may move within its own half hour.
    assert 'value="2026-11-26T08:00:00-06:00"' in text
    assert "Thursday 26 November, 8:00 a.m.</button>" in text
    assert AuditEvent.objects.filter(what="booking", patient=visit.patient).count() == 1


def test_moving_to_a_free_time_keeps_the_clinician_and_tells_the_patient(
    client: Client, desk: User, visit: Booking
) -> None:
    before = OutboundMessage.objects.count()
    clinician = visit.allocations.get(role="clinician").resource_id
    response = signed_in(client, desk).post(
        f"/staff/visits/{visit.pk}/move/", {"start": "2026-11-26T11:00:00-06:00"}, follow=True
    )
    said = "Moved to Thursday 26 November at 11:00 a.m. (it was Thursday 26 November at 10:00"
    assert said in response.content.decode()
    visit.refresh_from_db()
    assert visit.starts_at == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert visit.allocations.get(role="clinician").resource_id == clinician
    assert OutboundMessage.objects.count() > before


def test_moving_to_a_typed_time_off_the_start_times_is_a_400(
    client: Client, desk: User, visit: Booking
) -> None:
    response = signed_in(client, desk).post(
        f"/staff/visits/{visit.pk}/move/", {"date": "2026-11-26", "time": "11:07"}
    )
    assert response.status_code == 400
    assert "not one of the start times of Consultation" in response.content.decode()
    visit.refresh_from_db()
    assert visit.starts_at == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def test_moving_to_a_time_taken_is_a_409_with_free_times_nearby(
    client: Client, desk: User, visit: Booking, clinic: Location, patient: Patient
) -> None:
    service = Service.objects.get(slug="consultation")
    for _ in range(2):  # both clinicians who work on Thursdays
        booking_create(
            service=service, location=clinic,
            start=datetime(2026, 11, 26, 12, tzinfo=clinic.zone), now=NOW,
            channel=BookingChannel.STAFF, patient_id=patient.pk, by_staff=True,
        )  # fmt: skip
    response = signed_in(client, desk).post(
        f"/staff/visits/{visit.pk}/move/", {"start": "2026-11-26T12:00:00-06:00"}
    )
    text = response.content.decode()
    assert response.status_code == 409
    assert "That time is not free for this treatment" in text
    assert "These times are free close to it" in text


def test_free_times_from_a_day_that_cannot_be_read_is_a_400(
    client: Client, desk: User, visit: Booking
) -> None:
    response = signed_in(client, desk).get(f"/staff/visits/{visit.pk}/move/", {"from": "soon"})
    assert response.status_code == 400
    assert "Please give the date as year-month-day" in response.content.decode()


def test_a_time_that_cannot_be_read_is_a_400(client: Client, desk: User, visit: Booking) -> None:
    response = signed_in(client, desk).post(
        f"/staff/visits/{visit.pk}/move/", {"start": "tomorrow-ish"}
    )
    assert response.status_code == 400
    assert "Please choose one of the times shown." in response.content.decode()


# Cancelling


def test_cancelling_asks_first_then_cancels_and_returns_to_the_day(
    client: Client, desk: User, visit: Booking
) -> None:
    signed_in(client, desk)
    confirm = client.get(f"/staff/visits/{visit.pk}/cancel/")
    assert "Cancel this visit?" in confirm.content.decode()
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED
    response = client.post(f"/staff/visits/{visit.pk}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/calendar/?date=2026-11-26&location=springfield"
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CANCELLED
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, detail="cancelled").count() == 1


def test_a_cancelled_visit_cannot_be_cancelled_or_moved_again(
    client: Client, desk: User, visit: Booking
) -> None:
    signed_in(client, desk)
    client.post(f"/staff/visits/{visit.pk}/cancel/")
    assert client.post(f"/staff/visits/{visit.pk}/cancel/").status_code == 409
    assert client.get(f"/staff/visits/{visit.pk}/move/").status_code == 409
