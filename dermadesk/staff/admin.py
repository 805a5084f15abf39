from django.contrib import admin
from django.http import HttpRequest

from dermadesk.staff.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who has a calendar feed; deleting one stops it (e.g. a phone lost while its owner is
    away). Feeds are made only by their owners, on their account page."""

    list_display = ("user", "created_at", "last_fetched_at")
    readonly_fields = ("user", "created_at", "last_fetched_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
