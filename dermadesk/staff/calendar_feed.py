"""Each clinician's private calendar feed: made, given a new address and stopped from their
own account page; fetched by their calendar app at ``/feeds/<secret>.ics``, without signing in.

Only a staff member linked to a provider in the calendar (``Resource.staff_member``) has a
feed, and it answers only while they are active staff with a role: a clinician who leaves
(deactivated, or their roles taken away) or is unlinked stops being served at once. It
lists the visits they are the clinician of, from ``CALENDAR_FEED_PAST_DAYS`` ago to
``CALENDAR_FEED_AHEAD_DAYS`` ahead, in their location's zone: the treatment, the room and
(``CALENDAR_FEED_INITIALS``) the patient's initials; no health information, name, contact
detail or date of birth.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch, Q

from dermadesk.checkout.course import session_label
from dermadesk.checkout.ics import CalendarVisit, calendar_feed
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingStatus,
    Resource,
    ResourceKind,
)
from dermadesk.staff.feed import (
    RECORD_FETCH_EVERY,
    feed_digest,
    feed_window,
    initials,
    new_feed_secret,
    visit_summary,
)
from dermadesk.staff.models import CalendarFeed
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action

# Visits that happen or happened; held times are not visits yet, cancelled ones drop out.
FEED_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)
REFRESH = timedelta(hours=1)


class FeedRefused(Exception):
    """This staff member cannot have a calendar feed; the message says why."""


def feed_provider(user: User) -> Resource | None:
    """The provider in the calendar that this staff member is, if any."""
    return (
        Resource.objects.select_related("location")
        .filter(staff_member=user, kind=ResourceKind.PROVIDER)
        .first()
    )


def calendar_feed_issue(*, user: User, now: datetime) -> str:
    """Make the staff member's feed, or give it a new address; the secret is returned to be
    shown once. The address before stops working at once."""
    if feed_provider(user) is None:
        raise FeedRefused(
            "A calendar feed lists a clinician's visits, and your account is not linked to a "
            "clinician in the calendar. A manager can link it in the admin (Resources)."
        )
    secret, digest = new_feed_secret()
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"digest": digest, "created_at": now, "last_fetched_at": None}
    )
    return secret


def calendar_feed_stop(*, user: User) -> bool:
    """Stop the staff member's feed (its address no longer works); False if they had none."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def calendar_feed_owner(*, secret: str, now: datetime) -> Resource | None:
    """The provider whose feed ``secret`` opens, the fetch noted; None if it opens nothing.

    The secret is found by its digest (an index lookup: nothing secret is compared by hand).
    """
    digest = feed_digest(secret)
    if digest is None:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(digest=digest).first()
    if feed is None or not may(feed.user, Action.CALENDAR_VIEW):
        return None
    provider = feed_provider(feed.user)
    if provider is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - RECORD_FETCH_EVERY)
    ).update(last_fetched_at=now)
    return provider


def _visit(booking: Booking, *, show_initials: bool) -> CalendarVisit:
    patient = booking.patient
    who = initials(patient.given_name, patient.family_name) if patient and show_initials else ""
    rooms = [allocation.resource.name for allocation in booking.rooms]  # type: ignore[attr-defined]
    details = [f"{BookingStatus(booking.status).label}."]
    if booking.series is not None and booking.series_number is not None:
        details.insert(
            0, session_label(booking.series_number, booking.series.sessions_planned).capitalize()
        )
    return CalendarVisit(
        uid=f"{booking.public_id}-clinician@dermadesk",
        sequence=booking.sequence,
        start=booking.starts_at,
        end=booking.ends_at,
        zone=booking.location.zone,
        summary=visit_summary(booking.service.name, who),
        location=", ".join([*rooms, booking.location.name]),
        description=" ".join(details),
    )


def feed_ics(*, provider: Resource, now: datetime) -> bytes:
    """The provider's visits in the feed's window as an iCalendar file, in two queries."""
    start, end = feed_window(
        now,
        past_days=settings.CALENDAR_FEED_PAST_DAYS,
        ahead_days=settings.CALENDAR_FEED_AHEAD_DAYS,
    )
    rooms = Allocation.objects.filter(resource__kind=ResourceKind.ROOM).select_related("resource")
    bookings = (
        Booking.objects.filter(
            allocations__resource=provider,
            status__in=FEED_STATUSES,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("service", "location", "patient", "series")
        .prefetch_related(Prefetch("allocations", queryset=rooms, to_attr="rooms"))
        .order_by("starts_at", "pk")
    )
    show = settings.CALENDAR_FEED_INITIALS
    return calendar_feed(
        [_visit(booking, show_initials=show) for booking in bookings],
        name=f"{provider.name} · {settings.SITE_NAME}",
        zone=provider.location.zone,
        span=(start.date() - timedelta(days=1), end.date() + timedelta(days=1)),
        stamp=now,
        refresh=REFRESH,
    )
