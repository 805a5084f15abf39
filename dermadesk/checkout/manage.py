"""A booking reached by its manage token, and whether it may still be changed online.

The booking pages and the JSON API both use these, so a token from an email works in
either, and the change notice is decided in one place (``policy.change_allowed_online``).
"""

from datetime import datetime, timedelta

from django.conf import settings

from dermadesk.checkout.policy import change_allowed_online
from dermadesk.checkout.tokens import booking_id_from_token
from dermadesk.scheduling.models import Booking, BookingStatus


def change_notice() -> timedelta:
    """How long before a visit online changes close (``BOOKING_CHANGE_NOTICE_HOURS``)."""
    return timedelta(hours=settings.BOOKING_CHANGE_NOTICE_HOURS)


def managed_booking(token: str) -> Booking | None:
    """The booking a manage token names; None when the token is forged, altered or expired.

    Holds are not reachable: a token is only ever sent for a booking that was made.
    """
    public_id = booking_id_from_token(token)
    if public_id is None:
        return None
    return (
        Booking.objects.select_related("service", "location", "patient", "series")
        .filter(public_id=public_id)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .first()
    )


def course_sessions(booking: Booking) -> list[Booking]:
    """The sessions of the booking's course still on (not cancelled), in order; [] for one
    visit. Each has its own manage token (``tokens.manage_token``)."""
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
