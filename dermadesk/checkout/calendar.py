"""How bookable times are laid out for patients: days of a month, parts of a day.

Pure: no Django. Times come in as aware datetimes and are grouped in the clinic's zone.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dermadesk.waitlist.matching import PARTS_OF_DAY as DAY_PARTS

# Said the same way everywhere: the waitlist's parts of the day are these.
PARTS_OF_DAY = tuple((name, begins) for _, name, begins in DAY_PARTS)


@dataclass(frozen=True, slots=True)
class DayAvailability:
    day: date
    starts: int
    """How many start times are free that day (0: none left, or closed)."""
    bookable: bool
    """False before today or beyond the booking horizon."""


@dataclass(frozen=True, slots=True)
class PartOfDay:
    name: str
    starts: tuple[datetime, ...]


def month_days(
    first: date, starts: Iterable[datetime], zone: ZoneInfo, today: date, last_bookable: date
) -> list[DayAvailability]:
    """The days of the month that begins on ``first``, from today on, with their start counts.

    Days already past are left out; days with no free time, or beyond the booking horizon,
    are kept and marked, so the patient sees that they are full or closed.
    """
    counts: dict[date, int] = {}
    for start in starts:
        day = start.astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    days = []
    day = max(first.replace(day=1), today)
    while day.month == first.month:
        days.append(DayAvailability(day, counts.get(day, 0), today <= day <= last_bookable))
        day += timedelta(days=1)
    return days


def parts_of_day(starts: Iterable[datetime], zone: ZoneInfo) -> list[PartOfDay]:
    """Starts of one day grouped into morning, afternoon and evening (empty parts dropped)."""
    groups: dict[str, list[datetime]] = {name: [] for name, _ in PARTS_OF_DAY}
    for start in sorted(starts):
        local = start.astimezone(zone)
        name = next(n for n, begins in reversed(PARTS_OF_DAY) if local.time() >= begins)
        groups[name].append(local)
    return [PartOfDay(name, tuple(group)) for name, group in groups.items() if group]


MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


def month_start(value: str | None, today: date) -> date:
    """The first day of the month named ``YYYY-MM``, or of this month; ValueError if malformed.

    Only four-digit years are read; the caller keeps the month within the booking horizon
    before stepping from it.
    """
    if not value:
        return today.replace(day=1)
    named = MONTH.fullmatch(value)
    if named is None:
        raise ValueError("A month is written YYYY-MM.")
    return date(int(named[1]), int(named[2]), 1)  # year 0000 or month 13: ValueError


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)
