"""A completed session's aftercare: the record made when staff mark the visit completed, the
two check-ins planned with it, and the patient's answers to them.

The patient is reached through the booking (``booking.patient``), never stored twice here,
so a merge of two records of one person moves the aftercare with the visits.

The answers are health information: they are stored here only, shown to the patient's
clinician and managers, never written into a message, an alert's words or a log.
"""

from django.db import models
from django.db.models import Q

from dermadesk.aftercare.checkin import Level
from dermadesk.aftercare.guide import Treatment
from dermadesk.aftercare.timing import CheckInKind
from dermadesk.scheduling.models import Booking


class SendStatus(models.TextChoices):
    """A message planned for later: sent once when due, or skipped when no longer right."""

    PLANNED = "planned", "Planned"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (no longer right to send, or too late)"


class Aftercare(models.Model):
    """One completed session's aftercare (one per booking, made once)."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="aftercare")
    treatment = models.CharField(
        max_length=40,
        choices=[(treatment.value, treatment.value) for treatment in Treatment],
        help_text="Which timeline the patient is given (PRP has its own notes).",
    )
    session_ended_at = models.DateTimeField(
        help_text="When the session ended: the earlier of its planned end and its completion."
    )
    links_expire_at = models.DateTimeField(
        help_text="The patient's links about this session stop working then."
    )
    created_at = models.DateTimeField()
    # The reminder to book the rest of a course whose later sessions are not booked: planned
    # with the aftercare (empty when the visit is not part of such a course), checked again
    # and sent once when due.
    course_reminder_due_at = models.DateTimeField(null=True, blank=True)
    course_reminder = models.CharField(max_length=8, choices=SendStatus.choices, blank=True)

    class Meta:
        ordering = ("-session_ended_at", "-pk")
        verbose_name_plural = "aftercare"
        indexes = [
            models.Index(
                fields=["course_reminder_due_at"],
                condition=Q(course_reminder=SendStatus.PLANNED),
                name="aftercare_reminder_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Aftercare of booking {self.booking_id}"


class CheckIn(models.Model):
    """A check-in of a session's aftercare: due at a time, sent once, answered any number of
    times (the latest answer counts; each is kept)."""

    aftercare = models.ForeignKey(Aftercare, on_delete=models.CASCADE, related_name="check_ins")
    kind = models.CharField(
        max_length=8,
        choices=[
            (CheckInKind.DAY_1.value, "About a day after"),
            (CheckInKind.DAY_3.value, "About three days after"),
        ],
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PLANNED)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_at", "pk")
        verbose_name = "check-in"
        constraints = [
            models.UniqueConstraint(fields=["aftercare", "kind"], name="check_in_one_per_kind"),
            models.CheckConstraint(
                condition=~Q(status=SendStatus.SENT) | Q(sent_at__isnull=False),
                name="check_in_sent_has_sent_at",
            ),
        ]
        indexes = [
            # What the sweep looks for: planned check-ins that are due.
            models.Index(
                fields=["due_at"],
                condition=Q(status=SendStatus.PLANNED),
                name="check_in_planned_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (aftercare {self.aftercare_id})"


class CheckInAnswer(models.Model):
    """A patient's answers to a check-in, as judged when given. Health information."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    answers = models.JSONField(help_text="Question key → answer (no, a_little, yes).")
    level = models.PositiveSmallIntegerField(
        choices=[(level.value, level.name.title()) for level in Level]
    )
    reasons = models.JSONField(default=list, help_text="The rules' reasons, for the clinician.")
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ("-answered_at", "-pk")
        verbose_name = "check-in answer"

    def __str__(self) -> str:
        return f"Answer to check-in {self.check_in_id}"
