"""Selectors: read a location's hours from the database into the pure ``hours`` module."""

from collections import defaultdict
from datetime import date

from dermadesk.clinic.hours import DateRange, Schedule, Span
from dermadesk.clinic.models import Closure, Location, OfficeHours, SpecialHours


def location_schedule(location: Location, first_day: date, last_day: date) -> Schedule:
    """The schedule of ``location`` with the exceptions and closures between two local days.

    Three queries, whatever the length of the window.
    """
    exceptions: defaultdict[date, list[Span]] = defaultdict(list)
    for day, opens, closes in SpecialHours.objects.filter(
        location=location, date__range=(first_day, last_day)
    ).values_list("date", "opens", "closes"):
        exceptions[day].append(Span(opens, closes))
    closures = [
        DateRange(first, last)
        for first, last in Closure.objects.filter(
            location=location, first_day__lte=last_day, last_day__gte=first_day
        ).values_list("first_day", "last_day")
    ]
    return Schedule(
        zone=location.zone,
        weekly=weekly_spans(location),
        exceptions={day: tuple(sorted(spans)) for day, spans in exceptions.items()},
        closures=tuple(closures),
    )


def weekly_spans(location: Location) -> dict[int, tuple[Span, ...]]:
    """The regular weekly hours of a location, by weekday (0 = Monday)."""
    weekly: defaultdict[int, list[Span]] = defaultdict(list)
    for weekday, opens, closes in OfficeHours.objects.filter(location=location).values_list(
        "weekday", "opens", "closes"
    ):
        weekly[weekday].append(Span(opens, closes))
    return {day: tuple(sorted(spans)) for day, spans in weekly.items()}
