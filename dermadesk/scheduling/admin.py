from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from dermadesk.scheduling.engine import Preference, Slot
from dermadesk.scheduling.forms import CourseBookingForm
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingChannel,
    Resource,
    ResourceKind,
    Series,
    Service,
    ServiceRole,
    ServiceSegment,
    Skill,
    Unavailability,
    WeeklyShift,
)
from dermadesk.scheduling.queries import available_slots, nearest_alternatives, series_proposal
from dermadesk.scheduling.series import Reason, SeriesPlan
from dermadesk.scheduling.services import (
    SchedulingError,
    SeriesSessionTaken,
    booking_cancel,
    booking_confirm,
    series_book,
    series_cancel,
)

# What the front desk reads when a session of a proposed course is not at its regular time.
STAFF_REASONS = {
    Reason.CLOSED: "the clinic is closed that day",
    Reason.OUTSIDE_HOURS: "the clinic is not open at that time that day",
    Reason.PROVIDER_AWAY: "the clinician is not available then",
    Reason.FULLY_BOOKED: "fully booked at that time",
}


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
    list_display = ("name", "kind", "category", "location", "active")
    list_filter = ("location", "kind", "active")
    filter_horizontal = ("skills",)
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
class BookingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Bookings are read here and changed only through the booking services (actions)."""

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
class SeriesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Courses of sessions; each session is a booking, changed through its own page."""

    list_display = ("service", "patient", "sessions_planned", "location", "created_at")
    list_select_related = ("service", "patient", "location")
    readonly_fields = ("location", "service", "patient", "sessions_planned", "created_at")
    inlines = (SeriesBookingInline,)
    actions = ("cancel_sessions_ahead",)

    change_list_template = "admin/scheduling/series/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # The plain add form would skip the checks: "Book a course" instead.

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def can_book(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm("scheduling.add_series") and user.has_perm("scheduling.add_booking")

    def get_urls(self) -> list[URLPattern]:
        book = path(
            "book/",
            self.admin_site.admin_view(self.book_course_view),
            name="scheduling_series_book",
        )
        return [book, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"can_book_course": self.can_book(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def book_course_view(self, request: HttpRequest) -> HttpResponse:
        """Staff book a whole course for a patient: propose every date, then book them all."""
        if not self.can_book(request):
            raise PermissionDenied
        now = timezone.now()
        form = CourseBookingForm(request.POST or None, initial=request.GET.dict() or None)
        context: dict[str, Any] = {}
        status = 200
        if request.method == "POST" and form.is_valid():
            outcome = self._propose_or_book(request, form, now)
            if isinstance(outcome, HttpResponse):
                return outcome
            context, status = outcome
        elif request.method == "POST":
            status = 400
        return TemplateResponse(
            request,
            "admin/scheduling/series/book_course.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Book a course",
                "form": form,
                "media": self.media + form.media,
                **context,
            },
            status=status,
        )

    def _propose_or_book(
        self, request: HttpRequest, form: CourseBookingForm, now: datetime
    ) -> HttpResponse | tuple[dict[str, Any], int]:
        data = form.cleaned_data
        service, location = data["service"], data["location"]
        first = self._first_slot(form, now)
        if first is None:
            alternatives = nearest_alternatives(
                service=service, location=location, around=form.first_start(), now=now
            )
            form.add_error(
                None, "That first time is not free for this treatment (or not bookable).",
            )  # fmt: skip
            shown = {
                "alternatives": [s.start for s in alternatives],
                "clinic_zone": location.time_zone,
            }
            return shown, 409
        plan = series_proposal(
            service=service, location=location, first=first, count=data["sessions"], now=now
        )
        starts = ",".join(s.slot.start.astimezone(UTC).isoformat() if s.slot else ""
                          for s in plan.sessions)  # fmt: skip
        shown = {"plan": self._plan_rows(plan, location.zone), "starts": starts,
                 "complete": plan.complete, "clinic_zone": location.time_zone}  # fmt: skip
        if "book" not in request.POST:
            return shown, 200
        if not plan.complete or request.POST.get("starts") != starts:
            form.add_error(None, "The proposal changed since it was shown: check it again.")
            return shown, 409
        try:
            series = cast(Series, series_book(
                service=service, location=location,
                sessions=[s.slot for s in plan.sessions if s.slot], now=now,
                channel=BookingChannel.STAFF, patient_id=data["patient"].pk,
                created_by=request.user,  # type: ignore[arg-type]
            )[0].series)  # fmt: skip
        except SeriesSessionTaken as taken:
            form.add_error(None, f"Session {taken.number} was taken meanwhile; nothing was booked.")
            return shown, 409
        except SchedulingError as refused:
            form.add_error(None, str(refused))
            return shown, 409
        self.message_user(
            request,
            f"Booked {series.sessions_planned} sessions of {service.name} for {data['patient']}. "
            "The patient has been emailed.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:scheduling_series_change", args=[series.pk]))

    def _first_slot(self, form: CourseBookingForm, now: datetime) -> Slot | None:
        data = form.cleaned_data
        start, clinician = form.first_start(), data["clinician"]
        preferences = (
            [
                Preference(role.name, str(clinician.pk), required=True)
                for role in data["service"].roles.filter(kind=ResourceKind.PROVIDER)
            ]
            if clinician is not None
            else []
        )
        slots = available_slots(
            service=data["service"], location=data["location"], start=start,
            end=start + timedelta(microseconds=1), now=now, preferences=preferences,
        )  # fmt: skip
        return slots[0] if slots else None

    def _plan_rows(self, plan: SeriesPlan, zone: Any) -> list[dict[str, Any]]:
        ids = {int(r) for s in plan.sessions if s.slot for r in s.slot.assignment.values()}
        names = dict(
            Resource.objects.filter(pk__in=ids, kind=ResourceKind.PROVIDER).values_list(
                "pk", "name"
            )
        )
        return [
            {
                "number": session.number,
                "target": session.target.astimezone(zone),
                "start": session.slot.start.astimezone(zone) if session.slot else None,
                "clinician": ", ".join(
                    names[int(r)] for r in session.slot.assignment.values() if int(r) in names
                )
                if session.slot
                else "",
                "why": STAFF_REASONS[session.reason] if session.reason else "",
            }
            for session in plan.sessions
        ]

    @admin.action(description="Cancel the sessions still ahead")
    def cancel_sessions_ahead(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        now = timezone.now()
        cancelled = sum(len(series_cancel(series=series, now=now)) for series in queryset)
        self.message_user(request, f"{cancelled} session(s) cancelled.", messages.SUCCESS)
