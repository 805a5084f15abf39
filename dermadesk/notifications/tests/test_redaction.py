"""Delivery errors keep what the server said and lose who it was said about."""

import logging
import smtplib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from dermadesk.notifications.channels import smtp_delivery_error
from dermadesk.notifications.delivery import Outcome, message_deliver
from dermadesk.notifications.models import Channel
from dermadesk.notifications.redaction import server_reply, without_addresses
from dermadesk.notifications.rendering import Clinic
from dermadesk.notifications.services import message_enqueue
from dermadesk.notifications.sms import SmsBackend
from dermadesk.notifications.tests.conftest import NOW
from dermadesk.notifications.tests.test_delivery import REMINDER

# Around an address, what mail servers and Python's reprs put there.
WRAPPINGS = st.sampled_from(["{}", "<{}>", "'{}'", "({})", "{}:", "to={}", '"{}"'])


@given(address=st.emails(), wrapping=WRAPPINGS, before=st.text(max_size=30))
def test_no_email_address_survives(address: str, wrapping: str, before: str) -> None:
    text = f"{before} 550 5.1.1 {wrapping.format(address)} Recipient address rejected"
    assert address not in without_addresses(text)


@given(
    digits=st.text(alphabet="0123456789", min_size=10, max_size=12),
    separator=st.sampled_from(["", " ", "-", "."]),
)
def test_no_phone_number_survives(digits: str, separator: str) -> None:
    number = "+" + separator.join([digits[:3], digits[3:6], digits[6:]])
    redacted = without_addresses(f"Provider refused {number}: unreachable")
    assert redacted == "Provider refused [number]: unreachable"


def test_reply_codes_and_words_stay_readable() -> None:
    reply = server_reply(550, b"5.1.1 <ada@example.com>: Recipient address rejected: User unknown")
    assert reply == "550 5.1.1 <[address]>: Recipient address rejected: User unknown"


def test_a_refused_recipient_is_not_named_in_the_reason() -> None:
    error = smtplib.SMTPRecipientsRefused(
        {"ada.lovelace@example.com": (550, b"5.1.1 <ada.lovelace@example.com> unknown")}
    )
    reason = str(smtp_delivery_error(error))
    assert "ada.lovelace" not in reason
    assert reason == "SMTPRecipientsRefused: 550 5.1.1 <[address]> unknown"


def test_a_refused_message_keeps_the_server_reply_without_the_address() -> None:
    error = smtplib.SMTPDataError(554, b"5.7.1 Message to ada@example.com rejected as spam")
    assert str(smtp_delivery_error(error)) == (
        "SMTPDataError: 554 5.7.1 Message to [address] rejected as spam"
    )


class CarelessProviderBackend(SmsBackend):
    """A provider's library that puts the number into its exception, as many do."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        raise RuntimeError(f"Provider rejected the request for {to}: quota exceeded")


@pytest.mark.django_db
def test_an_unexpected_error_is_logged_with_where_but_without_the_number(
    clinic: Clinic, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND = f"{__name__}.CarelessProviderBackend"
    message = message_enqueue(
        template="booking-reminder-24h", to="+12175550100", channel=Channel.SMS,
        sms_agreed=True, context=REMINDER, location=clinic,
        idempotency_key="booking:1:0:sms-24h", now=NOW,
    )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="dermadesk.notifications"):
        assert message_deliver(message_id=message.pk, now=NOW).outcome == Outcome.RETRY
    logged = caplog.text
    assert "unexpected error while sending (RuntimeError: Provider rejected" in logged
    assert "test_redaction.py" in logged  # the frames: where it went wrong
    assert "5550100" not in logged
    message.refresh_from_db()
    assert message.last_error.startswith("RuntimeError: Provider rejected the request for [number]")
