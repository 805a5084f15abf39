"""A booking reached by its manage token, whether it may still be changed online, and the
patient's own changes (move, cancel) within the notice.

The manage link's pages, the portal and the JSON API all use these, so a token from an
email works in either, and the change notice is decided in one place
(``policy.change_allowed_online``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from dermadesk.checkout.policy import change_allowed_online, notice_in_words
from dermadesk.scheduling.links import link_alive, link_digest
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.scheduling.services import (
    NotChangeable,
    booking_cancel,
    booking_reschedule,
    series_cancel,
)


class TooLateOnline(NotChangeable):
    """The visit is not confirmed any more, or nearer than the change notice: the patient
    calls, or asks the team (``emails.late_change_request_send``)."""


def change_notice() -> timedelta:
    """How long before a visit online changes close (``BOOKING_CHANGE_NOTICE_HOURS``)."""
    return timedelta(hours=settings.BOOKING_CHANGE_NOTICE_HOURS)


def managed_booking(token: str, now: datetime) -> Booking | None:
    """The booking a manage link names; None when the link is unknown, replaced by a later
    change, or past its expiry (``BOOKING_LINK_DAYS_AFTER_VISIT`` after the visit).

    Holds are not reachable: a link is only ever sent for a booking that was made.
    """
    digest = link_digest(token)
    if digest is None:
        return None
    booking = (
        Booking.objects.select_related("service", "location", "patient", "series")
        .filter(manage_digest=digest)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .first()
    )
    if booking is None or not link_alive(
        visit_ends_at=booking.ends_at, now=now, days_after=settings.BOOKING_LINK_DAYS_AFTER_VISIT
    ):
        return None
    return booking


def course_sessions(booking: Booking) -> list[Booking]:
    """The sessions of the booking's course still on (not cancelled), in order; [] for one
    visit. Each has its own manage link, sent in its own emails."""
    if booking.series is None:
        return []
    return list(
        booking.series.bookings.exclude(status=BookingStatus.CANCELLED).order_by("series_number")
    )


def changeable_online(booking: Booking, now: datetime) -> bool:
    """Confirmed, and further ahead than the change notice."""
    return booking.status == BookingStatus.CONFIRMED and change_allowed_online(
        starts_at=booking.starts_at, now=now, notice=change_notice()
    )


def _online_change_check(booking: Booking, now: datetime) -> None:
    if not changeable_online(booking, now):
        raise TooLateOnline(
            f"This visit can no longer be changed online: changes close "
            f"{notice_in_words(change_notice())} before it starts. Please call us."
        )


def visit_cancel_online(*, booking: Booking, now: datetime) -> Booking:
    """The patient cancels a confirmed visit further ahead than the notice
    (``TooLateOnline`` otherwise); the booking, with its new manage token."""
    _online_change_check(booking, now)
    with transaction.atomic(durable=True):
        return booking_cancel(booking=booking, now=now)


def visit_move_online(*, booking: Booking, start: datetime, now: datetime) -> Booking:
    """The patient moves a confirmed visit further ahead than the notice to ``start``, by the
    online rules (``TooLateOnline``, ``SlotTaken``, ``NotBookable``); the old time is given
    up only once the new one is secured."""
    _online_change_check(booking, now)
    return booking_reschedule(booking=booking, start=start, now=now)


def course_cancel_online(*, booking: Booking, now: datetime) -> list[Booking]:
    """The patient cancels ``booking`` and the later sessions of its course (all further
    ahead than the notice, as this one must be); the sessions cancelled."""
    _online_change_check(booking, now)
    if booking.series is None:
        raise NotChangeable("This visit is not part of a course.")
    return series_cancel(
        series=booking.series, now=now, starting_after=booking.starts_at - timedelta(microseconds=1)
    )
