"""Services that change clinical photos, photo consents and session ratings.

Each runs in one durable transaction that also writes the audit trail (who, their roles,
from where), so a change is never kept without its record. The patient's row is locked
first (``select_for_update``): an upload, a use and a consent given or withdrawn for one
patient happen one after the other, so no photo is taken or used after the withdrawal
that would have refused it commits.

Using a photo beyond the treatment record (teaching, marketing) goes through
``photo_use``, which refuses unless a consent for that purpose holds: the rule is in
``consent.use_refusal``, not in any page.
"""

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.patients.models import Patient
from dermadesk.photos import intake
from dermadesk.photos.consent import PURPOSE_WORDS, Purpose, use_refusal
from dermadesk.photos.imaging import clean_photo
from dermadesk.photos.models import (
    ClinicalPhoto,
    ConsentChannel,
    PhotoArea,
    PhotoConsent,
    PhotoMoment,
    Rater,
    SessionRating,
)
from dermadesk.photos.queries import consent_spans
from dermadesk.photos.results import SCORE_WORDS
from dermadesk.photos.storage import private_photo_storage
from dermadesk.scheduling.models import Booking, BookingStatus

# Photos are taken and results rated at a visit that is happening or has happened.
SESSION_STATUSES = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)
USES_BEYOND_THE_CHART = (Purpose.TEACHING, Purpose.MARKETING)


class PhotoError(Exception):
    """A request about photos that cannot be carried out; the message is for staff."""

    status = 409


class InvalidPhotoRequest(PhotoError):
    status = 400


class UseNotConsented(PhotoError):
    """The patient's consent does not cover this use of their photos."""


def _lock_patient(patient_id: int) -> Patient:
    return Patient.objects.select_for_update().get(pk=patient_id)


def _session_patient_id(booking: Booking, doing: str) -> int:
    if booking.patient_id is None:
        raise InvalidPhotoRequest("This time is held for nobody yet: it has no patient.")
    if booking.status not in SESSION_STATUSES:
        raise PhotoError(
            f"{doing} once the patient is checked in: this visit is "
            f"{BookingStatus(booking.status).label.lower()}."
        )
    return booking.patient_id


def photo_upload(
    *,
    booking: Booking,
    area: str,
    moment: str,
    source: IO[bytes],
    size: int,
    by: User,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> ClinicalPhoto:
    """Keep a photo of ``area`` taken ``moment`` (before or after) at the session ``booking``.

    The file is decoded and written again without metadata (``imaging.clean_photo``:
    ``PhotoRefused`` when it is not a JPEG, PNG or HEIC photo within the limits) and
    stored under a random name. Refused (``PhotoError``) unless the visit is checked in or
    completed and the patient's consent to photos for their record holds. Nothing is kept
    (no row, no file) when anything fails.
    """
    if area not in PhotoArea.values or moment not in PhotoMoment.values:
        raise InvalidPhotoRequest("Choose the area photographed, and before or after.")
    patient_id = _session_patient_id(booking, "Photos are taken")
    clean = clean_photo(
        source,
        size=size,
        max_bytes=intake.max_bytes(settings.PHOTO_MAX_MEGABYTES),
        max_pixels=intake.max_pixels(settings.PHOTO_MAX_MEGAPIXELS),
    )
    name = intake.stored_name(secrets.token_hex(16), clean.stored, year=now.year, month=now.month)
    storage = private_photo_storage()
    saved: str | None = None
    try:
        with transaction.atomic(durable=True):
            _lock_patient(patient_id)
            refusal = use_refusal(consent_spans(patient_id), Purpose.CHART, now)
            if refusal is not None:
                raise UseNotConsented(
                    f"{refusal} Record their photo consent on their record first."
                )
            saved = storage.save(name, ContentFile(clean.content))
            photo = ClinicalPhoto.objects.create(
                patient_id=patient_id, booking=booking, area=area, moment=moment,
                image=saved, content_type=clean.stored.content_type,
                size_bytes=len(clean.content), width=clean.width, height=clean.height,
                sha256=clean.sha256, decoded_as=clean.decoded_as, uploaded_by=by,
                uploaded_at=now,
            )  # fmt: skip
            audit_record(
                actor=by, roles=roles, action=AuditAction.CREATE, what="photo",
                patient_id=patient_id, address=address, at=now,
                object_ref=f"photos.clinicalphoto:{photo.pk}",
                detail=f"{PhotoArea(area).label}, {moment}, session {booking.pk}",
            )  # fmt: skip
    except BaseException:
        if saved is not None:
            storage.delete(saved)
        raise
    return photo


def photo_use(
    *,
    photo_id: int,
    purpose: str,
    by: User,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> ClinicalPhoto:
    """The photo, to be used for ``purpose`` (teaching or marketing) by ``by``.

    ``UseNotConsented`` unless the patient's consent for that purpose holds at ``now``
    (given, not withdrawn); a photo consented for the record only is never handed out for
    anything else. The use is written to the audit trail as an export.
    """
    if purpose not in USES_BEYOND_THE_CHART:
        raise InvalidPhotoRequest("A photo is used for teaching or for marketing.")
    wanted = Purpose(purpose)
    with transaction.atomic(durable=True):
        photo = ClinicalPhoto.objects.filter(pk=photo_id).first()
        if photo is None:
            raise InvalidPhotoRequest("There is no photo with this number.")
        _lock_patient(photo.patient_id)
        refusal = use_refusal(consent_spans(photo.patient_id), wanted, now)
        if refusal is not None:
            raise UseNotConsented(f"{refusal} This photo may not be used for that.")
        audit_record(
            actor=by, roles=roles, action=AuditAction.EXPORT, what="photo",
            patient_id=photo.patient_id, address=address, at=now,
            object_ref=f"photos.clinicalphoto:{photo.pk}",
            detail=f"for {PURPOSE_WORDS[wanted]}",
        )  # fmt: skip
    return photo


def _channel_checked(channel: str, by: User | None) -> ConsentChannel:
    if channel not in ConsentChannel.values:
        raise InvalidPhotoRequest("Say how the consent was given.")
    if (channel == ConsentChannel.IN_CLINIC) != (by is not None):
        raise InvalidPhotoRequest(
            "A consent given in the clinic is recorded by a staff member; one given in the "
            "portal by the patient."
        )
    return ConsentChannel(channel)


def _purpose_checked(purpose: str) -> Purpose:
    if purpose not in {p.value for p in Purpose}:
        raise InvalidPhotoRequest("Choose what the photos may be used for.")
    return Purpose(purpose)


def _locked_current_consent(patient_id: int, purpose: Purpose) -> PhotoConsent | None:
    """The consent for ``purpose`` that holds, with the patient locked (inside a transaction)."""
    _lock_patient(patient_id)
    return PhotoConsent.objects.filter(
        patient_id=patient_id, purpose=purpose, withdrawn_at__isnull=True
    ).first()


def photo_consent_give(
    *,
    patient_id: int,
    purpose: str,
    channel: str,
    by: User | None,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> PhotoConsent:
    """The patient consents to photos for ``purpose`` from ``now``: witnessed and recorded by
    the staff member ``by`` in the clinic, or given by the patient in the portal
    (``by=None``). Giving it again while it holds changes nothing and returns it."""
    wanted = _purpose_checked(purpose)
    how = _channel_checked(channel, by)
    with transaction.atomic(durable=True):
        current = _locked_current_consent(patient_id, wanted)
        if current is not None:
            return current
        consent = PhotoConsent.objects.create(
            patient_id=patient_id, purpose=wanted, channel=how, given_at=now, recorded_by=by
        )
        audit_record(
            actor=by, roles=roles, action=AuditAction.CREATE, what="photo consent",
            patient_id=patient_id, address=address, at=now,
            object_ref=f"photos.photoconsent:{consent.pk}",
            detail=f"for {PURPOSE_WORDS[wanted]}; {how.label.lower()}",
        )  # fmt: skip
    return consent


def photo_consent_withdraw(
    *,
    patient_id: int,
    purpose: str,
    channel: str,
    by: User | None,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> PhotoConsent:
    """The patient withdraws their consent for ``purpose`` from ``now`` on; the consent
    stays in the history, marked withdrawn. ``PhotoError`` when none holds."""
    wanted = _purpose_checked(purpose)
    how = _channel_checked(channel, by)
    with transaction.atomic(durable=True):
        current = _locked_current_consent(patient_id, wanted)
        if current is None:
            raise PhotoError(
                f"There is no consent to photos for {PURPOSE_WORDS[wanted]} to withdraw."
            )
        current.withdrawn_at = max(now, current.given_at)
        current.withdrawn_by = by
        current.withdrawn_channel = how
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_channel"])
        audit_record(
            actor=by, roles=roles, action=AuditAction.CHANGE, what="photo consent",
            patient_id=patient_id, address=address, at=now,
            object_ref=f"photos.photoconsent:{current.pk}",
            detail=f"withdrawn for {PURPOSE_WORDS[wanted]}; {how.label.lower()}",
        )  # fmt: skip
    return current


def session_rate(
    *,
    booking: Booking,
    rater: str,
    score: int,
    note: str,
    by: User | None,
    roles: Sequence[str],
    address: str | None,
    now: datetime,
) -> SessionRating:
    """How the result of the session ``booking`` looks to the patient or to the clinician,
    1 to 5 (``results.SCORE_WORDS``), with a short note; a new rating by the same rater
    replaces the last. The patient's may be recorded by staff (asked at the next visit) or
    given by the patient (``by=None``, at their check-in)."""
    if rater not in Rater.values:
        raise InvalidPhotoRequest("Say whose rating this is: the patient's or the clinician's.")
    if score not in SCORE_WORDS:
        raise InvalidPhotoRequest("A rating is from 1 (worse) to 5 (much better).")
    if rater == Rater.CLINICIAN and by is None:
        raise InvalidPhotoRequest("A clinician's rating is recorded by a staff member.")
    note = " ".join(note.split())
    if len(note) > 200:
        raise InvalidPhotoRequest("Keep the note to 200 characters.")
    patient_id = _session_patient_id(booking, "A result is rated")
    with transaction.atomic(durable=True):
        _lock_patient(patient_id)
        rating, made = SessionRating.objects.update_or_create(
            booking=booking, rater=rater,
            defaults={"score": score, "note": note, "recorded_by": by, "recorded_at": now},
        )  # fmt: skip
        audit_record(
            actor=by, roles=roles, action=AuditAction.CREATE if made else AuditAction.CHANGE,
            what="result rating", patient_id=patient_id, address=address, at=now,
            object_ref=f"photos.sessionrating:{rating.pk}",
            detail=f"{Rater(rater).label}: {score} ({SCORE_WORDS[score]}), session {booking.pk}",
        )  # fmt: skip
    return rating
