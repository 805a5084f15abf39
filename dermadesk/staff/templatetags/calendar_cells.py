"""The calendar's cells as HTML: what one resource does in one row of the day, or on one day
of the week.

Written with ``format_html`` (every value escaped) rather than template loops: a busy week
has some 650 of them, and the template engine spent most of the page's time on their
lookups (see docs/performance.md).
"""

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from dermadesk.staff.calendar_grid import Cell, Entry, Visit

register = template.Library()

HELD = "Held while someone books online"


def _who(visit: Visit, anchor: bool) -> SafeString:
    """The patient's name, a link to the visit where the visit's link goes."""
    if not visit.patient:
        return format_html('<span class="who">{}</span>', HELD)
    if anchor:
        return format_html(
            '<a href="{}">{}</a>', reverse("staff:visit", args=[visit.key]), visit.patient
        )
    return format_html('<span class="who">{}</span>', visit.patient)


def _status(visit: Visit) -> str:
    return visit.status_label if visit.patient else ""


@register.simple_tag
def day_cell(cell: Cell) -> SafeString:
    """The visits of one cell of the day's grid: who, what, each step with its times."""
    parts = []
    for item in cell.visits:
        visit = item.visit
        status = _status(visit)
        steps = format_html_join(
            "",
            '<li>{}<span class="times">{}</span></li>',
            (
                (f"{step.label} " if step.label != visit.service else "", step.times)
                for step in item.steps
            ),
        )
        parts.append(
            format_html(
                '<div class="cal-visit status-{}">{}<span class="what">{}</span>{}<ul>{}</ul>'
                "</div>",
                visit.status,
                _who(visit, item.anchor),
                visit.service + (f", {visit.session}" if visit.session else ""),
                format_html('<span class="status">{}</span>', status) if status else "",
                steps,
            )
        )
    return SafeString("".join(parts))


@register.simple_tag
def week_cell(entries: Iterable[Entry]) -> SafeString:
    """One resource's visits on one day: times, who, what (and the steps, when more than the
    treatment's name says)."""
    items = []
    for entry in entries:
        visit = entry.visit
        status = _status(visit)
        steps = (
            format_html(' <span class="steps">({})</span>', ", ".join(entry.labels))
            if len(entry.labels) > 1 or entry.labels[0] != visit.service
            else ""
        )
        items.append(
            format_html(
                '<li class="status-{}"><span class="times">{}</span> {}: {}{}{}</li>',
                visit.status,
                entry.times,
                _who(visit, entry.anchor),
                visit.service,
                f" ({status.lower()})" if status else "",
                steps,
            )
        )
    if not items:
        return SafeString("")
    return format_html('<ul class="week-entries">{}</ul>', SafeString("".join(items)))
