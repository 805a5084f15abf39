from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dermadesk.notifications.defaults import default_messages
from dermadesk.notifications.demo import create_default_templates
from dermadesk.notifications.models import (
    MessageStatus,
    MessageTemplate,
    OutboundMessage,
    TemplateKey,
)
from dermadesk.staff.tests.people import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client: Client) -> Client:
    # No password: hashing one is the slowest part of a test, and force_login needs none.
    user = User.objects.create(
        username="manager", email="manager@example.com", is_staff=True, is_superuser=True
    )
    signed_in(client, user)
    return client


@pytest.fixture
def templates() -> dict[str, MessageTemplate]:
    create_default_templates()
    return {template.key: template for template in MessageTemplate.objects.all()}


def add_location() -> None:
    # Through the app registry, as the admin finds it: notifications imports no other app.
    apps.get_model("clinic", "Location").objects.create(
        name="Dermadesk Skin Clinic, Springfield",
        slug="springfield",
        street_address="100 Example Avenue, Suite 2",
        locality="Springfield",
        region="IL",
        postal_code="62701",
        country="US",
        phone="(217) 555-0142",
        email="hello@example.com",
        time_zone="America/Chicago",
    )


def test_seeding_creates_every_template_once_and_keeps_edits() -> None:
    # Apps seed their own templates by migration (aftercare's; charting's recall letter,
    # which is not one of the outbox's own messages): only the outbox's missing ones count.
    own = {message.key for message in default_messages().values()}
    seeded_by_migrations = MessageTemplate.objects.filter(key__in=own).count()
    assert create_default_templates() == len(own) - seeded_by_migrations
    assert own <= set(TemplateKey)
    MessageTemplate.objects.filter(key="booking-confirmation").update(subject="Our own words")
    assert create_default_templates() == 0
    assert MessageTemplate.objects.get(key="booking-confirmation").subject == "Our own words"


def test_the_preview_shows_the_message_with_sample_details_and_the_clinic_footer(
    manager: Client, templates: dict[str, MessageTemplate]
) -> None:
    add_location()
    template = templates["booking-reminder-24h"]
    html = manager.get(f"/admin/notifications/messagetemplate/{template.pk}/preview/").text
    assert "Your visit is coming up: Thursday 26 November 2026 at 9:30 a.m. CST" in html
    assert "Phone: (217) 555-0142" in html
    assert "Open the HTML version" in html


def test_without_a_location_the_preview_uses_placeholder_clinic_details(
    manager: Client, templates: dict[str, MessageTemplate]
) -> None:
    template = templates["contact-acknowledgement"]
    html = manager.get(f"/admin/notifications/messagetemplate/{template.pk}/preview/").text
    assert "Your clinic&#x27;s name" in html


def test_the_html_preview_is_the_email_itself_with_inline_styles_allowed(
    manager: Client, templates: dict[str, MessageTemplate]
) -> None:
    template = templates["booking-confirmation"]
    response = manager.get(f"/admin/notifications/messagetemplate/{template.pk}/preview/html/")
    assert response.status_code == 200
    assert response.text.startswith("<!doctype html>")
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy


def test_a_template_that_cannot_render_is_not_saved(
    manager: Client, templates: dict[str, MessageTemplate]
) -> None:
    template = templates["booking-confirmation"]
    response = manager.post(
        f"/admin/notifications/messagetemplate/{template.pk}/change/",
        {
            "subject": "Booked {% if %}",
            "text_body": "Hello",
            "html_body": "",
            "sms_body": "",
        },
    )
    assert response.status_code == 200
    assert "The template cannot be read" in response.text
    template.refresh_from_db()
    assert template.subject.startswith("Your visit is booked")


def test_send_a_test_queues_it_to_the_signed_in_user(
    manager: Client, templates: dict[str, MessageTemplate], mailoutbox: list[mail.EmailMessage]
) -> None:
    template = templates["booking-change"]
    response = manager.post(
        "/admin/notifications/messagetemplate/",
        {"action": "send_test", "_selected_action": [template.pk]},
        follow=True,
    )
    assert "is on its way to manager@example.com" in response.text
    message = OutboundMessage.objects.get()
    assert message.recipient == "manager@example.com"
    assert message.subject.startswith("[Test] Your visit has moved to")
    call_command("send_due_messages", verbosity=0)
    assert [m.to for m in mailoutbox] == [["manager@example.com"]]


def test_send_a_test_needs_an_email_address(
    client: Client, templates: dict[str, MessageTemplate]
) -> None:
    signed_in(client, User.objects.create(username="noemail", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/notifications/messagetemplate/",
        {"action": "send_test", "_selected_action": [templates["booking-change"].pk]},
        follow=True,
    )
    assert "Your user has no email address" in response.text
    assert not OutboundMessage.objects.exists()


def _message(key: str, status: MessageStatus, **fields: object) -> OutboundMessage:
    now = timezone.now()
    return OutboundMessage.objects.create(
        recipient="alex@example.com",
        template_key="contact-acknowledgement",
        subject="We have your message",
        text_body="Hello",
        idempotency_key=key,
        due_at=now - timedelta(minutes=5),
        status=status,
        sent_at=now if status == MessageStatus.SENT else None,
        **fields,
    )


def test_the_outbox_list_shows_queued_failed_and_sent_counts(manager: Client) -> None:
    _message("a", MessageStatus.PENDING)
    _message("b", MessageStatus.PENDING)
    _message("c", MessageStatus.FAILED, last_error="SMTPRecipientsRefused")
    _message("d", MessageStatus.SENT)
    html = manager.get("/admin/notifications/outboundmessage/").text
    assert '<th scope="row">Queued (waiting or being sent)</th><td>2</td>' in html
    assert '<th scope="row">Failed</th><td>1</td>' in html
    assert '<th scope="row">Sent</th><td>1</td>' in html


def test_staff_can_try_a_failed_message_again(
    manager: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    failed = _message("c", MessageStatus.FAILED, attempts=12, last_error="SMTP 451")
    manager.post(
        "/admin/notifications/outboundmessage/",
        {"action": "try_again", "_selected_action": [failed.pk]},
    )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MessageStatus.PENDING, 0)
    call_command("send_due_messages", verbosity=0)
    assert len(mailoutbox) == 1


def test_staff_can_cancel_a_waiting_message(manager: Client) -> None:
    waiting = _message("a", MessageStatus.PENDING)
    manager.post(
        "/admin/notifications/outboundmessage/",
        {"action": "cancel", "_selected_action": [waiting.pk]},
    )
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.CANCELLED


def test_outbox_status_prints_the_counts() -> None:
    _message("a", MessageStatus.PENDING)
    _message("b", MessageStatus.FAILED)
    _message("c", MessageStatus.SENT)
    out = StringIO()
    call_command("outbox_status", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Waiting to be sent         1" in lines
    assert "Failed (gave up)           1" in lines
    assert "Sent                       1" in lines
    assert lines[-1].startswith("1 due now; the oldest has waited 30")


def test_send_due_messages_reports_what_it_sent(mailoutbox: list[mail.EmailMessage]) -> None:
    _message("a", MessageStatus.PENDING)
    out = StringIO()
    call_command("send_due_messages", stdout=out)
    assert out.getvalue() == "Outbox sweep: 1 sent.\n"
    assert len(mailoutbox) == 1
