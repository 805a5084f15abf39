"""The attendance rules (pure) and the services that follow them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.clinic.models import Location
from dermadesk.scheduling import attendance
from dermadesk.scheduling.attendance import Step, attendance_refusal
from dermadesk.scheduling.models import (
    ACTIVE_STATUSES,
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    Service,
)
from dermadesk.scheduling.services import (
    AttendanceRefused,
    NotChangeable,
    booking_cancel,
    booking_check_in,
    booking_complete,
    booking_create,
    booking_no_show,
    booking_reschedule,
)
from dermadesk.scheduling.tests.conftest import NOW

CHICAGO = ZoneInfo("America/Chicago")
STATUSES = [status.value for status in BookingStatus]


def test_the_rules_name_the_statuses_the_model_stores() -> None:
    assert attendance.CONFIRMED == BookingStatus.CONFIRMED
    assert attendance.CHECKED_IN == BookingStatus.CHECKED_IN
    assert attendance.COMPLETED == BookingStatus.COMPLETED
    assert attendance.NO_SHOW == BookingStatus.NO_SHOW
    assert {BookingStatus(step.value) for step in Step} <= set(ACTIVE_STATUSES)


# Instants over some fifteen years, whole minutes, around both daylight-saving changes.
instants = st.integers(min_value=0, max_value=15 * 365 * 24 * 60).map(
    lambda minutes: datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
)


@given(step=st.sampled_from(list(Step)), status=st.sampled_from(STATUSES), start=instants,
       now=instants)  # fmt: skip
def test_each_step_is_allowed_exactly_when_the_rule_says(
    step: Step, status: str, start: datetime, now: datetime
) -> None:
    refusal = attendance_refusal(step, status=status, starts_at=start, now=now, zone=CHICAGO)
    same_day = start.astimezone(CHICAGO).date() == now.astimezone(CHICAGO).date()
    allowed = {
        Step.CHECK_IN: status == "confirmed" and same_day,
        Step.NO_SHOW: status == "confirmed" and now >= start,
        Step.COMPLETE: status == "checked_in",
    }[step]
    assert (refusal is None) == allowed
    if refusal is not None:
        assert refusal.endswith((".", ")."))


def test_check_in_is_refused_the_evening_before_in_the_clinics_zone() -> None:
    start = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 9:00 a.m. Thursday in Chicago
    evening_before = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 9 p.m. Wednesday there
    refusal = attendance_refusal(
        Step.CHECK_IN, status="confirmed", starts_at=start, now=evening_before, zone=CHICAGO
    )
    assert refusal == (
        "A patient can be checked in only on the day of their visit (Thursday 26 November)."
    )
    an_hour_early = start - timedelta(hours=1)
    refusal = attendance_refusal(
        Step.CHECK_IN, status="confirmed", starts_at=start, now=an_hour_early, zone=CHICAGO
    )
    assert refusal is None


# The services


@pytest.fixture
def desk(db: None) -> User:
    return User.objects.create_user("desk", is_staff=True)


def _visit(clinic: Location, hour: int = 10) -> Booking:
    return booking_create(
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=datetime(2026, 11, 26, hour, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        by_staff=True,
    )


def _on_the_day(clinic: Location, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 26, hour, minute, tzinfo=clinic.zone)


def test_check_in_keeps_who_and_when(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    arrived = _on_the_day(clinic, 9, 40)
    booking_check_in(booking=visit, by=desk, now=arrived)
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CHECKED_IN
    assert (visit.checked_in_at, visit.checked_in_by) == (arrived, desk)


def test_check_in_the_day_before_is_refused_and_nothing_changes(
    clinic: Location, desk: User
) -> None:
    visit = _visit(clinic)
    with pytest.raises(AttendanceRefused, match="only on the day of their visit"):
        booking_check_in(booking=visit, by=desk, now=NOW)
    visit.refresh_from_db()
    assert visit.status == BookingStatus.CONFIRMED
    assert visit.checked_in_at is None


def test_completed_follows_check_in_and_keeps_both_marks(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    with pytest.raises(AttendanceRefused, match="check the patient in first"):
        booking_complete(booking=visit, by=desk, now=_on_the_day(clinic, 10, 30))
    booking_check_in(booking=visit, by=desk, now=_on_the_day(clinic, 9, 50))
    booking_complete(booking=visit, by=desk, now=_on_the_day(clinic, 10, 30))
    visit.refresh_from_db()
    assert visit.status == BookingStatus.COMPLETED
    assert visit.checked_in_at == _on_the_day(clinic, 9, 50)
    assert (visit.completed_at, visit.completed_by) == (_on_the_day(clinic, 10, 30), desk)


def test_no_show_only_once_the_start_has_passed(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    with pytest.raises(AttendanceRefused, match="once its start time has passed"):
        booking_no_show(booking=visit, by=desk, now=_on_the_day(clinic, 9, 59))
    booking_no_show(booking=visit, by=desk, now=_on_the_day(clinic, 10, 15))
    visit.refresh_from_db()
    assert visit.status == BookingStatus.NO_SHOW
    assert (visit.no_show_at, visit.no_show_by) == (_on_the_day(clinic, 10, 15), desk)


def test_a_visit_not_attended_keeps_its_time_booked(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    booking_no_show(booking=visit, by=desk, now=_on_the_day(clinic, 10, 15))
    assert Allocation.objects.filter(booking=visit, active=True).exists()


def test_a_checked_in_patient_cannot_be_marked_not_attended(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    booking_check_in(booking=visit, by=desk, now=_on_the_day(clinic, 9, 50))
    with pytest.raises(AttendanceRefused, match="checked in, so"):
        booking_no_show(booking=visit, by=desk, now=_on_the_day(clinic, 10, 15))


def test_a_cancelled_visit_cannot_be_checked_in(clinic: Location, desk: User) -> None:
    visit = booking_cancel(booking=_visit(clinic), now=NOW)
    with pytest.raises(AttendanceRefused, match="not booked"):
        booking_check_in(booking=visit, by=desk, now=_on_the_day(clinic, 9, 50))


def test_a_checked_in_visit_can_no_longer_be_moved(clinic: Location, desk: User) -> None:
    visit = _visit(clinic)
    booking_check_in(booking=visit, by=desk, now=_on_the_day(clinic, 9, 50))
    with pytest.raises(NotChangeable, match="can no longer be moved"):
        booking_reschedule(
            booking=visit, start=_on_the_day(clinic, 11), now=_on_the_day(clinic, 9, 51),
            by_staff=True,
        )  # fmt: skip
