"""`manage.py outbox_status`: how many messages wait, failed and went out."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dermadesk.notifications.models import MessageStatus
from dermadesk.notifications.queries import outbox_counts


class Command(BaseCommand):
    help = "Show how many outbox messages are queued, sent, failed and cancelled."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        counts = outbox_counts(now=now)
        for status in MessageStatus:
            self.stdout.write(f"{status.label:<20} {counts.by_status[status.value]:>7}")
        self.stdout.write(f"{'Queued in all':<20} {counts.queued:>7}")
        if counts.oldest_due_at is not None:
            late = int((now - counts.oldest_due_at).total_seconds())
            self.stdout.write(f"{counts.due_now} due now; the oldest has waited {late} seconds.")
