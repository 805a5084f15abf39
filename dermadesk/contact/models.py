"""Messages sent through the public contact form, and staff's notes and replies on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ContactTopic(models.TextChoices):
    APPOINTMENTS = "appointments", "Booking, moving or cancelling an appointment"
    VISIT = "visit", "Planning a visit (what to bring, when to arrive)"
    PRICES = "prices", "Prices and payment"
    DIRECTIONS = "directions", "Directions, parking and opening hours"
    OTHER = "other", "Something else (not medical)"


class ContactStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ANSWERED = "answered", "Answered"
    SPAM = "spam", "Spam"


NAME_MAX_LENGTH = 100
MESSAGE_MAX_LENGTH = 3000


class ContactMessage(models.Model):
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, e.g. +12175550142.")
    topic = models.CharField(max_length=20, choices=ContactTopic.choices)
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField(
        max_length=12, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_contact_messages",
        limit_choices_to={"is_staff": True},
    )
    ip_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Keyed hash of the sender's IP address, kept only while the rate limit needs it.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["ip_hash", "created_at"], name="contact_ip_recent_idx"),
            models.Index(fields=["email", "created_at"], name="contact_email_recent_idx"),
            models.Index(fields=["status", "-created_at"], name="contact_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_topic_display()}"


class NoteKind(models.TextChoices):
    NOTE = "note", "Internal note"
    REPLY = "reply", "Reply sent to the sender"


class ContactNote(models.Model):
    """The history of a message: staff's internal notes and a record of each reply."""

    contact_message = models.ForeignKey(
        ContactMessage, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    kind = models.CharField(max_length=8, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
