"""How far from today a date or a time may be: the reach of the clinic's calendar.

Pure: no Django. Every date and time that a person types or a program sends is checked
here before anything counts with it: a visit's length added, a day's end found, a time
zone's offset applied. Near year 1 or year 9999 that arithmetic leaves what ``datetime``
can hold and raises ``OverflowError``; ten years either way from today is far beyond any
booking horizon, course or waitlist, and far inside those limits.

The pages and the API say "no" in their own words; both catch ``ValueError``, which every
error here is.
"""

from datetime import date, datetime, timedelta

REACH = timedelta(days=3653)
"""Ten years (with their leap days) before and after today."""


class OutOfReach(ValueError):
    """A well-formed date or time, too far from today."""


class NoOffset(ValueError):
    """A time without its offset from UTC: which instant it names is unknown."""


def day_within_reach(day: date, today: date) -> date:
    """``day`` itself, if it is within ten years of ``today``; else ``OutOfReach``."""
    if abs(day - today) > REACH:
        raise OutOfReach("Choose a date within ten years of today.")
    return day


def instant_within_reach(moment: datetime, now: datetime) -> datetime:
    """``moment`` itself, if it has an offset and is within ten years of ``now``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NoOffset("Give the time with its offset from UTC, e.g. +00:00.")
    # Aware datetimes compare without converting either to UTC, so this cannot overflow.
    if not now - REACH <= moment <= now + REACH:
        raise OutOfReach("Choose a time within ten years of today.")
    return moment


def parse_day(text: str, today: date) -> date:
    """A date written ``YYYY-MM-DD``, within reach; ``ValueError`` otherwise."""
    return day_within_reach(date.fromisoformat(text.strip()), today)


def parse_instant(text: str, now: datetime) -> datetime:
    """A time written in ISO 8601 with its offset, within reach; ``ValueError`` otherwise."""
    return instant_within_reach(datetime.fromisoformat(text.strip()), now)
