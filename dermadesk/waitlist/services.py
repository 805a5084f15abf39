"""Joining the waitlist, offering freed times to it, and tidying it up.

When time frees (a cancellation, a move, a hold or an offer that ran out) the waiting
entries are taken oldest first: each gets the earliest free start that suits it, held for
``WAITLIST_OFFER_HOURS`` and offered by email with a private link that books it through
the usual steps. An offer not taken in time lapses and the time goes to the next entry.
Entries end with their last day.
"""

import logging
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from dermadesk.clinic.models import Location
from dermadesk.notifications.models import TemplateKey
from dermadesk.notifications.services import message_enqueue
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    ResourceKind,
    Service,
)
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.services import SchedulingError, booking_hold, release_expired_holds
from dermadesk.scheduling.signals import BookingChange
from dermadesk.waitlist.matching import Candidate, Wish, first_suitable
from dermadesk.waitlist.models import EntryStatus, WaitlistEntry

logger = logging.getLogger(__name__)
OFFER_SALT = "dermadesk.waitlist.offer"
OFFER_MAX_AGE = timedelta(days=2)


class WaitlistError(Exception):
    """A waitlist request that cannot be carried out; the message is fit for a patient."""


def offer_token(entry: WaitlistEntry) -> str:
    return signing.TimestampSigner(salt=OFFER_SALT).sign(str(entry.public_id))


def entry_from_token(token: str) -> WaitlistEntry | None:
    try:
        public_id = signing.TimestampSigner(salt=OFFER_SALT).unsign(token, max_age=OFFER_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        WaitlistEntry.objects.select_related("offered", "service", "location")
        .filter(public_id=public_id)
        .first()
    )


def waitlist_join(
    *,
    service: Service,
    location: Location,
    given_name: str,
    family_name: str,
    email: str,
    phone: str,
    first_day: date,
    last_day: date,
    parts_of_day: list[str],
    clinician_id: int | None,
    now: datetime,
) -> WaitlistEntry:
    """Put a patient on the waitlist and tell them so, in one transaction."""
    today = now.astimezone(location.zone).date()
    if last_day < first_day:
        raise WaitlistError("The last day must be on or after the first day.")
    if last_day < today:
        raise WaitlistError("Please choose days from today on.")
    if (last_day - today).days > service.horizon_days:  # so first_day is within it too
        raise WaitlistError(f"Please choose days within the next {service.horizon_days} days.")
    with transaction.atomic(durable=True):
        entry = WaitlistEntry.objects.create(
            location=location, service=service, given_name=given_name,
            family_name=family_name, email=email, phone=phone,
            first_day=max(first_day, today), last_day=last_day, parts_of_day=parts_of_day,
            clinician_id=clinician_id, created_at=now,
        )  # fmt: skip
        message_enqueue(
            template=TemplateKey.WAITLIST_JOINED,
            to=email,
            context={
                "patient_name": given_name,
                "service_name": service.name,
                "first_day": entry.first_day,
                "last_day": entry.last_day,
                "offer_hours": settings.WAITLIST_OFFER_HOURS,
            },
            location=location,
            idempotency_key=f"waitlist:{entry.pk}:joined",
            now=now,
        )
        transaction.on_commit(partial(_offer_soon, location.pk), robust=True)
    return entry


def _offer_soon(location_id: int) -> None:
    """Look for a time for the waitlist in the background (the worker runs it)."""
    from dermadesk.waitlist.tasks import offer_freed_times

    offer_freed_times.enqueue(location_id)


def _wish(entry: WaitlistEntry) -> Wish:
    return Wish(
        first_day=entry.first_day,
        last_day=entry.last_day,
        parts=frozenset(entry.parts_of_day),
        clinician=str(entry.clinician_id) if entry.clinician_id else None,
    )


def _candidates(entry: WaitlistEntry, now: datetime) -> list[Candidate]:
    zone = entry.location.zone
    today = now.astimezone(zone).date()
    start = datetime.combine(max(entry.first_day, today), time(0), tzinfo=zone)
    end = datetime.combine(entry.last_day + timedelta(days=1), time(0), tzinfo=zone)
    preferences = (
        [
            Preference(role.name, str(entry.clinician_id), required=True)
            for role in entry.service.roles.filter(kind=ResourceKind.PROVIDER)
        ]
        if entry.clinician_id
        else []
    )
    slots = available_slots(
        service=entry.service, location=entry.location, start=start, end=end, now=now,
        preferences=preferences,
    )  # fmt: skip
    return [Candidate(slot.start, tuple(slot.assignment.values())) for slot in slots]


def _offer(entry: WaitlistEntry, now: datetime) -> bool:
    """Hold the earliest suitable free time for ``entry`` and email the offer; True if made."""
    candidate = first_suitable(_wish(entry), _candidates(entry, now), entry.location.zone)
    if candidate is None:
        return False
    try:
        held = booking_hold(
            service=entry.service, location=entry.location, start=candidate.start, now=now,
            channel=BookingChannel.WEB,
            hold_for=timedelta(hours=settings.WAITLIST_OFFER_HOURS),
        )  # fmt: skip
    except SchedulingError:
        return False  # taken between the read and the hold: the next sweep tries again
    with transaction.atomic(durable=True):
        claimed = WaitlistEntry.objects.filter(pk=entry.pk, status=EntryStatus.WAITING).update(
            status=EntryStatus.OFFERED, offered=held, updated_at=now
        )
        if not claimed:  # another worker offered this entry a time meanwhile
            Booking.objects.filter(pk=held.pk).update(hold_expires_at=now)
            return False
        message_enqueue(
            template=TemplateKey.WAITLIST_OFFER,
            to=entry.email,
            context={
                "patient_name": entry.given_name,
                "service_name": entry.service.name,
                "starts_at": held.starts_at,
                "offer_url": settings.SITE_URL
                + reverse("booking:offer", args=[offer_token(entry)]),
                "expires_at": held.hold_expires_at,
            },
            location=entry.location,
            idempotency_key=f"waitlist:{entry.pk}:offer:{held.pk}",
            expires_at=held.hold_expires_at,
            now=now,
        )
    return True


def waitlist_offer(*, location: Location, now: datetime) -> int:
    """Offer free times to the waiting entries of ``location``, oldest first; how many."""
    offered = 0
    waiting = WaitlistEntry.objects.select_related("service", "location").filter(
        location=location,
        status=EntryStatus.WAITING,
        last_day__gte=now.astimezone(location.zone).date(),
    )
    for entry in waiting.order_by("created_at", "pk"):
        offered += _offer(entry, now)
    return offered


def waitlist_sweep(*, now: datetime) -> dict[str, int]:
    """End entries whose days are over, lapse offers not taken in time, offer what is free."""
    release_expired_holds(now=now)
    locations = list(Location.objects.all())
    counts = {"expired": 0, "lapsed": 0, "offered": 0}
    for location in locations:
        today = now.astimezone(location.zone).date()
        counts["expired"] += WaitlistEntry.objects.filter(
            location=location,
            status__in=(EntryStatus.WAITING, EntryStatus.OFFERED),
            last_day__lt=today,
        ).update(status=EntryStatus.EXPIRED, updated_at=now)
    counts["lapsed"] = WaitlistEntry.objects.filter(
        status=EntryStatus.OFFERED, offered__status=BookingStatus.EXPIRED
    ).update(status=EntryStatus.LAPSED, updated_at=now)
    for location in locations:
        counts["offered"] += waitlist_offer(location=location, now=now)
    return counts


def on_booking_changed(*, booking: Booking, change: BookingChange, now: datetime, **_: Any) -> None:
    """A taken offer books its entry; a cancellation or a move frees time for the waitlist."""
    if change == BookingChange.CONFIRMED:
        WaitlistEntry.objects.filter(offered=booking, status=EntryStatus.OFFERED).update(
            status=EntryStatus.BOOKED, updated_at=now
        )
        return
    if WaitlistEntry.objects.filter(location=booking.location, status=EntryStatus.WAITING).exists():
        transaction.on_commit(partial(_offer_soon, booking.location_id), robust=True)
