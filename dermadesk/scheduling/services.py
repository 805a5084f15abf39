"""Services that change bookings. Every entry point (pages, admin, API) goes through these.

Each one runs in a durable transaction and re-checks availability inside it, after taking
the locks, so what it checked still holds when it commits:

- on PostgreSQL the candidate resources' rows are locked (``SELECT ... FOR UPDATE``, in
  primary-key order so two bookings never wait on each other in a circle), and the
  exclusion constraint on allocations stays as the last line of defence;
- on SQLite the transaction is IMMEDIATE (see settings): it holds the database's write
  lock from its first statement, so writers run one at a time.

A booking that becomes firm, moves or is cancelled is told through ``booking_changed``
inside the same transaction, so the patient's messages are written with the change.

Attendance (``booking_check_in``, ``booking_no_show``, ``booking_complete``) follows the
rules of the pure ``attendance`` module and keeps who marked it and when; it changes no
time, so it is not a ``booking_changed``: it is told through ``visit_attended`` instead
(a completed visit starts its aftercare).

Bookings made by staff (``by_staff=True``: the admin, the staff API) keep the clinic's
hours, shifts, the start-time grid and the no-overlap rule, but not the online minimum
notice and booking horizon, and are refused in words for staff.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction

from dermadesk.clinic.models import Location
from dermadesk.limits import fair_use
from dermadesk.limits.digests import Holder, email_digest
from dermadesk.limits.locks import serialise_clients
from dermadesk.scheduling import attendance, engine
from dermadesk.scheduling.engine import Preference, TimeRefusal
from dermadesk.scheduling.intervals import covers
from dermadesk.scheduling.links import link_digest, new_link_secret
from dermadesk.scheduling.models import (
    ACTIVE_STATUSES,
    HAS_HOLDER,
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    Series,
    Service,
)
from dermadesk.scheduling.queries import availability_inputs
from dermadesk.scheduling.signals import BookingChange, booking_changed, visit_attended

# PostgreSQL's SQLSTATE for exclusion_violation.
EXCLUSION_VIOLATION = "23P01"


class SchedulingError(Exception):
    """A booking request that cannot be carried out; the message is fit for a patient."""


@dataclass(frozen=True)
class Attempt:
    """The time that was asked for, so an edge can offer the nearest free ones instead."""

    service: Service
    location: Location
    start: datetime
    ignoring_booking: int | None = None
    """A booking being moved: its own time counts as free among the alternatives."""
    by_staff: bool = False


PATIENT_TAKEN = "Sorry, that time has just been taken. Please choose another time."
STAFF_TAKEN = (
    "That time is not free for this treatment: a clinician on shift, a room or a device it "
    "needs is already booked then."
)


class SlotTaken(SchedulingError):
    """The time is offered, but what the visit needs is not free then.

    ``attempt``: the time asked for, when known (the edges offer the nearest free ones).
    """

    def __init__(self, message: str = PATIENT_TAKEN, *, attempt: Attempt | None = None) -> None:
        super().__init__(message)
        self.attempt = attempt


class NotBookable(SchedulingError):
    """The time is not offered at all: off the grid, too soon, too far ahead, or (for staff,
    who are not limited to the times shown) outside the clinic's hours."""


def _refused(refusal: TimeRefusal, *, by_staff: bool, service: Service) -> NotBookable:
    """The refusal of a time the rules do not offer, in the words of who asked."""
    if not by_staff:
        return NotBookable(
            "That time cannot be booked online. Please choose one of the times shown."
        )
    if refusal is TimeRefusal.OFF_GRID:
        return NotBookable(
            f"This time is not one of the start times of {service.name}: visits start on "
            f"the hour and every {service.slot_minutes} minutes after it."
        )
    if refusal is TimeRefusal.TOO_SOON:
        return NotBookable("This time has already passed.")
    return NotBookable("This time is too far ahead to be booked.")


class HoldExpired(SchedulingError):
    def __init__(self) -> None:
        super().__init__("We held this time for you for a while, but the hold has run out.")


class NotChangeable(SchedulingError):
    """The booking's status does not allow this change (e.g. already cancelled)."""


class TooManyHolds(SchedulingError):
    """One client (session, address or email) holds the most times allowed at once.

    ``retry_after``: when the first of them is let go by itself.
    """

    def __init__(self, retry_after: timedelta) -> None:
        limit = settings.BOOKING_HOLDS_PER_CLIENT
        times = "a time" if limit == 1 else f"{limit} times"
        super().__init__(
            f"We are already holding {times} for you (in this browser, from this connection "
            "or for this email address), which is as many as we can hold for one person at "
            "once. Please finish booking a time you are holding, or try again in "
            f"{fair_use.wait_in_words(retry_after)}, when the first of them is let go."
        )
        self.retry_after = retry_after


class NoMoreTime(NotChangeable):
    """The hold was given more time as often as it may be."""

    def __init__(self) -> None:
        allowed = settings.BOOKING_HOLD_EXTENSIONS
        often = {0: "", 1: " once", 2: " twice"}.get(allowed, f" {allowed} times")
        super().__init__(
            f"We have already given you more time{often}, which is as long as we can keep "
            "a time for one person. Please finish now: if the hold runs out first, you can "
            "still finish, and the time is yours if nobody has taken it meanwhile."
        )


def _hold_length() -> timedelta:
    return timedelta(minutes=settings.BOOKING_HOLD_MINUTES)


def release_expired_holds(*, now: datetime) -> int:
    """Mark holds past their expiry as expired and free their resources; returns how many.

    Holders of holds that ended (expired, booked or let go) are forgotten at the same time.
    """
    expired = list(
        Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    if expired:
        Booking.objects.filter(pk__in=expired, status=BookingStatus.HELD).update(
            status=BookingStatus.EXPIRED
        )
        Allocation.objects.filter(booking_id__in=expired).update(active=False)
    _forget_ended_holders()
    return len(expired)


def _forget_ended_holders() -> None:
    """The digests of who held a time are kept only while the hold lasts."""
    Booking.objects.filter(HAS_HOLDER).exclude(status=BookingStatus.HELD).update(
        holder_session="", holder_address="", holder_email=""
    )


def _live_hold_ends(field: str, digest: str, *, now: datetime, but: int | None = None) -> list[
    datetime
]:  # fmt: skip
    """When each live hold of the holder ``digest`` (in ``field``) runs out."""
    held = Booking.objects.filter(
        status=BookingStatus.HELD, hold_expires_at__gt=now, **{field: digest}
    )
    if but is not None:
        held = held.exclude(pk=but)
    return [end for end in held.values_list("hold_expires_at", flat=True) if end is not None]


def _check_holder(holder: Holder, *, now: datetime, but: int | None = None) -> None:
    """Inside the transaction: ``TooManyHolds`` unless the holder may hold one more time.

    Each of the holder's digests is counted on its own; on PostgreSQL the holder's requests
    queue up on advisory locks first, so two at once cannot both take the last place.
    """
    keys = holder.keys()
    if not keys:
        return
    serialise_clients(keys.values(), scope="holds")
    waits = [
        fair_use.wait_for_room(
            _live_hold_ends(field, digest, now=now, but=but),
            now=now,
            limit=settings.BOOKING_HOLDS_PER_CLIENT,
        )
        for field, digest in keys.items()
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    if longest is not None:
        raise TooManyHolds(longest)


def _lock_resources(resource_ids: Sequence[int]) -> None:
    if connection.vendor == "postgresql":
        list(
            Resource.objects.select_for_update()
            .filter(pk__in=resource_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _place(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    preferences: Sequence[Preference],
    ignoring_booking: int | None = None,
    beyond_horizon: bool = False,
    by_staff: bool = False,
) -> tuple[list[engine.Allocation], dict[str, str]]:
    """Inside the transaction: lock, re-check, and choose resources for a visit at ``start``.

    Returns the allocations to write and the role each resource plays. ``beyond_horizon``:
    the later sessions of a course may lie past the booking horizon. ``by_staff``: no
    online notice or horizon, and refusals worded for staff (a time outside the clinic's
    hours is ``NotBookable``, not taken).
    """
    release_expired_holds(now=now)
    window = (start, start + timedelta(microseconds=1))
    inputs = availability_inputs(
        service=service, location=location, start=window[0], end=window[1], now=now
    )
    _lock_resources(sorted(int(key) for key in inputs.resources))
    # Read again now that the rows are locked: a booking that committed meanwhile is seen.
    shape, slot = _placement(
        service=service, location=location, start=start, now=now, preferences=preferences,
        ignoring_booking=ignoring_booking, beyond_horizon=beyond_horizon, by_staff=by_staff,
    )  # fmt: skip
    roles = {resource: role for role, resource in slot.assignment.items()}
    return engine.allocations(shape, start, slot.assignment), roles


def _placement(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    preferences: Sequence[Preference],
    ignoring_booking: int | None,
    beyond_horizon: bool,
    by_staff: bool,
) -> tuple[engine.ServiceShape, engine.Slot]:
    """Read and check: the resources a visit at ``start`` would get now, or why it cannot."""
    window = (start, start + timedelta(microseconds=1))
    inputs = availability_inputs(
        service=service, location=location, start=window[0], end=window[1], now=now,
        ignoring_booking=ignoring_booking, by_staff=by_staff,
    )  # fmt: skip
    rules = replace(inputs.rules, horizon=None) if beyond_horizon else inputs.rules
    refusal = engine.time_refusal(start, now=now, zone=location.zone, rules=rules)
    if refusal is not None:
        raise _refused(refusal, by_staff=by_staff, service=service)
    slots = engine.bookable_starts(
        inputs.shape,
        inputs.free,
        window=window,
        now=now,
        zone=location.zone,
        rules=rules,
        preferences=preferences,
        load=inputs.load,
    )
    if not slots:
        if by_staff and not covers(inputs.open_time, start, start + inputs.shape.duration):
            raise NotBookable("This time is outside the clinic's hours.")
        attempt = Attempt(service, location, start, ignoring_booking, by_staff)
        raise SlotTaken(STAFF_TAKEN if by_staff else PATIENT_TAKEN, attempt=attempt)
    return inputs.shape, slots[0]


def slot_at(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    preferences: Sequence[Preference] = (),
    by_staff: bool = False,
) -> engine.Slot:
    """The resources a visit at ``start`` would get if booked now (a read: nothing is held).

    Raises what booking it would: ``NotBookable`` or ``SlotTaken``, in the words of who asks.
    """
    return _placement(
        service=service,
        location=location,
        start=start,
        now=now,
        preferences=preferences,
        ignoring_booking=None,
        beyond_horizon=False,
        by_staff=by_staff,
    )[1]


def _write_allocations(
    booking: Booking, placed: list[engine.Allocation], roles: dict[str, str]
) -> None:
    """The booking's allocations, carrying its hold expiry (if any) for the availability reads."""
    Allocation.objects.bulk_create(
        Allocation(
            booking=booking,
            resource_id=int(item.resource),
            role=roles[item.resource],
            starts_at=item.start,
            ends_at=item.end,
            active=True,
            hold_expires_at=booking.hold_expires_at,
        )
        for item in placed
    )


def _issue_link(booking: Booking) -> str:
    """A new manage-link secret for ``booking``: its digest stored, the secret returned."""
    secret = new_link_secret()
    booking.manage_digest = link_digest(secret)
    Booking.objects.filter(pk=booking.pk).update(manage_digest=booking.manage_digest)
    booking.manage_token = secret
    return secret


def booking_link_renew(*, booking: Booking) -> str:
    """A new manage link for a booking (the one before stops working): its secret.

    For a link to send again, e.g. by staff to a patient who lost the email.
    """
    with transaction.atomic(durable=True):
        return _issue_link(booking)


def _tell(booking: Booking, change: BookingChange, *, now: datetime,
          previous_starts_at: datetime | None = None, **more: object) -> None:  # fmt: skip
    """Issue the booking a new manage link (the old one stops working), then tell the change.

    The secret goes to the listeners (the patient's email) and on ``booking.manage_token``
    to the caller; only its digest is stored.
    """
    secret = _issue_link(booking)
    booking_changed.send(
        sender=Booking, booking=booking, change=change, previous_starts_at=previous_starts_at,
        now=now, manage_token=secret, **more,
    )  # fmt: skip


def _is_exclusion_violation(error: IntegrityError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == EXCLUSION_VIOLATION


def _book(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    status: BookingStatus,
    channel: BookingChannel,
    preferences: Sequence[Preference],
    created_by: User | None,
    patient_id: int | None = None,
    hold_for: timedelta | None = None,
    by_staff: bool = False,
    holder: Holder | None = None,
) -> Booking:
    try:
        with transaction.atomic(durable=True):
            if holder is not None:
                _check_holder(holder, now=now)
            placed, roles = _place(
                service=service, location=location, start=start, now=now,
                preferences=preferences, by_staff=by_staff,
            )  # fmt: skip
            booking = Booking.objects.create(
                location=location,
                service=service,
                status=status,
                starts_at=start,
                ends_at=max(item.end for item in placed),
                hold_expires_at=now + (hold_for or _hold_length())
                if status == BookingStatus.HELD
                else None,
                channel=channel,
                created_by=created_by if created_by is not None and created_by.pk else None,
                patient_id=patient_id,
                **(holder.keys() if holder is not None else {}),
            )
            _write_allocations(booking, placed, roles)
            if status == BookingStatus.CONFIRMED:
                _tell(booking, BookingChange.CONFIRMED, now=now)
    except IntegrityError as error:
        if _is_exclusion_violation(error):
            raise SlotTaken from error
        raise
    return booking


def booking_hold(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    channel: BookingChannel,
    preferences: Sequence[Preference] = (),
    created_by: User | None = None,
    hold_for: timedelta | None = None,
    holder: Holder | None = None,
) -> Booking:
    """Reserve ``start`` for a short while (``BOOKING_HOLD_MINUTES``) as the patient finishes.

    ``hold_for``: another length, e.g. a time offered to someone on the waitlist.
    ``holder``: who asks (patients online): refused with ``TooManyHolds`` when their
    session, address or email already holds ``BOOKING_HOLDS_PER_CLIENT`` live times.
    """
    return _book(
        hold_for=hold_for,
        holder=holder,
        service=service,
        location=location,
        start=start,
        now=now,
        status=BookingStatus.HELD,
        channel=channel,
        preferences=preferences,
        created_by=created_by,
    )


def booking_create(
    *,
    service: Service,
    location: Location,
    start: datetime,
    now: datetime,
    channel: BookingChannel,
    preferences: Sequence[Preference] = (),
    created_by: User | None = None,
    patient_id: int | None = None,
    by_staff: bool = False,
) -> Booking:
    """Book ``start`` outright, confirmed (staff, or a caller that needs no hold).

    ``by_staff``: made by staff, so not held to the online notice and horizon.
    """
    return _book(
        by_staff=by_staff,
        patient_id=patient_id,
        service=service,
        location=location,
        start=start,
        now=now,
        status=BookingStatus.CONFIRMED,
        channel=channel,
        preferences=preferences,
        created_by=created_by,
    )


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update().select_related("service", "location").get(pk=booking.pk)
    )


def _move_allocations(
    booking: Booking, placed: list[engine.Allocation], roles: dict[str, str]
) -> None:
    Allocation.objects.filter(booking=booking).delete()
    _write_allocations(booking, placed, roles)


def booking_confirm(*, booking: Booking, now: datetime, patient_id: int | None = None) -> Booking:
    """Turn a hold into a booking, for ``patient_id`` when given.

    A hold that ran out is renewed if the time is still free; otherwise ``SlotTaken``.
    """
    try:
        # Not durable: the checkout confirms inside its own transaction, with the patient's
        # screening and consent, so that all of it is written or none.
        with transaction.atomic():
            current = _locked(booking)
            if current.status == BookingStatus.CONFIRMED:
                return current
            _confirm_locked(current, now=now, patient_id=patient_id)
            _tell(current, BookingChange.CONFIRMED, now=now)
    except IntegrityError as error:
        if _is_exclusion_violation(error):
            raise SlotTaken from error
        raise
    return current


def _confirm_locked(
    current: Booking, *, now: datetime, patient_id: int | None,
    series: Series | None = None,
) -> None:  # fmt: skip
    """Inside the transaction, the booking's row locked: make the hold firm."""
    if current.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
        raise NotChangeable("This booking can no longer be confirmed.")
    if current.hold_expires_at is not None and current.hold_expires_at <= now:
        # The hold lapsed: the time is the patient's only if nobody took it meanwhile.
        placed, roles = _place(
            service=current.service,
            location=current.location,
            start=current.starts_at,
            now=now,
            preferences=(),
            ignoring_booking=current.pk,
        )
        _move_allocations(current, placed, roles)
    current.status = BookingStatus.CONFIRMED
    current.hold_expires_at = None
    if patient_id is not None:
        current.patient_id = patient_id
    if series is not None:
        current.series, current.series_number = series, 1
    current.save(
        update_fields=[
            "status", "hold_expires_at", "patient", "series", "series_number", "updated_at"
        ]
    )  # fmt: skip
    Allocation.objects.filter(booking=current).update(active=True, hold_expires_at=None)


class SeriesSessionTaken(SlotTaken):
    """One session of a course could not be booked (or moved), so none of them was."""

    def __init__(
        self, number: int, *, done: str = "booked", by_staff: bool = False,
        attempt: Attempt | None = None,
    ) -> None:  # fmt: skip
        super().__init__(attempt=attempt)
        self.number = number
        self.args = (
            f"Session {number} of this course is no longer free, so nothing was {done}."
            if by_staff
            else f"Sorry, the time for session {number} of your course has just been taken, "
            f"so nothing was {done}. Please look at the new proposal.",
        )


def series_book(
    *,
    service: Service,
    location: Location,
    sessions: Sequence[engine.Slot],
    now: datetime,
    channel: BookingChannel,
    patient_id: int | None = None,
    first_hold: Booking | None = None,
    first_booked: Booking | None = None,
    created_by: User | None = None,
    by_staff: bool = False,
) -> list[Booking]:
    """Book every session of a course in one transaction: all of them, or none.

    ``sessions`` are the planner's proposals, in order, each with its resources (kept where
    still free). With ``first_hold``, the first session is that held booking, confirmed.
    With ``first_booked``, it is that visit, booked already on its own: the rest of the
    course is booked after it. Raises ``SeriesSessionTaken`` (nothing written) when any
    session was taken meanwhile. ``by_staff``: booked by staff (no online notice, staff
    wording). Call it through ``checkout.courses``, which plans and compares first.
    Returns the sessions in order, each with its new ``manage_token``;
    ``sessions[0].series`` is the course.
    """
    if not sessions:
        raise ValueError("A course has at least one session.")
    refusal = service.course_length_refusal(len(sessions))
    if refusal is not None:
        raise NotBookable(refusal)
    number = 0
    try:
        # Not durable: a checkout books a course inside its own transaction (see above).
        with transaction.atomic():
            series = Series.objects.create(
                location=location, service=service, patient_id=patient_id,
                sessions_planned=len(sessions),
            )  # fmt: skip
            booked: list[Booking] = []
            for number, slot in enumerate(sessions, start=1):
                if number == 1 and first_hold is not None:
                    first = _locked(first_hold)
                    if first.starts_at != slot.start or first.service_id != service.pk:
                        raise NotChangeable("The course must start with the time held.")
                    _confirm_locked(first, now=now, patient_id=patient_id, series=series)
                    booked.append(first)
                    continue
                if number == 1 and first_booked is not None:
                    booked.append(_join_course(first_booked, slot, series, patient_id))
                    continue
                placed, roles = _place(
                    service=service, location=location, start=slot.start, now=now,
                    preferences=[Preference(r, res) for r, res in slot.assignment.items()],
                    beyond_horizon=number > 1, by_staff=by_staff,
                )  # fmt: skip
                booking = Booking.objects.create(
                    location=location, service=service, status=BookingStatus.CONFIRMED,
                    starts_at=slot.start, ends_at=max(item.end for item in placed),
                    channel=channel, patient_id=patient_id, series=series,
                    series_number=number,
                    created_by=created_by if created_by is not None and created_by.pk else None,
                )  # fmt: skip
                _write_allocations(booking, placed, roles)
                booked.append(booking)
            # The later sessions first: when the first is told, its whole course exists.
            for booking in booked[1:]:
                _tell(booking, BookingChange.CONFIRMED, now=now)
            first_change = BookingChange.CONFIRMED if first_booked is None else (
                BookingChange.COURSE_ADDED
            )  # fmt: skip
            _tell(booked[0], first_change, now=now, course_sessions=booked)
    except SlotTaken as taken:
        raise SeriesSessionTaken(number, by_staff=by_staff, attempt=taken.attempt) from taken
    except IntegrityError as error:
        if _is_exclusion_violation(error):
            raise SeriesSessionTaken(number, by_staff=by_staff) from error
        raise
    return booked


def _join_course(
    booking: Booking, slot: engine.Slot, series: Series, patient_id: int | None
) -> Booking:
    """Inside the transaction: a visit booked on its own becomes session 1 of ``series``,
    while it is ahead or once it has taken place (the rest of the course is booked after
    it, from the aftercare's reminder)."""
    first = _locked(booking)
    if (
        first.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
        or first.series_id is not None
        or first.starts_at != slot.start
        or first.service_id != series.service_id
        or first.patient_id != patient_id
    ):
        raise NotChangeable("This visit cannot start a course any more.")
    first.series, first.series_number = series, 1
    first.save(update_fields=["series", "series_number", "updated_at"])
    return first


def series_cancel(
    *, series: Series, now: datetime, starting_after: datetime | None = None
) -> list[Booking]:
    """Cancel the sessions of a course still ahead, returned (each with its new manage
    token). Those past stay as they were.

    ``starting_after`` (default ``now``): only sessions that start later are cancelled, e.g.
    ``now`` plus the notice for a patient cancelling online.
    """
    with transaction.atomic(durable=True):
        ahead = list(
            series.bookings.select_for_update()
            .select_related("service", "location")
            .filter(status=BookingStatus.CONFIRMED, starts_at__gt=starting_after or now)
            .order_by("pk")
        )
        for booking in ahead:
            _cancel_locked(booking, now=now)
    return ahead


def series_shift(
    *, series: Series, sessions: Mapping[int, engine.Slot], now: datetime, by_staff: bool = False
) -> list[Booking]:
    """Move several sessions of a course at once, e.g. to follow one that was moved.

    ``sessions``: the new time (and resources, kept where still free) for each session
    number. All move or none does (``SeriesSessionTaken``, nothing changed). Their old times
    are let go first, inside the transaction, so a session may take another's old time.
    Returns the sessions that moved; one already at its new time is left as it is. Each is
    told as moved once all have moved, with ``course_moves`` (every moved session and its
    previous start), so the patient can be sent one message for them all. ``by_staff``:
    moved by staff (no online notice, staff wording). Call it through ``checkout.courses``.
    """
    numbers = sorted(sessions)
    number = 0
    try:
        with transaction.atomic(durable=True):
            moving = list(
                series.bookings.select_for_update()
                .select_related("service", "location")
                .filter(series_number__in=numbers)
                .order_by("pk")
            )
            by_number = {booking.series_number: booking for booking in moving}
            if set(by_number) != set(numbers) or any(
                booking.status != BookingStatus.CONFIRMED or booking.starts_at <= now
                for booking in moving
            ):
                raise NotChangeable("Only the course's confirmed sessions ahead can be moved.")
            moved = [by_number[n] for n in numbers if by_number[n].starts_at != sessions[n].start]
            Allocation.objects.filter(booking__in=moved).delete()
            course_moves: list[tuple[Booking, datetime]] = []
            for booking in moved:
                number = booking.series_number or 0
                slot = sessions[number]
                placed, roles = _place(
                    service=booking.service, location=booking.location, start=slot.start,
                    now=now, preferences=[Preference(r, res) for r, res in slot.assignment.items()],
                    beyond_horizon=True, by_staff=by_staff,
                )  # fmt: skip
                _write_allocations(booking, placed, roles)
                course_moves.append((booking, booking.starts_at))
                booking.starts_at = slot.start
                booking.ends_at = max(item.end for item in placed)
                booking.sequence += 1
                booking.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
            # Told once every session has its new time: one message can list them all.
            # Each gets its new link as it is told; the last one's message lists them all.
            for booking, previous_starts_at in course_moves:
                _tell(
                    booking, BookingChange.MOVED, now=now, previous_starts_at=previous_starts_at,
                    course_moves=tuple(course_moves),
                )  # fmt: skip
    except SlotTaken as taken:
        raise SeriesSessionTaken(
            number, done="moved", by_staff=by_staff, attempt=taken.attempt
        ) from taken
    except IntegrityError as error:
        if _is_exclusion_violation(error):
            raise SeriesSessionTaken(number, done="moved", by_staff=by_staff) from error
        raise
    return moved


def booking_extend_hold(*, booking: Booking, now: datetime) -> Booking:
    """Give the patient more time: the hold runs for another full period from now.

    At most ``BOOKING_HOLD_EXTENSIONS`` times per hold; then ``NoMoreTime``.
    """
    with transaction.atomic(durable=True):
        current = _locked(booking)
        if current.status != BookingStatus.HELD or current.hold_expires_at is None:
            raise NotChangeable("This time is no longer being held.")
        if current.hold_expires_at <= now:
            raise HoldExpired
        if not fair_use.may_extend(
            current.hold_extensions, allowed=settings.BOOKING_HOLD_EXTENSIONS
        ):
            raise NoMoreTime
        # Never shorter than it was (a waitlist offer is held for hours).
        current.hold_expires_at = max(current.hold_expires_at, now + _hold_length())
        current.hold_extensions += 1
        current.save(update_fields=["hold_expires_at", "hold_extensions", "updated_at"])
        Allocation.objects.filter(booking=current).update(hold_expires_at=current.hold_expires_at)
    return current


def booking_hold_claim_email(*, booking: Booking, email: str, now: datetime) -> Booking:
    """The patient typed their email: count this hold against that address too.

    For the checkout to call as soon as the email is known. ``TooManyHolds`` (and nothing
    changed; the hold stays) when the email already holds ``BOOKING_HOLDS_PER_CLIENT``
    other live times. A booking no longer held is returned as it is. Not durable, so a
    checkout may call it inside its own transaction.
    """
    digest = email_digest(email)
    with transaction.atomic():
        serialise_clients([digest], scope="holds")
        current = _locked(booking)
        if current.status != BookingStatus.HELD or current.holder_email == digest:
            return current
        _check_holder(Holder(email=digest), now=now, but=current.pk)
        current.holder_email = digest
        current.save(update_fields=["holder_email", "updated_at"])
    return current


def booking_cancel(*, booking: Booking, now: datetime) -> Booking:
    """Cancel a booking or a hold and free its resources at once. Not durable: a checkout
    lets a held time go inside its own transaction."""
    with transaction.atomic():
        current = _locked(booking)
        _cancel_locked(current, now=now)
    return current


def _cancel_locked(current: Booking, *, now: datetime) -> None:
    if current.status == BookingStatus.CANCELLED:
        return
    if current.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise NotChangeable("This booking can no longer be cancelled.")
    was_confirmed = current.status == BookingStatus.CONFIRMED
    current.status = BookingStatus.CANCELLED
    current.hold_expires_at = None
    current.sequence += 1
    current.save(update_fields=["status", "hold_expires_at", "sequence", "updated_at"])
    Allocation.objects.filter(booking=current).update(active=False)
    if was_confirmed:
        _tell(current, BookingChange.CANCELLED, now=now)


def booking_reschedule(
    *,
    booking: Booking,
    start: datetime,
    now: datetime,
    preferences: Sequence[Preference] = (),
    by_staff: bool = False,
) -> Booking:
    """Move a booking to ``start``. The old time is given up only if the new one is secured:
    both happen in one transaction, and a failure leaves the booking as it was.

    ``by_staff``: moved by staff, so not held to the online notice and horizon.
    """
    try:
        with transaction.atomic(durable=True):
            current = _locked(booking)
            if current.status not in ACTIVE_STATUSES or current.status in (
                BookingStatus.COMPLETED,
                BookingStatus.NO_SHOW,
                BookingStatus.CHECKED_IN,
            ):
                raise NotChangeable("This booking can no longer be moved.")
            if not preferences:
                # Keep the same clinician, room and devices where they are free.
                preferences = [
                    Preference(role, str(resource_id))
                    for role, resource_id in sorted(
                        set(current.allocations.values_list("role", "resource_id"))
                    )
                ]
            placed, roles = _place(
                service=current.service,
                location=current.location,
                start=start,
                now=now,
                preferences=preferences,
                ignoring_booking=current.pk,
                by_staff=by_staff,
            )
            _move_allocations(current, placed, roles)
            previous_starts_at = current.starts_at
            current.starts_at = start
            current.ends_at = max(item.end for item in placed)
            current.sequence += 1
            current.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
            if current.status == BookingStatus.CONFIRMED:
                _tell(current, BookingChange.MOVED, now=now, previous_starts_at=previous_starts_at)
    except IntegrityError as error:
        if _is_exclusion_violation(error):
            raise SlotTaken from error
        raise
    return current


class AttendanceRefused(NotChangeable):
    """A check-in, "not attended" or "completed" the visit's status or time does not allow;
    the message is for staff."""


_ATTENDANCE_FIELDS = {
    attendance.Step.CHECK_IN: ("checked_in_at", "checked_in_by"),
    attendance.Step.NO_SHOW: ("no_show_at", "no_show_by"),
    attendance.Step.COMPLETE: ("completed_at", "completed_by"),
}


def _attend(booking: Booking, step: attendance.Step, *, by: User, now: datetime) -> Booking:
    """Take ``step`` with the booking's row locked, keeping who and when."""
    with transaction.atomic():
        current = _locked(booking)
        refusal = attendance.attendance_refusal(
            step, status=current.status, starts_at=current.starts_at, now=now,
            zone=current.location.zone,
        )  # fmt: skip
        if refusal is not None:
            raise AttendanceRefused(refusal)
        at_field, by_field = _ATTENDANCE_FIELDS[step]
        current.status = BookingStatus(step.value)
        setattr(current, at_field, now)
        setattr(current, by_field, by)
        current.save(update_fields=["status", at_field, by_field, "updated_at"])
        visit_attended.send(sender=Booking, booking=current, step=step, by=by, now=now)
    return current


def booking_check_in(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The patient has arrived: a confirmed visit, on its day (the clinic's), is checked in.

    ``AttendanceRefused`` otherwise. Not durable, like ``booking_cancel``.
    """
    return _attend(booking, attendance.Step.CHECK_IN, by=by, now=now)


def booking_no_show(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The patient did not come: a confirmed visit whose start has passed.

    Its resources stay booked (the time has gone either way). ``AttendanceRefused`` otherwise.
    """
    return _attend(booking, attendance.Step.NO_SHOW, by=by, now=now)


def booking_complete(*, booking: Booking, by: User, now: datetime) -> Booking:
    """The visit took place: only after the patient was checked in.

    ``AttendanceRefused`` otherwise.
    """
    return _attend(booking, attendance.Step.COMPLETE, by=by, now=now)
