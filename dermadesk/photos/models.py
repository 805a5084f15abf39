"""Clinical photos of a session (before and after, per area), the patient's photo consents
by purpose, and each session's rating of the result.

A photo's file lives in private storage (``storage.PrivatePhotoStorage``, under
``PRIVATE_MEDIA_ROOT``), named by a random token; it has no public address and is shown
only through the staff view that checks who asks and writes the audit trail. What is
stored is the re-encoded image (``imaging.clean_photo``): upright, with no metadata.

Consents are history: giving one adds a row, withdrawing it marks that row; no row is ever
deleted, so what held on any day can be read back.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dermadesk.patients.models import Patient
from dermadesk.photos.consent import Purpose
from dermadesk.photos.results import SCORE_WORDS
from dermadesk.photos.storage import private_photo_storage
from dermadesk.scheduling.models import Booking


class PhotoArea(models.TextChoices):
    """The treated areas a photo shows, in the order the pages list them."""

    FOREHEAD = "forehead", "Forehead"
    CHEEKS = "cheeks", "Cheeks"
    NOSE = "nose", "Nose"
    CHIN = "chin", "Chin"
    PERIORAL = "perioral", "Around the mouth"
    PERIORBITAL = "periorbital", "Around the eyes"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest"
    HANDS = "hands", "Hands"
    BODY_SCARS = "body_scars", "Body scars"


class PhotoMoment(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class PhotoPurpose(models.TextChoices):
    CHART = Purpose.CHART.value, "Treatment record only"
    TEACHING = Purpose.TEACHING.value, "Teaching"
    MARKETING = Purpose.MARKETING.value, "Marketing"


class ConsentChannel(models.TextChoices):
    IN_CLINIC = "in_clinic", "Given in the clinic, recorded by staff"
    PORTAL = "portal", "Given by the patient in the portal"


class Rater(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"


class ClinicalPhoto(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="clinical_photos")
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="clinical_photos",
        help_text="The session the photo was taken at.",
    )  # fmt: skip
    area = models.CharField(max_length=12, choices=PhotoArea.choices)
    moment = models.CharField(max_length=6, choices=PhotoMoment.choices)
    image = models.FileField(storage=private_photo_storage, max_length=120, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    size_bytes = models.PositiveIntegerField(editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    decoded_as = models.CharField(
        max_length=8, editable=False, help_text="The format uploaded: JPEG, MPO, PNG or HEIF."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ("uploaded_at", "pk")
        indexes = [
            models.Index(fields=["booking", "area"], name="photo_session_area_idx"),
            models.Index(fields=["patient", "area"], name="photo_patient_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png"]),
                name="photo_content_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk} ({self.area}, {self.moment})"


class PhotoConsent(models.Model):
    """The patient's consent to photos being used for one purpose, from ``given_at`` until
    ``withdrawn_at``. At most one consent per patient and purpose holds at a time."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photo_consents")
    purpose = models.CharField(max_length=10, choices=PhotoPurpose.choices)
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="The staff member who witnessed and recorded it; "
        "empty when the patient gave it in the portal.",
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Empty when the patient withdrew it in the portal.",
    )  # fmt: skip
    withdrawn_channel = models.CharField(max_length=10, choices=ConsentChannel.choices, blank=True)

    class Meta:
        ordering = ("-given_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="photo_consent_one_current",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="photo_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"Photo consent {self.pk} ({self.purpose})"


class SessionRating(models.Model):
    """How a session's result looked to the patient or to the clinician, 1 to 5."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="result_ratings")
    rater = models.CharField(max_length=10, choices=Rater.choices)
    score = models.PositiveSmallIntegerField(choices=list(SCORE_WORDS.items()))
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Empty when the patient rated it themselves.",
    )  # fmt: skip
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "rater"], name="rating_one_per_rater"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rater} rating of booking {self.booking_id}: {self.score}"
