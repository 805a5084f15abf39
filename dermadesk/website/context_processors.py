from typing import Any

from django.conf import settings
from django.http import HttpRequest

from dermadesk.clinic.models import Location
from dermadesk.website import accessibility
from dermadesk.website.models import Page


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the menu, the main location, the display preferences."""
    return {
        "site_name": settings.SITE_NAME,
        "menu_pages": Page.objects.filter(published=True, in_menu=True).only(
            "slug", "nav_title", "display_order", "title"
        ),
        "main_location": Location.objects.first(),
        "a11y": accessibility.parse(request.COOKIES.get(accessibility.COOKIE_NAME)),
    }
