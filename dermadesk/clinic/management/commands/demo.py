"""Create the demo clinic: one location open 8am-7pm every day, and the public pages.

Idempotent: what already exists is left as it is (staff edits included), so running it again
changes nothing. Later parts of dermadesk add their own demo data here.
"""

from datetime import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from dermadesk.clinic.models import Location, OfficeHours
from dermadesk.website.content import load_pages
from dermadesk.website.models import Page

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


class Command(BaseCommand):
    help = "Create the demo clinic (idempotent: existing rows are left untouched)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = self.create_location() + self.create_pages()
        self.stdout.write(f"Demo clinic ready ({created} new rows).")

    def create_location(self) -> int:
        location, created = Location.objects.get_or_create(slug="springfield", defaults=DEMO_LOCATION)
        if OfficeHours.objects.filter(location=location).exists():
            return int(created)
        OfficeHours.objects.bulk_create(
            OfficeHours(location=location, weekday=day, opens=time(8), closes=time(19))
            for day in range(7)
        )
        return int(created) + 7

    def create_pages(self) -> int:
        created = 0
        for fields in load_pages():
            slug = fields.pop("slug")
            _, was_created = Page.objects.get_or_create(slug=slug, defaults=fields)
            created += was_created
        return created
