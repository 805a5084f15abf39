"""Raising and resolving alerts.

``alert_raise`` is called *inside* the producer's transaction (the late change request, the
waitlist sweep, the outbox giving up), so the alert exists exactly when what it reports does.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from dermadesk.alerts.models import WHAT_MAX_LENGTH, Alert, AlertKind


class AlertNotFound(LookupError):
    """No alert with that id."""


def alert_raise(
    *,
    kind: AlertKind,
    about: str,
    what: str,
    link: str = "",
    patient_id: int | None = None,
    now: datetime | None = None,
) -> Alert:
    """Open an alert about ``about``; the one already open about it is returned unchanged.

    Call it inside the transaction of the event it reports. ``what`` says it for the staff
    (cut to fit); ``link`` is a path of this site where they act on it; ``patient_id`` names
    the patient whose details ``what`` gives (showing the alert is audited against them).
    """
    if not about:
        raise ValueError("Say what the alert is about, e.g. 'booking:42:3'.")
    if link and not link.startswith("/"):
        raise ValueError("An alert links to a page of this site: give its path.")
    open_now = Alert.objects.filter(kind=kind, about=about, resolved_at__isnull=True)
    existing = open_now.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent raise may win the insert
            return Alert.objects.create(
                kind=kind,
                about=about,
                what=what[:WHAT_MAX_LENGTH],
                link=link,
                patient_id=patient_id,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        return open_now.get()


def alert_resolve(*, alert_id: int, by: User, now: datetime) -> tuple[Alert, bool]:
    """Mark the alert resolved by ``by``; the alert, and False when it was resolved already.

    Raises ``AlertNotFound`` when there is no such alert.
    """
    with transaction.atomic(durable=True):
        resolved = Alert.objects.filter(pk=alert_id, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=by
        )
        alert = Alert.objects.select_related("resolved_by").filter(pk=alert_id).first()
    if alert is None:
        raise AlertNotFound(f"There is no alert {alert_id}.")
    return alert, bool(resolved)


def moment_in_words(instant: datetime, zone: ZoneInfo) -> str:
    """ "Thursday 26 November 2026 at 9:30 a.m. CST": how an alert names a time."""
    local = instant.astimezone(zone)
    return f"{dateformat.format(local, 'l j F Y')} at {dateformat.format(local, 'g:i a T')}"


def day_in_words(day: date) -> str:
    """ "Thursday 26 November 2026"."""
    return dateformat.format(day, "l j F Y")


def alerts_resolve_about(*, kind: AlertKind, about: str, now: datetime) -> int:
    """Resolve the open alert about ``about`` because what it reported was dealt with
    elsewhere (a failed message sent again); how many (0 or 1). ``resolved_by`` stays empty."""
    return Alert.objects.filter(kind=kind, about=about, resolved_at__isnull=True).update(
        resolved_at=now
    )
