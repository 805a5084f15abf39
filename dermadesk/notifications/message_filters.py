"""Filters every message template may use: a visit's day and time, said the same way everywhere.

Both show the time in the zone active while rendering, which ``rendering.render_message``
sets to the clinic's own zone.
"""

from datetime import date, datetime

from django import template
from django.utils import dateformat

register = template.Library()


@register.filter(expects_localtime=True)
def visit_date(value: object) -> str:
    """ "Thursday 26 November 2026"."""
    if not isinstance(value, date):
        return ""
    return dateformat.format(value, "l j F Y")


@register.filter(expects_localtime=True)
def visit_time(value: object) -> str:
    """ "9:30 a.m. CST": the clock time and the zone's short name."""
    if not isinstance(value, datetime):
        return ""
    return dateformat.format(value, "g:i a T")
