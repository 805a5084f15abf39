"""What the patient is sent about a booking: the calendar file now, the emails with the outbox."""

from datetime import datetime

from django.conf import settings

from dermadesk.booking.ics import CalendarVisit, visit_ics
from dermadesk.scheduling.models import Booking, BookingStatus


def booking_ics(booking: Booking, *, now: datetime) -> bytes:
    """The booking as an .ics event: same UID for its whole life, SEQUENCE per change."""
    location = booking.location
    address = ", ".join([location.name, *location.address_lines])
    return visit_ics(
        CalendarVisit(
            uid=f"{booking.public_id}@dermadesk",
            sequence=booking.sequence,
            start=booking.starts_at,
            end=booking.ends_at,
            zone=location.zone,
            summary=f"{booking.service.name} at {settings.SITE_NAME}",
            location=address,
            description=(
                "Please arrive 10 minutes early so numbing cream can be applied. "
                f"To move or cancel, use the link in your email or call {location.phone}."
            ),
            cancelled=booking.status == BookingStatus.CANCELLED,
        ),
        stamp=now,
    )
