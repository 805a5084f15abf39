"""What a client names and sends, found or refused: locations, services, times and days.

Times far from today are refused here, before any arithmetic on them could overflow.
"""

from datetime import date, datetime, time, timedelta

from django.http import Http404

from dermadesk.api.problems import ApiProblem
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Service

# Far beyond any booking horizon or course, and far inside what datetime can hold.
FARTHEST = timedelta(days=3653)


def location_named(slug: str | None) -> Location:
    """The location with this slug; the first location when none is named."""
    location = (
        Location.objects.filter(slug=slug).first()
        if slug
        else Location.objects.order_by("pk").first()
    )
    if location is None:
        raise Http404("No clinic location has this name.")
    return location


def online_service(slug: str) -> Service:
    """A treatment patients may book online."""
    service = Service.objects.filter(slug=slug, active=True, bookable_online=True).first()
    if service is None:
        raise Http404("No treatment bookable online has this name.")
    return service


def instant(moment: datetime, now: datetime) -> datetime:
    """A time with its offset, within ten years of ``now``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ApiProblem(400, "Time without a zone", "Give times with their offset, e.g. +00:00.")
    if not now - FARTHEST <= moment <= now + FARTHEST:
        raise ApiProblem(400, "Time out of range", "Choose a time within ten years of today.")
    return moment


def day_start(day: date, location: Location, today: date) -> datetime:
    """Local midnight starting ``day`` at the location, for a day within ten years of today."""
    if abs(day - today) > FARTHEST:
        raise ApiProblem(400, "Date out of range", "Choose dates within ten years of today.")
    return datetime.combine(day, time(0), tzinfo=location.zone)
