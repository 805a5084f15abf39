from django import template
from django.utils.safestring import SafeString, mark_safe

from dermadesk.website.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Staff-written Markdown (consent texts) as sanitized HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 -- sanitized by nh3
