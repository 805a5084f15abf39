"""What a client names and sends, found or refused: locations, services, times and days.

Times far from today are refused here (``scheduling.reach``, as on the booking pages),
before any arithmetic on them could overflow.
"""

from datetime import date, datetime, time

from django.http import Http404

from dermadesk.api.problems import ApiProblem
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Service
from dermadesk.scheduling.reach import NoOffset, OutOfReach, day_within_reach, instant_within_reach


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
    try:
        return instant_within_reach(moment, now)
    except NoOffset:
        raise ApiProblem(
            400, "Time without a zone", "Give times with their offset, e.g. +00:00."
        ) from None
    except OutOfReach as far:
        raise ApiProblem(400, "Time out of range", str(far)) from None


def day_start(day: date, location: Location, today: date) -> datetime:
    """Local midnight starting ``day`` at the location, for a day within ten years of today."""
    try:
        day_within_reach(day, today)
    except OutOfReach as far:
        raise ApiProblem(400, "Date out of range", str(far)) from None
    return datetime.combine(day, time(0), tzinfo=location.zone)
