"""Faults produced for real: a mail server that is down, a worker killed in the middle of a batch.

Each test counts, from what a real SMTP server (aiosmtpd) received, the messages queued,
delivered, duplicated and lost, and prints the figures (``pytest -s`` shows them).
"""

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from dermadesk.notifications.delivery import outbox_sweep
from dermadesk.notifications.models import MessageStatus, OutboundMessage
from dermadesk.notifications.rendering import Clinic
from dermadesk.notifications.services import message_enqueue
from dermadesk.notifications.tests.conftest import NOW, database_url
from dermadesk.notifications.tests.smtp_sink import SmtpSink, Stall

ROOT = Path(__file__).resolve().parents[3]


def queue_messages(clinic: Clinic, count: int) -> None:
    """``count`` acknowledgements, each in its own committed transaction (as a request would)."""
    for number in range(count):
        with transaction.atomic():
            message_enqueue(
                template="contact-acknowledgement",
                to=f"patient{number}@example.com",
                context={"topic": "Prices and payment"},
                location=clinic,
                idempotency_key=f"fault-test:{number}",
            )


def run_worker_batch() -> None:
    """The db_worker loop, in this process: every task that is ready, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="fault-test",
        excluded_queue_names=[],
    ).run()


def figures(sink: SmtpSink, queued: int) -> dict[str, int]:
    copies = sink.copies_by_message_id()
    expected = {message.message_id for message in OutboundMessage.objects.all()}
    figures = {
        "queued": queued,
        "delivered": len(expected & set(copies)),
        "duplicated": sum(count - 1 for count in copies.values()),
        "lost": len(expected - set(copies)),
        "unexpected": len(set(copies) - expected),
    }
    print(f"\nfault-test figures: {figures}")
    return figures


@pytest.mark.django_db(transaction=True)
def test_messages_wait_while_the_mail_server_is_down_then_go_out_once_each(
    clinic: Clinic, settings: Settings
) -> None:
    queued = 20
    sink = SmtpSink()  # not started yet: its port refuses every connection
    settings.MAILERS = {"default": sink.mailer()}
    with time_machine.travel(NOW, tick=True) as clock:
        queue_messages(clinic, queued)
        run_worker_batch()
        waiting = OutboundMessage.objects.filter(status=MessageStatus.PENDING, attempts=1)
        assert waiting.count() == queued
        assert "ConnectionRefusedError" in waiting.first().last_error  # type: ignore[union-attr]

        clock.shift(timedelta(seconds=31))  # first retry: the server is still down
        run_worker_batch()
        assert OutboundMessage.objects.filter(attempts=2, status=MessageStatus.PENDING).count() == (
            queued
        )
        assert not sink.received

        sink.start()
        try:
            clock.shift(timedelta(seconds=61))  # second retry: the server is back
            run_worker_batch()
            # Much later, the workers and the sweep find nothing more to send.
            clock.shift(timedelta(hours=3))
            run_worker_batch()
            outbox_sweep(now=timezone.now())
        finally:
            sink.stop()
    assert figures(sink, queued) == {
        "queued": queued, "delivered": queued, "duplicated": 0, "lost": 0, "unexpected": 0,
    }  # fmt: skip
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {
        (MessageStatus.SENT, 3)
    }


def subprocess_env(sink: SmtpSink) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "dermadesk.settings",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": "tests-only-not-secret",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_TIMEOUT": "5",
        "LOG_LEVEL": "ERROR",
    }


def manage(*arguments: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *arguments]


WORKER = manage(
    "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", "-v", "0"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "stage",
    [
        # Killed while the server waits for the 4th message: the server never had it.
        "rcpt",
        # Killed after the server stored the 4th message, before it said so: the one case
        # where nobody can know whether it went out.
        "accepted",
    ],
)
def test_a_worker_killed_mid_batch_leaves_every_message_delivered(
    stage: str, clinic: Clinic
) -> None:
    queued = 10
    sink = SmtpSink()
    sink.delay = 0.05
    sink.stall = Stall(ordinal=4, stage=stage, seconds=3)
    sink.start()
    try:
        queue_messages(clinic, queued)
        env = subprocess_env(sink)
        worker = subprocess.Popen(WORKER, cwd=ROOT, env=env)  # noqa: S603
        try:
            assert sink.stall.reached.wait(timeout=60), "the worker never reached message 4"
        finally:
            worker.kill()  # SIGKILL: no clean-up, no last write
            worker.wait(timeout=30)
        sink.stall = None
        sink.delay = 0

        statuses = Counter(OutboundMessage.objects.values_list("status", flat=True))
        assert statuses == {
            MessageStatus.SENT: 3,
            MessageStatus.SENDING: 1,
            MessageStatus.PENDING: 6,
        }
        # Its task stays "running" for ever in django-tasks-db: only the outbox knows better.
        assert DBTaskResult.objects.running().count() == 1

        # As if the sending timeout (10 minutes) had passed since the worker died.
        OutboundMessage.objects.filter(status=MessageStatus.SENDING).update(
            claimed_at=F("claimed_at") - timedelta(minutes=11)
        )
        sweep = subprocess.run(  # noqa: S603
            manage("send_due_messages"), cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120, check=True,
        )  # fmt: skip
        assert "7 sent" in sweep.stdout
        # The tasks left in the queue run too, and find nothing left to send.
        subprocess.run(WORKER, cwd=ROOT, env=env, timeout=120, check=True)  # noqa: S603
    finally:
        sink.stop()

    result = figures(sink, queued)
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == queued
    assert (result["queued"], result["delivered"], result["lost"]) == (queued, queued, 0)
    if stage == "rcpt":
        assert result["duplicated"] == 0
    else:
        # The copy carries the same Message-ID as the first: a mail system can drop it.
        assert result["duplicated"] == 1
        assert sorted(sink.copies_by_message_id().values())[-1] == 2
