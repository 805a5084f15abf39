"""The treatment record: the clinic's stock of lots, a chart per visit (areas, depths,
passes, the pen, the lots, numbing, PRP), its signature, amendments, a manager's
co-signature, the medical director's reviews, complications and lot recalls.

The rules (when a chart may be signed, what is beyond a clinician's scope, which charts are
reviewed, what an amendment changed) are in ``rules.py``; ``services.py`` changes these
rows, ``queries.py`` reads them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, Resource


class LotKind(models.TextChoices):
    CARTRIDGE = "cartridge", "Needle cartridge"
    PRP_KIT = "prp_kit", "PRP kit"


class Lot(models.Model):
    """One lot of a product on the clinic's stock list: charts pick it, never type it."""

    kind = models.CharField(max_length=10, choices=LotKind.choices)
    product = models.CharField(max_length=120, help_text='e.g. "12-pin nano cartridge".')
    lot_number = models.CharField(max_length=60)
    expires_on = models.DateField()
    active = models.BooleanField(
        default=True, help_text="Offered when charting (take a lot out when it is used up)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "product", "expires_on", "lot_number")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "product", "lot_number"], name="lot_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}, lot {self.lot_number} (expires {self.expires_on:%Y-%m-%d})"


class Area(models.TextChoices):
    """The areas a session may treat (a fixed list: charts compare them across a course)."""

    FOREHEAD = "forehead", "Forehead"
    CHEEKS = "cheeks", "Cheeks"
    NOSE = "nose", "Nose"
    CHIN = "chin", "Chin"
    PERIORAL = "perioral", "Around the mouth (perioral)"
    PERIORBITAL = "periorbital", "Around the eyes (periorbital)"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest"
    HANDS = "hands", "Hands"
    BODY_SCARS = "body_scars", "Scars on the body"


class ChartStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    SIGNED = "signed", "Signed"


DEPTH_VALIDATORS = [MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("5.00"))]


class Chart(models.Model):
    """What was done in one visit. Signed, it is locked: later changes are amendments."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="chart")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="charts")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charts"
    )
    status = models.CharField(max_length=8, choices=ChartStatus.choices, default=ChartStatus.DRAFT)
    device = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="pen",
    )  # fmt: skip
    cartridge_lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="cartridge_charts",
        limit_choices_to={"kind": LotKind.CARTRIDGE},
    )  # fmt: skip
    numbing_applied_at = models.DateTimeField("numbing cream applied at", null=True, blank=True)
    numbing_removed_at = models.DateTimeField("numbing cream removed at", null=True, blank=True)
    # For PRP.
    blood_drawn_ml = models.DecimalField(
        "blood drawn (ml)", max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip
    spin_rpm = models.PositiveIntegerField(
        "spin speed (rpm)", null=True, blank=True, validators=[MaxValueValidator(20000)]
    )
    spin_g = models.PositiveIntegerField(
        "spin force (× g)", null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    spin_minutes = models.PositiveSmallIntegerField(
        "spin time (minutes)", null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    prp_used_ml = models.DecimalField(
        "PRP used (ml)", max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip
    prp_kit_lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="prp_charts",
        limit_choices_to={"kind": LotKind.PRP_KIT}, verbose_name="PRP kit lot",
    )  # fmt: skip
    products_after = models.TextField("products applied after", blank=True, max_length=2000)
    skin_response = models.TextField("immediate skin response", blank=True, max_length=2000)
    notes = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    signed_record = models.JSONField(
        default=dict, blank=True,
        help_text="The chart as signed, field by field: amendments never change it.",
    )  # fmt: skip
    review_due = models.BooleanField(
        default=False,
        help_text="In the medical director's review queue (a share of charts, and every one "
        "with a complication or a depth beyond scope) until reviewed.",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["patient", "-created_at"]),
            models.Index(
                fields=["signed_at"], condition=Q(review_due=True), name="chart_review_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ChartStatus.DRAFT) | Q(signed_at__isnull=False),
                name="chart_signed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Chart #{self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == ChartStatus.SIGNED


class ChartArea(models.Model):
    """One area treated: the needle depth and the number of passes."""

    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=12, choices=Area.choices)
    depth_mm = models.DecimalField(
        "depth (mm)", max_digits=4, decimal_places=2, validators=DEPTH_VALIDATORS
    )
    passes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ("chart", "pk")
        constraints = [
            models.UniqueConstraint(fields=["chart", "area"], name="chart_area_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.depth_mm} mm × {self.passes}"


class ChartCosign(models.Model):
    """A manager's co-signature of depths beyond the clinician's scope (those listed)."""

    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="cosigns")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    depths = models.JSONField(help_text="Area → the depth (mm, as text) co-signed.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"Co-signature of chart #{self.chart_id}"


class ChartAmendment(models.Model):
    """A change to a signed chart: who, when, why, and each field before and after."""

    chart = models.ForeignKey(Chart, on_delete=models.PROTECT, related_name="amendments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()
    changes = models.JSONField(help_text="[{field, before, after}], in a stable order.")
    before = models.JSONField(help_text="The whole chart before this amendment.")

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"Amendment of chart #{self.chart_id}"


class ChartReview(models.Model):
    """The medical director's signed review of a chart."""

    chart = models.ForeignKey(Chart, on_delete=models.PROTECT, related_name="reviews")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    agreed = models.BooleanField(
        help_text="The treatment was appropriate as charted (otherwise: comments say why)."
    )
    comments = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"Review of chart #{self.chart_id}"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class Complication(models.Model):
    """An adverse event after a visit, followed up until it is closed."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="complications")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="complications")
    chart = models.ForeignKey(
        Chart, on_delete=models.PROTECT, null=True, blank=True, related_name="complications"
    )
    what = models.TextField("what happened", max_length=2000)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    onset_on = models.DateField("began on")
    action_taken = models.TextField(blank=True, max_length=2000)
    follow_up_due = models.DateField("follow-up due", null=True, blank=True)
    outcome = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ("-recorded_at", "-pk")
        indexes = [models.Index(fields=["patient", "-recorded_at"])]

    def __str__(self) -> str:
        return f"Complication #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LotRecall(models.Model):
    """A manager's recall of one lot: the letters it queued are its ``letters``."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="recalls")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"Recall of lot #{self.lot_id}"


class RecallLetter(models.Model):
    """The recall letter of one lot to one patient: at most one, however often it is run."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="letters")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="recall_letters")
    recall = models.ForeignKey(LotRecall, on_delete=models.PROTECT, related_name="letters")
    message_key = models.CharField(max_length=100, help_text="The outbox's idempotency key.")
    queued_at = models.DateTimeField()

    class Meta:
        ordering = ("lot", "patient")
        constraints = [
            models.UniqueConstraint(fields=["lot", "patient"], name="recall_letter_once"),
        ]

    def __str__(self) -> str:
        return f"Recall letter of lot #{self.lot_id} to patient #{self.patient_id}"
