"""A visit marked completed starts its aftercare, in the same transaction, once."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User

from dermadesk.aftercare.models import Aftercare, CheckIn, SendStatus
from dermadesk.aftercare.services import aftercare_start
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking
from dermadesk.scheduling.services import (
    AttendanceRefused,
    booking_cancel,
    booking_check_in,
    booking_complete,
)

Complete = Callable[[Booking, datetime], Booking]


def at(clinic: Location, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clinic.zone)


def test_a_completed_visit_starts_its_aftercare_with_two_check_ins(
    clinic: Location, visit: VisitMaker, complete: Complete
) -> None:
    booking = visit("micro-needling", hour=10)
    complete(booking, at(clinic, 26, 12))
    aftercare = Aftercare.objects.get(booking=booking)
    assert aftercare.treatment == "micro-needling"
    assert aftercare.session_ended_at == booking.ends_at  # marked done after its planned end
    assert aftercare.links_expire_at == booking.ends_at + timedelta(days=14)
    check_ins = list(aftercare.check_ins.order_by("due_at"))
    ended_local = booking.ends_at.astimezone(clinic.zone)
    assert [(c.kind, c.status) for c in check_ins] == [
        ("day1", SendStatus.PLANNED), ("day3", SendStatus.PLANNED),
    ]  # fmt: skip
    assert [c.due_at.astimezone(clinic.zone) for c in check_ins] == [
        ended_local.replace(day=27), ended_local.replace(day=29),
    ]  # fmt: skip


def test_prp_gets_its_own_timeline(clinic: Location, visit: VisitMaker, complete: Complete) -> None:
    booking = visit("micro-needling-prp", hour=10)
    complete(booking, at(clinic, 26, 13))
    assert Aftercare.objects.get(booking=booking).treatment == "micro-needling-prp"


def test_a_consultation_has_no_aftercare(
    clinic: Location, visit: VisitMaker, complete: Complete
) -> None:
    booking = visit("consultation", hour=10)
    complete(booking, at(clinic, 26, 11))
    assert not Aftercare.objects.exists()


def test_a_visit_only_checked_in_or_cancelled_has_none(
    clinic: Location, visit: VisitMaker, desk: User
) -> None:
    checked_in = visit("micro-needling", hour=10)
    booking_check_in(booking=checked_in, by=desk, now=at(clinic, 26, 9, 50))
    cancelled = visit("micro-needling", hour=14)
    booking_cancel(booking=cancelled, now=at(clinic, 25, 9))
    with pytest.raises(AttendanceRefused):
        booking_complete(booking=cancelled, by=desk, now=at(clinic, 26, 16))
    assert not Aftercare.objects.exists()
    assert not CheckIn.objects.exists()


def test_marking_it_completed_twice_starts_one_aftercare(
    clinic: Location, visit: VisitMaker, complete: Complete, desk: User
) -> None:
    booking = visit("micro-needling", hour=10)
    complete(booking, at(clinic, 26, 12))
    with pytest.raises(AttendanceRefused):
        booking_complete(booking=booking, by=desk, now=at(clinic, 26, 13))
    booking.refresh_from_db()
    assert aftercare_start(booking=booking, now=at(clinic, 26, 14)) == Aftercare.objects.get()
    assert CheckIn.objects.count() == 2


def test_a_failure_while_starting_the_aftercare_leaves_the_visit_not_completed(
    clinic: Location, visit: VisitMaker, complete: Complete, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking = visit("micro-needling", hour=10)

    def broken(**_: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("dermadesk.aftercare.services.aftercare_start", broken)
    with pytest.raises(RuntimeError):
        complete(booking, at(clinic, 26, 12))
    booking.refresh_from_db()
    assert booking.status == "checked_in"
    assert booking.completed_at is None
