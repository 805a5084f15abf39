"""Told inside the booking services' own transactions, so listeners write with the change.

Scheduling knows nothing of patients' emails or pages; the booking app listens and queues
the patient's messages in the same transaction (both are saved, or neither). Every entry
point that changes a booking (pages, admin, API, commands) goes through the services, so
every change is told here exactly once.
"""

from enum import StrEnum

from django.dispatch import Signal


class BookingChange(StrEnum):
    CONFIRMED = "confirmed"
    """A booking became firm: booked outright, or a hold confirmed."""
    MOVED = "moved"
    COURSE_ADDED = "course_added"
    """A confirmed visit became the first session of a course booked after it."""
    CANCELLED = "cancelled"
    """A confirmed booking was cancelled (a hold let go is not told)."""


booking_changed = Signal()
"""Sent with ``booking``, ``change`` (a ``BookingChange``), ``previous_starts_at`` (for a
move, else ``None``), ``now`` and ``manage_token``, the new secret of the booking's manage
link (the one before it stops working). Listeners run inside the transaction: an exception
undoes the change."""


visit_attended = Signal()
"""Sent by ``booking_check_in``, ``booking_no_show`` and ``booking_complete`` inside their
transaction, once the step is written, with ``booking``, ``step`` (an
``attendance.Step``), ``by`` (the staff member) and ``now``. A change of attendance moves
no time, so it is not a ``booking_changed``; aftercare listens for completed visits.
Listeners run inside the transaction: an exception undoes the step."""
