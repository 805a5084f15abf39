from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="After scanning, the app shows six digits that change every 30 seconds.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's form, its help said in one sentence (its list of rules is a ``<ul>``, which
    may not sit in the field's paragraph)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = (
            "At least 12 characters, not a common password, not only digits and not like "
            "your name or username."
        )
