"""Resources (providers, rooms, devices), services made of steps, and bookings.

A booking owns allocations: one row per resource it keeps busy, from its first to its last
minute of use. No two active allocations of one resource overlap: PostgreSQL enforces it
with an exclusion constraint (migration 0002); on SQLite the booking services re-check
inside an IMMEDIATE transaction, which holds the database's write lock.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from dermadesk.clinic.models import Location, Weekday


class ResourceKind(models.TextChoices):
    PROVIDER = "provider", "Provider (clinician)"
    ROOM = "room", "Room"
    DEVICE = "device", "Device"


class LicenceType(models.TextChoices):
    """A clinician's professional licence: what the clinic checked they hold."""

    PHYSICIAN = "physician", "Physician (MD/DO)"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    REGISTERED_NURSE = "registered_nurse", "Registered nurse"
    ESTHETICIAN = "esthetician", "Licensed esthetician"
    OTHER = "other", "Other"


class Skill(models.Model):
    code = models.SlugField(unique=True, help_text='e.g. "micro-needling", "prp".')
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """Anything a visit needs for part of its time: a provider, a room or a device."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    name = models.CharField(max_length=120)
    category = models.SlugField(
        blank=True, help_text='For devices and rooms: "pen", "centrifuge", "treatment-room".'
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="resources")
    active = models.BooleanField(default=True)
    staff_member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provider",
        help_text="For a provider: their staff login (their calendar, their patients' records).",
    )
    # A provider's scope of practice: the treatments they may perform are their skills (the
    # booking offers them only those); the deepest needle they may use is checked when
    # they chart, and a deeper one needs a manager's co-signature.
    licence_type = models.CharField(
        max_length=24, choices=LicenceType.choices, blank=True,
        help_text="For a provider: the licence the clinic checked they hold.",
    )  # fmt: skip
    max_needle_depth_mm = models.DecimalField(
        "maximum needle depth (mm)", max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
        help_text="For a provider: the deepest needle they may use without a manager's "
        "co-signature. Empty: every depth needs one.",
    )  # fmt: skip

    class Meta:
        ordering = ("location", "kind", "name")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="resource_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class WeeklyShift(models.Model):
    """When a provider works (rooms and devices need none: they follow the office hours)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ("resource", "weekday", "starts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.resource}: {Weekday(self.weekday).label} {self.starts:%H:%M}–{self.ends:%H:%M}"
        )


class Unavailability(models.Model):
    """Time off of a provider, maintenance of a device or a room out of use."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="blocks")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ("resource", "starts_at")
        verbose_name_plural = "unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="unavailability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.reason}"


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    price_display = models.CharField(
        max_length=60, blank=True, help_text='Shown as written, e.g. "from $300".'
    )
    active = models.BooleanField(default=True)
    bookable_online = models.BooleanField(default=True)
    slot_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Start times are offered every this many minutes (local time)."
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="How long before a start it can still be booked online."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=90, help_text="How far ahead it can be booked."
    )
    requires_screening = models.BooleanField(
        default=True,
        help_text="Ask the candidacy questions before booking (not needed for a consultation).",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    # A course of sessions (PRP: 4 to 6, four weeks apart); 1 / 1 / 1 for a single visit.
    series_min_sessions = models.PositiveSmallIntegerField("fewest sessions in a course", default=1)
    series_default_sessions = models.PositiveSmallIntegerField(
        "sessions offered by default", default=1
    )
    series_max_sessions = models.PositiveSmallIntegerField("most sessions in a course", default=1)
    series_interval_days = models.PositiveSmallIntegerField("days between sessions", default=28)
    series_flex_days = models.PositiveSmallIntegerField(
        "days a session may move",
        default=3,
        help_text="When a session's regular day is closed or full, how far it may move.",
    )

    class Meta:
        ordering = ("display_order", "name")
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="service_slot_positive"),
            models.CheckConstraint(
                condition=Q(series_min_sessions__gte=1)
                & Q(series_default_sessions__gte=F("series_min_sessions"))
                & Q(series_max_sessions__gte=F("series_default_sessions")),
                name="service_series_sessions_in_order",
                violation_error_message=(
                    "The sessions of a course must go fewest ≤ default ≤ most, at least 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(series_interval_days__gt=2 * F("series_flex_days")),
                name="service_series_windows_apart",
                violation_error_message=(
                    "Sessions must be more than twice the days they may move apart."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def offers_series(self) -> bool:
        return self.series_max_sessions > 1

    def course_length_refusal(self, count: int) -> str | None:
        """Why a course of ``count`` sessions of this treatment cannot be booked, in words for
        anyone; None when it can. The one place this rule is written."""
        if not self.offers_series:
            return f"{self.name} is booked one visit at a time, not as a course."
        if not self.series_min_sessions <= count <= self.series_max_sessions:
            return (
                f"{self.name} is booked as a course of {self.series_min_sessions} to "
                f"{self.series_max_sessions} sessions."
            )
        return None


class ServiceRole(models.Model):
    """A part someone or something plays in a visit: "clinician", "room", "pen".

    One resource fills a role for the whole visit (the same clinician draws the blood and
    does the procedure). A role names one resource, or any active resource of a kind with
    a category and/or a skill.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="roles")
    name = models.SlugField()
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    category = models.SlugField(blank=True)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, null=True, blank=True)
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, help_text="Only this one."
    )

    class Meta:
        ordering = ("service", "pk")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="role_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"


class ServiceSegment(models.Model):
    """One step of a visit: which role is busy from which minute to which minute."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="segments")
    role = models.ForeignKey(ServiceRole, on_delete=models.CASCADE, related_name="segments")
    label = models.CharField(max_length=80, help_text='e.g. "Blood draw", "Numbing cream".')
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("service", "start_minute", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_minute__gt=F("start_minute")), name="segment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.role.name} {self.start_minute}–{self.end_minute} min)"


class BookingStatus(models.TextChoices):
    HELD = "held", "Held while the patient finishes"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Hold expired"


# Statuses whose allocations keep their resources busy.
ACTIVE_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)


class BookingChannel(models.TextChoices):
    WEB = "web", "Online booking"
    STAFF = "staff", "Staff"
    API = "api", "API"


class Series(models.Model):
    """A course of sessions booked together; each session is a booking of its own."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="series")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="series")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="series"
    )
    sessions_planned = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"{self.service}: {self.sessions_planned} sessions"


# A booking that still carries digests of who held it (forgotten once the hold ends).
HAS_HOLDER = ~Q(holder_session="") | ~Q(holder_address="") | ~Q(holder_email="")


class Booking(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    # Named by string: patients build on scheduling, not the other way round.
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        help_text="Empty while a time is only held and the patient has not given their details.",
    )
    status = models.CharField(max_length=12, choices=BookingStatus.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="Grows with each change: calendar apps use it to update the event."
    )
    channel = models.CharField(max_length=8, choices=BookingChannel.choices)
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    series_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Session k of the series (1 for the first)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    manage_digest = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="SHA-256 of the secret in the patient's manage link; the secret is never kept.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Fair use (dermadesk.limits): who holds this time, as keyed digests (HMAC) only, never
    # the session key, address or email itself; forgotten once the hold has ended.
    holder_session = models.CharField(max_length=64, blank=True, default="", editable=False)
    holder_address = models.CharField(max_length=64, blank=True, default="", editable=False)
    holder_email = models.CharField(max_length=64, blank=True, default="", editable=False)
    hold_extensions = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="How many times the patient asked for more time."
    )
    # Who marked the visit's attendance, and when (``booking_check_in``, ``booking_no_show``,
    # ``booking_complete``); kept when a later step follows (checked in, then completed).
    checked_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip
    no_show_at = models.DateTimeField(
        "marked as not attended at", null=True, blank=True, editable=False
    )
    no_show_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name="marked as not attended by",
    )  # fmt: skip

    manage_token: str | None = None
    """The manage link's secret just issued by the service that changed this booking (not a
    field: only its digest is stored). ``None`` on a booking read from the database."""

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            models.Index(fields=["location", "starts_at"]),
            *(
                models.Index(
                    fields=[f"holder_{who}"],
                    condition=Q(status="held"),
                    name=f"booking_held_{who}_idx",
                )
                for who in ("session", "address", "email")
            ),
            models.Index(fields=["status"], condition=HAS_HOLDER, name="booking_has_holder_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.HELD) | Q(hold_expires_at__isnull=False),
                name="booking_hold_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True, series_number__isnull=True)
                | Q(series__isnull=False, series_number__gte=1),
                name="booking_series_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.starts_at:%Y-%m-%d %H:%M} UTC ({self.status})"


class Allocation(models.Model):
    """A resource kept busy by a booking from ``starts_at`` to ``ends_at`` (half-open)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="allocations")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="allocations")
    role = models.SlugField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(
        default=True, help_text="Copied from the booking's status so the database can index it."
    )
    hold_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Copied from a held booking, so availability needs no join to bookings.",
    )

    class Meta:
        ordering = ("starts_at",)
        indexes = [
            # The busy-time read: a resource's allocations ending after the window starts.
            # By end first, so the search skips the history (unbounded) and reads only the
            # window and what is booked beyond it (bounded by the horizon); the hold's expiry
            # is in it too, so the rows themselves are never read (measured: 0.25 ms instead
            # of 1.8 ms for a month of 5,000 bookings on SQLite).
            models.Index(
                fields=["resource", "ends_at", "starts_at", "hold_expires_at"],
                condition=Q(active=True),
                name="allocation_busy_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="allocation_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class CatalogVersion(models.Model):
    """One row whose token changes, in the same transaction, with every change to the clinic's
    setup (services, resources, shifts, hours, closures, time off): see ``catalog.py``.

    Written only by database triggers, which ``catalog.install_triggers`` (re)creates after
    every ``migrate``. The token is random, never a counter: a change rolled back can never
    bring an old token back with other data behind it.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalog version"

    def __str__(self) -> str:
        return self.token
