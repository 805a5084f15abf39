"""Receiving a contact message (rate-limit, store, acknowledge and forward through the
outbox), and the staff's work on it in the inbox (assign, status, notes, replies).

Each is one durable transaction: the message, the acknowledgement to the sender and the
notices to staff are written together or not at all, and so are a reply, its email and the
status "answered". Emails are delivered after the commit (retried while email is down; see
``dermadesk.notifications``).
"""

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.urls import reverse

from dermadesk.contact import limits
from dermadesk.contact.models import (
    ContactMessage,
    ContactNote,
    ContactStatus,
    ContactTopic,
    NoteKind,
)
from dermadesk.contact.queries import inbox_staff
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.notifications.rendering import ClinicDetails
from dermadesk.notifications.services import message_enqueue


@dataclass(frozen=True)
class ContactSubmission:
    name: str
    email: str
    phone: str
    topic: str
    message: str


class RateLimited(Exception):
    """Too many messages from one sender; ``retry_after`` says when the next one is allowed."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__("Too many messages in a short time.")
        self.retry_after = retry_after


def hash_client_address(address: str) -> str:
    """A keyed hash of an IP address: enough to count a sender's messages, not to find them."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=settings.CONTACT_LIMIT_WINDOW_MINUTES)


def _lock_sender(*keys: str) -> None:
    """PostgreSQL: one sender's submissions queue up, so the count each one reads is exact.

    (SQLite's IMMEDIATE transactions already run writers one at a time.)
    """
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        int.from_bytes(hashlib.sha256(f"contact:{key}".encode()).digest()[:8], signed=True)
        for key in keys
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _check_rate(*, ip_hash: str, email: str, now: datetime) -> None:
    window = _window()
    senders = [
        (ContactMessage.objects.filter(ip_hash=ip_hash), settings.CONTACT_LIMIT_PER_IP),
        (ContactMessage.objects.filter(email__iexact=email), settings.CONTACT_LIMIT_PER_EMAIL),
    ]
    waits = [
        limits.wait_before_next(
            recent.filter(created_at__gt=now - window).values_list("created_at", flat=True),
            now=now,
            limit=limit,
            window=window,
        )
        for recent, limit in senders
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    if longest is not None:
        raise RateLimited(longest)


def contact_message_submit(
    *,
    submission: ContactSubmission,
    ip_hash: str,
    location: ClinicDetails,
    staff_emails: Sequence[str],
    site_url: str,
    now: datetime,
) -> ContactMessage:
    """Store the message, then queue the acknowledgement and the notices to staff.

    Raises ``RateLimited`` (and writes nothing) when the sender has sent too many lately.
    ``site_url`` (e.g. ``https://clinic.example``) makes the link in the staff notice (to the
    message in the back office's inbox).
    """
    email = submission.email.strip()
    with transaction.atomic(durable=True):
        _lock_sender(ip_hash, email.lower())
        _check_rate(ip_hash=ip_hash, email=email, now=now)
        message = ContactMessage.objects.create(
            name=submission.name,
            email=email,
            phone=submission.phone,
            topic=submission.topic,
            message=submission.message,
            ip_hash=ip_hash,
            created_at=now,
        )
        # The hashed address is needed only while it counts towards the limit.
        ContactMessage.objects.filter(created_at__lte=now - _window()).exclude(ip_hash="").update(
            ip_hash=""
        )
        topic = ContactTopic(submission.topic).label
        message_enqueue(
            template=TemplateKey.CONTACT_ACKNOWLEDGEMENT,
            to=email,
            context={"topic": topic},
            location=location,
            idempotency_key=f"contact:{message.pk}:acknowledgement",
            now=now,
        )
        admin_url = site_url.rstrip("/") + reverse("inbox:thread", args=[message.pk])
        for index, address in enumerate(staff_emails):
            message_enqueue(
                template=TemplateKey.CONTACT_STAFF_NOTIFICATION,
                to=address,
                context={
                    "name": submission.name,
                    "email": email,
                    "phone": submission.phone,
                    "topic": topic,
                    "received_at": now,
                    "admin_url": admin_url,
                },
                location=location,
                idempotency_key=f"contact:{message.pk}:staff:{index}",
                reply_to=email,
                now=now,
            )
    return message


class InboxError(Exception):
    """A change to a contact message that cannot be made; the words are for the staff."""


def _locked(message_id: int) -> ContactMessage:
    """The message, its row locked for this transaction (``DoesNotExist`` when missing)."""
    return ContactMessage.objects.select_for_update().get(pk=message_id)


def _save(message: ContactMessage, now: datetime) -> None:
    """Write the staff's changes (status, assignee) with ``now`` as the time of the change."""
    ContactMessage.objects.filter(pk=message.pk).update(
        status=message.status, assignee=message.assignee, updated_at=now
    )
    message.updated_at = now


def contact_assign(*, message_id: int, assignee: User | None, now: datetime) -> ContactMessage:
    """Give the message to ``assignee`` (``None``: to nobody). A new message given to someone
    is in progress from then on. Only active staff whose role includes the inbox can be
    given messages (``InboxError``)."""
    if assignee is not None and not inbox_staff().filter(pk=assignee.pk).exists():
        name = assignee.get_full_name() or assignee.get_username()
        raise InboxError(
            f"{name} cannot be given messages: only active staff whose role includes the inbox can."
        )
    with transaction.atomic(durable=True):
        message = _locked(message_id)
        if assignee is not None and message.status == ContactStatus.NEW:
            message.status = ContactStatus.IN_PROGRESS
        message.assignee = assignee
        _save(message, now)
    return message


def contact_status_set(*, message_id: int, status: ContactStatus, now: datetime) -> ContactMessage:
    """Set the message's status (new, in progress, answered, spam)."""
    with transaction.atomic(durable=True):
        message = _locked(message_id)
        message.status = status
        _save(message, now)
    return message


def contact_note_add(*, message_id: int, text: str, by: User, now: datetime) -> ContactNote:
    """Add an internal note to the message's history (only the staff see it)."""
    with transaction.atomic(durable=True):
        message = _locked(message_id)
        return ContactNote.objects.create(
            contact_message=message, author=by, kind=NoteKind.NOTE, text=text, created_at=now
        )


def contact_reply_send(
    *,
    message_id: int,
    text: str,
    by: User,
    once: uuid.UUID,
    location: ClinicDetails,
    now: datetime,
) -> ContactNote | None:
    """Email ``text`` to the sender and keep it in the thread; the message is answered.

    One transaction writes the reply to the history, queues the email (``contact-reply``)
    and marks the message answered (given to ``by`` when it was nobody's). ``once`` names
    this reply: sent again (a double click), it changes nothing and returns ``None``.
    A message marked as spam gets no reply (``InboxError``).
    """
    key = f"contact:{message_id}:reply:{once}"
    with transaction.atomic(durable=True):
        message = _locked(message_id)
        if OutboundMessage.objects.filter(idempotency_key=key).exists():
            return None
        if message.status == ContactStatus.SPAM:
            raise InboxError(
                "This message is marked as spam, so it gets no reply. If it is not spam, "
                "change its status first."
            )
        note = ContactNote.objects.create(
            contact_message=message, author=by, kind=NoteKind.REPLY, text=text, created_at=now
        )
        message_enqueue(
            template=TemplateKey.CONTACT_REPLY,
            to=message.email,
            context={
                "name": message.name,
                "topic": ContactTopic(message.topic).label,
                "received_at": message.created_at,
                "reply": text,
                "staff_name": by.first_name,
            },
            location=location,
            idempotency_key=key,
            now=now,
        )
        message.status = ContactStatus.ANSWERED
        if message.assignee_id is None:
            message.assignee = by
        _save(message, now)
    return note
