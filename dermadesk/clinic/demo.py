"""The demo clinic's location: invented details, clearly marked as such."""

from datetime import time

from dermadesk.clinic.models import Location, OfficeHours

DEMO_LOCATION = {
    "name": "Dermadesk Skin Clinic, Springfield",
    "street_address": "100 Example Avenue, Suite 2",
    "locality": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "US",
    # 555-01xx numbers are reserved for fiction; example.com is reserved for examples.
    "phone": "(217) 555-0142",
    "email": "hello@example.com",
    "time_zone": "America/Chicago",
    "map_url": "https://www.openstreetmap.org/?mlat=39.7990&mlon=-89.6440#map=17/39.7990/-89.6440",
    "is_demo": True,
}


def create_demo_location() -> int:
    """The Springfield location, open 8am-7pm every day; returns how many rows it created."""
    location, created = Location.objects.get_or_create(slug="springfield", defaults=DEMO_LOCATION)
    if OfficeHours.objects.filter(location=location).exists():
        return int(created)
    OfficeHours.objects.bulk_create(
        OfficeHours(location=location, weekday=day, opens=time(8), closes=time(19))
        for day in range(7)
    )
    return int(created) + 7
