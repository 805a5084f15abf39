"""The contact inbox of the back office: the list, one message's thread, and what the staff
do with a message (give it to someone, change its status, add a note, reply).

Views parse the form, call one service (``contact.services``) and redirect back to the
thread; a problem shows the thread again with the form as typed and a 400. The list shows
who wrote, the topic, when and the status, never the message's text; no text goes in a URL.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dermadesk.contact.inbox_forms import (
    AssignForm,
    InboxFilterForm,
    NoteForm,
    ReplyForm,
    StatusForm,
)
from dermadesk.contact.inbox_shared import clinic_location, clinic_zone
from dermadesk.contact.models import ContactMessage, ContactStatus
from dermadesk.contact.queries import (
    INBOX_PAGE_SIZE,
    SHOWN_LABELS,
    inbox_counts,
    inbox_messages,
    inbox_staff,
    inbox_thread,
)
from dermadesk.contact.services import (
    InboxError,
    contact_assign,
    contact_note_add,
    contact_reply_send,
    contact_status_set,
)
from dermadesk.staff.pages import staff_page, staff_user
from dermadesk.staff.roles import Action


@require_GET
@staff_page(Action.INBOX)
def inbox_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    shown, mine, page_number = InboxFilterForm(request.GET).chosen()
    counts = inbox_counts(assignee=user if mine else None)
    form = InboxFilterForm(
        {"shown": shown.value, "mine": mine} if request.GET else None,
        initial={"shown": shown.value},
        counts=counts,
    )
    paginator = Paginator(inbox_messages(shown=shown, assignee=user if mine else None),
                          INBOX_PAGE_SIZE)  # fmt: skip
    page = paginator.get_page(page_number)
    query = f"shown={shown.value}" + ("&mine=on" if mine else "")
    return render(
        request,
        "contact/inbox/list.html",
        {
            "form": form,
            "page": page,
            "shown_label": SHOWN_LABELS[shown],
            "count": counts[shown],
            "mine": mine,
            "query": query,
            **clinic_zone(timezone.now()),
        },
    )


def _message_or_404(message_id: int) -> ContactMessage:
    message = inbox_thread(message_id)
    if message is None:
        raise Http404("There is no such message.")
    return message


def _thread(request: HttpRequest, message_id: int, *, status: int = 200,
            **forms: Any) -> HttpResponse:  # fmt: skip
    """The thread page; ``forms`` replaces the fresh form of the same name (with its errors)."""
    message = _message_or_404(message_id)
    staff = inbox_staff()
    context: dict[str, Any] = {
        "message": message,
        "notes": list(message.notes.all()),
        "assign_form": AssignForm(initial={"assignee": message.assignee_id}, staff=staff),
        "status_form": StatusForm(initial={"status": message.status}),
        "note_form": NoteForm(),
        "reply_form": ReplyForm(),
        "is_spam": message.status == ContactStatus.SPAM,
        **clinic_zone(timezone.now()),
    }
    context.update(forms)
    return render(request, "contact/inbox/thread.html", context, status=status)


@require_GET
@staff_page(Action.INBOX)
def thread(request: HttpRequest, message_id: int) -> HttpResponse:
    return _thread(request, message_id)


def _back_to_thread(message_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("inbox:thread", message_id=message_id)
    response.status_code = 303
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_POST
@staff_page(Action.INBOX)
def assign(request: HttpRequest, message_id: int) -> HttpResponse:
    _message_or_404(message_id)
    form = AssignForm(request.POST, staff=inbox_staff())
    if not form.is_valid():
        return _thread(request, message_id, status=400, assign_form=form)
    assignee = form.cleaned_data["assignee"]
    try:
        contact_assign(message_id=message_id, assignee=assignee, now=timezone.now())
    except InboxError as error:
        form.add_error(None, str(error))
        return _thread(request, message_id, status=400, assign_form=form)
    if assignee is None:
        messages.success(request, "The message is now nobody's.")
    else:
        name = assignee.get_full_name() or assignee.get_username()
        messages.success(request, f"The message is now {name}'s.")
    return _back_to_thread(message_id)


@require_POST
@staff_page(Action.INBOX)
def status(request: HttpRequest, message_id: int) -> HttpResponse:
    _message_or_404(message_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _thread(request, message_id, status=400, status_form=form)
    new = ContactStatus(form.cleaned_data["status"])
    contact_status_set(message_id=message_id, status=new, now=timezone.now())
    messages.success(request, f"The message is now marked “{new.label}”.")
    return _back_to_thread(message_id)


@require_POST
@staff_page(Action.INBOX)
def note(request: HttpRequest, message_id: int) -> HttpResponse:
    _message_or_404(message_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _thread(request, message_id, status=400, note_form=form)
    contact_note_add(
        message_id=message_id,
        text=form.cleaned_data["text"],
        by=staff_user(request),
        now=timezone.now(),
    )
    messages.success(request, "Your note is added.")
    return _back_to_thread(message_id, "history")


@require_POST
@staff_page(Action.INBOX)
def reply(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _message_or_404(message_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _thread(request, message_id, status=400, reply_form=form)
    location = clinic_location()
    if location is None:
        form.add_error(None, "No clinic location is set up yet, so no email can be sent.")
        return _thread(request, message_id, status=400, reply_form=form)
    try:
        sent = contact_reply_send(
            message_id=message_id,
            text=form.cleaned_data["text"],
            by=staff_user(request),
            once=form.cleaned_data["once"],
            location=location,
            now=timezone.now(),
        )
    except InboxError as error:
        form.add_error(None, str(error))
        return _thread(request, message_id, status=400, reply_form=form)
    if sent is None:
        messages.info(request, "This reply was sent already.")
    else:
        messages.success(
            request, f"Your reply is on its way to {message.email}, and the message is answered."
        )
    return _back_to_thread(message_id, "history")
