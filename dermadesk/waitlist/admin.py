from django.contrib import admin

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.waitlist.models import WaitlistEntry


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(AuditedAdmin):
    """Who is waiting for what; offers are made by the sweep and the task, not by hand."""

    audit_what = "waitlist place"

    list_display = ("created_at", "service", "given_name", "family_name", "first_day",
                    "last_day", "status", "location")  # fmt: skip
    list_filter = ("status", "location", "service")
    search_fields = ("family_name", "given_name", "email")
    list_select_related = ("service", "location")
    readonly_fields = ("public_id", "offered", "created_at", "updated_at")
