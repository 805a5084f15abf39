import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage, ContactStatus
from dermadesk.contact.tests.conftest import VALID
from dermadesk.notifications.delivery import outbox_sweep
from dermadesk.notifications.models import OutboundMessage, TemplateKey

SEND = "/contact/send/"


def post(client: Client, remote_addr: str = "203.0.113.7", **changes: Any) -> Any:
    data = {**VALID, **changes}
    return client.post(SEND, {k: v for k, v in data.items() if v is not None},
                       REMOTE_ADDR=remote_addr)  # fmt: skip


def nothing_written() -> bool:
    return not ContactMessage.objects.exists() and not OutboundMessage.objects.exists()


def test_the_contact_page_shows_the_form_with_required_fields_marked(
    client: Client, demo_clinic: Location
) -> None:
    html = client.get("/contact/").text
    assert 'action="/contact/send/"' in html
    assert "All fields marked “required” must be completed." in html
    assert "This form is for non-medical questions only." in html
    for label in ("Your name", "Email address", "What is it about?", "Your message"):
        assert re.search(rf"{re.escape(label)} <span class=\"field-required\">\(required\)", html)
    assert 'Phone number <span class="field-optional">(optional)</span>' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_medical_questions_are_pointed_to_a_consultation_online_and_by_phone(
    client: Client, demo_clinic: Location
) -> None:
    html = client.get("/contact/").text
    assert 'please <a href="/book/consultation/">book a consultation online</a>' in html
    assert 'call us on <a href="tel:(217)555-0142">(217) 555-0142</a> to book one.' in html


def test_a_message_is_stored_then_acknowledged_and_forwarded(
    client: Client,
    demo_clinic: Location,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 303
    assert response["Location"] == "/contact/?sent=1#contact-form"

    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email, stored.phone, stored.topic, stored.status) == (
        "Alex Example", "alex@example.com", "+12175550100", "directions", ContactStatus.NEW
    )  # fmt: skip
    assert stored.message == "Is there parking near the clinic?"
    messages = {m.template_key: m for m in OutboundMessage.objects.all()}
    assert set(messages) == {
        TemplateKey.CONTACT_ACKNOWLEDGEMENT,
        TemplateKey.CONTACT_STAFF_NOTIFICATION,
    }
    assert messages[TemplateKey.CONTACT_ACKNOWLEDGEMENT].recipient == "alex@example.com"
    staff = messages[TemplateKey.CONTACT_STAFF_NOTIFICATION]
    assert (staff.recipient, staff.reply_to) == ("hello@example.com", "alex@example.com")
    assert f"/staff/inbox/{stored.pk}/" in staff.text_body
    assert DBTaskResult.objects.count() == 2


def test_after_sending_the_page_says_thank_you(client: Client, demo_clinic: Location) -> None:
    html = client.get("/contact/?sent=1").text
    assert '<div class="form-success" role="status">' in html
    assert "Your message has reached us." in html


def test_the_acknowledgement_has_the_clinic_footer_and_nothing_the_sender_wrote(
    client: Client, demo_clinic: Location, mailoutbox: list[mail.EmailMessage]
) -> None:
    post(client, message="I have eczema and take isotretinoin; is that a problem?")
    outbox_sweep(now=timezone.now())
    acknowledgement = next(m for m in mailoutbox if m.to == ["alex@example.com"])
    body = str(acknowledgement.body)
    assert body.endswith(
        "-- \nDermadesk Skin Clinic, Springfield\n100 Example Avenue, Suite 2\n"
        "Springfield, IL 62701\nPhone: (217) 555-0142\n"
    )
    assert "call us on (217) 555-0142 to book a consultation" in body
    for email in mailoutbox:
        text = f"{email.subject}\n{email.body}".lower()
        assert "eczema" not in text and "isotretinoin" not in text


def test_staff_addresses_can_be_set(
    client: Client, demo_clinic: Location, settings: Settings
) -> None:
    settings.CONTACT_STAFF_EMAILS = ["desk@example.com", "manager@example.com"]
    post(client)
    recipients = set(
        OutboundMessage.objects.filter(
            template_key=TemplateKey.CONTACT_STAFF_NOTIFICATION
        ).values_list("recipient", flat=True)
    )
    assert recipients == {"desk@example.com", "manager@example.com"}


BAD_INPUT = [
    pytest.param({"name": ""}, "Your name: Please enter your name.", id="missing name"),
    pytest.param({"name": "   "}, "Your name: Please enter your name.", id="blank name"),
    pytest.param({"name": "x" * 101}, "Please shorten your name", id="name too long"),
    pytest.param({"name": "Alex\r\nBcc: x@example.com"}, "on one line", id="name with newline"),
    pytest.param({"email": None}, "Please enter your email address", id="email left out"),
    pytest.param({"email": "alex@"}, "like name@example.com", id="email invalid"),
    pytest.param({"email": "a" * 250 + "@example.com"}, "254 characters", id="email too long"),
    pytest.param({"phone": "call me"}, "Phone number: Please enter a phone number", id="phone"),
    pytest.param({"phone": "(555) 010-0100"}, "does not look complete", id="phone invalid"),
    pytest.param({"phone": "1" * 40}, "32 characters or fewer", id="phone too long"),
    pytest.param({"topic": ""}, "Please choose what your message is about.", id="no topic"),
    pytest.param({"topic": "diagnosis"}, "one of the topics", id="unknown topic"),
    pytest.param({"message": ""}, "Please write your message.", id="empty message"),
    pytest.param({"message": "y" * 3001}, "(it has 3001)", id="message too long"),
    pytest.param({"message": "bell\x07"}, "plain text", id="control character"),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_INPUT)
def test_bad_input_is_answered_400_with_the_problem_and_nothing_is_written(
    client: Client, demo_clinic: Location, changes: dict[str, Any], expected: str
) -> None:
    response = post(client, **changes)
    assert response.status_code == 400
    html = response.text
    assert expected in html
    assert 'role="alert"' in html
    assert html.count('aria-invalid="true"') == 1
    assert "<title>Error: " in html
    assert nothing_written()


def test_what_was_typed_is_kept_and_errors_link_to_their_fields(
    client: Client, demo_clinic: Location
) -> None:
    response = post(client, email="alex@", message="Where do I park?\nThanks")
    html = response.text
    assert 'value="Alex Example"' in html
    assert 'value="alex@"' in html
    assert ">\nWhere do I park?\nThanks</textarea>" in html
    assert '<option value="directions" selected>' in html
    assert '<a href="#id_email">Email address: Please enter an email address' in html
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html)
    assert field is not None
    assert 'aria-invalid="true"' in field.group()
    assert 'aria-describedby="id_email_helptext id_email_error"' in field.group()
    assert 'id="id_email_error"' in html


def test_several_problems_are_listed_together(client: Client, demo_clinic: Location) -> None:
    html = post(client, name="", email="", topic="", message="").text
    assert html.count('aria-invalid="true"') == 4
    summary = html.split('id="contact-error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 4


def test_the_hidden_honeypot_field_filled_in_stops_the_message(
    client: Client, demo_clinic: Location
) -> None:
    response = post(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Leave this field empty" in response.text
    assert nothing_written()


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(
    client: Client, demo_clinic: Location
) -> None:
    html = client.get("/contact/").text
    assert re.search(r'<div hidden>\s*<label for="id_website">Leave this field empty', html)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": ["A", "B"]}, id="repeated field"),
        pytest.param({}, id="empty post"),
        pytest.param({"unexpected": "field"}, id="only unknown fields"),
    ],
)
def test_odd_posts_get_a_400_never_a_500(
    client: Client, demo_clinic: Location, body: dict[str, Any]
) -> None:
    response = client.post(SEND, body)
    assert response.status_code == 400
    assert nothing_written()


def test_a_post_that_is_not_a_form_gets_a_400(client: Client, demo_clinic: Location) -> None:
    response = client.post(SEND, data=b'{"name": "Alex"}', content_type="application/json")
    assert response.status_code == 400
    assert nothing_written()


def test_a_huge_post_gets_a_413(client: Client, demo_clinic: Location, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, message="z" * 20_000)
    assert response.status_code == 413
    assert nothing_written()


def test_a_null_character_is_refused_before_the_form_and_nothing_is_written(
    client: Client, demo_clinic: Location
) -> None:
    # Refused for every page and the API at once (dermadesk.input_guard): no keyboard types it.
    response = post(client, message="hello\x00")
    assert response.status_code == 400
    assert "invisible “null” character" in response.text
    assert nothing_written()


def test_the_form_only_takes_posts(client: Client, demo_clinic: Location) -> None:
    assert client.get(SEND).status_code == 405
    assert nothing_written()


def test_a_post_without_the_csrf_token_is_refused(demo_clinic: Location) -> None:
    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert nothing_written()


def test_too_many_messages_from_one_address_get_a_429_with_the_wait(
    client: Client, demo_clinic: Location, settings: Settings
) -> None:
    settings.CONTACT_LIMIT_PER_IP = 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert post(client, email="one@example.com").status_code == 303
        clock.shift(timedelta(minutes=20))
        assert post(client, email="two@example.com").status_code == 303
        clock.shift(timedelta(minutes=10))
        refused = post(client, email="three@example.com")
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(30 * 60)
        assert "Please try again in 30 minutes, or call us on (217) 555-0142." in refused.text
        assert 'value="three@example.com"' in refused.text
        assert ContactMessage.objects.count() == 2
        # Another sender is not held up.
        assert post(client, remote_addr="198.51.100.1", email="four@example.com").status_code == 303
        clock.shift(timedelta(minutes=31))
        assert post(client, email="three@example.com").status_code == 303


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_made_up_forwarded_addresses_do_not_escape_the_limit(
    client: Client, demo_clinic: Location, settings: Settings, behind_proxy: bool
) -> None:
    settings.CONTACT_LIMIT_PER_IP = 2
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = behind_proxy, 1
    statuses = [
        client.post(
            SEND, {**VALID, "email": f"sender{n}@example.com"}, REMOTE_ADDR="10.0.0.2",
            # What the client wrote, then (behind a proxy) what the proxy appended.
            headers={"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.7"},
        ).status_code
        for n in range(4)
    ]  # fmt: skip
    assert statuses == [303, 303, 429, 429]


def test_too_many_messages_from_one_email_address_get_a_429(
    client: Client, demo_clinic: Location, settings: Settings
) -> None:
    settings.CONTACT_LIMIT_PER_EMAIL = 1
    assert post(client, remote_addr="198.51.100.1").status_code == 303
    refused = post(client, remote_addr="198.51.100.2", email="ALEX@example.com")
    assert refused.status_code == 429
    assert ContactMessage.objects.count() == 1
    assert OutboundMessage.objects.count() == 2


def test_the_ip_address_is_kept_only_as_a_keyed_hash_and_only_while_it_counts(
    client: Client, demo_clinic: Location
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post(client, email="first@example.com")
        first = ContactMessage.objects.get()
        assert len(first.ip_hash) == 64
        assert "203.0.113.7" not in first.ip_hash
        clock.shift(timedelta(minutes=61))
        post(client, email="second@example.com")
        first.refresh_from_db()
        assert first.ip_hash == ""
        assert ContactMessage.objects.get(email="second@example.com").ip_hash


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_kept_contact_page_gives_each_visitor_a_working_token_of_their_own(
    demo_clinic: Location, django_assert_num_queries: Any
) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/contact/").text
    with django_assert_num_queries(1):  # kept: only the page row, to see whether it was edited
        second_page = second.get("/contact/").text
    assert "csrf-token-of-this-visitor" not in first_page + second_page
    assert _token(first_page) != _token(second_page)
    response = second.post(SEND, {**VALID, "csrfmiddlewaretoken": _token(second_page)})
    assert response.status_code == 303
    assert ContactMessage.objects.count() == 1
    refused = Client(enforce_csrf_checks=True).post(SEND, {**VALID, "csrfmiddlewaretoken": "x"})
    assert refused.status_code == 403
