"""The audit trail and django-auditlog's history in the admin: read only for everyone,
superusers included. Nothing is added, changed or deleted there."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.http import HttpRequest

from dermadesk.audit.models import AuditEvent


class ReadOnly:
    """No add, change or delete permission, whoever asks."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """The trail, read only for everyone, superusers included: never added, changed or deleted."""

    list_display = ("at", "actor_name", "actor_role", "action", "what", "patient_id", "address")
    list_filter = ("action",)
    date_hierarchy = "at"


class ReadOnlyLogEntryAdmin(ReadOnly, LogEntryAdmin):  # type: ignore[misc]
    """django-auditlog's history of changes. Its own admin lets a deletion elsewhere in the
    admin take history rows with it; here nothing does."""


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)
