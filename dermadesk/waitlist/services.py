"""Joining the waitlist, confirming it, offering freed times to it, and tidying it up.

Joining emails a link to confirm the email address; only a confirmed entry is offered
times, and one not confirmed within ``WAITLIST_CONFIRM_HOURS`` lapses. One client address
and one email address may have at most ``WAITLIST_ENTRIES_PER_CLIENT`` open entries.

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
from django.db.models import QuerySet
from django.urls import reverse

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, day_in_words, moment_in_words
from dermadesk.clinic.models import Location
from dermadesk.limits.digests import email_digest
from dermadesk.limits.fair_use import has_room
from dermadesk.limits.locks import serialise_clients
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
from dermadesk.waitlist.models import OPEN_STATUSES, EntryStatus, WaitlistEntry

logger = logging.getLogger(__name__)
OFFER_SALT = "dermadesk.waitlist.offer"
OFFER_MAX_AGE = timedelta(days=2)
CONFIRM_SALT = "dermadesk.waitlist.confirm"


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


class WaitlistFull(WaitlistError):
    """This client or email address already has the most open entries allowed."""

    def __init__(self) -> None:
        limit = settings.WAITLIST_ENTRIES_PER_CLIENT
        places = "a place" if limit == 1 else f"{limit} places"
        super().__init__(
            f"You already have {places} on our waitlist (for this email address or from "
            "this connection), which is as many as one person can have at once. We will "
            "email you when a time is free; if you no longer need one of them, simply let "
            "it be and it will end after its last day."
        )


def confirm_token(entry: WaitlistEntry) -> str:
    """The private link's token that confirms ``entry``'s email address."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(entry.public_id))


def entry_to_confirm(token: str) -> WaitlistEntry | None:
    """The entry a confirmation token names, if the token is genuine and not too old."""
    try:
        public_id = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=timedelta(hours=settings.WAITLIST_CONFIRM_HOURS)
        )
    except signing.BadSignature:
        return None
    return (
        WaitlistEntry.objects.select_related("service", "location")
        .filter(public_id=public_id)
        .first()
    )


def _check_room(*, email: str, client: str) -> None:
    """Inside the transaction, the sender serialised: ``WaitlistFull`` past the limit."""
    limit = settings.WAITLIST_ENTRIES_PER_CLIENT
    open_entries = WaitlistEntry.objects.filter(status__in=OPEN_STATUSES)
    counted = [open_entries.filter(email__iexact=email)]
    if client:
        counted.append(open_entries.filter(client_digest=client))
    if not all(has_room(entries.count(), limit=limit) for entries in counted):
        raise WaitlistFull


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
    client: str = "",
) -> WaitlistEntry:
    """Put a patient on the waitlist, not yet confirmed, and email the link that confirms it.

    ``client``: a keyed digest of the sender's address (``limits.client.address_digest``);
    with the email address, it may have at most ``WAITLIST_ENTRIES_PER_CLIENT`` open
    entries (``WaitlistFull``, nothing written).
    """
    today = now.astimezone(location.zone).date()
    if last_day < first_day:
        raise WaitlistError("The last day must be on or after the first day.")
    if last_day < today:
        raise WaitlistError("Please choose days from today on.")
    if (last_day - today).days > service.horizon_days:  # so first_day is within it too
        raise WaitlistError(f"Please choose days within the next {service.horizon_days} days.")
    with transaction.atomic(durable=True):
        serialise_clients([email_digest(email), client], scope="waitlist")
        _check_room(email=email, client=client)
        entry = WaitlistEntry.objects.create(
            location=location, service=service, given_name=given_name,
            family_name=family_name, email=email, phone=phone,
            first_day=max(first_day, today), last_day=last_day, parts_of_day=parts_of_day,
            clinician_id=clinician_id, created_at=now, status=EntryStatus.PENDING,
            client_digest=client,
        )  # fmt: skip
        message_enqueue(
            template=TemplateKey.WAITLIST_CONFIRM,
            to=email,
            context={
                "patient_name": given_name,
                "service_name": service.name,
                "first_day": entry.first_day,
                "last_day": entry.last_day,
                "confirm_url": settings.SITE_URL
                + reverse("booking:waitlist-confirm", args=[confirm_token(entry)]),
                "confirm_hours": settings.WAITLIST_CONFIRM_HOURS,
            },
            location=location,
            idempotency_key=f"waitlist:{entry.pk}:confirm",
            now=now,
        )
    return entry


def waitlist_confirm(*, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """The patient confirmed the email address: the entry waits for times from now on.

    Confirming again changes nothing. ``WaitlistError`` when the entry lapsed unconfirmed
    or ended meanwhile.
    """
    with transaction.atomic(durable=True):
        confirmed = WaitlistEntry.objects.filter(pk=entry.pk, status=EntryStatus.PENDING).update(
            status=EntryStatus.WAITING, confirmed_at=now, updated_at=now
        )
        entry.refresh_from_db()
        if not confirmed:
            if entry.status in (EntryStatus.WAITING, EntryStatus.OFFERED, EntryStatus.BOOKED):
                return entry
            raise WaitlistError(
                "This waitlist place has ended, so there is nothing to confirm. You are "
                "welcome to join the waitlist again."
            )
        message_enqueue(
            template=TemplateKey.WAITLIST_JOINED,
            to=entry.email,
            context={
                "patient_name": entry.given_name,
                "service_name": entry.service.name,
                "first_day": entry.first_day,
                "last_day": entry.last_day,
                "offer_hours": settings.WAITLIST_OFFER_HOURS,
            },
            location=entry.location,
            idempotency_key=f"waitlist:{entry.pk}:joined",
            now=now,
        )
        transaction.on_commit(partial(_offer_soon, entry.location_id), robust=True)
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


def _call_back(entry: WaitlistEntry) -> str:
    return (
        "If they still want a visit, please call them: "
        f"{entry.phone or 'no phone given'}, {entry.email}."
    )


def _days(entry: WaitlistEntry) -> str:
    if entry.first_day == entry.last_day:
        return f"on {day_in_words(entry.first_day)}"
    return f"between {day_in_words(entry.first_day)} and {day_in_words(entry.last_day)}"


def _alert_ended(entry: WaitlistEntry, ended_as: EntryStatus, now: datetime) -> None:
    """The staff's alert for a confirmed entry that ended without a booking."""
    name = f"{entry.given_name} {entry.family_name}"
    link = reverse("admin:waitlist_waitlistentry_change", args=[entry.pk])
    if ended_as == EntryStatus.LAPSED and entry.offered is not None:
        alert_raise(
            kind=AlertKind.WAITLIST_OFFER_LAPSED,
            about=f"waitlist:{entry.pk}",
            what=(
                f"{name} was offered {entry.service.name} on "
                f"{moment_in_words(entry.offered.starts_at, entry.location.zone)} but did not "
                f"take it in time, so their waitlist place has ended. {_call_back(entry)}"
            ),
            link=link,
            now=now,
        )
        return
    alert_raise(
        kind=AlertKind.WAITLIST_NO_TIME,
        about=f"waitlist:{entry.pk}",
        what=(
            f"{name} waited for {entry.service.name} {_days(entry)}, and no time was found. "
            f"{_call_back(entry)}"
        ),
        link=link,
        now=now,
    )


def _entries_end(entries: QuerySet[WaitlistEntry], ended_as: EntryStatus, now: datetime) -> int:
    """End ``entries`` as ``ended_as``; an alert for each that was confirmed, in the same
    transaction. How many ended."""
    with transaction.atomic():
        ending = list(
            entries.select_for_update(of=("self",)).select_related("service", "location", "offered")
        )
        WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in ending]).update(
            status=ended_as, updated_at=now
        )
        for entry in ending:
            if entry.status != EntryStatus.PENDING:  # never confirmed: nobody to call back
                _alert_ended(entry, ended_as, now)
    return len(ending)


def waitlist_sweep(*, now: datetime) -> dict[str, int]:
    """End entries whose days are over, lapse entries never confirmed and offers not taken
    in time, offer what is free. A confirmed entry that ends without a booking raises an
    alert for the staff (they may call the patient)."""
    release_expired_holds(now=now)
    locations = list(Location.objects.all())
    counts = {"expired": 0, "unconfirmed": 0, "lapsed": 0, "offered": 0}
    for location in locations:
        today = now.astimezone(location.zone).date()
        counts["expired"] += _entries_end(
            WaitlistEntry.objects.filter(
                location=location, status__in=OPEN_STATUSES, last_day__lt=today
            ),
            EntryStatus.EXPIRED,
            now,
        )
    counts["unconfirmed"] = WaitlistEntry.objects.filter(
        status=EntryStatus.PENDING,
        created_at__lte=now - timedelta(hours=settings.WAITLIST_CONFIRM_HOURS),
    ).update(status=EntryStatus.UNCONFIRMED, updated_at=now)
    # The sender's digest counts only while the entry is open.
    WaitlistEntry.objects.exclude(status__in=OPEN_STATUSES).exclude(client_digest="").update(
        client_digest=""
    )
    counts["lapsed"] = _entries_end(
        WaitlistEntry.objects.filter(
            status=EntryStatus.OFFERED, offered__status=BookingStatus.EXPIRED
        ),
        EntryStatus.LAPSED,
        now,
    )
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
