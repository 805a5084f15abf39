"""The audit trail of patient data: who looked at or changed what, for which patient, when,
from which address. Append-only: rows are written, never changed or deleted from the app
(the model refuses, and on PostgreSQL a trigger refuses too).

Changes of the records themselves are also kept field by field by django-auditlog; this table
is the one that also sees reads, and the one a patient's "who looked at my record" is built
from (``actor_role`` is kept for that: the patient is shown the role, not the person).
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    MERGE = "merge", "Merged"


class AppendOnly(Exception):
    """The audit trail is never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Audit events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Audit events are never deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text="Empty for the patient themselves or the system.",
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The staff member's name at the time."
    )
    actor_role = models.CharField(
        max_length=40, blank=True, help_text='Their role at the time, e.g. "Clinician".'
    )
    # Not a constraint: the trail outlives a merged or removed record.
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    what = models.CharField(
        max_length=60, help_text='What was seen or changed: "record", "screening", "bookings".'
    )
    object_ref = models.CharField(
        max_length=80, blank=True, help_text='The row concerned, e.g. "screening.response:12".'
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    objects: ClassVar[models.Manager["AuditEvent"]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        indexes = [
            models.Index(fields=["patient", "-at"], name="audit_patient_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]
        permissions = [("export_auditevent", "Can export the audit trail")]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.what} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Audit events are never deleted.")
