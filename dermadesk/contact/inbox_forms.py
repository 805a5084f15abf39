"""The staff's forms in the contact inbox: which messages to show, and what to do with one."""

import uuid
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import QueryDict

from dermadesk.contact.forms import has_control_characters
from dermadesk.contact.models import ContactStatus
from dermadesk.contact.queries import SHOWN_LABELS, Shown

NOTE_MAX_LENGTH = 5000


class InboxFilterForm(forms.Form):
    """The list's filter, read from the query string; anything unknown falls back quietly."""

    shown = forms.ChoiceField(
        label="Show",
        choices=[(shown.value, label) for shown, label in SHOWN_LABELS.items()],
        required=False,
    )
    mine = forms.BooleanField(label="Only messages assigned to me", required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args: Any, counts: dict[Shown, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if counts is not None:
            self.fields["shown"].choices = [  # type: ignore[attr-defined]
                (shown.value, f"{label} ({counts[shown]})") for shown, label in SHOWN_LABELS.items()
            ]

    def chosen(self) -> tuple[Shown, bool, int]:
        """The tab, whether only the member's own, and the page asked for (or the usual)."""
        if not self.is_valid():
            return Shown.OPEN, False, 1
        shown = self.cleaned_data.get("shown")
        return (
            Shown(shown) if shown else Shown.OPEN,
            bool(self.cleaned_data.get("mine")),
            self.cleaned_data.get("page") or 1,
        )


def _staff_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _staff_label(obj)


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label="Assigned to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Please choose someone from the list."},
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ContactStatus.choices,
        error_messages={
            "required": "Please choose a status.",
            "invalid_choice": "Please choose one of the statuses in the list.",
        },
    )


def _plain_text(text: str) -> str:
    if has_control_characters(text, allow_newlines=True):
        raise forms.ValidationError("Please write in plain text.")
    if not text.strip():
        raise forms.ValidationError("Please write something first.")
    return text.strip()


class NoteForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note_%s")  # the thread page holds the reply form too
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label="Internal note",
        max_length=NOTE_MAX_LENGTH,
        help_text="Only the staff see notes.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Please write the note first.",
            "max_length": "Please shorten the note to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
    )

    def clean_text(self) -> str:
        return _plain_text(self.cleaned_data["text"])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply",
        max_length=NOTE_MAX_LENGTH,
        help_text="Sent by email to the sender, and kept here. Please leave out anything "
        "medical: offer a consultation instead.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Please write the reply first.",
            "max_length": "Please shorten the reply to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
    )
    once = forms.CharField(widget=forms.HiddenInput, required=False)
    """Names this reply: the same form sent twice (a double click) sends one email."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"once": uuid.uuid4()})
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        return _plain_text(self.cleaned_data["text"])

    def clean_once(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.cleaned_data["once"])
        except ValueError:
            # Shown again with a fresh one, so that sending it again works.
            fresh = QueryDict(mutable=True)
            fresh.update(self.data)
            fresh[self.add_prefix("once")] = str(uuid.uuid4())
            self.data = fresh
            raise forms.ValidationError(
                "This form was incomplete. Please write the reply again and send it.",
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "once" in self.errors:  # a hidden field: say it above the form, not beside it
            self.add_error(None, self.errors.pop("once"))
        return cleaned
