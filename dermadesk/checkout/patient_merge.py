"""Merging two records of the same person, as one use-case: staff keep one record and the
other's visits, courses, screenings, consent signatures and open waitlist places move to it;
then the other record is removed. All of it in one durable transaction, audited, or nothing.

``merge_preview`` says what would move and what stops the merge, for the confirm page;
``patient_merge`` checks again with both records locked and refuses (``MergeRefused``, in
staff words) when:

- the two are one record, or either is gone;
- both have a visit to come at the same time (a person cannot be at both): one is cancelled
  or moved first;
- the record to remove has data of a kind this merge does not know how to move (a table
  added later that points to patients): nothing is lost by a merge that runs anyway.

Waitlist places keep contact details, not a record: the open places under the removed
record's email address take the kept record's email and phone, so offers reach the person
where the kept record says. The audit trail keeps every row under the patient number it had
when written (a merged record's looks stay findable by its old number).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db import models, transaction

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.checkout.course import clock_text, day_text
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.scheduling.models import Booking, BookingStatus, Series
from dermadesk.screening.models import ScreeningResponse
from dermadesk.waitlist.models import OPEN_STATUSES, WaitlistEntry

# Visits still to come: two of them at once for one person cannot both happen.
COMING = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)

# What moves, by the relation's name on ``Patient`` (the reverse accessor), in the words of
# the confirm page.
MOVED: dict[str, str] = {
    "bookings": "visits",
    "series": "courses",
    "screening_responses": "screenings",
    "consents": "consent signatures",
}


class MergeRefused(Exception):
    """The merge cannot be done; the message says why, for staff."""


@dataclass(frozen=True)
class MergePreview:
    kept: Patient
    removed: Patient
    moves: dict[str, int]
    """What moves to the kept record, in the page's words → how many."""
    conflicts: list[str] = field(default_factory=list)
    """Why the merge would be refused (empty: it can be done)."""

    @property
    def possible(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class MergeResult:
    kept: Patient
    removed_id: int
    moves: dict[str, int]


def _when(booking: Booking) -> str:
    local = booking.starts_at.astimezone(booking.location.zone)
    return f"{day_text(local)} {local.year} at {clock_text(local)} {local:%Z}"


def _overlaps(kept: Patient, removed: Patient) -> list[str]:
    coming = Booking.objects.filter(status__in=COMING).select_related("location", "service")
    ours = list(coming.filter(patient=kept))
    theirs = list(coming.filter(patient=removed))
    found = []
    for mine in ours:
        for other in theirs:
            if mine.starts_at < other.ends_at and other.starts_at < mine.ends_at:
                found.append(
                    f"Both records have a visit on {_when(mine)} ({mine.service.name} and "
                    f"{other.service.name}). One person cannot be at both: cancel or move one "
                    "of them first, then merge."
                )
    return found


def _unknown_relations(removed: Patient) -> list[str]:
    """Data of kinds this merge does not move, held by the record to remove."""
    found = []
    for relation in Patient._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor is None or accessor in MOVED:
            continue
        related: type[models.Model] = relation.related_model
        if related._default_manager.filter(**{relation.field.name: removed}).exists():
            found.append(
                f"The record to remove has {related._meta.verbose_name_plural} that a merge "
                "cannot move yet. Please ask the clinic's administrator."
            )
    return found


def _open_places(removed: Patient, kept: Patient) -> models.QuerySet[WaitlistEntry]:
    if removed.email.casefold() == kept.email.casefold():
        return WaitlistEntry.objects.none()
    return WaitlistEntry.objects.filter(email__iexact=removed.email, status__in=OPEN_STATUSES)


def _moves(removed: Patient, kept: Patient) -> dict[str, int]:
    counts = {words: getattr(removed, accessor).count() for accessor, words in MOVED.items()}
    counts["open waitlist places"] = _open_places(removed, kept).count()
    return counts


def merge_preview(*, kept: Patient, removed: Patient) -> MergePreview:
    """What merging ``removed`` into ``kept`` would move, and what stops it."""
    if kept.pk == removed.pk:
        return MergePreview(kept, removed, {}, ["These are the same record."])
    conflicts = _overlaps(kept, removed) + _unknown_relations(removed)
    return MergePreview(kept, removed, _moves(removed, kept), conflicts)


def _locked(ids: Sequence[int]) -> dict[int, Patient]:
    return {p.pk: p for p in Patient.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _move(rows: models.QuerySet, kept: Patient) -> None:  # type: ignore[type-arg]
    # One save per row, not update(): django-auditlog keeps each change with who made it.
    for row in rows.select_for_update().order_by("pk"):
        row.patient = kept
        row.save(update_fields=["patient"])


def patient_merge(
    *,
    kept_id: int,
    removed_id: int,
    actor: User,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> MergeResult:
    """Move everything of record ``removed_id`` to record ``kept_id`` and remove it, in one
    durable transaction with both records locked; write a MERGE event for each of the two
    numbers. ``MergeRefused`` (nothing changed) when the preview finds a conflict."""
    if kept_id == removed_id:
        raise MergeRefused("These are the same record.")
    with transaction.atomic(durable=True):
        records = _locked([kept_id, removed_id])
        if len(records) != 2:
            raise MergeRefused(
                "One of the two records no longer exists (perhaps merged a moment ago)."
            )
        kept, removed = records[kept_id], records[removed_id]
        preview = merge_preview(kept=kept, removed=removed)
        if not preview.possible:
            raise MergeRefused(" ".join(preview.conflicts))
        _move(Booking.objects.filter(patient=removed), kept)
        _move(Series.objects.filter(patient=removed), kept)
        _move(ScreeningResponse.objects.filter(patient=removed), kept)
        _move(ConsentSignature.objects.filter(patient=removed), kept)
        for place in _open_places(removed, kept).select_for_update().order_by("pk"):
            place.email, place.phone = kept.email, kept.phone
            place.save(update_fields=["email", "phone", "updated_at"])
        removed.delete()
        moved = ", ".join(f"{count} {words}" for words, count in preview.moves.items() if count)
        for patient_id, detail in (
            (kept_id, f"Record {removed_id} merged into this one ({moved or 'nothing to move'})."),
            (removed_id, f"Record {removed_id} merged into record {kept_id} and removed."),
        ):
            audit_record(
                actor=actor, roles=roles, action=AuditAction.MERGE, what="record",
                patient_id=patient_id, address=address, at=now,
                object_ref=f"patients.patient:{removed_id}", detail=detail,
            )  # fmt: skip
    return MergeResult(kept=kept, removed_id=removed_id, moves=preview.moves)
