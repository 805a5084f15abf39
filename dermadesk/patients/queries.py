"""Selectors: find patients and read their consent status in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

from dermadesk.patients.identity import search_terms
from dermadesk.patients.models import ConsentDocument, ConsentSignature, Patient, SmsConsent
from dermadesk.scheduling.models import Service


def find_patient(*, email: str, date_of_birth: date) -> Patient | None:
    """The patient with this email, in any case, and date of birth.

    Both sides are lower-cased by the database, exactly as the unique constraint does, so
    what this finds and what the constraint refuses are the same on SQLite and PostgreSQL.
    """
    return (
        Patient.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(email.strip())), date_of_birth=date_of_birth)
        .first()
    )


def patients_found(text: str) -> QuerySet[Patient]:
    """Patients found by what staff typed: parts of the name, an email, a phone number or a
    date of birth (``identity.search_terms``), every term matching, by name. Nothing typed
    finds nobody."""
    terms = search_terms(text, settings.PHONE_DEFAULT_REGION)
    if terms.empty:
        return Patient.objects.none()
    found = Patient.objects.all()
    for name in terms.names:
        found = found.filter(Q(given_name__icontains=name) | Q(family_name__icontains=name))
    for email in terms.emails:
        found = found.filter(email__icontains=email)
    if terms.phone_digits:
        found = found.filter(phone__contains=terms.phone_digits)
    for day in terms.dates:
        found = found.filter(date_of_birth=day)
    return found.order_by("family_name", "given_name", "pk")


def patients_matching(text: str, *, limit: int = 20) -> list[Patient]:
    """The first ``limit`` of ``patients_found(text)``. One query."""
    return list(patients_found(text)[:limit])


def current_consent_documents(*, now: datetime) -> dict[str, ConsentDocument]:
    """The current version of each kind of consent: the highest version published by ``now``."""
    current: dict[str, ConsentDocument] = {}
    published = ConsentDocument.objects.filter(published_at__lte=now).order_by("kind", "-version")
    for document in published.prefetch_related("services"):
        current.setdefault(document.kind, document)
    return current


@dataclass(frozen=True)
class ConsentItem:
    document: ConsentDocument
    """The current version."""
    signature: ConsentSignature | None
    """The patient's latest signature of this version."""
    earlier_signature: ConsentSignature | None
    """The patient's latest signature of an earlier version of the same kind, if any."""

    @property
    def required(self) -> bool:
        return self.document.required

    @property
    def signed(self) -> bool:
        return self.signature is not None


@dataclass(frozen=True)
class ConsentStatus:
    items: tuple[ConsentItem, ...]

    @property
    def signed(self) -> tuple[ConsentItem, ...]:
        return tuple(item for item in self.items if item.signed)

    @property
    def pending(self) -> tuple[ConsentItem, ...]:
        """Required and not yet signed in their current version: "consent pending"."""
        return tuple(item for item in self.items if item.required and not item.signed)

    @property
    def optional(self) -> tuple[ConsentItem, ...]:
        """Optional and not signed (photo consent)."""
        return tuple(item for item in self.items if not item.required and not item.signed)

    @property
    def complete(self) -> bool:
        return not self.pending


def consent_status(*, patient: Patient | None, service: Service, now: datetime) -> ConsentStatus:
    """The current consent documents for ``service``, each signed by ``patient`` or not
    (``None``: someone with no record yet, who has signed nothing).

    Micro-Needling needs the micro-needling consent, Micro-Needling with PRP the PRP one;
    photo consent is offered with both and optional. Which document goes with which
    treatment is data (``ConsentDocument.services`` and ``required``). Three queries.
    """
    documents = [
        document
        for document in current_consent_documents(now=now).values()
        if service in document.services.all()
    ]
    signatures = (
        ConsentSignature.objects.filter(
            patient=patient,
            document__kind__in=[document.kind for document in documents],
            signed_at__lte=now,
        ).select_related("document")
        if patient is not None
        else ConsentSignature.objects.none()
    )
    latest: dict[int, ConsentSignature] = {}
    earlier: dict[str, ConsentSignature] = {}
    current = {document.kind: document for document in documents}
    for signature in signatures.order_by("-signed_at", "-pk"):
        kind = signature.document.kind
        if signature.document_id == current[kind].pk:
            latest.setdefault(signature.document_id, signature)
        elif signature.document.version < current[kind].version:
            earlier.setdefault(kind, signature)
    return ConsentStatus(
        items=tuple(
            ConsentItem(
                document=document,
                signature=latest.get(document.pk),
                earlier_signature=earlier.get(document.kind),
            )
            for document in sorted(documents, key=lambda d: (not d.required, d.kind))
        )
    )


def patients_of_email(email: str) -> list[Patient]:
    """The records under ``email`` (any case): one per date of birth, oldest record first.

    Whoever proved the address sees each of them (see ``PatientAccount``).
    """
    return list(
        Patient.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(email.strip())))
        .order_by("pk")
    )


def sms_consent_open(patient: Patient) -> SmsConsent | None:
    """The patient's agreement to text messages still open, at their number now; else None."""
    if not patient.phone:
        return None
    return SmsConsent.objects.filter(
        patient=patient, phone=patient.phone, ended_at__isnull=True
    ).first()


def sms_agreed(patient: Patient | None) -> bool:
    """Whether text messages may go to ``patient``'s phone: what callers of the outbox pass
    as ``message_enqueue(sms_agreed=...)``."""
    return patient is not None and sms_consent_open(patient) is not None
