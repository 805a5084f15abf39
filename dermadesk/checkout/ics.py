"""A booking as an iCalendar (.ics) event, for the patient's own calendar; and a clinician's
visits as a calendar feed their calendar app subscribes to.

Pure: no Django. The UID stays the same for the life of a booking and SEQUENCE grows with
each change, so calendar apps update the event they already have instead of adding one.
Times carry the clinic's TZID with its VTIMEZONE, so they show right wherever the patient is.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

PRODID = "-//dermadesk//booking//EN"


@dataclass(frozen=True, slots=True)
class CalendarVisit:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    zone: ZoneInfo
    summary: str
    location: str
    description: str
    cancelled: bool = False


def visit_ics(visit: CalendarVisit, *, stamp: datetime) -> bytes:
    """The .ics file of one visit: a request, or a cancellation of the same UID."""
    return visits_ics([visit], stamp=stamp)


def visits_ics(visits: Sequence[CalendarVisit], *, stamp: datetime) -> bytes:
    """One .ics file with an event per visit, each keeping its own UID and SEQUENCE (e.g.
    several sessions of a course moved together). All cancelled: a cancellation."""
    if not visits:
        raise ValueError("A calendar file needs at least one visit.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    cancelled = all(visit.cancelled for visit in visits)
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def calendar_feed(
    visits: Sequence[CalendarVisit],
    *,
    name: str,
    zone: ZoneInfo,
    span: tuple[date, date],
    stamp: datetime,
    refresh: timedelta,
) -> bytes:
    """A calendar to subscribe to: an event per visit, in ``zone``, whose VTIMEZONE covers
    ``span`` (the dates the visits fall on: fetched every hour, it stays small) and is there
    even when there is no visit; ``name`` and how often to fetch it again (RFC 7986's NAME
    and REFRESH-INTERVAL, with the older X-WR-CALNAME and X-PUBLISHED-TTL that some apps
    still read). A visit that went away is simply no longer in it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    first, last = span
    calendar.add_component(Timezone.from_tzid(zone.key, first_date=first, last_date=last))
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def _event(visit: CalendarVisit, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", visit.uid)
    event.add("sequence", visit.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.start.astimezone(visit.zone))
    event.add("dtend", visit.end.astimezone(visit.zone))
    event.add("summary", visit.summary)
    event.add("location", visit.location)
    event.add("description", visit.description)
    event.add("status", "CANCELLED" if visit.cancelled else "CONFIRMED")
    return event
