"""The contact form: what a visitor may send, and the messages they see when it is not right."""

import unicodedata
from typing import Any

from django import forms
from django.conf import settings

from dermadesk.contact.models import MESSAGE_MAX_LENGTH, NAME_MAX_LENGTH, ContactTopic
from dermadesk.notifications.phones import InvalidPhoneNumber, normalize_phone

HONEYPOT = "website"


def has_control_characters(text: str, *, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Please enter your name.",
            "max_length": "Please shorten your name to %(limit_value)d characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will reply to this address.",
        error_messages={
            "required": "Please enter your email address, so we can reply.",
            "invalid": "Please enter an email address like name@example.com.",
            "max_length": "Please enter an email address of %(limit_value)d characters or fewer.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=32,
        help_text="Only if you would like us to call you back.",
        error_messages={
            "max_length": "Please enter a phone number of %(limit_value)d characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    topic = forms.ChoiceField(
        label="What is it about?",
        choices=[("", "Choose a topic"), *ContactTopic.choices],
        error_messages={
            "required": "Please choose what your message is about.",
            "invalid_choice": "Please choose one of the topics in the list.",
        },
    )
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=(
            f"Up to {MESSAGE_MAX_LENGTH:,} characters. Please leave out medical details: "
            "a clinician will go through those with you at a consultation."
        ),
        error_messages={
            "required": "Please write your message.",
            "max_length": (
                "Please shorten your message to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if has_control_characters(name, allow_newlines=False):
            raise forms.ValidationError("Please write your name on one line, in plain letters.")
        return name

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return normalize_phone(phone, region=settings.PHONE_DEFAULT_REGION)
        except InvalidPhoneNumber as error:
            raise forms.ValidationError(str(error)) from error

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        if has_control_characters(message, allow_newlines=True):
            raise forms.ValidationError("Please write your message in plain text.")
        return message

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data.get(HONEYPOT):
            # People never see this field; programs that fill in every field do.
            raise forms.ValidationError(
                "Your message could not be sent. If you filled in the field labelled "
                "“Leave this field empty”, please clear it and send again, or call us.",
                code="honeypot",
            )
        return cleaned

    @property
    def fields_for_people(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name != HONEYPOT]
