"""Model factories for tests of the clinic and the apps built on it."""

from datetime import time
from typing import Any

from dermadesk.clinic.models import Location, OfficeHours


def make_location(*, slug: str = "test-clinic", daily: tuple[time, time] | None = None,
                  **fields: Any) -> Location:  # fmt: skip
    """A location; with ``daily``, open those hours every day of the week."""
    values: dict[str, Any] = {
        "name": "Test Clinic",
        "street_address": "1 Test Street",
        "locality": "Testville",
        "country": "US",
        "phone": "(555) 010-0100",
        "email": "clinic@example.com",
        "time_zone": "America/New_York",
    }
    values.update(fields)
    location = Location.objects.create(slug=slug, **values)
    if daily:
        OfficeHours.objects.bulk_create(
            OfficeHours(location=location, weekday=day, opens=daily[0], closes=daily[1])
            for day in range(7)
        )
    return location
