"""Delivering queued messages: claim, record the attempt, send, record the outcome.

Each step is its own short write, outside any transaction that sends:

1. **Claim** with a conditional ``UPDATE … SET status = 'sending', attempts = attempts + 1
   WHERE id = … AND status = 'pending' AND due_at <= now``. Only one worker's update
   changes the row (PostgreSQL re-checks the condition after waiting on the row lock;
   SQLite runs writers one at a time), so two workers never send the same message. The
   update also records the attempt, committed *before* anything is sent.
2. **Send** through the message's channel, with a Message-ID derived from the
   idempotency key (the same on every attempt).
3. **Record** ``sent``; or, on an error that a retry can help, ``pending`` again with a
   later ``due_at`` (exponential backoff, ``retry.py``); or ``failed``.

What "exactly once" can mean with SMTP: a message recorded as sent is never sent again,
and a message is only sent while it is claimed. The one gap no SMTP client can close is a
crash after the mail server accepted the message and before step 3 was written: the row
stays ``sending``, and the sweep (``messages_requeue_stale``) cannot know whether the
server got it. It sends it again rather than lose it, with the same Message-ID, which
receiving mail systems use to recognise the copy. So: at least once, at most once per
attempt, and a duplicate only in that window, carrying the same Message-ID.
"""

import logging
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise
from dermadesk.notifications import retry
from dermadesk.notifications.channels import channel_for
from dermadesk.notifications.errors import DeliveryError
from dermadesk.notifications.models import Channel, MessageStatus, OutboundMessage
from dermadesk.notifications.redaction import without_addresses

logger = logging.getLogger(__name__)

UNKNOWN_OUTCOME = (
    "An attempt was cut short (its worker stopped) and may or may not have gone out; "
    "sent again with the same Message-ID."
)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    EXPIRED = "expired"
    SKIPPED = "skipped"
    """Not claimable: already sent, taken by another worker, cancelled or not yet due."""


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_at: datetime | None = None


def _retry_at(attempts: int, now: datetime) -> datetime:
    return retry.next_attempt_at(
        attempts,
        now=now,
        base=timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS),
        cap=timedelta(seconds=settings.NOTIFICATIONS_RETRY_MAX_SECONDS),
    )


def _claim(message_id: int, now: datetime) -> OutboundMessage | None:
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=MessageStatus.PENDING, due_at__lte=now
    ).update(
        status=MessageStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if not claimed:
        return None
    return OutboundMessage.objects.get(pk=message_id)


def _alert_failed(message: OutboundMessage, reason: str, now: datetime) -> None:
    """Tell the staff (on their alerts page) that a message will not go out."""
    what = "text message" if message.channel == Channel.SMS else "email"
    alert_raise(
        kind=AlertKind.MESSAGE_FAILED,
        about=f"message:{message.pk}",
        what=(
            f"The {what} “{message.get_template_key_display()}” to {message.recipient} could "
            f"not be sent after {message.attempts} attempt{'s' if message.attempts != 1 else ''} "
            f"({reason}). Please reach them another way, or send it again from the outbox."
        ),
        link=reverse("admin:notifications_outboundmessage_change", args=[message.pk]),
        now=now,
    )


def _record_failure(
    attempt: QuerySet[OutboundMessage], message: OutboundMessage, error: DeliveryError,
    now: datetime,
) -> Delivery:  # fmt: skip
    reason = str(error)[:500]
    max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
    if error.retryable and not retry.gives_up(message.attempts, max_attempts=max_attempts):
        retry_at = _retry_at(message.attempts, now)
        attempt.update(
            status=MessageStatus.PENDING, due_at=retry_at, last_error=reason, updated_at=now
        )
        logger.info(
            "Message %s: attempt %s failed (%s); next at %s",
            message.pk, message.attempts, reason, retry_at.isoformat(),
        )  # fmt: skip
        return Delivery(Outcome.RETRY, retry_at)
    with transaction.atomic():
        if attempt.update(status=MessageStatus.FAILED, last_error=reason, updated_at=now):
            _alert_failed(message, reason, now)
    logger.warning(
        "Message %s failed for good after %s attempts: %s", message.pk, message.attempts, reason
    )
    return Delivery(Outcome.FAILED)


SCRUBBED = "[private link or code, removed after sending]"


def message_deliver(*, message_id: int, now: datetime) -> Delivery:
    """Claim the message if it is due and still pending, send it, record what happened."""
    message = _claim(message_id, now)
    if message is None:
        return Delivery(Outcome.SKIPPED)
    # This attempt's row: still ours only while nobody else started another attempt.
    attempt = OutboundMessage.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
    )
    if message.expires_at is not None and message.expires_at <= now:
        attempt.update(
            status=MessageStatus.CANCELLED,
            last_error="Not sent: it was no longer useful by the time it could go out.",
            updated_at=now,
        )
        return Delivery(Outcome.EXPIRED)
    try:
        channel_for(message.channel).send(message)
    except DeliveryError as error:
        return _record_failure(attempt, message, error, now)
    except Exception as error:  # an unforeseen failure is retried, never left "sending"
        reason = f"{type(error).__name__}: {without_addresses(str(error))}"
        # Where it happened (the frames, which hold no values), and the text without the
        # recipient's address: a traceback would print the exception's text as it is.
        logger.error(
            "Message %s: unexpected error while sending (%s)\n%s",
            message.pk, reason, "".join(traceback.format_tb(error.__traceback__)),
        )  # fmt: skip
        return _record_failure(attempt, message, DeliveryError(reason, retryable=True), now)
    sent_at = timezone.now()
    recorded = OutboundMessage.objects.filter(
        pk=message.pk,
        # Still this attempt: either ours, or put back by the sweep but not claimed again.
        status__in=(MessageStatus.SENDING, MessageStatus.PENDING),
        attempts=message.attempts,
    ).update(
        status=MessageStatus.SENT, sent_at=sent_at, last_error="", updated_at=sent_at,
        # A secret has done its work once sent: the stored words keep no working link.
        text_body=message.hide_private(message.text_body, SCRUBBED),
        html_body=message.hide_private(message.html_body, SCRUBBED),
        private_values=[],
    )  # fmt: skip
    if not recorded:
        logger.warning(
            "Message %s was sent after another attempt had started "
            "(NOTIFICATIONS_SENDING_TIMEOUT_SECONDS too short?)",
            message.pk,
        )
    return Delivery(Outcome.SENT)


def messages_requeue_stale(*, now: datetime) -> int:
    """Put back messages whose sender stopped mid-attempt (a worker killed or crashed).

    A message is stale when it has been "sending" for longer than
    ``NOTIFICATIONS_SENDING_TIMEOUT_SECONDS``. Returns how many were put back; those that
    used their last attempt are marked failed instead.
    """
    cutoff = retry.stale_before(
        now, sending_timeout=timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
    )
    stale = OutboundMessage.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=cutoff)
    with transaction.atomic():
        spent = list(
            stale.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).select_for_update()
        )
        OutboundMessage.objects.filter(pk__in=[m.pk for m in spent]).update(
            status=MessageStatus.FAILED, last_error=UNKNOWN_OUTCOME, updated_at=now
        )
        for message in spent:
            _alert_failed(message, "its last attempt was cut short", now)
    requeued = stale.update(
        status=MessageStatus.PENDING, due_at=now, last_error=UNKNOWN_OUTCOME, updated_at=now
    )
    if requeued:
        logger.warning("Put back %s message(s) whose sender stopped mid-attempt", requeued)
    return requeued


def messages_deliver_due(*, now: datetime, limit: int = 100) -> Counter[Outcome]:
    """Deliver up to ``limit`` due messages, oldest first; how many ended each way."""
    due = (
        OutboundMessage.objects.filter(status=MessageStatus.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes: Counter[Outcome] = Counter()
    for message_id in list(due):
        outcomes[message_deliver(message_id=message_id, now=now).outcome] += 1
    return outcomes


def outbox_sweep(*, now: datetime, limit: int = 100) -> Counter[Outcome]:
    """The periodic pass: put back stale attempts, then deliver everything due.

    Catches what the per-message tasks miss: a task lost or never enqueued, a worker killed
    mid-send, a retry whose task was dropped. Safe to run in any number of processes at
    once: every message is still claimed before it is sent.
    """
    messages_requeue_stale(now=now)
    total: Counter[Outcome] = Counter()
    while True:
        outcomes = messages_deliver_due(now=now, limit=limit)
        total.update(outcomes)
        if sum(outcomes.values()) < limit:
            return total
