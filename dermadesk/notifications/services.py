"""Services other apps call to send messages, and the staff actions on the outbox.

``message_enqueue`` is meant to be called *inside* the caller's own transaction: the message
row is written with the change it reports (both or neither), and its delivery is scheduled
only when that transaction commits.

Keys. The idempotency key names a message for its whole life; enqueueing the same key again
returns the existing message. Callers build keys from what the message is about, e.g.
``booking:42:3:reminder-24h`` (booking 42, change number 3). When a booking moves, cancel
what was scheduled for it with ``messages_cancel(idempotency_key_prefix="booking:42:3:")``
and enqueue the new messages under the next change number.
"""

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alerts_resolve_about
from dermadesk.notifications.defaults import default_messages
from dermadesk.notifications.errors import InvalidRecipient, SmsNotAgreed
from dermadesk.notifications.models import Channel, MessageStatus, MessageTemplate, OutboundMessage
from dermadesk.notifications.phones import is_e164
from dermadesk.notifications.rendering import (
    ClinicDetails,
    RenderedMessage,
    TemplateProblem,
    TemplateTexts,
    render_message,
)
from dermadesk.notifications.tasks import schedule_delivery

logger = logging.getLogger(__name__)


class Attachment(TypedDict):
    filename: str
    content: str
    mimetype: str


def _render(template: str, context: Mapping[str, object], clinic: ClinicDetails) -> RenderedMessage:
    """The staff's edited template; the default words when it is missing or broken."""
    default = default_messages().get(template)
    row = MessageTemplate.objects.filter(key=template).first()
    if row is not None:
        try:
            return render_message(row.texts(), context, clinic)
        except TemplateProblem:
            if default is None:
                raise
            logger.exception("Message template %r is broken; sending the default words", template)
    if default is None:
        raise LookupError(f"No message template {template!r}.")
    return render_message(default.texts, context, clinic)


def _check_recipient(channel: Channel, to: str, *, sms_agreed: bool) -> None:
    if channel == Channel.SMS:
        if not sms_agreed:
            raise SmsNotAgreed("Text messages only go to people who agreed to receive them.")
        if not is_e164(to):
            raise InvalidRecipient(f"{to!r} is not a phone number in E.164 form.")
        return
    try:
        validate_email(to)
    except ValidationError as error:
        raise InvalidRecipient(f"{to!r} is not an email address.") from error


def message_enqueue(
    *,
    template: str,
    to: str,
    context: Mapping[str, object],
    location: ClinicDetails,
    idempotency_key: str,
    channel: Channel = Channel.EMAIL,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
    reply_to: str = "",
    attachments: Sequence[Attachment] = (),
    sms_agreed: bool = False,
    private: Sequence[str] = (),
    now: datetime | None = None,
) -> OutboundMessage:
    """Queue one message, rendered now, to go out at ``due_at`` (at once when ``None``).

    Call it inside the transaction of the change it reports. ``location`` is the clinic
    location the message comes from: its name, address and phone go in the footer, and
    times show in its time zone. ``context`` holds plain values only, and never health
    information. A message past ``expires_at`` is not sent (e.g. a reminder after the
    visit). Text messages (``channel=Channel.SMS``) need ``sms_agreed=True``: the caller
    confirms the person agreed to receive them. ``private`` lists secrets the words carry
    (a manage link's key, a sign-in code): staff screens never show them, and they are
    taken out of the stored words once the message has gone.
    """
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    _check_recipient(channel, to, sms_agreed=sms_agreed)
    rendered = _render(template, context, location)
    if channel == Channel.SMS and not rendered.sms:
        raise LookupError(f"Message template {template!r} has no text-message version.")
    message, created = OutboundMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "channel": channel,
            "recipient": to,
            "reply_to": reply_to or location.email,
            "template_key": template,
            "subject": rendered.subject,
            "text_body": rendered.sms if channel == Channel.SMS else rendered.text,
            "html_body": "" if channel == Channel.SMS else rendered.html,
            "attachments": [] if channel == Channel.SMS else [dict(a) for a in attachments],
            "private_values": [value for value in private if value],
            "due_at": due_at or now,
            "expires_at": expires_at,
            "created_at": now,
        },
    )
    if created:
        at = due_at if due_at is not None and due_at > now else None
        transaction.on_commit(partial(schedule_delivery, message.pk, at=at), robust=True)
    return message


def messages_cancel(*, idempotency_key_prefix: str, now: datetime | None = None) -> int:
    """Cancel the messages still waiting whose key starts with the prefix; how many.

    A message already being sent, or sent, is not affected.
    """
    if not idempotency_key_prefix:
        raise ValueError("Give a key prefix: cancelling every message is never meant.")
    return OutboundMessage.objects.filter(
        status=MessageStatus.PENDING, idempotency_key__startswith=idempotency_key_prefix
    ).update(status=MessageStatus.CANCELLED, updated_at=now or timezone.now())


def message_cancel(*, message_id: int, now: datetime | None = None) -> bool:
    """Staff: cancel one message still waiting; False when it is no longer waiting."""
    return bool(
        OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
            status=MessageStatus.CANCELLED, updated_at=now or timezone.now()
        )
    )


def message_reschedule(
    *, idempotency_key: str, due_at: datetime, expires_at: datetime | None = None,
    now: datetime | None = None,
) -> bool:  # fmt: skip
    """Move a waiting message to a new time; False when it is no longer waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(idempotency_key=idempotency_key, status=MessageStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        message.due_at = due_at
        message.expires_at = expires_at
        message.save(update_fields=["due_at", "expires_at", "updated_at"])
        at = due_at if due_at > now else None
        transaction.on_commit(partial(schedule_delivery, message.pk, at=at), robust=True)
    return True


def message_retry(*, message_id: int, now: datetime | None = None) -> bool:
    """Staff: try a failed or cancelled message again now, with a fresh set of attempts.

    The alert its failure raised is resolved with it.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        retried = OutboundMessage.objects.filter(
            pk=message_id, status__in=(MessageStatus.FAILED, MessageStatus.CANCELLED)
        ).update(status=MessageStatus.PENDING, attempts=0, due_at=now, updated_at=now)
        if retried:
            alerts_resolve_about(
                kind=AlertKind.MESSAGE_FAILED, about=f"message:{message_id}", now=now
            )
            transaction.on_commit(partial(schedule_delivery, message_id), robust=True)
    return bool(retried)


def template_send_test(
    *, texts: TemplateTexts, template: str, to: str, location: ClinicDetails,
    now: datetime | None = None,
) -> OutboundMessage:  # fmt: skip
    """Staff: send ``texts`` with the template's sample details to ``to``, through the outbox."""
    default = default_messages().get(template)
    sample = default.sample if default else {}
    rendered = render_message(texts, sample, location)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        _check_recipient(Channel.EMAIL, to, sms_agreed=False)
        message = OutboundMessage.objects.create(
            channel=Channel.EMAIL,
            recipient=to,
            template_key=template,
            subject=f"[Test] {rendered.subject}"[:200],
            text_body=rendered.text,
            html_body=rendered.html,
            idempotency_key=f"test:{template}:{uuid.uuid4()}",
            due_at=now,
            created_at=now,
        )
        transaction.on_commit(partial(schedule_delivery, message.pk), robust=True)
    return message
