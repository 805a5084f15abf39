from datetime import UTC, datetime

import pytest

from dermadesk.notifications.defaults import default_messages
from dermadesk.notifications.models import TemplateKey
from dermadesk.notifications.rendering import (
    Clinic,
    TemplateProblem,
    TemplateTexts,
    render_message,
)

VISIT = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)  # 9:30 AM in Springfield (CST)

# Words that belong to screening and health records, never to a message.
HEALTH_WORDS = (
    "keloid",
    "scleroderma",
    "eczema",
    "psoriasis",
    "pregnan",
    "nursing",
    "isotretinoin",
    "anticoagulant",
    "immunosuppress",
    "screening",
    "not suitable",
    "contraindicat",
)


def test_every_kind_of_message_has_default_words() -> None:
    assert set(default_messages()) == set(TemplateKey.values)


@pytest.mark.parametrize("key", TemplateKey.values)
def test_every_message_ends_with_the_clinic_name_address_and_phone(
    key: str, clinic: Clinic
) -> None:
    default = default_messages()[key]
    rendered = render_message(default.texts, default.sample, clinic)
    footer = rendered.text.rsplit("-- \n", 1)[1]
    assert footer.splitlines() == [
        "Dermadesk Skin Clinic, Springfield",
        "100 Example Avenue, Suite 2",
        "Springfield, IL 62701",
        "Phone: (217) 555-0142",
    ]
    for part in ("Dermadesk Skin Clinic, Springfield", "100 Example Avenue", "(217) 555-0142"):
        assert part in rendered.html


@pytest.mark.parametrize("key", TemplateKey.values)
def test_no_message_carries_health_information(key: str, clinic: Clinic) -> None:
    default = default_messages()[key]
    rendered = render_message(default.texts, default.sample, clinic)
    everything = f"{rendered.subject}\n{rendered.text}\n{rendered.html}\n{rendered.sms}".lower()
    assert not [word for word in HEALTH_WORDS if word in everything]


def test_visit_times_are_shown_in_the_clinic_time_zone(clinic: Clinic) -> None:
    default = default_messages()[TemplateKey.BOOKING_CONFIRMATION]
    context = {**default.sample, "starts_at": VISIT}
    rendered = render_message(default.texts, context, clinic)
    assert "When: Thursday 26 November 2026 at 9:30 a.m. CST" in rendered.text
    assert rendered.subject == "Your visit is booked: Thursday 26 November 2026"


def test_the_same_instant_reads_differently_for_a_clinic_elsewhere(clinic: Clinic) -> None:
    london = Clinic(
        name="Dermadesk London", phone="020 7946 0958", email="london@example.com",
        time_zone="Europe/London", address_lines=("1 Example Street", "London"),
    )  # fmt: skip
    default = default_messages()[TemplateKey.BOOKING_CONFIRMATION]
    rendered = render_message(default.texts, {**default.sample, "starts_at": VISIT}, london)
    assert "at 3:30 p.m. GMT" in rendered.text


def test_the_reminders_give_the_pre_visit_instructions(clinic: Clinic) -> None:
    for key in (TemplateKey.BOOKING_REMINDER_48H, TemplateKey.BOOKING_REMINDER_24H):
        default = default_messages()[key]
        text = render_message(default.texts, default.sample, clinic).text
        assert "arrive 10 minutes early" in text
        assert "numbing cream" in text
        assert "retinoids" in text and "exfoliants" in text
        assert "clean skin" in text


def test_html_escapes_what_the_sender_typed(clinic: Clinic) -> None:
    texts = TemplateTexts(
        subject="Hello {{ name }}", text="Hi {{ name }}", html="<p>{{ name }}</p>"
    )
    rendered = render_message(texts, {"name": "<script>alert(1)</script>"}, clinic)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert rendered.text.startswith("Hi <script>")  # plain text is not HTML


def test_a_subject_is_always_one_line(clinic: Clinic) -> None:
    texts = TemplateTexts(subject="Line one\nBcc: someone@example.com", text="Body")
    rendered = render_message(texts, {}, clinic)
    assert rendered.subject == "Line one Bcc: someone@example.com"


@pytest.mark.parametrize(
    "context",
    [
        {"booking": object()},
        {"starts_at": datetime(2026, 11, 26, 9, 30)},  # noqa: DTZ001 - naive on purpose
        {"nested": {"deeper": [object()]}},
    ],
)
def test_only_plain_aware_values_go_into_a_template(
    context: dict[str, object], clinic: Clinic
) -> None:
    with pytest.raises(TypeError):
        render_message(TemplateTexts(subject="S", text="T"), context, clinic)


@pytest.mark.parametrize("key", ["screening_outcome", "answers", "medical_notes", "Health"])
def test_health_information_is_refused_by_name(key: str, clinic: Clinic) -> None:
    with pytest.raises(ValueError, match="health information"):
        render_message(TemplateTexts(subject="S", text="T"), {key: "anything"}, clinic)


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ("{% load static %}{% static 'x' %}", "text_body"),
        ("{% include 'base.html' %}", "text_body"),
        ("{% debug %}", "text_body"),
        ("{% if %}", "text_body"),
    ],
)
def test_templates_run_in_a_sandbox(source: str, field: str, clinic: Clinic) -> None:
    with pytest.raises(TemplateProblem) as problem:
        render_message(TemplateTexts(subject="S", text=source), {}, clinic)
    assert problem.value.field == field


def test_an_empty_subject_or_body_is_a_problem(clinic: Clinic) -> None:
    with pytest.raises(TemplateProblem) as problem:
        render_message(TemplateTexts(subject="{{ missing }}", text="Body"), {}, clinic)
    assert problem.value.field == "subject"
