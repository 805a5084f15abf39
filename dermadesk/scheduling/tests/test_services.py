from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dermadesk.clinic.models import Closure, Location
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    Service,
)
from dermadesk.scheduling.queries import availability_inputs, nearest_alternatives
from dermadesk.scheduling.services import (
    NotBookable,
    NotChangeable,
    SlotTaken,
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_extend_hold,
    booking_hold,
    booking_reschedule,
)
from dermadesk.scheduling.tests.conftest import NOW

WEB = BookingChannel.WEB


def local(location: Location, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=location.zone)


def prp() -> Service:
    return Service.objects.get(slug="micro-needling-prp")


def provider(name_start: str) -> str:
    return str(Resource.objects.get(name__startswith=name_start).pk)


def test_booking_allocates_every_resource_of_its_steps(clinic: Location) -> None:
    booking = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    rows = list(booking.allocations.order_by("starts_at", "role").values_list("role", "starts_at"))
    start = local(clinic, 26, 8)
    assert rows == [
        ("prp-clinician", start),
        ("room", start),
        ("centrifuge", start + timedelta(minutes=10)),
        ("pen", start + timedelta(minutes=40)),
        ("prp-clinician", start + timedelta(minutes=40)),
    ]
    assert booking.ends_at == start + timedelta(minutes=110)
    assert booking.status == BookingStatus.CONFIRMED


def test_the_only_centrifuge_refuses_a_second_prp_visit_at_the_same_time(
    clinic: Location,
) -> None:
    start = local(clinic, 26, 8)
    booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    with pytest.raises(SlotTaken):
        booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    assert Booking.objects.count() == 1


def test_numbing_time_frees_the_clinician_for_the_next_patient(clinic: Location) -> None:
    avery = provider("Dr. Avery")
    start = local(clinic, 26, 8, 30)
    booking_create(  # numbing cream 8:30-9:00, then Dr. Avery treats from 9:00
        service=Service.objects.get(slug="micro-needling"),
        location=clinic,
        start=start,
        now=NOW,
        channel=WEB,
        preferences=[Preference("clinician", avery, required=True)],
    )
    consultation = booking_create(  # while the first patient's cream works
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=start,
        now=NOW,
        channel=WEB,
        preferences=[Preference("clinician", avery, required=True)],
    )
    assert consultation.allocations.filter(role="clinician", resource_id=int(avery)).exists()


def test_a_hold_keeps_the_time_from_others(clinic: Location) -> None:
    start = local(clinic, 26, 8)
    hold = booking_hold(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    assert hold.status == BookingStatus.HELD
    assert hold.hold_expires_at == NOW + timedelta(minutes=10)
    with pytest.raises(SlotTaken):
        booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)


def test_an_expired_hold_stops_counting(clinic: Location) -> None:
    start = local(clinic, 26, 8)
    hold = booking_hold(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    later = NOW + timedelta(minutes=10)
    booking_create(service=prp(), location=clinic, start=start, now=later, channel=WEB)
    hold.refresh_from_db()
    assert hold.status == BookingStatus.EXPIRED
    assert not hold.allocations.filter(active=True).exists()


def test_confirming_a_hold_makes_it_a_booking(clinic: Location) -> None:
    hold = booking_hold(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    booking = booking_confirm(booking=hold, now=NOW + timedelta(minutes=5))
    assert (booking.status, booking.hold_expires_at) == (BookingStatus.CONFIRMED, None)


def test_a_lapsed_hold_is_confirmed_when_the_time_is_still_free(clinic: Location) -> None:
    hold = booking_hold(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    booking = booking_confirm(booking=hold, now=NOW + timedelta(minutes=30))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.allocations.filter(active=True).count() == 5


def test_a_lapsed_hold_cannot_be_confirmed_once_someone_took_the_time(clinic: Location) -> None:
    start = local(clinic, 26, 8)
    hold = booking_hold(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    later = NOW + timedelta(minutes=20)
    booking_create(service=prp(), location=clinic, start=start, now=later, channel=WEB)
    with pytest.raises(SlotTaken):
        booking_confirm(booking=hold, now=later)


def test_a_hold_can_be_extended_before_it_runs_out(clinic: Location) -> None:
    hold = booking_hold(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    extended = booking_extend_hold(booking=hold, now=NOW + timedelta(minutes=8))
    assert extended.hold_expires_at == NOW + timedelta(minutes=18)


def test_cancelling_frees_the_time_at_once(clinic: Location) -> None:
    start = local(clinic, 26, 8)
    booking = booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    booking_cancel(booking=booking, now=NOW)
    assert not Allocation.objects.filter(booking=booking, active=True).exists()
    booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)


def test_a_cancelled_booking_cannot_be_moved(clinic: Location) -> None:
    booking = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    booking_cancel(booking=booking, now=NOW)
    with pytest.raises(NotChangeable):
        booking_reschedule(booking=booking, start=local(clinic, 26, 12), now=NOW)


def test_rescheduling_moves_the_visit_and_keeps_the_same_clinician(clinic: Location) -> None:
    booking = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    clinician = booking.allocations.filter(role="prp-clinician").first()
    assert clinician is not None
    moved = booking_reschedule(booking=booking, start=local(clinic, 26, 13), now=NOW)
    assert moved.starts_at == local(clinic, 26, 13)
    assert set(
        moved.allocations.filter(role="prp-clinician").values_list("resource_id", flat=True)
    ) == {clinician.resource_id}
    assert moved.allocations.order_by("starts_at").first().starts_at == local(clinic, 26, 13)  # type: ignore[union-attr]


def test_a_failed_reschedule_leaves_the_booking_as_it_was(clinic: Location) -> None:
    first = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    second = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 12), now=NOW, channel=WEB
    )
    before = sorted(second.allocations.values_list("resource_id", "starts_at", "ends_at"))
    with pytest.raises(SlotTaken):
        booking_reschedule(booking=second, start=local(clinic, 26, 8), now=NOW)
    second.refresh_from_db()
    assert second.starts_at == local(clinic, 26, 12)
    assert sorted(second.allocations.values_list("resource_id", "starts_at", "ends_at")) == before
    assert first.allocations.filter(active=True).count() == 5


@pytest.mark.parametrize(
    ("day", "hour", "minute"),
    [
        (26, 8, 5),  # off the 15-minute grid
        (26, 6, 0),  # before opening
        (26, 18, 0),  # ends after closing (19:00) for a 110-minute visit
    ],
)
def test_times_the_clinic_does_not_offer_are_refused(
    clinic: Location, day: int, hour: int, minute: int
) -> None:
    with pytest.raises((NotBookable, SlotTaken)):
        booking_create(
            service=prp(),
            location=clinic,
            start=local(clinic, day, hour, minute),
            now=NOW,
            channel=WEB,
        )
    assert not Booking.objects.exists()


def test_a_start_inside_the_minimum_notice_is_refused(clinic: Location) -> None:
    with pytest.raises(NotBookable):
        booking_create(service=prp(), location=clinic, start=NOW + timedelta(minutes=30),
                       now=NOW, channel=WEB)  # fmt: skip


def test_the_lock_is_taken_before_the_write_on_postgresql(clinic: Location) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are PostgreSQL's; SQLite serialises writers instead.")
    with CaptureQueriesContext(connection) as queries:
        booking_create(
            service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
        )
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "scheduling_resource" in q)
    write = next(
        i for i, q in enumerate(sql) if q.startswith('INSERT INTO "scheduling_allocation"')
    )
    assert lock < write


def test_postgresql_itself_refuses_overlapping_allocations(clinic: Location) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint is PostgreSQL's.")
    booking = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    room = booking.allocations.get(role="room")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            booking=booking,
            resource=room.resource,
            role="room",
            starts_at=room.starts_at + timedelta(minutes=30),
            ends_at=room.ends_at + timedelta(minutes=30),
        )


@pytest.mark.parametrize("bookings", [0, 12])
def test_availability_reads_a_fixed_number_of_queries(
    clinic: Location, bookings: int, django_assert_num_queries: Any
) -> None:
    for i in range(bookings):
        booking_create(
            service=Service.objects.get(slug="consultation"),
            location=clinic,
            start=local(clinic, 26 + i // 6, 9 + i % 6),
            now=NOW,
            channel=WEB,
        )
    service = prp()
    Closure.objects.create(
        location=clinic, first_day=date(2027, 1, 1), last_day=date(2027, 1, 1), reason="Holiday"
    )
    with django_assert_num_queries(11):  # after a change of the setup: the setup is read again
        availability_inputs(
            service=service, location=clinic, start=NOW, end=NOW + timedelta(days=31), now=NOW
        )
    with django_assert_num_queries(2):  # the setup's token, then the busy time
        inputs = availability_inputs(
            service=service, location=clinic, start=NOW, end=NOW + timedelta(days=31), now=NOW
        )
    assert set(inputs.free) == set(inputs.resources)


def test_alternatives_to_a_taken_time_start_with_the_same_day_nearest_first(
    clinic: Location,
) -> None:
    start = local(clinic, 26, 12)
    booking_create(service=prp(), location=clinic, start=start, now=NOW, channel=WEB)
    alternatives = nearest_alternatives(
        service=prp(), location=clinic, around=start, now=NOW, count=4
    )
    assert [slot.start for slot in alternatives] == [
        local(clinic, 26, 11, 30),
        local(clinic, 26, 11, 45),  # its spin ends as the 12:00 visit's spin begins
        local(clinic, 26, 12, 15),
        local(clinic, 26, 12, 30),
    ]


def test_each_change_raises_the_calendar_sequence(clinic: Location) -> None:
    booking = booking_create(
        service=prp(), location=clinic, start=local(clinic, 26, 8), now=NOW, channel=WEB
    )
    assert booking.sequence == 0
    moved = booking_reschedule(booking=booking, start=local(clinic, 26, 13), now=NOW)
    assert moved.sequence == 1
    assert booking_cancel(booking=moved, now=NOW).sequence == 2
