"""What the patient (and the front desk) is sent about a booking, through the outbox.

``queue_booking_messages`` listens to ``scheduling.signals.booking_changed``, which the
booking services send inside their own transaction: the confirmation, change or
cancellation email and the reminders are written together with the change, or not at all.
Keys name each message for its booking and change number (``booking:42:3:reminder-24h``),
so a move or a cancellation cancels what was waiting for the old time, and telling the
same change twice queues nothing new. Several sessions of a course moved together
(``series_shift``) make one email listing every new time, with one calendar file holding
an event per session; each session's reminders are still replaced on their own.

No message carries health information: only names, the treatment's name, times and links.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, moment_in_words
from dermadesk.checkout.course import session_label
from dermadesk.checkout.ics import CalendarVisit, visit_ics, visits_ics
from dermadesk.notifications.models import Channel, OutboundMessage, TemplateKey
from dermadesk.notifications.services import Attachment, message_enqueue, messages_cancel
from dermadesk.patients.queries import sms_agreed
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.scheduling.signals import BookingChange

REMINDERS = (
    (TemplateKey.BOOKING_REMINDER_48H, timedelta(hours=48), "reminder-48h"),
    (TemplateKey.BOOKING_REMINDER_24H, timedelta(hours=24), "reminder-24h"),
)
# The one reminder also sent by text message, to patients who agreed to texts (the portal).
SMS_REMINDER = TemplateKey.BOOKING_REMINDER_24H
ARRIVE_EARLY = "Please arrive 10 minutes early so numbing cream can be applied."


def booking_ics(booking: Booking, *, now: datetime) -> bytes:
    """The booking as an .ics event: same UID for its whole life, SEQUENCE per change."""
    return visit_ics(_calendar_visit(booking), stamp=now)


def _calendar_visit(booking: Booking) -> CalendarVisit:
    location = booking.location
    address = ", ".join([location.name, *location.address_lines])
    return CalendarVisit(
        uid=f"{booking.public_id}@dermadesk",
        sequence=booking.sequence,
        start=booking.starts_at,
        end=booking.ends_at,
        zone=location.zone,
        summary=f"{booking.service.name} at {settings.SITE_NAME}",
        location=address,
        description=(
            f"{ARRIVE_EARLY} To move or cancel, use the link in your email or call "
            f"{location.phone}."
        ),
        cancelled=booking.status == BookingStatus.CANCELLED,
    )


def manage_url(token: str) -> str:
    """The patient's link to their booking, absolute (emails are sent without a request)."""
    return settings.SITE_URL + reverse("booking:manage", args=[token])


def _key(booking: Booking, what: str) -> str:
    return f"booking:{booking.pk}:{booking.sequence}:{what}"


def _calendar_attachment(booking: Booking, now: datetime) -> Attachment:
    return {
        "filename": "visit.ics",
        "content": booking_ics(booking, now=now).decode(),
        "mimetype": "text/calendar",
    }


def _session_label(booking: Booking) -> str:
    """'session 2 of 4' for a session of a course; empty for a single visit."""
    if booking.series is None or booking.series_number is None:
        return ""
    return session_label(booking.series_number, booking.series.sessions_planned)


def _course(booking: Booking) -> list[dict[str, Any]]:
    """Every session of the booking's course, in order; empty for a single visit."""
    if booking.series is None:
        return []
    return [
        {"number": number, "starts_at": starts_at}
        for number, starts_at in booking.series.bookings.filter(status=BookingStatus.CONFIRMED)
        .order_by("series_number")
        .values_list("series_number", "starts_at")
    ]


def _notice_hours() -> int | None:
    return settings.BOOKING_CHANGE_NOTICE_HOURS or None


def _queue_reminders(
    booking: Booking, to: str, context: dict[str, Any], now: datetime, private: list[str]
) -> None:
    """The 48- and 24-hour reminders, each only if its time is still ahead."""
    for template, before, what in REMINDERS:
        due = booking.starts_at - before
        if due <= now:
            continue
        message_enqueue(
            template=template,
            to=to,
            context=context,
            location=booking.location,
            idempotency_key=_key(booking, what),
            due_at=due,
            expires_at=booking.starts_at,
            private=private,
            now=now,
        )
        if template == SMS_REMINDER and sms_agreed(booking.patient) and booking.patient:
            message_enqueue(
                template=template, to=booking.patient.phone, context=context,
                location=booking.location, idempotency_key=_key(booking, f"{what}-sms"),
                channel=Channel.SMS, sms_agreed=True, due_at=due, expires_at=booking.starts_at,
                now=now,
            )  # fmt: skip


def queue_booking_messages(
    *,
    booking: Booking,
    change: BookingChange,
    previous_starts_at: datetime | None,
    now: datetime,
    manage_token: str,
    course_moves: Sequence[tuple[Booking, datetime]] = (),
    **_: object,
) -> None:
    """Queue the patient's email about ``change``, and set the reminders to match.

    ``manage_token`` is the booking's new manage link secret: it goes into the messages
    (marked private, so staff screens hide it) and nowhere else. ``course_moves``: when
    several sessions of a course moved together, each with its previous start; the last
    one told queues the one email about them all (each session told before it already has
    its new link, on ``Booking.manage_token``).
    """
    patient = booking.patient
    if patient is None:
        return  # booked by staff for nobody in particular: there is no one to write to
    if booking.sequence > 0:
        # The reminders of the time before this change no longer apply. (Notices already
        # queued, such as the first confirmation, still go: each says what was true then.)
        messages_cancel(
            idempotency_key_prefix=f"booking:{booking.pk}:{booking.sequence - 1}:reminder-",
            now=now,
        )
    context: dict[str, Any] = {
        "patient_name": patient.given_name,
        "service_name": booking.service.name,
        "starts_at": booking.starts_at,
        "session_label": _session_label(booking),
    }
    if change == BookingChange.CANCELLED:
        message_enqueue(
            template=TemplateKey.BOOKING_CANCELLATION,
            to=patient.email,
            context=context | {"book_url": settings.SITE_URL + reverse("booking:start")},
            location=booking.location,
            idempotency_key=_key(booking, "cancellation"),
            attachments=[_calendar_attachment(booking, now)],
            now=now,
        )
        return
    link = manage_url(manage_token)
    context |= {"manage_url": link, "change_notice_hours": _notice_hours()}
    if change == BookingChange.MOVED and len(course_moves) > 1:
        _queue_reminders(booking, patient.email, context, now, [manage_token])
        if booking.pk == course_moves[-1][0].pk:
            _queue_course_change(course_moves, to=patient.email, context=context, now=now)
        return
    if change == BookingChange.COURSE_ADDED:
        # The first visit's own confirmation and reminders went already: only the course.
        message_enqueue(
            template=TemplateKey.BOOKING_COURSE_ADDED,
            to=patient.email,
            context=context | {"series_sessions": _course(booking)},
            location=booking.location,
            idempotency_key=_key(booking, "course-added"),
            private=[manage_token],
            now=now,
        )
        return
    if change == BookingChange.MOVED:
        template, what = TemplateKey.BOOKING_CHANGE, "change"
        context["previous_starts_at"] = previous_starts_at
    elif booking.series_id is not None and booking.series_number != 1:
        # A course is confirmed in one email, the first session's, listing every session.
        _queue_reminders(booking, patient.email, context, now, [manage_token])
        return
    else:
        template, what = TemplateKey.BOOKING_CONFIRMATION, "confirmation"
        context["series_sessions"] = _course(booking)
    message_enqueue(
        template=template,
        to=patient.email,
        context=context,
        location=booking.location,
        idempotency_key=_key(booking, what),
        attachments=[_calendar_attachment(booking, now)],
        private=[manage_token],
        now=now,
    )
    _queue_reminders(booking, patient.email, context, now, [manage_token])


def _queue_course_change(
    moves: Sequence[tuple[Booking, datetime]], *, to: str, context: dict[str, Any], now: datetime
) -> None:
    """One email for several sessions of a course moved together: each old and new time, and
    one calendar file with an event per session (its own UID, its raised SEQUENCE)."""
    first = moves[0][0]
    sessions = [
        {
            "number": booking.series_number,
            "starts_at": booking.starts_at,
            "previous_starts_at": previous,
            "manage_url": manage_url(booking.manage_token or ""),
        }
        for booking, previous in moves
    ]
    secrets = [booking.manage_token for booking, _ in moves if booking.manage_token]
    message_enqueue(
        template=TemplateKey.BOOKING_COURSE_CHANGE,
        to=to,
        context=context
        | {
            "starts_at": first.starts_at,
            "manage_url": manage_url(first.manage_token or ""),
            "sessions": sessions,
        },
        location=first.location,
        idempotency_key=_key(first, "course-change"),
        attachments=[
            {
                "filename": "course.ics",
                "content": visits_ics(
                    [_calendar_visit(booking) for booking, _ in moves], stamp=now
                ).decode(),
                "mimetype": "text/calendar",
            }
        ],
        private=secrets,
        now=now,
    )


def late_change_request_send(*, booking: Booking, wish: str, now: datetime) -> bool:
    """Tell the front desk that the patient wants to move or cancel within the notice: an
    email to the location and an alert on the staff's alerts page, written together.

    ``wish`` is ``"move"`` or ``"cancel"``. One notice per booking and change number:
    False when this one was sent already. The staff call the patient back; the booking
    itself is not changed.
    """
    patient = booking.patient
    if patient is None:
        raise ValueError("Only a patient's own booking can be asked about.")
    key = _key(booking, "late-request")
    admin_url = reverse("admin:scheduling_booking_change", args=[booking.pk])
    with transaction.atomic(durable=True):
        if OutboundMessage.objects.filter(idempotency_key=key).exists():
            return False
        alert_raise(
            kind=AlertKind.LATE_CHANGE,
            about=f"booking:{booking.pk}:{booking.sequence}",
            what=(
                f"{patient.full_name} would like to {'cancel' if wish == 'cancel' else 'move'} "
                f"their {booking.service.name} visit on "
                f"{moment_in_words(booking.starts_at, booking.location.zone)}, too close to "
                f"change online. Please call them back: {patient.phone or 'no phone given'}, "
                f"{patient.email}. The visit stays booked until someone changes it."
            ),
            # The visit on the staff calendar, where the front desk moves or cancels it.
            link=reverse("staff:visit", args=[booking.pk]),
            patient_id=patient.pk,
            now=now,
        )
        message_enqueue(
            template=TemplateKey.BOOKING_LATE_CHANGE_STAFF,
            to=booking.location.email,
            context={
                "patient_name": patient.full_name,
                "patient_email": patient.email,
                "patient_phone": patient.phone,
                "service_name": booking.service.name,
                "starts_at": booking.starts_at,
                "wish": "cancel" if wish == "cancel" else "move",
                "admin_url": settings.SITE_URL + admin_url,
            },
            location=booking.location,
            idempotency_key=key,
            reply_to=patient.email,
            now=now,
        )
    return True
