"""Selectors: what the outbox holds, for staff and operations."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from dermadesk.notifications.models import MessageStatus, OutboundMessage


@dataclass(frozen=True)
class OutboxCounts:
    by_status: dict[str, int]
    due_now: int
    oldest_due_at: datetime | None

    @property
    def queued(self) -> int:
        return self.by_status[MessageStatus.PENDING] + self.by_status[MessageStatus.SENDING]


def outbox_counts(*, now: datetime) -> OutboxCounts:
    """How many messages are in each state, and how late the oldest waiting one is. 2 queries."""
    by_status = dict.fromkeys(MessageStatus.values, 0)
    rows = OutboundMessage.objects.values_list("status").annotate(count=Count("pk")).order_by()
    for status, count in rows:
        by_status[status] = count
    due = OutboundMessage.objects.filter(status=MessageStatus.PENDING, due_at__lte=now).aggregate(
        count=Count("pk"), oldest=Min("due_at")
    )
    return OutboxCounts(by_status=by_status, due_now=due["count"], oldest_due_at=due["oldest"])
