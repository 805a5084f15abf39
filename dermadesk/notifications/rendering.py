"""Messages rendered from staff-editable templates: sandboxed, in the clinic's time zone.

The sandbox: templates see plain values only (text, numbers, dates and lists or dicts of
them), never model instances, so an edited template cannot reach into a patient's record;
they can use Django's built-in tags and filters and ``visit_date`` / ``visit_time``, but no
other tag library and no includes. Context keys that name health information are refused
outright: no message ever carries screening answers or outcomes.

The clinic's name, address and phone are added below every message here, by the system,
so no edit can leave them out. Times are shown in the clinic's own time zone.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

SUBJECT_MAX_LENGTH = 200

# A tripwire for developers: context keys that would put health information in a message.
FORBIDDEN_KEY_PARTS = (
    "screening",
    "answer",
    "outcome",
    "contraindication",
    "diagnos",
    "medical",
    "health",
    "medication",
    "allerg",
    "pregnan",
    "symptom",
    "clinical",
)

_FILTERS = ["dermadesk.notifications.message_filters"]
_HTML_ENGINE = Engine(loaders=[], libraries={}, builtins=_FILTERS, autoescape=True)
_TEXT_ENGINE = Engine(loaders=[], libraries={}, builtins=_FILTERS, autoescape=False)


class ClinicDetails(Protocol):
    """What a message needs to know of the clinic location it comes from.

    ``clinic.models.Location`` has all of these; notifications never imports it.
    """

    @property
    def name(self) -> str: ...

    @property
    def phone(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def time_zone(self) -> str: ...

    @property
    def address_lines(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Clinic:
    """Plain clinic details, for previews, samples and tests."""

    name: str
    phone: str
    email: str
    time_zone: str
    address_lines: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class TemplateTexts:
    subject: str
    text: str
    html: str = ""
    sms: str = ""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms: str


class TemplateProblem(ValueError):
    """A template that cannot be rendered; ``field`` names the part that failed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


type PlainValue = (
    str
    | int
    | float
    | bool
    | Decimal
    | date
    | time
    | list[PlainValue]
    | dict[str, PlainValue]
    | None
)


def sandboxed(value: object, path: str = "context") -> PlainValue:
    """``value`` made of plain values only; anything else is a programming error."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"{path}: times in messages must be aware (carry a time zone).")
        return value
    if isinstance(value, str | int | float | bool | Decimal | date | time) or value is None:
        return value
    if isinstance(value, Mapping):
        plain: dict[str, PlainValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be text.")
            lowered = key.lower()
            if any(part in lowered for part in FORBIDDEN_KEY_PARTS):
                raise ValueError(f"{path}.{key}: health information never goes into a message.")
            plain[key] = sandboxed(item, f"{path}.{key}")
        return plain
    if isinstance(value, list | tuple):
        return [sandboxed(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise TypeError(
        f"{path}: only plain values (text, numbers, dates) can go into a message, "
        f"not {type(value).__name__}."
    )


def clinic_context(clinic: ClinicDetails) -> dict[str, PlainValue]:
    lines = [line for line in clinic.address_lines if line]
    return {
        "name": clinic.name,
        "phone": clinic.phone,
        "email": clinic.email,
        "address": ", ".join(lines),
        "address_lines": list(lines),
    }


def text_footer(clinic: ClinicDetails) -> str:
    """The signature below every email: the clinic's name, address and phone."""
    lines = ["-- ", clinic.name, *[line for line in clinic.address_lines if line]]
    if clinic.phone:
        lines.append(f"Phone: {clinic.phone}")
    return "\n".join(lines)


def _render(engine: Engine, source: str, values: Mapping[str, PlainValue], part: str) -> str:
    try:
        template = engine.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(part, f"The template cannot be read: {error}") from error
    if template.nodelist.get_nodes_by_type(DebugNode):
        raise TemplateProblem(part, "The {% debug %} tag cannot be used in messages.")
    try:
        return template.render(Context(dict(values), autoescape=engine.autoescape))
    except Exception as error:  # a staff edit must never crash the caller: report it
        raise TemplateProblem(
            part, f"The template stopped with an error: {type(error).__name__}: {error}"
        ) from error


def _tidy(text: str) -> str:
    """Trailing spaces gone, no run of blank lines, no blank lines at either end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:SUBJECT_MAX_LENGTH]


def render_message(
    texts: TemplateTexts, context: Mapping[str, object], clinic: ClinicDetails
) -> RenderedMessage:
    """The message for one recipient; raises ``TemplateProblem`` when a template fails."""
    values = sandboxed(context)
    assert isinstance(values, dict)  # noqa: S101 - a Mapping always sandboxes to a dict
    values["clinic"] = clinic_context(clinic)
    with timezone.override(ZoneInfo(clinic.time_zone)):
        subject = _one_line(_render(_TEXT_ENGINE, texts.subject, values, "subject"))
        if not subject:
            raise TemplateProblem("subject", "The subject is empty.")
        body = _tidy(_render(_TEXT_ENGINE, texts.text, values, "text_body"))
        if not body:
            raise TemplateProblem("text_body", "The plain-text body is empty.")
        text = f"{body}\n\n{text_footer(clinic)}\n"
        html = ""
        if texts.html.strip():
            inner = _render(_HTML_ENGINE, texts.html, values, "html_body")
            html = render_to_string(
                "notifications/email.html",
                {"subject": subject, "body": mark_safe(inner), "clinic": values["clinic"]},  # noqa: S308 - escaped by the sandboxed engine
            )
        sms = ""
        if texts.sms.strip():
            sms = _tidy(_render(_TEXT_ENGINE, texts.sms, values, "sms_body"))
            sms = f"{sms}\n{clinic.name}, {clinic.phone}"
    return RenderedMessage(subject=subject, text=text, html=html, sms=sms)


def check_template(
    texts: TemplateTexts, *, sample: Mapping[str, object], clinic: ClinicDetails
) -> RenderedMessage:
    """Render ``texts`` with a sample context, as the admin does before saving an edit."""
    return render_message(texts, sample, clinic)
