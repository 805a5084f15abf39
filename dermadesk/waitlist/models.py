"""Patients waiting for a time that suits them, and the times offered to them."""

import uuid

from django.db import models
from django.db.models import F, Q

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, Resource, Service
from dermadesk.waitlist.matching import PARTS_OF_DAY


class EntryStatus(models.TextChoices):
    PENDING = "pending", "Email address not confirmed yet"
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a time"
    BOOKED = "booked", "Booked"
    LAPSED = "lapsed", "Did not take the time offered in time"
    EXPIRED = "expired", "Dates passed"
    CANCELLED = "cancelled", "Left the waitlist"
    UNCONFIRMED = "unconfirmed", "Email address never confirmed"


# Entries that count towards a client's open entries (``WAITLIST_ENTRIES_PER_CLIENT``).
OPEN_STATUSES = (EntryStatus.PENDING, EntryStatus.WAITING, EntryStatus.OFFERED)


PART_CHOICES = [(key, name) for key, name, _ in PARTS_OF_DAY]


class WaitlistEntry(models.Model):
    """One patient waiting for one treatment at one location between two dates.

    Only contact details are kept (no date of birth, no health answers): the patient gives
    the rest when they take an offered time, through the usual booking steps. An entry is
    offered times only once its email address is confirmed (by the link emailed on joining).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="waitlist")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="waitlist")
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164.")
    first_day = models.DateField()
    last_day = models.DateField()
    parts_of_day = models.JSONField(
        default=list, blank=True, help_text='Any of "morning", "afternoon", "evening"; empty: any.'
    )
    clinician = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient confirmed the email address."
    )
    client_digest = models.CharField(
        max_length=64, blank=True, default="", editable=False,
        help_text="A keyed digest of the address it was sent from, to count open entries.",
    )  # fmt: skip
    offered = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        help_text="The time held for this patient while the offer lasts.",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "waitlist entries"
        ordering = ("created_at", "pk")
        indexes = [
            models.Index(
                fields=["location", "created_at"],
                condition=Q(status="waiting"),
                name="waitlist_waiting_idx",
            ),
            models.Index(
                fields=["client_digest"],
                condition=Q(status__in=["pending", "waiting", "offered"]),
                name="waitlist_open_client_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="waitlist_days_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.first_day}–{self.last_day} ({self.get_status_display()})"
