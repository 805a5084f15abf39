"""The calendar of the back office: a location's day and week, resources as columns, every
visit's steps where they fall, in the clinic's time (named on the page).

Read by ``calendar_queries.calendar_days`` (six queries), laid out by the pure
``calendar_grid``; each page writes one view of the calendar to the audit trail (it shows
patients' names and treatments, never health information).
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dermadesk.clinic.models import Location
from dermadesk.scheduling.reach import OutOfReach, parse_day
from dermadesk.staff.calendar_grid import day_grid, week_table
from dermadesk.staff.calendar_queries import calendar_days, local_midnight
from dermadesk.staff.pages import audit_view, staff_page
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action

ROW_MINUTES = 15


def locations_and_asked(request: HttpRequest) -> tuple[list[Location], Location]:
    """Every location (one query), and the one named by ``?location=`` (its slug), or the
    first; 404 if unknown."""
    slug = request.GET.get("location", "").strip()
    locations = list(Location.objects.order_by("display_order", "name"))
    location = next((p for p in locations if p.slug == slug), None) if slug else None
    if location is None and not slug and locations:
        location = locations[0]
    if location is None:
        raise Http404("No clinic location has this name.")
    return locations, location


def location_asked(request: HttpRequest) -> Location:
    """The location named by ``?location=`` (its slug), or the first one; 404 if unknown."""
    return locations_and_asked(request)[1]


def zone_text(location: Location, day: date) -> str:
    """'Springfield clinic time (CST, America/Chicago)': the zone every time is shown in."""
    noon = local_midnight(day, location) + timedelta(hours=12)
    return f"{location.locality} clinic time ({noon:%Z}, {location.time_zone})"


def day_asked(request: HttpRequest, default: date, *, name: str = "date") -> date:
    """The day of ``?date=YYYY-MM-DD`` (or the parameter ``name``; ``default`` without one);
    ``ValueError`` with a sentence for staff when it cannot be read or lies more than ten
    years from ``default``."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        return parse_day(text, default)
    except OutOfReach:
        raise
    except ValueError as error:
        raise ValueError("Please give the date as year-month-day, e.g. 2026-11-26.") from error


def _common(
    request: HttpRequest, locations: list[Location], location: Location, day: date, now: datetime
) -> dict[str, Any]:
    today = now.astimezone(location.zone).date()
    return {
        "location": location,
        "locations": locations,
        "day": day,
        "today": today,
        "zone_text": zone_text(location, day),
        "may_book": may(request.user, Action.VISIT_BOOK),
    }


def _bad_date(
    request: HttpRequest, locations: list[Location], location: Location, now: datetime,
    problem: str,
) -> HttpResponse:  # fmt: skip
    today = now.astimezone(location.zone).date()
    context = _common(request, locations, location, today, now) | {"problem": problem}
    return render(request, "staff/calendar/problem.html", context, status=400)


@staff_page(Action.CALENDAR_VIEW)
@require_GET
def day_page(request: HttpRequest) -> HttpResponse:
    """One day at one location: a row every quarter hour, a column per resource."""
    now = timezone.now()
    locations, location = locations_and_asked(request)
    try:
        day = day_asked(request, now.astimezone(location.zone).date())
    except ValueError as error:
        return _bad_date(request, locations, location, now, str(error))
    found = calendar_days(location=location, first_day=day, days=1, now=now)
    grid = day_grid(
        day, location.zone, found.columns, found.steps, open_spans=found.open_spans,
        row=timedelta(minutes=ROW_MINUTES),
    )  # fmt: skip
    audit_view(
        request, patient_id=None, what="calendar", object_ref=f"clinic.location:{location.pk}",
        detail=f"day {day.isoformat()}",
    )  # fmt: skip
    context = _common(request, locations, location, day, now) | {
        "grid": grid,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "week_start": day - timedelta(days=day.weekday()),
        "row_minutes": ROW_MINUTES,
    }
    return render(request, "staff/calendar/day.html", context)


@staff_page(Action.CALENDAR_VIEW)
@require_GET
def week_page(request: HttpRequest) -> HttpResponse:
    """The week (Monday to Sunday) holding ``?date=``: a row per day, a column per resource."""
    now = timezone.now()
    locations, location = locations_and_asked(request)
    try:
        day = day_asked(request, now.astimezone(location.zone).date())
    except ValueError as error:
        return _bad_date(request, locations, location, now, str(error))
    monday = day - timedelta(days=day.weekday())
    found = calendar_days(location=location, first_day=monday, days=7, now=now)
    table = week_table(found.day_list, location.zone, found.columns, found.steps)
    audit_view(
        request, patient_id=None, what="calendar", object_ref=f"clinic.location:{location.pk}",
        detail=f"week of {monday.isoformat()}",
    )  # fmt: skip
    context = _common(request, locations, location, monday, now) | {
        "table": table,
        "week_start": monday,
        "week_end": monday + timedelta(days=6),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
    }
    return render(request, "staff/calendar/week.html", context)
