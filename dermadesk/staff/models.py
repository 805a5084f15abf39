"""What the back office stores of its own: each staff member's private calendar feed."""

from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    """A clinician's calendar feed at ``/feeds/<secret>.ics``; only the secret's SHA-256 is
    kept. Replacing it changes the digest (the old address stops at once); stopping it
    deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the secret in the feed's address; the secret is never kept.",
    )
    created_at = models.DateTimeField()
    last_fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="When a calendar app last fetched it (to the minute)."
    )

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
