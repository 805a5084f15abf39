"""One class per way of reaching someone. Each raises ``DeliveryError`` saying whether a retry
can help: a mail server that is down or busy (no connection, a timeout, a 4xx reply) may be
fine later; a 5xx reply about the recipient will not change by itself.
"""

import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from dermadesk.notifications.errors import DeliveryError
from dermadesk.notifications.models import Channel, OutboundMessage
from dermadesk.notifications.redaction import server_reply, without_addresses
from dermadesk.notifications.sms import sms_backend

# The MAILERS alias the clinic's messages go through.
MAILER = "default"


class DeliveryChannel(Protocol):
    def send(self, message: OutboundMessage) -> None: ...


def _reason(error: BaseException, detail: str | None = None) -> str:
    """The error's class and what the server said, without any address (it is logged)."""
    said = without_addresses(str(error)) if detail is None else detail
    return f"{type(error).__name__}: {said}"[:500]


def smtp_delivery_error(error: Exception) -> DeliveryError:
    """What an exception from the SMTP backend means for trying again.

    The reason never names the recipient: ``SMTPRecipientsRefused`` is keyed by the
    addresses and servers quote them in their replies, so only the reply codes and texts
    are kept, with every address replaced (``redaction``).
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        temporary = bool(replies) and all(400 <= code < 500 for code, _ in replies)
        said = "; ".join(server_reply(code, reply) for code, reply in replies)
        return DeliveryError(_reason(error, said), retryable=temporary)
    if isinstance(error, smtplib.SMTPResponseException):
        said = server_reply(error.smtp_code, error.smtp_error)
        # Wrong credentials are fixed by staff, after which the waiting messages should go.
        retryable = isinstance(error, smtplib.SMTPAuthenticationError) or not (
            500 <= error.smtp_code < 600
        )
        return DeliveryError(_reason(error, said), retryable=retryable)
    # Refused or dropped connections, timeouts, DNS: the server may be back soon.
    return DeliveryError(_reason(error), retryable=True)


class EmailChannel:
    """Email through Django's default mailer (MAILERS["default"]): SMTP, console or file."""

    def send(self, message: OutboundMessage) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text_body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
            headers={
                # The same on every attempt: a copy sent again after a crash carries the
                # same Message-ID, which mail systems use to recognise it.
                "Message-ID": message.message_id,
                "Auto-Submitted": "auto-generated",
            },
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for attachment in message.attachments:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        try:
            email.send(using=MAILER)
        except (smtplib.SMTPException, OSError) as error:
            raise smtp_delivery_error(error) from error


class SmsChannel:
    """Text messages through the backend named by ``SMS_BACKEND``."""

    def send(self, message: OutboundMessage) -> None:
        sms_backend().send(
            to=message.recipient, body=message.text_body, idempotency_key=message.idempotency_key
        )


def channel_for(channel: str) -> DeliveryChannel:
    if channel == Channel.SMS:
        return SmsChannel()
    return EmailChannel()
