from collections import defaultdict
from collections.abc import Hashable
from datetime import date

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from dermadesk.clinic.hours import WEEKDAY_NAMES, Span, overlapping_spans
from dermadesk.clinic.models import Closure, Location, OfficeHours, SpecialHours


class NonOverlappingSpansFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Rejects two spans of the same day that overlap, across all rows being saved."""

    day_field = "weekday"

    def clean(self) -> None:
        super().clean()
        by_day: defaultdict[Hashable, list[Span]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            opens, closes, day = data.get("opens"), data.get("closes"), data.get(self.day_field)
            if opens is None or closes is None or day is None or closes <= opens:
                continue  # The row's own errors are reported on the row.
            by_day[day].append(Span(opens, closes))
        for day, spans in by_day.items():
            for earlier, later in overlapping_spans(spans):
                raise ValidationError(
                    f"Two opening times overlap on {self._day_label(day)}: "
                    f"{earlier.opens:%H:%M}–{earlier.closes:%H:%M} and "
                    f"{later.opens:%H:%M}–{later.closes:%H:%M}."
                )

    @staticmethod
    def _day_label(day: Hashable) -> str:
        if isinstance(day, date):
            return f"{day:%A, %B} {day.day}"
        return WEEKDAY_NAMES[day] if isinstance(day, int) else str(day)


class WeeklyHoursFormSet(NonOverlappingSpansFormSet):
    day_field = "weekday"


class SpecialHoursFormSet(NonOverlappingSpansFormSet):
    day_field = "date"


class OfficeHoursInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OfficeHours
    formset = WeeklyHoursFormSet
    extra = 0


class SpecialHoursInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SpecialHours
    formset = SpecialHoursFormSet
    extra = 0


class ClosureInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Closure
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "locality", "time_zone", "phone", "is_demo")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OfficeHoursInline, SpecialHoursInline, ClosureInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_demo", "display_order")}),
        (
            "Address and contact",
            {
                "fields": (
                    "street_address",
                    "locality",
                    "region",
                    "postal_code",
                    "country",
                    "phone",
                    "email",
                    "map_url",
                )
            },
        ),
        ("Time", {"fields": ("time_zone",)}),
    )
