from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from dermadesk.staff.pages import nav_items


def staff(request: HttpRequest) -> dict[str, Callable[[], list[dict[str, Any]]]]:
    """The back office's sections for the header, worked out only when a page shows them."""
    return {"staff_nav": lambda: nav_items(request)}
