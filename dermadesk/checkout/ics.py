"""A booking as an iCalendar (.ics) event, for the patient's own calendar.

Pure: no Django. The UID stays the same for the life of a booking and SEQUENCE grows with
each change, so calendar apps update the event they already have instead of adding one.
Times carry the clinic's TZID with its VTIMEZONE, so they show right wherever the patient is.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

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
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if visit.cancelled else "PUBLISH")
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
    calendar.add_component(event)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data
