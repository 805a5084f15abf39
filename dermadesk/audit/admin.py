from django.contrib import admin
from django.http import HttpRequest

from dermadesk.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The trail, read only for everyone, superusers included: never added, changed or deleted."""

    list_display = ("at", "actor_name", "actor_role", "action", "what", "patient_id", "address")
    list_filter = ("action",)
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
