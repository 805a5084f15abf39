import pytest
from django.contrib.auth.models import User
from django.test import Client

from dermadesk.contact.models import ContactMessage, ContactNote, ContactStatus, NoteKind
from dermadesk.staff.tests.people import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> User:
    return User.objects.create(
        username="desk", email="desk@example.com", is_staff=True, is_superuser=True
    )


@pytest.fixture
def message() -> ContactMessage:
    return ContactMessage.objects.create(
        name="Alex Example",
        email="alex@example.com",
        topic="prices",
        message="How much is a series of four sessions?",
        ip_hash="0" * 64,
    )


def test_staff_see_messages_with_status_and_assignee(
    client: Client, desk: User, message: ContactMessage
) -> None:
    signed_in(client, desk)
    html = client.get("/admin/contact/contactmessage/?status__exact=new").text
    assert "Alex Example" in html
    assert "Prices and payment" in html
    assert "By status" in html and "By assignee" in html
    assert "0" * 64 not in client.get(f"/admin/contact/contactmessage/{message.pk}/change/").text


def test_staff_assign_a_message_and_add_a_note_never_a_reply_to_its_history(
    client: Client, desk: User, message: ContactMessage
) -> None:
    signed_in(client, desk)
    response = client.post(
        f"/admin/contact/contactmessage/{message.pk}/change/",
        {
            "status": ContactStatus.ANSWERED,
            "assignee": desk.pk,
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-0-kind": NoteKind.REPLY,  # replies are sent from the inbox, not written here
            "notes-0-text": "Called back with the price list.",
        },
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.assignee) == (ContactStatus.ANSWERED, desk)
    note = ContactNote.objects.get()
    assert (note.author, note.kind) == (desk, NoteKind.NOTE)


def test_the_mark_as_spam_action(client: Client, desk: User, message: ContactMessage) -> None:
    signed_in(client, desk)
    client.post(
        "/admin/contact/contactmessage/",
        {"action": "mark_spam", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == ContactStatus.SPAM
