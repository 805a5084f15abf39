"""When a session's aftercare begins, when its check-ins go out, how long its links work (pure).

- The session ends at the earlier of its planned end and the moment staff marked it completed
  (a visit marked done at the end of the day ended earlier), never before it started.
- A check-in is due a whole number of days after that end, at the same time on the clinic's
  clocks (the same wall-clock time across a change of the clocks: "three days after" as a
  person says it), then moved into waking hours there: before ``WAKING_FROM`` it waits for
  that hour; from ``WAKING_UNTIL`` on it waits for the next morning.
- A link about the session works until ``link_days`` whole days after its end.

Nothing here reads the clock or the database: instants and the zone are passed in.
"""

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

WAKING_FROM = time(9, 0)
WAKING_UNTIL = time(20, 0)


class CheckInKind(StrEnum):
    """Which check-in: its value is also the day after the session it goes out on."""

    DAY_1 = "day1"
    DAY_3 = "day3"

    @property
    def days(self) -> int:
        return int(self.value.removeprefix("day"))


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be aware")


def session_end(*, starts_at: datetime, ends_at: datetime, completed_at: datetime) -> datetime:
    """When the session ended, for its aftercare (UTC)."""
    _aware(starts_at, "starts_at")
    _aware(ends_at, "ends_at")
    _aware(completed_at, "completed_at")
    return max(starts_at, min(ends_at, completed_at)).astimezone(UTC)


def waking(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment``, or the next start of waking hours in ``zone`` when it falls outside them."""
    _aware(moment, "moment")
    local = moment.astimezone(zone)
    if WAKING_FROM <= local.time() < WAKING_UNTIL:
        return moment.astimezone(UTC)
    day = local.date() if local.time() < WAKING_FROM else local.date() + timedelta(days=1)
    return datetime.combine(day, WAKING_FROM, tzinfo=zone).astimezone(UTC)


def check_in_due(kind: CheckInKind, *, ended: datetime, zone: ZoneInfo) -> datetime:
    """When the ``kind`` check-in of a session that ended at ``ended`` goes out (UTC)."""
    _aware(ended, "ended")
    local = ended.astimezone(zone)
    same_time = datetime.combine(
        local.date() + timedelta(days=kind.days), local.time().replace(tzinfo=None), tzinfo=zone
    )
    # A wall-clock time the clocks skip (spring forward) is read after the gap, as zoneinfo
    # does with fold=0; an hour they repeat is read the first time.
    return waking(same_time.astimezone(UTC), zone)


def link_expires(ended: datetime, *, link_days: int) -> datetime:
    """Until when the links about a session that ended at ``ended`` work (UTC)."""
    _aware(ended, "ended")
    if link_days < 1:
        raise ValueError("Links work at least a day.")
    return ended.astimezone(UTC) + timedelta(days=link_days)
