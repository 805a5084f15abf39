"""`manage.py demo`: create the demo clinic, its location and hours, and the public pages.

Idempotent: what already exists is left as it is (staff edits included), so running it again
changes nothing. Each app adds its own demo data through a function called from here.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dermadesk.charting.demo import create_demo_lots
from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.notifications.demo import create_default_templates
from dermadesk.patients.demo import create_demo_consents
from dermadesk.scheduling.demo import create_demo_scheduling
from dermadesk.scheduling.models import Service
from dermadesk.screening.demo import create_demo_questionnaire
from dermadesk.website.content import load_pages
from dermadesk.website.models import Page


def create_demo_pages() -> int:
    """The public pages; run after the services, which their booking links name."""
    created = 0
    for fields in load_pages():
        slug = fields.pop("slug")
        book = fields.pop("book")
        fields["book_service"] = Service.objects.get(slug=book) if book else None
        _, was_created = Page.objects.get_or_create(slug=slug, defaults=fields)
        created += was_created
    return created


class Command(BaseCommand):
    help = "Create the demo clinic (idempotent: existing rows are left untouched)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = create_demo_location()
            created += create_demo_scheduling(Location.objects.get(slug="springfield"))
            created += create_demo_pages()
            created += create_default_templates()
            created += create_demo_questionnaire() + create_demo_consents(now=timezone.now())
            created += create_demo_lots(today=timezone.localdate())
        if options["verbosity"] > 0:
            self.stdout.write(f"Demo clinic ready ({created} new rows).")
