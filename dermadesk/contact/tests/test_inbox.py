"""The staff's contact inbox: the list and its filters, a thread, assigning, status, notes,
and a reply sent through the outbox and kept in the thread."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage, ContactNote, ContactStatus, NoteKind
from dermadesk.notifications.models import OutboundMessage
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def received(
    name: str = "Rosalind Franklin", minutes_ago: int = 0, **more: object
) -> ContactMessage:
    fields: dict[str, object] = {
        "name": name,
        "email": f"{name.split()[0].lower()}@example.com",
        "topic": "prices",
        "message": "How much is a course of four sessions?",
        "created_at": NOW - timedelta(minutes=minutes_ago),
    } | more
    return ContactMessage.objects.create(**fields)


@pytest.fixture
def desk(demo_clinic: Location) -> User:
    return staff_member("sam", Role.FRONT_DESK)


@pytest.fixture
def desk_client(client: Client, desk: User) -> Client:
    return signed_in(client, desk)


def test_the_list_shows_who_wrote_about_what_and_when_but_never_the_text(
    desk_client: Client,
) -> None:
    message = received()
    page = desk_client.get("/staff/inbox/").text
    assert "Rosalind Franklin" in page
    assert "Prices and payment" in page
    assert "Wed 25 Nov 2026, 2:00 p.m." in page  # Springfield's time, named on the page
    assert "America/Chicago" in page
    assert f"/staff/inbox/{message.pk}/" in page
    assert "course of four" not in page


def test_the_list_opens_on_the_messages_waiting_for_us(desk_client: Client) -> None:
    received("Ada New")
    received("Grace Busy", status=ContactStatus.IN_PROGRESS)
    received("Joan Done", status=ContactStatus.ANSWERED)
    received("Spam Bot", status=ContactStatus.SPAM)
    page = desk_client.get("/staff/inbox/").text
    assert "Ada New" in page and "Grace Busy" in page
    assert "Joan Done" not in page and "Spam Bot" not in page
    spam = desk_client.get("/staff/inbox/?shown=spam").text
    assert "Spam Bot" in spam and "Ada New" not in spam
    everything = desk_client.get("/staff/inbox/?shown=all").text
    assert "Joan Done" in everything and "Spam Bot" not in everything


def test_mine_shows_only_the_messages_given_to_me(desk_client: Client, desk: User) -> None:
    received("Ada Mine", assignee=desk)
    received("Grace Theirs", assignee=staff_member("kim", Role.FRONT_DESK))
    page = desk_client.get("/staff/inbox/?shown=open&mine=on").text
    assert "Ada Mine" in page and "Grace Theirs" not in page


def test_an_unknown_filter_shows_the_usual_list_rather_than_an_error(
    desk_client: Client,
) -> None:
    received("Ada New")
    response = desk_client.get("/staff/inbox/?shown=everything&page=-3&mine=maybe")
    assert response.status_code == 200
    assert "Ada New" in response.text


def test_the_list_reads_the_same_few_queries_however_many_messages(desk_client: Client) -> None:
    received("Ada One", assignee=staff_member("kim", Role.FRONT_DESK))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk_client.get("/staff/inbox/").status_code == 200
        return len(captured)

    few = queries()
    for index in range(20):
        received(f"Person {index}", assignee=User.objects.get(username="kim"))
    assert queries() == few


def test_the_thread_shows_the_message_its_notes_and_replies_in_order(
    desk_client: Client, desk: User
) -> None:
    message = received()
    ContactNote.objects.create(contact_message=message, author=desk, text="Called, no answer.",
                               created_at=NOW + timedelta(minutes=1))  # fmt: skip
    ContactNote.objects.create(
        contact_message=message, author=desk, kind=NoteKind.REPLY, text="It is $900.",
        created_at=NOW + timedelta(minutes=2),
    )  # fmt: skip
    page = desk_client.get(f"/staff/inbox/{message.pk}/").text
    assert "How much is a course of four sessions?" in page
    assert page.index("Called, no answer.") < page.index("It is $900.")
    assert "Internal note" in page and "Reply sent" in page


def test_a_message_that_does_not_exist_is_a_404(desk_client: Client) -> None:
    assert desk_client.get("/staff/inbox/999/").status_code == 404
    assert desk_client.post("/staff/inbox/999/note/", {"text": "x"}).status_code == 404


def test_a_reply_is_queued_kept_in_the_thread_and_answers_the_message(
    desk_client: Client, desk: User
) -> None:
    message = received()
    form = "00000000-0000-4000-8000-000000000001"
    response = desk_client.post(
        f"/staff/inbox/{message.pk}/reply/",
        {"text": "A course of four is $900.\n\nBest wishes", "once": form},
        follow=True,
    )
    assert "Your reply is on its way to rosalind@example.com" in response.text
    assert "A course of four is $900." in response.text
    message.refresh_from_db()
    assert message.status == ContactStatus.ANSWERED
    assert message.assignee == desk  # it was nobody's: now the replier's
    [reply] = message.notes.filter(kind=NoteKind.REPLY)
    assert (reply.author, reply.text) == (desk, "A course of four is $900.\n\nBest wishes")
    email = OutboundMessage.objects.get(template_key="contact-reply")
    assert email.recipient == "rosalind@example.com"
    assert email.subject == "Our reply to your message"
    assert "Hello Rosalind Franklin," in email.text_body
    assert "A course of four is $900." in email.text_body
    assert "Sam, for the team at" in email.text_body
    assert "<p>A course of four is $900.</p>" in email.html_body


def test_the_same_reply_sent_twice_goes_once(desk_client: Client) -> None:
    message = received()
    data = {"text": "Yes, there is parking.", "once": "00000000-0000-4000-8000-000000000002"}
    desk_client.post(f"/staff/inbox/{message.pk}/reply/", data)
    response = desk_client.post(f"/staff/inbox/{message.pk}/reply/", data, follow=True)
    assert "This reply was sent already." in response.text
    assert OutboundMessage.objects.filter(template_key="contact-reply").count() == 1
    assert message.notes.count() == 1


def test_an_empty_reply_is_refused_with_a_message_and_nothing_is_sent(
    desk_client: Client,
) -> None:
    message = received()
    response = desk_client.post(
        f"/staff/inbox/{message.pk}/reply/",
        {"text": "   ", "once": "00000000-0000-4000-8000-000000000003"},
    )
    assert response.status_code == 400
    assert "Please write" in response.text
    assert not OutboundMessage.objects.filter(template_key="contact-reply").exists()
    message.refresh_from_db()
    assert message.status == ContactStatus.NEW


def test_a_reply_form_without_its_name_is_refused_and_can_be_sent_again(
    desk_client: Client,
) -> None:
    message = received()
    response = desk_client.post(f"/staff/inbox/{message.pk}/reply/", {"text": "Hello"})
    assert response.status_code == 400
    assert "This form was incomplete" in response.text
    assert "Hello" in response.text  # kept as typed
    assert not OutboundMessage.objects.filter(template_key="contact-reply").exists()


def test_spam_gets_no_reply(desk_client: Client) -> None:
    message = received(status=ContactStatus.SPAM)
    response = desk_client.post(
        f"/staff/inbox/{message.pk}/reply/",
        {"text": "Hello", "once": "00000000-0000-4000-8000-000000000004"},
    )
    assert response.status_code == 400
    assert "marked as spam" in response.text
    assert not message.notes.exists()
    assert not OutboundMessage.objects.filter(template_key="contact-reply").exists()


def test_a_note_is_added_to_the_history_and_sends_nothing(desk_client: Client, desk: User) -> None:
    message = received()
    response = desk_client.post(
        f"/staff/inbox/{message.pk}/note/", {"text": "Wants a call after 5pm."}, follow=True
    )
    assert "Your note is added." in response.text
    [note] = message.notes.all()
    assert (note.kind, note.author, note.text) == (NoteKind.NOTE, desk, "Wants a call after 5pm.")
    assert not OutboundMessage.objects.filter(template_key="contact-reply").exists()


def test_giving_a_new_message_to_someone_puts_it_in_progress(desk_client: Client) -> None:
    kim = staff_member("kim", Role.FRONT_DESK)
    message = received()
    response = desk_client.post(f"/staff/inbox/{message.pk}/assign/", {"assignee": kim.pk})
    assert response.status_code == 303
    message.refresh_from_db()
    assert (message.assignee, message.status) == (kim, ContactStatus.IN_PROGRESS)
    desk_client.post(f"/staff/inbox/{message.pk}/assign/", {"assignee": ""})
    message.refresh_from_db()
    assert message.assignee is None


def test_only_active_staff_with_the_inbox_can_be_given_a_message(desk_client: Client) -> None:
    clinician = staff_member("lee", Role.CLINICIAN)
    gone = staff_member("old", Role.FRONT_DESK)
    gone.is_active = False
    gone.save()
    message = received()
    page = desk_client.get(f"/staff/inbox/{message.pk}/").text
    assert "Lee" not in page and "Old" not in page
    for someone in (clinician, gone):
        response = desk_client.post(f"/staff/inbox/{message.pk}/assign/", {"assignee": someone.pk})
        assert response.status_code == 400
        assert "Please choose someone from the list." in response.text
    message.refresh_from_db()
    assert message.assignee is None


def test_the_status_changes_and_a_wrong_one_is_refused(desk_client: Client) -> None:
    message = received()
    desk_client.post(f"/staff/inbox/{message.pk}/status/", {"status": "spam"})
    message.refresh_from_db()
    assert message.status == ContactStatus.SPAM
    response = desk_client.post(f"/staff/inbox/{message.pk}/status/", {"status": "deleted"})
    assert response.status_code == 400
    assert "Please choose one of the statuses in the list." in response.text
