"""API tokens: how a staff member's program signs in to the staff endpoints of the API."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dermadesk.api.credentials import PREFIX_LENGTH

NAME_LENGTH = 100


class ApiToken(models.Model):
    """A bearer token of one staff member. Only the digest of its secret is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text="The staff member the token acts for: it has their permissions.",
    )
    name = models.CharField(
        max_length=NAME_LENGTH, help_text='What it is for, e.g. "front desk tablet".'
    )
    prefix = models.CharField(
        max_length=PREFIX_LENGTH,
        unique=True,
        editable=False,
        help_text="The start of the secret, to recognise it; not secret itself.",
    )
    digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the secret (never the secret)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Recorded at most once a minute."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until revoked.")
    revoked = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
