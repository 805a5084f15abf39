"""Background tasks (Django's tasks framework, run by ``manage.py db_worker``).

One task per message, enqueued when the transaction that queued the message commits, and
deferred to the message's due time. A temporary failure enqueues the next attempt at its
backoff time. Tasks are only the fast path: if one is lost (its worker killed, the enqueue
itself failed), the periodic sweep (``manage.py send_due_messages``) delivers the message.
"""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from dermadesk.notifications.delivery import message_deliver


@task()
def deliver_message(message_id: int) -> str:
    delivery = message_deliver(message_id=message_id, now=timezone.now())
    if delivery.retry_at is not None:
        schedule_delivery(message_id, at=delivery.retry_at)
    return delivery.outcome.value


def schedule_delivery(message_id: int, *, at: datetime | None = None) -> None:
    """Enqueue the delivery task, to run at ``at`` (now when ``None`` or past)."""
    if at is None or at <= timezone.now():
        deliver_message.enqueue(message_id)
    else:
        deliver_message.using(run_after=at).enqueue(message_id)
