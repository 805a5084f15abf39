"""The outbox: every message to send is first a row here, and the templates staff can edit.

A message row is written in the same transaction as the event that causes it (a booking, a
contact message), so either both exist or neither does. Delivery happens after the commit,
in a background task or the periodic sweep (see ``delivery.py``).
"""

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dermadesk.notifications.defaults import SAMPLE_CLINIC, default_messages
from dermadesk.notifications.rendering import TemplateProblem, TemplateTexts, check_template


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    CANCELLED = "cancelled", "Cancelled"


class TemplateKey(models.TextChoices):
    CONTACT_ACKNOWLEDGEMENT = "contact-acknowledgement", "Contact form: acknowledgement to sender"
    CONTACT_STAFF_NOTIFICATION = "contact-staff-notification", "Contact form: notice to staff"
    CONTACT_REPLY = "contact-reply", "Contact form: the staff's reply to the sender"
    BOOKING_CONFIRMATION = "booking-confirmation", "Booking confirmation"
    BOOKING_CHANGE = "booking-change", "Booking changed"
    BOOKING_COURSE_ADDED = "booking-course-added", "Course booked after its first visit"
    BOOKING_COURSE_CHANGE = "booking-course-change", "Several sessions of a course moved"
    BOOKING_CANCELLATION = "booking-cancellation", "Booking cancelled"
    BOOKING_REMINDER_48H = "booking-reminder-48h", "Reminder 48 hours before a visit"
    BOOKING_REMINDER_24H = "booking-reminder-24h", "Reminder 24 hours before a visit"
    WAITLIST_CONFIRM = "waitlist-confirm", "Waitlist: confirm the email address"
    WAITLIST_JOINED = "waitlist-joined", "Waitlist: joined"
    WAITLIST_OFFER = "waitlist-offer", "Waitlist: a time is free"
    BOOKING_LATE_CHANGE_STAFF = (
        "booking-late-change-staff",
        "Late change request: notice to staff",
    )
    PATIENT_SIGN_IN_CODE = "patient-sign-in-code", "Patient sign-in: the code"
    AFTERCARE_INSTRUCTIONS = "aftercare-instructions", "Aftercare: the instructions after a session"
    AFTERCARE_CHECK_IN_DAY1 = "aftercare-check-in-day1", "Aftercare: check-in about a day after"
    AFTERCARE_CHECK_IN_DAY3 = (
        "aftercare-check-in-day3",
        "Aftercare: check-in about three days after",
    )
    AFTERCARE_COURSE_REMINDER = (
        "aftercare-course-reminder",
        "Aftercare: book the rest of the course",
    )


class OutboundMessage(models.Model):
    """One message to one recipient on one channel, rendered when it was queued.

    ``last_error`` holds the technical reason of the last failure (a mail server's reply,
    a timeout); never the message's content.
    """

    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254, help_text="Email address, or E.164 phone.")
    reply_to = models.CharField(max_length=254, blank=True)
    template_key = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, blank=True)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="Text attachments: filename, mimetype, content."
    )
    private_values = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Secrets in the words (a link's key, a sign-in code): hidden on staff "
        "screens, and taken out of the stored words once the message is sent.",
    )
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Names the message for its whole life: queueing it again changes nothing.",
    )
    due_at = models.DateTimeField(help_text="Not sent before this time.")
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not sent after this time (e.g. a reminder after the visit).",
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current or last attempt started."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "outbound message"
        indexes = [
            # What the sweep and the workers look for: due messages still to send.
            models.Index(
                fields=["due_at"],
                condition=Q(status=MessageStatus.PENDING),
                name="notif_pending_due_idx",
            ),
            # Messages whose sender died mid-send, found by the sweep.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status=MessageStatus.SENDING),
                name="notif_sending_claimed_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="notif_status_created_idx"),
            # A patient's record lists the messages sent to their email address or phone.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="notif_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_template_key_display()} to {self.recipient}"

    def hide_private(self, text: str, mark: str = "[private]") -> str:
        """``text`` with each private value replaced by ``mark``."""
        for value in self.private_values:
            text = text.replace(str(value), mark)
        return text

    def get_template_key_display(self) -> str:
        try:
            return str(TemplateKey(self.template_key).label)
        except ValueError:
            return self.template_key

    @property
    def message_id(self) -> str:
        """The email Message-ID: derived from the idempotency key, the same on every attempt."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:40]
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]  # "Clinic <a@b>" or "a@b"
        domain = address.rpartition("@")[2] or "dermadesk.invalid"
        return f"<{digest}@{domain}>"


class MessageTemplate(models.Model):
    """The words of one kind of message, in Django template syntax, editable by staff.

    Rendered in a sandbox: plain values only (text, numbers, dates), no tag libraries, no
    includes. The clinic's name, address and phone are added below every message by the
    system, so they cannot be left out by an edit.
    """

    key = models.CharField(max_length=64, unique=True, choices=TemplateKey.choices)
    subject = models.CharField(max_length=200)
    text_body = models.TextField("plain-text body")
    html_body = models.TextField(
        "HTML body", blank=True, help_text="Leave empty to send the plain text only."
    )
    sms_body = models.TextField(
        "text message (SMS)",
        blank=True,
        max_length=480,
        help_text="Used when the message goes out as a text message; empty means email only.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("key",)
        verbose_name = "message template"

    def __str__(self) -> str:
        return self.get_key_display()

    def clean(self) -> None:
        super().clean()
        try:
            default = default_messages().get(self.key)
            sample = default.sample if default else {}
            check_template(self.texts(), sample=sample, clinic=SAMPLE_CLINIC)
        except TemplateProblem as problem:
            raise ValidationError({problem.field: str(problem)}) from problem

    def texts(self) -> TemplateTexts:
        return TemplateTexts(
            subject=self.subject,
            text=self.text_body,
            html=self.html_body,
            sms=self.sms_body,
        )
