import smtplib
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from pytest_django.fixtures import Settings

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.notifications.channels import smtp_delivery_error
from dermadesk.notifications.delivery import (
    Delivery,
    Outcome,
    message_deliver,
    messages_requeue_stale,
    outbox_sweep,
)
from dermadesk.notifications.models import Channel, MessageStatus, OutboundMessage
from dermadesk.notifications.rendering import Clinic
from dermadesk.notifications.services import message_enqueue, message_retry
from dermadesk.notifications.sms import SentSms
from dermadesk.notifications.tests.conftest import NOW

CONTEXT = {"topic": "Prices and payment"}


def queue(clinic: Clinic, key: str = "contact:1:acknowledgement", **extra: Any) -> OutboundMessage:
    return message_enqueue(
        template="contact-acknowledgement",
        to="alex@example.com",
        context=CONTEXT,
        location=clinic,
        idempotency_key=key,
        now=NOW,
        **extra,
    )


@pytest.mark.django_db
def test_a_due_message_is_sent_once_with_its_idempotent_message_id(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    message = queue(clinic)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.SENT
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.SKIPPED
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.to == ["alex@example.com"]
    assert sent.reply_to == ["hello@example.com"]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, "")
    assert message.sent_at is not None


@pytest.mark.django_db
def test_the_message_id_is_the_same_on_every_attempt_and_differs_between_messages(
    clinic: Clinic,
) -> None:
    first = queue(clinic, "contact:1:acknowledgement")
    second = queue(clinic, "contact:2:acknowledgement")
    assert first.message_id == OutboundMessage.objects.get(pk=first.pk).message_id
    assert first.message_id != second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@dermadesk.invalid>")


@pytest.mark.django_db
def test_a_message_is_not_sent_before_it_is_due(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    message = queue(clinic, due_at=NOW + timedelta(hours=1))
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.SKIPPED
    assert not mailoutbox


@pytest.mark.django_db
def test_a_message_past_its_expiry_is_cancelled_not_sent(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    message = queue(clinic, expires_at=NOW - timedelta(minutes=1))
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.EXPIRED
    assert not mailoutbox
    assert OutboundMessage.objects.get().status == MessageStatus.CANCELLED


@pytest.mark.django_db
def test_a_cancelled_message_is_never_sent(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    message = queue(clinic)
    OutboundMessage.objects.update(status=MessageStatus.CANCELLED)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.SKIPPED
    assert not mailoutbox


def _refusing_mailer(settings: Settings) -> None:
    # Port 1 on the loopback: nothing listens, every connection is refused at once.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }


@pytest.mark.django_db
def test_an_unreachable_mail_server_means_trying_again_later(
    clinic: Clinic, settings: Settings
) -> None:
    _refusing_mailer(settings)
    message = queue(clinic)
    delivery = message_deliver(message_id=message.pk, now=NOW)
    assert delivery == Delivery(Outcome.RETRY, NOW + timedelta(seconds=30))
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.due_at == NOW + timedelta(seconds=30)
    assert "ConnectionRefusedError" in message.last_error
    # The next attempt waits twice as long.
    later = NOW + timedelta(seconds=30)
    assert message_deliver(message_id=message.pk, now=later).retry_at == later + timedelta(
        seconds=60
    )


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_is_marked_failed(
    clinic: Clinic, settings: Settings
) -> None:
    _refusing_mailer(settings)
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    message = queue(clinic)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.RETRY
    later = NOW + timedelta(minutes=1)
    assert message_deliver(message_id=message.pk, now=later).outcome == Outcome.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)


@pytest.mark.django_db
def test_a_message_given_up_on_raises_an_alert_that_trying_again_resolves(
    clinic: Clinic, settings: Settings
) -> None:
    _refusing_mailer(settings)
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    message = queue(clinic)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.FAILED
    [alert] = Alert.objects.all()
    assert alert.kind == AlertKind.MESSAGE_FAILED
    assert alert.what.startswith(
        "The email “Contact form: acknowledgement to sender” to alex@example.com could not be "
        "sent after 1 attempt ("
    )
    assert alert.link == f"/admin/notifications/outboundmessage/{message.pk}/change/"
    assert message_retry(message_id=message.pk, now=NOW + timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.resolved_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), False),
        (smtplib.SMTPSenderRefused(553, b"sender rejected", "clinic@example.com"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), True),
    ],
)
def test_smtp_errors_say_whether_a_retry_can_help(error: Exception, retryable: bool) -> None:
    assert smtp_delivery_error(error).retryable is retryable


REMINDER = {
    "patient_name": "Alex",
    "service_name": "Micro-Needling",
    "starts_at": NOW + timedelta(days=1),
    "manage_url": "https://clinic.example/m/",
}


def queue_sms(clinic: Clinic) -> OutboundMessage:
    return message_enqueue(
        template="booking-reminder-24h",
        to="+12175550100",
        channel=Channel.SMS,
        sms_agreed=True,
        context=REMINDER,
        location=clinic,
        idempotency_key="booking:1:0:sms-24h",
        now=NOW,
    )


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once(clinic: Clinic, settings: Settings) -> None:
    settings.SMS_BACKEND = "dermadesk.notifications.sms.DisabledSmsBackend"
    message = queue_sms(clinic)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.FAILED
    message.refresh_from_db()
    assert message.attempts == 1
    assert "No SMS provider" in message.last_error


@pytest.mark.django_db
def test_text_messages_go_through_the_sms_backend(
    clinic: Clinic, sms_outbox: list[SentSms]
) -> None:
    message = queue_sms(clinic)
    assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.SENT
    assert [(sms.to, sms.idempotency_key) for sms in sms_outbox] == [
        ("+12175550100", "booking:1:0:sms-24h")
    ]
    assert "Thursday 26 November 2026 at 2:00 p.m. CST" in sms_outbox[0].body


@pytest.mark.django_db
def test_a_message_left_sending_by_a_dead_worker_is_put_back_after_the_timeout(
    clinic: Clinic, settings: Settings, mailoutbox: list[mail.EmailMessage]
) -> None:
    settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = 600
    message = queue(clinic)
    OutboundMessage.objects.update(status=MessageStatus.SENDING, attempts=1, claimed_at=NOW)
    assert messages_requeue_stale(now=NOW + timedelta(seconds=599)) == 0
    assert messages_requeue_stale(now=NOW + timedelta(seconds=601)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert "same Message-ID" in message.last_error
    assert outbox_sweep(now=NOW + timedelta(seconds=601)) == Counter({Outcome.SENT: 1})
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_the_sweep_delivers_a_message_whose_task_was_lost(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    queue(clinic, "contact:1:acknowledgement")
    queue(clinic, "contact:2:acknowledgement", due_at=NOW + timedelta(days=1))
    # No task was ever enqueued (no on_commit in this test): only the sweep can send them.
    assert outbox_sweep(now=NOW) == Counter({Outcome.SENT: 1})
    assert outbox_sweep(now=NOW + timedelta(days=1)) == Counter({Outcome.SENT: 1})
    assert outbox_sweep(now=NOW + timedelta(days=2)) == Counter()
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_message_send_it_once(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    message = queue(clinic)
    racers = 8
    barrier = threading.Barrier(racers)
    outcomes: Counter[Outcome] = Counter()
    lock = threading.Lock()

    def race() -> None:
        try:
            barrier.wait()
            outcome = message_deliver(message_id=message.pk, now=NOW).outcome
            with lock:
                outcomes[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == Counter({Outcome.SENT: 1, Outcome.SKIPPED: racers - 1})
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_calendar_file_goes_out_attached(
    clinic: Clinic, mailoutbox: list[mail.EmailMessage]
) -> None:
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    message = queue(
        clinic, attachments=[{"filename": "visit.ics", "content": ics, "mimetype": "text/calendar"}]
    )
    message_deliver(message_id=message.pk, now=NOW)
    assert [(a.filename, a.mimetype) for a in mailoutbox[0].attachments] == [
        ("visit.ics", "text/calendar")
    ]


@pytest.mark.django_db
def test_the_message_id_takes_the_senders_domain_even_with_a_display_name(
    clinic: Clinic, settings: Settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Dermadesk Skin Clinic <clinic@clinic.example>"
    assert queue(clinic).message_id.endswith("@clinic.example>")
