"""Forms of the portal's own pages (the code, health questions and consent forms are the
checkout's, shared with the booking pages)."""

from django import forms


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The one you gave when you booked. We send a six-digit code to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
