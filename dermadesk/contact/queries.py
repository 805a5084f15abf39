"""Reading the contact inbox for the staff: the list, its counts, the thread, who may be given
a message, and (for the reports) which messages were followed by a booking."""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Lower

from dermadesk.contact.models import ContactMessage, ContactNote, ContactStatus
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking
from dermadesk.staff.monthly import first_after
from dermadesk.staff.reports import BOOKED
from dermadesk.staff.roles import GRANTS, Action, Role

INBOX_PAGE_SIZE = 50


class Shown(StrEnum):
    """Which messages the inbox list shows."""

    OPEN = "open"
    NEW = ContactStatus.NEW.value
    IN_PROGRESS = ContactStatus.IN_PROGRESS.value
    ANSWERED = ContactStatus.ANSWERED.value
    SPAM = ContactStatus.SPAM.value
    ALL = "all"


SHOWN_LABELS: Mapping[Shown, str] = {
    Shown.OPEN: "Waiting for us (new and in progress)",
    Shown.NEW: "New",
    Shown.IN_PROGRESS: "In progress",
    Shown.ANSWERED: "Answered",
    Shown.SPAM: "Spam",
    Shown.ALL: "All but spam",
}

_STATUSES: Mapping[Shown, tuple[str, ...]] = {
    Shown.OPEN: (ContactStatus.NEW, ContactStatus.IN_PROGRESS),
    Shown.ALL: (ContactStatus.NEW, ContactStatus.IN_PROGRESS, ContactStatus.ANSWERED),
}


def inbox_messages(*, shown: Shown, assignee: User | None = None) -> QuerySet[ContactMessage]:
    """The messages of one tab of the inbox, newest first; only ``assignee``'s when given.

    The list shows who wrote, about what, when, the status and who has it: never the text.
    """
    statuses = _STATUSES.get(shown, (shown.value,))
    messages = ContactMessage.objects.filter(status__in=statuses)
    if assignee is not None:
        messages = messages.filter(assignee=assignee)
    return (
        messages.select_related("assignee")
        .only("name", "topic", "status", "created_at", "assignee__first_name",
              "assignee__last_name", "assignee__username")
        .order_by("-created_at", "-pk")
    )  # fmt: skip


def inbox_counts(*, assignee: User | None = None) -> dict[Shown, int]:
    """How many messages each tab holds (one query)."""
    messages = ContactMessage.objects.all()
    if assignee is not None:
        messages = messages.filter(assignee=assignee)
    by_status = dict(
        messages.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    counts = {shown: by_status.get(shown.value, 0) for shown in Shown if shown not in _STATUSES}
    for shown, statuses in _STATUSES.items():
        counts[shown] = sum(by_status.get(status, 0) for status in statuses)
    return counts


def inbox_thread(message_id: int) -> ContactMessage | None:
    """One message with its assignee and its history (notes and replies, oldest first, with
    their authors): two queries."""
    notes = ContactNote.objects.select_related("author").order_by("created_at", "pk")
    return (
        ContactMessage.objects.select_related("assignee")
        .prefetch_related(Prefetch("notes", queryset=notes))
        .filter(pk=message_id)
        .first()
    )


def inbox_roles() -> list[str]:
    """The names of the groups whose role includes the inbox."""
    return [role.value for role in Role if Action.INBOX in GRANTS[role]]


def inbox_staff() -> QuerySet[User]:
    """Who may be given a message: active staff members whose role includes the inbox."""
    return (
        User.objects.filter(is_active=True, is_staff=True, groups__name__in=inbox_roles())
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def contact_conversions(*, start: datetime, end: datetime) -> list[tuple[datetime, int | None]]:
    """Each contact message received in [start, end) (spam left out), with the location of
    the first booking made afterwards by a patient with the sender's email address (in any
    case), or None when they have booked nothing since. Two queries: the messages, and the
    bookings since ``start`` of the patients with those addresses (found through the index
    on lower(email)); ``monthly.first_after`` pairs them."""
    messages = (
        ContactMessage.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=ContactStatus.SPAM)
        .annotate(sender=Lower("email"))
    )
    senders = Patient.objects.annotate(address=Lower("email")).filter(
        address__in=messages.values("sender")
    )
    bookings = (
        Booking.objects.filter(patient__in=senders, created_at__gte=start, status__in=BOOKED)
        .annotate(address=Lower("patient__email"))
        .order_by("created_at", "pk")
        .values_list("address", "created_at", "location_id")
    )
    return first_after(messages.values_list("created_at", "sender"), bookings)
