"""Alerts: something happened that a person on the staff must look at (a patient asked to
change a visit too late to do it online, a waitlist place ended without a time, a message
could not be sent). Each is written by the app it happened in, in the same transaction as
what it reports, and stays open until someone on the staff marks it resolved.

The lowest layer: every app may raise an alert, and this app imports none of them. What an
alert is about is said in words (``what``) with a link to where staff act on it, never with
health information.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AlertKind(models.TextChoices):
    """What an alert is about. New kinds are added here (and need no other change)."""

    LATE_CHANGE = "late_change", "Late change request"
    WAITLIST_NO_TIME = "waitlist_no_time", "Waitlist: no time found"
    WAITLIST_OFFER_LAPSED = "waitlist_offer_lapsed", "Waitlist: offer not taken"
    MESSAGE_FAILED = "message_failed", "Message not sent"
    CHECK_IN = "check_in", "Aftercare check-in: needs a call"
    COMPLICATION_FOLLOW_UP = "complication_follow_up", "Complication: follow-up due"
    DATA_REQUEST = "data_request", "Patient's data request"
    SCREENING_BEFORE_VISIT = "screening_before_visit", "Health answers for a booked visit: review"


WHAT_MAX_LENGTH = 500


class Alert(models.Model):
    kind = models.CharField(max_length=40, choices=AlertKind.choices)
    about = models.CharField(
        max_length=100,
        help_text='What it is about, as "kind:id" (e.g. "booking:42:3"): one open alert each.',
    )
    what = models.CharField(
        max_length=WHAT_MAX_LENGTH, help_text="For the staff, in words; no health information."
    )
    link = models.CharField(
        max_length=300, blank=True, help_text="Where staff act on it: a path of this site."
    )
    # The patient whose details the alert shows, so that showing it is audited against them.
    # Not a constraint (this app imports none above it; the alert outlives a merged record).
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(resolved_at__isnull=True),
                name="alert_open_idx",
            ),
            models.Index(fields=["-resolved_at"], name="alert_resolved_idx"),
        ]
        constraints = [
            # Telling the same thing twice (a retried task, two workers) raises one alert.
            models.UniqueConstraint(
                fields=["kind", "about"],
                condition=Q(resolved_at__isnull=True),
                name="alert_one_open_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.about}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
