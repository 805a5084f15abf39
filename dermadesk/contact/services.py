"""Receiving a contact message: rate-limit, store, and acknowledge and forward through the outbox.

All in one transaction: the message, the acknowledgement to the sender and the notices to
staff are written together or not at all, and are delivered after the commit (retried
while email is down; see ``dermadesk.notifications``).
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from dermadesk.contact import limits
from dermadesk.contact.models import ContactMessage, ContactTopic
from dermadesk.notifications.models import TemplateKey
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
    ``site_url`` (e.g. ``https://clinic.example``) makes the link in the staff notice.
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
        admin_url = site_url.rstrip("/") + reverse(
            "admin:contact_contactmessage_change", args=[message.pk]
        )
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
