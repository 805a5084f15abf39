"""The right-of-access copy as JSON and as a PDF (WeasyPrint), from the same sections."""

import json
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dermadesk.interop.access import SECTIONS, access_copy
from dermadesk.patients.models import Patient


def access_json(patient: Patient, *, now: datetime) -> bytes:
    """The copy as indented UTF-8 JSON."""
    return json.dumps(access_copy(patient, now=now), ensure_ascii=False, indent=2).encode()


def _html(value: Any) -> SafeString:
    """A value as HTML, every text escaped: a record as a definition list, a list of
    records as one list item each."""
    if isinstance(value, dict):
        if not value:
            return mark_safe("")
        return format_html(
            '<dl class="record">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((k, _html(v)) for k, v in value.items())
            ),
        )
    if isinstance(value, list):
        if not value:
            return format_html("{}", "None")
        return format_html(
            '<ol class="records">{}</ol>',
            format_html_join("", "<li>{}</li>", ((_html(v),) for v in value)),
        )
    if value is None or value == "":
        return format_html("{}", "–")
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    return format_html("{}", str(value))


def access_html(patient: Patient, *, now: datetime) -> str:
    copy = access_copy(patient, now=now)
    sections = [(section.title, _html(copy["sections"][section.key])) for section in SECTIONS]
    return render_to_string(
        "interop/access_copy.html",
        {"copy": copy, "sections": sections, "patient": patient},
    )


def access_pdf(patient: Patient, *, now: datetime) -> bytes:
    """The copy as a PDF, laid out by WeasyPrint from ``interop/access_copy.html``."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    document: bytes = HTML(string=access_html(patient, now=now)).write_pdf()
    return document
