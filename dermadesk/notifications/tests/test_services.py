from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from dermadesk.notifications.errors import InvalidRecipient, SmsNotAgreed
from dermadesk.notifications.models import Channel, MessageStatus, MessageTemplate, OutboundMessage
from dermadesk.notifications.rendering import Clinic
from dermadesk.notifications.services import (
    message_enqueue,
    message_reschedule,
    messages_cancel,
)
from dermadesk.notifications.tests.conftest import NOW

BOOKING = {
    "patient_name": "Alex",
    "service_name": "Micro-Needling",
    "starts_at": NOW + timedelta(days=3),
    "manage_url": "https://clinic.example/manage/abc/",
}


def enqueue(clinic: Clinic, **overrides: Any) -> OutboundMessage:
    arguments: dict[str, Any] = {
        "template": "booking-confirmation",
        "to": "alex@example.com",
        "context": BOOKING,
        "location": clinic,
        "idempotency_key": "booking:1:0:confirmation",
        "now": NOW,
    }
    arguments.update(overrides)
    return message_enqueue(**arguments)


@pytest.mark.django_db
def test_a_queued_message_is_rendered_and_waits_for_its_task(
    clinic: Clinic, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(clinic)
    assert message.status == MessageStatus.PENDING
    assert message.subject == "Your visit is booked: Saturday 28 November 2026"
    assert message.reply_to == "hello@example.com"
    assert message.due_at == NOW
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}


@pytest.mark.django_db
def test_nothing_is_scheduled_when_the_callers_transaction_rolls_back(clinic: Clinic) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(clinic)
        raise RuntimeError("the booking failed")
    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_queueing_the_same_key_again_changes_nothing(
    clinic: Clinic, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(clinic)
        again = enqueue(clinic, to="someone-else@example.com")
    assert again.pk == first.pk
    assert again.recipient == "alex@example.com"
    assert OutboundMessage.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_reminder_is_a_row_with_a_due_time_and_a_deferred_task(
    clinic: Clinic, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    due = NOW + timedelta(days=1)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = enqueue(
            clinic,
            template="booking-reminder-24h",
            idempotency_key="booking:1:0:reminder-24h",
            due_at=due,
            expires_at=BOOKING["starts_at"],
        )
    assert message.due_at == due
    assert DBTaskResult.objects.get().run_after == due


@pytest.mark.django_db
def test_staff_edits_to_a_template_are_used(clinic: Clinic) -> None:
    MessageTemplate.objects.create(
        key="booking-confirmation",
        subject="See you on {{ starts_at|visit_date }}",
        text_body="Dear {{ patient_name }}, you are booked.",
    )
    message = enqueue(clinic)
    assert message.subject == "See you on Saturday 28 November 2026"
    assert message.text_body.startswith("Dear Alex, you are booked.")
    assert message.html_body == ""


@pytest.mark.django_db
def test_a_broken_staff_template_falls_back_to_the_default_words(clinic: Clinic) -> None:
    MessageTemplate.objects.create(
        key="booking-confirmation", subject="{% if %}", text_body="Broken"
    )
    message = enqueue(clinic)
    assert message.subject == "Your visit is booked: Saturday 28 November 2026"


@pytest.mark.django_db
def test_cancelling_by_prefix_cancels_only_what_still_waits(clinic: Clinic) -> None:
    for name in ("reminder-48h", "reminder-24h"):
        enqueue(
            clinic,
            template=f"booking-{name}",
            idempotency_key=f"booking:7:0:{name}",
            due_at=NOW + timedelta(days=1),
        )
    other = enqueue(clinic, idempotency_key="booking:70:0:confirmation")
    sent = enqueue(clinic, idempotency_key="booking:7:0:confirmation")
    OutboundMessage.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, sent_at=NOW)

    assert messages_cancel(idempotency_key_prefix="booking:7:") == 2
    statuses = dict(OutboundMessage.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        "booking:7:0:reminder-48h": MessageStatus.CANCELLED,
        "booking:7:0:reminder-24h": MessageStatus.CANCELLED,
        "booking:7:0:confirmation": MessageStatus.SENT,
        other.idempotency_key: MessageStatus.PENDING,
    }


def test_cancelling_with_an_empty_prefix_is_refused() -> None:
    with pytest.raises(ValueError):
        messages_cancel(idempotency_key_prefix="")


@pytest.mark.django_db
def test_a_waiting_reminder_can_be_moved(
    clinic: Clinic, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    enqueue(clinic, idempotency_key="booking:1:0:reminder-24h", due_at=NOW + timedelta(days=1))
    later = NOW + timedelta(days=2)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert message_reschedule(idempotency_key="booking:1:0:reminder-24h", due_at=later, now=NOW)
    assert OutboundMessage.objects.get().due_at == later
    assert DBTaskResult.objects.get().run_after == later
    assert not message_reschedule(idempotency_key="booking:404:0:reminder-24h", due_at=later)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["", "not-an-address", "alex@", "a b@example.com"])
def test_an_invalid_email_address_is_refused(address: str, clinic: Clinic) -> None:
    with pytest.raises(InvalidRecipient):
        enqueue(clinic, to=address)
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_text_messages_need_the_persons_agreement(clinic: Clinic) -> None:
    with pytest.raises(SmsNotAgreed):
        enqueue(clinic, channel=Channel.SMS, to="+12175550100")
    with pytest.raises(InvalidRecipient):
        enqueue(clinic, channel=Channel.SMS, to="(217) 555-0100", sms_agreed=True)
    message = enqueue(clinic, channel=Channel.SMS, to="+12175550100", sms_agreed=True)
    assert message.text_body.startswith("Your Micro-Needling visit is booked for Saturday")
    assert message.text_body.endswith("Dermadesk Skin Clinic, Springfield, (217) 555-0142")
    assert message.html_body == ""


@pytest.mark.django_db
def test_a_message_without_a_text_version_cannot_go_by_sms(clinic: Clinic) -> None:
    with pytest.raises(LookupError):
        enqueue(
            clinic,
            template="contact-acknowledgement",
            context={"topic": "Prices and payment"},
            channel=Channel.SMS,
            to="+12175550100",
            sms_agreed=True,
        )


@pytest.mark.django_db
def test_an_unknown_template_is_a_programming_error(clinic: Clinic) -> None:
    with pytest.raises(LookupError):
        enqueue(clinic, template="no-such-message")
