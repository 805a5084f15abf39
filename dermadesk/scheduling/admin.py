from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    Resource,
    Series,
    Service,
    ServiceRole,
    ServiceSegment,
    Skill,
    Unavailability,
    WeeklyShift,
)
from dermadesk.scheduling.services import (
    SchedulingError,
    booking_cancel,
    booking_confirm,
    series_cancel,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


class WeeklyShiftInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WeeklyShift
    extra = 0


class UnavailabilityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Unavailability
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "name", "kind", "category", "location", "licence_type", "max_needle_depth_mm", "active"
    )  # fmt: skip
    list_filter = ("location", "kind", "active")
    filter_horizontal = ("skills",)
    fieldsets = (
        (None, {"fields": ("location", "kind", "name", "category", "active", "staff_member")}),
        (
            "Scope of practice (providers)",
            {
                "fields": ("skills", "licence_type", "max_needle_depth_mm"),
                "description": "The treatments a provider may perform are their skills: the "
                "booking offers them only for treatments whose clinician needs those skills. "
                "The maximum depth is checked when they chart a session.",
            },
        ),
    )
    inlines = (WeeklyShiftInline, UnavailabilityInline)


class ServiceRoleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceRole
    extra = 0


class ServiceSegmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceSegment
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "active", "bookable_online", "slot_minutes", "min_notice_minutes")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ServiceRoleInline, ServiceSegmentInline)


class AllocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ("resource", "role", "starts_at", "ends_at", "active")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(AuditedAdmin):
    """Bookings are read here and changed only through the booking services (actions)."""

    audit_what = "booking"

    list_display = (
        "starts_at", "service", "patient", "series_number", "location", "status", "channel"
    )  # fmt: skip
    list_filter = ("status", "location", "service", "channel")
    list_select_related = ("service", "patient", "location")
    search_fields = ("patient__family_name", "patient__given_name", "patient__email")
    date_hierarchy = "starts_at"
    readonly_fields = (
        "public_id",
        "patient",
        "series",
        "series_number",
        "location",
        "service",
        "status",
        "starts_at",
        "ends_at",
        "hold_expires_at",
        "channel",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (AllocationInline,)
    actions = ("confirm_bookings", "cancel_bookings")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # New bookings go through the booking pages, which check availability.

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # Cancel instead: the history stays.

    @admin.action(description="Confirm selected bookings")
    def confirm_bookings(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(request, queryset, booking_confirm, "confirmed")

    @admin.action(description="Cancel selected bookings")
    def cancel_bookings(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(request, queryset, booking_cancel, "cancelled")

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Booking],
        action: Callable[..., Booking],
        done: str,
    ) -> None:
        now = timezone.now()
        changed = 0
        for booking in queryset.order_by("pk"):
            try:
                action(booking=booking, now=now)
                changed += 1
            except SchedulingError as error:
                self.message_user(request, f"{booking}: {error}", messages.WARNING)
        if changed:
            self.message_user(request, f"{changed} booking(s) {done}.", messages.SUCCESS)


class SeriesBookingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Booking
    extra = 0
    can_delete = False
    fields = ("series_number", "starts_at", "status")
    readonly_fields = fields
    ordering = ("series_number",)
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Series)
class SeriesAdmin(AuditedAdmin):
    """Courses of sessions; each session is a booking, changed through its own page.

    Staff book a course through ``checkout.admin``, which adds "Book a course" to this page
    (booking a course is a use-case, a layer above scheduling).
    """

    audit_what = "course"

    list_display = ("service", "patient", "sessions_planned", "location", "created_at")
    list_select_related = ("service", "patient", "location")
    readonly_fields = ("location", "service", "patient", "sessions_planned", "created_at")
    inlines = (SeriesBookingInline,)
    actions = ("cancel_sessions_ahead",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # The plain add form would skip the checks: "Book a course" instead.

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Cancel the sessions still ahead")
    def cancel_sessions_ahead(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        now = timezone.now()
        cancelled = sum(len(series_cancel(series=series, now=now)) for series in queryset)
        self.message_user(request, f"{cancelled} session(s) cancelled.", messages.SUCCESS)
