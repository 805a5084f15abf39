"""Choosing a time, as every patient's page shows it (the booking steps, the manage link,
the portal): the days of a month with how many times each has free, and one day's free
times by part of the day, in the clinic's zone.

Reads the availability; the layout is the pure ``calendar`` module's.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dermadesk.checkout import calendar
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Service
from dermadesk.scheduling.queries import available_slots, service_rules


@dataclass(frozen=True)
class MonthOfDays:
    month: date
    """The first day of the month shown."""
    days: list[calendar.DayAvailability]
    previous_month: date | None
    """The month before, when it is not in the past."""
    next_month: date | None
    """The month after, when it is within the booking horizon."""


def month_of_days(
    *, service: Service, location: Location, month: str | None, now: datetime,
    ignoring_booking: int | None = None,
) -> MonthOfDays:  # fmt: skip
    """The month named ``YYYY-MM`` (this month when empty), kept between this month and the
    booking horizon. Raises ``ValueError`` for a month that is not written so."""
    zone = location.zone
    today = now.astimezone(zone).date()
    first = calendar.month_start(month, today)
    rules = service_rules(service)
    last_bookable = (now + (rules.horizon or timedelta(days=365))).astimezone(zone).date()
    first = min(max(first, today.replace(day=1)), last_bookable.replace(day=1))
    month_end = calendar.next_month(first)
    slots = available_slots(
        service=service,
        location=location,
        start=datetime.combine(first, time(0), tzinfo=zone),
        end=datetime.combine(month_end, time(0), tzinfo=zone),
        now=now,
        ignoring_booking=ignoring_booking,
    )
    previous = calendar.previous_month(first)
    return MonthOfDays(
        month=first,
        days=calendar.month_days(first, (s.start for s in slots), zone, today, last_bookable),
        previous_month=previous if previous >= today.replace(day=1) else None,
        next_month=month_end if month_end <= last_bookable else None,
    )


def times_of_day(
    *, service: Service, location: Location, day: date, now: datetime,
    ignoring_booking: int | None = None,
) -> list[calendar.PartOfDay]:  # fmt: skip
    """The free start times of ``day`` (in the clinic's zone), by part of the day."""
    zone = location.zone
    slots = available_slots(
        service=service,
        location=location,
        start=datetime.combine(day, time(0), tzinfo=zone),
        end=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
        now=now,
        ignoring_booking=ignoring_booking,
    )
    return calendar.parts_of_day((s.start for s in slots), zone)
