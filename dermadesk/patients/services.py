"""Services that change patients and consents. Every entry point goes through these."""

from collections.abc import Collection
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from dermadesk.patients.identity import (
    InvalidPhone,
    names_match,
    normalize_email,
    normalize_phone,
)
from dermadesk.patients.models import (
    NAME_LENGTH,
    USER_AGENT_LENGTH,
    ConsentDocument,
    ConsentSignature,
    Patient,
)
from dermadesk.patients.queries import ConsentStatus, current_consent_documents, find_patient
from dermadesk.scheduling.models import Booking

OLDEST_AGE_YEARS = 130


class PatientError(Exception):
    """A patient or consent request that cannot be carried out; the message fits a patient."""


class InvalidPatientDetails(PatientError):
    """Details that cannot make a patient record. ``errors`` maps a field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


class NameMismatch(PatientError):
    def __init__(self) -> None:
        super().__init__(
            "The name you typed does not match the name in your details. Please type your "
            "full name, your first name and your family name, as you gave them to us."
        )


class ConsentNotCurrent(PatientError):
    def __init__(self) -> None:
        super().__init__(
            "This consent form has been updated since you opened it. Please read the "
            "current version and sign that one."
        )


def patient_details_clean(
    *, given_name: str, family_name: str, email: str, phone: str, date_of_birth: date, today: date
) -> dict[str, str]:
    """The tidied text fields; ``InvalidPatientDetails`` listing every problem at once."""
    errors: dict[str, str] = {}
    cleaned = {
        "given_name": " ".join(given_name.split()),
        "family_name": " ".join(family_name.split()),
        "email": normalize_email(email),
    }
    for field, label in (("given_name", "first name"), ("family_name", "family name")):
        if not cleaned[field]:
            errors[field] = f"Please enter your {label}."
        elif len(cleaned[field]) > NAME_LENGTH:
            errors[field] = f"Your {label} can be at most {NAME_LENGTH} characters long here."
    try:
        validate_email(cleaned["email"])
    except ValidationError:
        errors["email"] = "Please enter an email address such as name@example.com."
    try:
        cleaned["phone"] = normalize_phone(phone, settings.PHONE_DEFAULT_REGION)
    except InvalidPhone as error:
        errors["phone"] = str(error)
    if date_of_birth > today:
        errors["date_of_birth"] = "Your date of birth cannot be in the future."
    elif today.year - date_of_birth.year > OLDEST_AGE_YEARS:
        errors["date_of_birth"] = "Please check the year of your date of birth."
    if errors:
        raise InvalidPatientDetails(errors)
    return cleaned


def patient_find_or_create(
    *,
    given_name: str,
    family_name: str,
    email: str,
    phone: str,
    date_of_birth: date,
    today: date | None = None,
) -> tuple[Patient, bool]:
    """The patient with this email (any case) and date of birth, or a new one: (patient, created).

    Never makes a second record for the same email and date of birth, even when two
    requests arrive at once: the database's unique constraint refuses the second insert,
    and the loser reads the winner's row. An existing record is returned unchanged; the
    details typed this time do not overwrite it (anyone who knows an email and a date of
    birth could type them).
    """
    cleaned = patient_details_clean(
        given_name=given_name,
        family_name=family_name,
        email=email,
        phone=phone,
        date_of_birth=date_of_birth,
        today=today or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            existing = find_patient(email=cleaned["email"], date_of_birth=date_of_birth)
            if existing is not None:
                return existing, False
            return Patient.objects.create(date_of_birth=date_of_birth, **cleaned), True
    except IntegrityError:
        # Another request created the same patient between our read and our insert.
        existing = find_patient(email=cleaned["email"], date_of_birth=date_of_birth)
        if existing is None:
            raise
        return existing, False


DETAIL_FIELDS = ("given_name", "family_name", "email", "phone", "date_of_birth")


def patient_details_change(
    *,
    patient: Patient,
    given_name: str,
    family_name: str,
    email: str,
    phone: str,
    date_of_birth: date,
    today: date,
) -> list[str]:
    """Change a record's name, email, phone and date of birth (staff, at the desk or on the
    phone); the names of the fields that changed (none: nothing saved).

    The details are tidied and checked as at booking (``InvalidPatientDetails``); another
    record with the same email and date of birth is refused, naming it, for staff to merge
    the two instead. Not durable: the caller writes its audit event in the same transaction.
    """
    tidied = patient_details_clean(
        given_name=given_name, family_name=family_name, email=email, phone=phone,
        date_of_birth=date_of_birth, today=today,
    )  # fmt: skip
    cleaned: dict[str, object] = dict(tidied)
    cleaned["date_of_birth"] = date_of_birth
    clash = _same_email_and_birth_message
    with transaction.atomic():
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        changed = [name for name in DETAIL_FIELDS if getattr(locked, name) != cleaned[name]]
        if not changed:
            return []
        other = find_patient(email=str(cleaned["email"]), date_of_birth=date_of_birth)
        if other is not None and other.pk != locked.pk:
            raise InvalidPatientDetails({"email": clash(other)})
        for name in changed:
            setattr(locked, name, cleaned[name])
        try:
            with transaction.atomic():
                locked.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as error:
            other = find_patient(email=str(cleaned["email"]), date_of_birth=date_of_birth)
            if other is None:
                raise
            raise InvalidPatientDetails({"email": clash(other)}) from error
    for name in changed:
        setattr(patient, name, cleaned[name])
    return changed


def _same_email_and_birth_message(other: Patient) -> str:
    return (
        f"Another record (number {other.pk}) has this email address and date of birth. "
        "If it is the same person, merge the two records instead."
    )


def consent_sign(
    *,
    patient: Patient,
    document: ConsentDocument,
    typed_name: str,
    now: datetime,
    ip_address: str | None,
    user_agent: str,
    booking: Booking | None = None,
) -> ConsentSignature:
    """Record that ``patient`` agreed to this exact version of ``document``.

    The typed name must reasonably be the patient's name (``NameMismatch``), and the
    document must be the current published version of its kind (``ConsentNotCurrent``).
    Signing again for the same booking returns the signature already made.
    """
    with transaction.atomic(durable=True):
        return _sign(
            patient=patient, document=document, typed_name=typed_name, now=now,
            ip_address=ip_address, user_agent=user_agent, booking=booking,
        )  # fmt: skip


def visit_consents_sign(
    *,
    patient: Patient,
    consents: ConsentStatus,
    optional_kinds: Collection[str],
    typed_name: str,
    now: datetime,
    ip_address: str | None,
    user_agent: str,
    booking: Booking | None = None,
) -> list[ConsentSignature]:
    """Sign what a visit needs: every required document not yet signed, and the optional
    ones the patient chose (by kind). All of them in one transaction, or none."""
    documents = [item.document for item in consents.pending] + [
        item.document for item in consents.optional if item.document.kind in optional_kinds
    ]
    with transaction.atomic():
        return [
            _sign(
                patient=patient,
                document=document,
                typed_name=typed_name,
                now=now,
                ip_address=ip_address,
                user_agent=user_agent,
                booking=booking,
            )
            for document in documents
        ]


def _sign(
    *,
    patient: Patient,
    document: ConsentDocument,
    typed_name: str,
    now: datetime,
    ip_address: str | None,
    user_agent: str,
    booking: Booking | None,
) -> ConsentSignature:
    name = " ".join(typed_name.split())
    if not names_match(name, given_name=patient.given_name, family_name=patient.family_name):
        raise NameMismatch
    current = current_consent_documents(now=now)
    if current.get(document.kind) != document:
        raise ConsentNotCurrent
    existing = ConsentSignature.objects.filter(
        patient=patient, document=document, booking=booking
    ).first()
    if existing is not None:
        return existing
    return ConsentSignature.objects.create(
        patient=patient,
        document=document,
        typed_name=name[:200],
        signed_at=now,
        ip_address=ip_address or None,
        user_agent=user_agent[:USER_AGENT_LENGTH],
        booking=booking,
    )


def consent_document_publish(*, document: ConsentDocument, now: datetime) -> ConsentDocument:
    """Make ``document`` the version patients are asked to sign from ``now`` on.

    Signatures of earlier versions stay as they are, but they no longer count as the
    current consent: patients are asked to sign the new version.
    """
    with transaction.atomic(durable=True):
        current = ConsentDocument.objects.select_for_update().get(pk=document.pk)
        if current.published_at is None:
            current.published_at = now
            current.save(update_fields=["published_at"])
    return current
