"""A booking reached by its manage token, and whether it may still be changed online.

The booking pages and the JSON API both use these, so a token from an email works in
either, and the change notice is decided in one place (``policy.change_allowed_online``).
"""

from datetime import datetime, timedelta

from django.conf import settings

from dermadesk.checkout.policy import change_allowed_online
from dermadesk.scheduling.links import link_alive, link_digest
from dermadesk.scheduling.models import Booking, BookingStatus


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
