"""What the inbox and alerts pages share: the clinic whose time zone their times are shown in.

Contact messages and alerts belong to the clinic rather than to one location; their times
are shown in the zone of the clinic's first location (the one the contact form writes from),
named on the page.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dermadesk.clinic.models import Location


def clinic_location() -> Location | None:
    """The location the contact form writes from (and the inbox's replies come from)."""
    return Location.objects.first()


def clinic_zone(now: datetime) -> dict[str, Any]:
    """``zone`` for the templates' ``{% timezone %}``, and its name and abbreviation now."""
    location = clinic_location()
    zone = location.zone if location is not None else ZoneInfo("UTC")
    return {"zone": zone, "zone_name": zone.key, "zone_label": now.astimezone(zone).strftime("%Z")}
