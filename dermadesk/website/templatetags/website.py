import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from dermadesk.scheduling.models import Service
from dermadesk.website.markup import render_markdown

register = template.Library()

# The characters that could close the script element or open a comment inside it.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict[str, Any] | None) -> SafeString:
    """A schema.org data block. It is data, not script, so the CSP does not need to allow it."""
    if not data:
        return mark_safe("")
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.simple_tag
def booking_url(service: Service | None) -> str:
    """Where a booking link goes: straight to the service's days, else to the treatments."""
    if service is None:
        return reverse("booking:start")
    return reverse("booking:day", args=[service.slug])


@register.filter
def markdown(text: str) -> SafeString:
    """Staff-written Markdown (consent texts) as sanitized HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 -- sanitized by nh3
