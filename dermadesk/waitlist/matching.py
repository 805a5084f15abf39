"""Which free start suits a waiting patient: their dates, parts of the day, clinician.

Pure: no Django. Starts come in as aware datetimes with the clinicians they would be with;
parts of the day are judged in the clinic's zone.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PARTS_OF_DAY = (("morning", "Morning", time(0)), ("afternoon", "Afternoon", time(12)),
                ("evening", "Evening", time(17)))  # fmt: skip
"""(key, name, from): each part runs until the next one begins."""


def part_of_day(moment: datetime, zone: ZoneInfo) -> str:
    """'morning', 'afternoon' or 'evening', in the clinic's zone."""
    clock = moment.astimezone(zone).time()
    return next(key for key, _, begins in reversed(PARTS_OF_DAY) if clock >= begins)


@dataclass(frozen=True, slots=True)
class Wish:
    """What one waiting patient asked for."""

    first_day: date
    last_day: date
    parts: frozenset[str]
    """Empty: any time of day."""
    clinician: str | None = None
    """A resource id, or None for any clinician."""


@dataclass(frozen=True, slots=True)
class Candidate:
    start: datetime
    clinicians: Sequence[str]


def suits(wish: Wish, candidate: Candidate, zone: ZoneInfo) -> bool:
    day = candidate.start.astimezone(zone).date()
    if not wish.first_day <= day <= wish.last_day:
        return False
    if wish.parts and part_of_day(candidate.start, zone) not in wish.parts:
        return False
    return wish.clinician is None or wish.clinician in candidate.clinicians


def first_suitable(wish: Wish, candidates: Iterable[Candidate], zone: ZoneInfo) -> Candidate | None:
    """The earliest candidate that suits the wish, or None."""
    return min((c for c in candidates if suits(wish, c, zone)), key=lambda c: c.start, default=None)
