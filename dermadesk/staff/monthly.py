"""Counting per location and month for the reports: months in the location's own time zone,
and the rates between two counts.

Pure: plain values in (instants, zones, statuses as text), plain values out. The reports'
selector (``staff.reports``) reads the rows; this module decides which month each falls in
and what the figures of a month are.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# Months far from ours mean a typing mistake; within these, every zone's midnight is a
# datetime Python can hold.
FIRST_YEAR, LAST_YEAR = 1000, 9000

# Booking statuses as the database writes them (``scheduling.models.BookingStatus``).
COMPLETED = "completed"
NO_SHOW = "no_show"
CANCELLED = "cancelled"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError("Please give a month as year and month, like 2026-03.")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """ "2026-03" → March 2026; ``ValueError`` for anything else."""
        year, dash, month = text.strip().partition("-")
        digits = year + month
        if not dash or len(year) != 4 or len(month) != 2 or not digits.isascii():
            raise ValueError("Please give a month as year and month, like 2026-03.")
        if not digits.isdigit():
            raise ValueError("Please give a month as year and month, like 2026-03.")
        return cls(int(year), int(month))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """ "March 2026"."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def short_label(self) -> str:
        """ "Mar 2026"."""
        return f"{MONTH_NAMES[self.month - 1][:3]} {self.year}"

    def plus(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def starts_at(self, zone: ZoneInfo) -> datetime:
        """Midnight of the month's first day in ``zone``, as an instant in UTC."""
        return datetime(self.year, self.month, 1, tzinfo=zone).astimezone(UTC)


def month_of(instant: datetime, zone: ZoneInfo) -> Month:
    """The month ``instant`` falls in, on the clocks of ``zone``."""
    local = instant.astimezone(zone)
    return Month(local.year, local.month)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included (empty if ``last`` is earlier)."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [first.plus(step) for step in range(max(count, 0))]


def window(first: Month, last: Month, zones: Iterable[ZoneInfo]) -> tuple[datetime, datetime]:
    """The instants [start, end) that hold the months ``first`` to ``last`` in every zone."""
    zones = list(zones) or [ZoneInfo("UTC")]
    after = last.plus(1)
    return min(first.starts_at(z) for z in zones), max(after.starts_at(z) for z in zones)


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a fraction; None when there is nothing to count."""
    return part / whole if whole else None


def percent(part: int, whole: int) -> str:
    """ "25%"; "–" when there is nothing to count (never a division by zero)."""
    value = rate(part, whole)
    return "–" if value is None else f"{round(value * 100)}%"


def first_after(
    events: Iterable[tuple[datetime, str]], later: Iterable[tuple[str, datetime, int]]
) -> list[tuple[datetime, int | None]]:
    """Each event (when, whose) with the location of the first of ``later`` (whose, when,
    location) of the same person at or after it, or None: which contact message was followed
    by a booking, and where."""
    by_person: defaultdict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for person, at, location in later:
        by_person[person].append((at, location))
    for bookings in by_person.values():
        bookings.sort(key=lambda booking: booking[0])  # stable: ties keep the given order
    followed: list[tuple[datetime, int | None]] = []
    for at, person in events:
        bookings = by_person.get(person, [])
        index = bisect_left(bookings, at, key=lambda booking: booking[0])
        followed.append((at, bookings[index][1] if index < len(bookings) else None))
    return followed


@dataclass
class MonthFigures:
    """What happened in one month at one location (or at all of them)."""

    visits: int = 0
    """Visits marked completed."""
    no_shows: int = 0
    cancellations: int = 0
    courses: int = 0
    """Courses whose first session falls in the month."""
    sessions_planned: int = 0
    sessions_done: int = 0
    """Sessions of those courses marked completed (so far)."""
    contacts: int = 0
    """Contact messages received (not spam): the clinic's, not one location's."""
    contacts_booked: int = 0
    """Of those, the senders who booked here afterwards (by the same email address)."""
    screenings: int = 0
    """Screenings given: the clinic's, not one location's."""
    screenings_booked: int = 0
    """Of those, the ones followed by a booking of that treatment here."""

    @property
    def attended(self) -> int:
        return self.visits + self.no_shows

    @property
    def no_show_rate(self) -> float | None:
        """No-shows of the visits that were due (completed or not attended)."""
        return rate(self.no_shows, self.attended)

    @property
    def completion_rate(self) -> float | None:
        return rate(self.sessions_done, self.sessions_planned)

    @property
    def contact_rate(self) -> float | None:
        return rate(self.contacts_booked, self.contacts)

    @property
    def screening_rate(self) -> float | None:
        return rate(self.screenings_booked, self.screenings)

    @property
    def no_show_percent(self) -> str:
        return percent(self.no_shows, self.attended)

    @property
    def completion_percent(self) -> str:
        return percent(self.sessions_done, self.sessions_planned)

    @property
    def contact_percent(self) -> str:
        return percent(self.contacts_booked, self.contacts)

    @property
    def screening_percent(self) -> str:
        return percent(self.screenings_booked, self.screenings)

    def add(self, other: "MonthFigures") -> None:
        """Add ``other``'s counts of bookings and courses (the clinic's counts are shared)."""
        self.visits += other.visits
        self.no_shows += other.no_shows
        self.cancellations += other.cancellations
        self.courses += other.courses
        self.sessions_planned += other.sessions_planned
        self.sessions_done += other.sessions_done
        self.contacts_booked += other.contacts_booked
        self.screenings_booked += other.screenings_booked


type Key = tuple[int, Month]
"""A location's id and a month."""


@dataclass
class Tally:
    """The figures of every location and month asked for, filled from the rows read."""

    months: Sequence[Month]
    zones: Mapping[int, ZoneInfo]
    """Each location's id and its zone."""
    clinic_zone: ZoneInfo
    """Where the months of contact messages and screenings are counted (they have no location)."""
    figures: dict[Key, MonthFigures] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.months and list(self.months) != months_between(self.months[0], self.months[-1]):
            raise ValueError("The months must follow one another, oldest first.")
        self._bounds: dict[str, list[datetime]] = {}
        for location in self.zones:
            for month in self.months:
                self.figures[(location, month)] = MonthFigures()

    def month(self, instant: datetime, zone: ZoneInfo) -> Month | None:
        """The month of those asked for that ``instant`` falls in on ``zone``'s clocks (the
        same as ``month_of``, found among the months' first instants), or None."""
        bounds = self._bounds.get(zone.key)
        if bounds is None:
            bounds = [month.starts_at(zone) for month in self.months]
            if self.months:
                bounds.append(self.months[-1].plus(1).starts_at(zone))
            self._bounds[zone.key] = bounds
        index = bisect_right(bounds, instant) - 1
        return self.months[index] if 0 <= index < len(self.months) else None

    def _at(self, location: int, instant: datetime) -> MonthFigures | None:
        zone = self.zones.get(location)
        month = self.month(instant, zone) if zone is not None else None
        return self.figures[(location, month)] if month is not None else None

    def visits(self, rows: Iterable[tuple[int, datetime, str]]) -> None:
        """(location, start, status) of each visit completed, not attended or cancelled."""
        for location, starts_at, status in rows:
            figures = self._at(location, starts_at)
            if figures is None:
                continue
            if status == COMPLETED:
                figures.visits += 1
            elif status == NO_SHOW:
                figures.no_shows += 1
            elif status == CANCELLED:
                figures.cancellations += 1

    def courses(self, rows: Iterable[tuple[int, datetime, int, int]]) -> None:
        """(location, first session's start, sessions planned, sessions done) of each course."""
        for location, first_at, planned, done in rows:
            figures = self._at(location, first_at)
            if figures is not None:
                figures.courses += 1
                figures.sessions_planned += planned
                figures.sessions_done += done

    def _conversions(self, rows: Iterable[tuple[datetime, int | None]], kind: str) -> None:
        for received_at, booked_at in rows:
            month = self.month(received_at, self.clinic_zone)
            if month is None:
                continue
            for location in self.zones:
                figures = self.figures[(location, month)]
                setattr(figures, kind, getattr(figures, kind) + 1)
                if booked_at == location:
                    booked = f"{kind}_booked"
                    setattr(figures, booked, getattr(figures, booked) + 1)

    def contacts(self, rows: Iterable[tuple[datetime, int | None]]) -> None:
        """(received, the location booked at afterwards or None) of each contact message."""
        self._conversions(rows, "contacts")

    def screenings(self, rows: Iterable[tuple[datetime, int | None]]) -> None:
        """(given, the location booked at afterwards or None) of each screening."""
        self._conversions(rows, "screenings")

    def totals(self, month: Month) -> MonthFigures:
        """Every location's figures of ``month`` added up (contacts and screenings once)."""
        total = MonthFigures()
        for location in self.zones:
            figures = self.figures[(location, month)]
            total.add(figures)
            total.contacts, total.screenings = figures.contacts, figures.screenings
        return total
