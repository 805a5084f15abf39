"""The contact form posted 100 times at once, through real separate database connections."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from dermadesk.contact.models import ContactMessage
from dermadesk.contact.tests.conftest import VALID
from dermadesk.notifications.delivery import outbox_sweep
from dermadesk.notifications.models import MessageStatus, OutboundMessage, TemplateKey

POSTS = 100
# PostgreSQL allows 100 connections by default: 20 threads (each its own connection) share
# the 100 posts, all released at once.
THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_a_hundred_concurrent_messages_are_all_stored_and_acknowledged(
    mailoutbox: list[mail.EmailMessage],
) -> None:
    call_command("demo", verbosity=0)
    barrier = threading.Barrier(THREADS)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def sender(thread: int) -> None:
        client = Client()
        try:
            barrier.wait()
            for number in range(thread, POSTS, THREADS):
                response = client.post(
                    "/contact/send/",
                    {**VALID, "email": f"sender{number}@example.com", "message": f"Note {number}"},
                    # A different address each: the per-address limit is not what is tested.
                    REMOTE_ADDR=f"198.51.100.{number}",
                )
                with lock:
                    statuses[response.status_code] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == Counter({303: POSTS})
    assert ContactMessage.objects.count() == POSTS
    assert OutboundMessage.objects.count() == 2 * POSTS
    assert DBTaskResult.objects.ready().count() == 2 * POSTS

    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="contact-test", excluded_queue_names=[],
    ).run()  # fmt: skip
    outbox_sweep(now=timezone.now())

    acknowledgements = [m for m in mailoutbox if m.to != ["hello@example.com"]]
    notices = [m for m in mailoutbox if m.to == ["hello@example.com"]]
    assert sorted(m.to[0] for m in acknowledgements) == sorted(
        f"sender{n}@example.com" for n in range(POSTS)
    )
    assert len(notices) == POSTS
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 2 * POSTS
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert (
        OutboundMessage.objects.filter(template_key=TemplateKey.CONTACT_ACKNOWLEDGEMENT).count()
        == POSTS
    )
    print(
        f"\ncontact storm: {POSTS} posts, {ContactMessage.objects.count()} stored, "
        f"{len(acknowledgements)} acknowledgements, {len(notices)} staff notices, "
        f"{POSTS - len(acknowledgements)} lost"
    )
