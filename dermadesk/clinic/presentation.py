"""What the site shows about a location's hours, read once and phrased in one place."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dermadesk.clinic.hours import (
    Span,
    describe_status,
    describe_week,
    format_spans,
    open_status,
)
from dermadesk.clinic.models import Closure, Location, SpecialHours
from dermadesk.clinic.queries import location_schedule

UPCOMING_DAYS = 60


@dataclass(frozen=True)
class UpcomingChange:
    first_day: date
    last_day: date
    hours: str
    reason: str


@dataclass(frozen=True)
class LocationHours:
    location: Location
    weekly_lines: list[str]
    status: str
    is_open: bool
    zone_label: str
    """The clinic's zone as people read it now, e.g. "CST"."""
    changes_at: datetime | None
    """When "open now" / "closed now" next flips."""
    upcoming: list[UpcomingChange]
    weekly: dict[int, tuple[Span, ...]]


def location_hours(location: Location, now: datetime) -> LocationHours:
    """Weekly hours in words, open/closed now, and closures or special hours coming up."""
    today = now.astimezone(location.zone).date()
    schedule = location_schedule(location, today - timedelta(days=1), today + timedelta(days=15))
    status = open_status(schedule, now)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    upcoming = [
        UpcomingChange(c.first_day, c.last_day, "Closed", c.reason)
        for c in Closure.objects.filter(
            location=location, last_day__gte=today, first_day__lte=horizon
        )
    ]
    special: dict[date, list[SpecialHours]] = {}
    for row in SpecialHours.objects.filter(location=location, date__range=(today, horizon)):
        special.setdefault(row.date, []).append(row)
    upcoming += [
        UpcomingChange(
            day,
            day,
            format_spans([Span(r.opens, r.closes) for r in rows]),
            "; ".join(sorted({r.reason for r in rows if r.reason})),
        )
        for day, rows in special.items()
    ]
    return LocationHours(
        location=location,
        weekly_lines=describe_week(schedule.weekly),
        status=describe_status(status, now, location.zone),
        is_open=status.is_open,
        zone_label=now.astimezone(location.zone).strftime("%Z"),
        changes_at=status.changes_at,
        upcoming=sorted(upcoming, key=lambda change: change.first_day),
        weekly={day: tuple(spans) for day, spans in schedule.weekly.items()},
    )
