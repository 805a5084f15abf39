"""Patients, and the informed-consent documents they sign.

A patient is found again by email (any case) and date of birth; the database refuses a
second row for the same pair, so two bookings at once never make two records.

Consent documents are versioned like the screening questionnaire: a version that is
published or signed is never changed; editing it saves a new draft version, and each
signature keeps the exact version that was signed.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from dermadesk.patients.identity import InvalidPhone, normalize_email, normalize_phone
from dermadesk.scheduling.models import Booking, Service

NAME_LENGTH = 100
USER_AGENT_LENGTH = 300


class SkinType(models.IntegerChoices):
    """Fitzpatrick skin types. Recorded for the clinician; never a reason to refuse."""

    I = 1, "I"  # noqa: E741 - the scale's own name
    II = 2, "II"
    III = 3, "III"
    IV = 4, "IV"
    V = 5, "V"
    VI = 6, "VI"


class Patient(models.Model):
    given_name = models.CharField(max_length=NAME_LENGTH)
    family_name = models.CharField(max_length=NAME_LENGTH)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +12175550142.")
    date_of_birth = models.DateField()
    skin_type = models.PositiveSmallIntegerField(
        "Fitzpatrick skin type", choices=SkinType.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("family_name", "given_name", "pk")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "date_of_birth",
                name="patient_unique_email_dob",
                violation_error_message=(
                    "A patient with this email address and date of birth already exists."
                ),
            ),
        ]
        indexes = [
            models.Index(Lower("family_name"), "given_name", name="patient_name_idx"),
            # Staff find patients by date of birth, and likely duplicates by it or the phone.
            models.Index(fields=["date_of_birth"], name="patient_birth_idx"),
            models.Index(fields=["phone"], name="patient_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self) -> None:
        super().clean()
        self.given_name = " ".join(self.given_name.split())
        self.family_name = " ".join(self.family_name.split())
        self.email = normalize_email(self.email)
        try:
            self.phone = normalize_phone(self.phone, settings.PHONE_DEFAULT_REGION)
        except InvalidPhone as error:
            raise ValidationError({"phone": str(error)}) from error


class PatientAccount(models.Model):
    """An email address someone proved by a code sent to it: how patients sign in.

    No password. Its user is never staff and is found only through this table, so a
    staff member's own login can never be reached by proving an email address. The
    patient records with this email (one per date of birth) are the account's.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_account"
    )
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="patient_account_unique_email"),
        ]

    def __str__(self) -> str:
        return f"Patient sign-in {self.pk}"


class ConsentKind(models.TextChoices):
    MICRO_NEEDLING = "micro_needling", "Micro-Needling"
    MICRO_NEEDLING_PRP = "micro_needling_prp", "Micro-Needling with PRP"
    PHOTOS = "photos", "Photographs"


class ConsentDocument(models.Model):
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. What the patient reads before signing.")
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="consent_documents",
        help_text="The treatments this consent is for.",
    )
    required = models.BooleanField(
        default=True,
        help_text="Must be signed before the treatment. Photo consent is optional.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="From when patients are asked to sign it. Publish with the action in the list.",
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.version is None:
            self.version = ConsentDocument.next_version(self.kind)
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        """Published or signed: changes go into a new version."""
        if self.pk is None:
            return False
        stored = ConsentDocument.objects.filter(pk=self.pk).values_list("published_at", flat=True)
        return stored.first() is not None or self.signatures.exists()

    @classmethod
    def next_version(cls, kind: str) -> int:
        latest = cls.objects.filter(kind=kind).aggregate(latest=models.Max("version"))["latest"]
        return (latest or 0) + 1


class ConsentSignature(models.Model):
    """Evidence that a patient agreed to one exact version of a consent document."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    document = models.ForeignKey(
        ConsentDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    typed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_LENGTH, blank=True)
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )

    class Meta:
        ordering = ("-signed_at", "-pk")

    def __str__(self) -> str:
        return f"{self.patient} signed {self.document}"


class SmsConsentEnd(models.TextChoices):
    PORTAL = "portal", "Stopped in the portal"
    REPLY_STOP = "reply_stop", "Replied STOP"
    NEW_NUMBER = "new_number", "Agreed again for another number"


class SmsConsent(models.Model):
    """A patient's agreement to receive text messages at one number: when, the exact words
    agreed to, from which address and browser; and when and how it ended.

    Text messages go only to the number of an agreement still open (``sms_agreed``); a
    changed phone number needs a new agreement. Rows are kept when it ends, as evidence.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sms_consents")
    phone = models.CharField(max_length=16, help_text="E.164: the number agreed to.")
    wording = models.TextField(help_text="The words the patient agreed to, exactly as shown.")
    agreed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_LENGTH, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_how = models.CharField(max_length=12, choices=SmsConsentEnd.choices, blank=True)

    class Meta:
        ordering = ("-agreed_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(ended_at__isnull=True),
                name="sms_consent_one_open_per_patient",
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="sms_consent_phone_idx")]

    def __str__(self) -> str:
        return f"Text messages agreed by patient {self.patient_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class DataRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class DataRequest(models.Model):
    """A patient's request for a copy of everything held on them (the right of access),
    answered by the staff within ``DATA_REQUEST_DAYS`` (``due_at``)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="data_requests")
    status = models.CharField(
        max_length=10, choices=DataRequestStatus.choices, default=DataRequestStatus.OPEN
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The end of the clock the law gives to answer.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=500, blank=True, help_text="How it was answered.")

    class Meta:
        ordering = ("due_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="open"),
                name="data_request_one_open_per_patient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(status="open"), name="data_request_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Data request {self.pk} (patient {self.patient_id})"
