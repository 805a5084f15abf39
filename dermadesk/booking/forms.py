"""Forms of the booking pages: they check what was typed, nothing more."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms

from dermadesk.patients.identity import InvalidPhone, normalize_phone
from dermadesk.waitlist.matching import PARTS_OF_DAY


class ContactFields(forms.Form):
    """Name, email and phone, as every form that asks how to reach a patient has them."""

    given_name = forms.CharField(label="First name", max_length=80)
    family_name = forms.CharField(label="Last name", max_length=80)
    email = forms.EmailField(
        label="Email", max_length=254, help_text="We send your confirmation here."
    )
    phone = forms.CharField(
        label="Mobile or phone number",
        max_length=32,
        help_text="In case we need to reach you about your visit.",
    )
    AUTOCOMPLETE = {
        "given_name": "given-name",
        "family_name": "family-name",
        "email": "email",
        "phone": "tel",
    }

    def __init__(self, *args: object, region: str = "US", today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.region = region
        self.today = today
        for name, value in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"], self.region)
        except InvalidPhone as error:
            raise forms.ValidationError(str(error)) from error


class DetailsForm(ContactFields):
    date_of_birth = forms.DateField(
        label="Date of birth",
        help_text="For example, 21 April 1990.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born >= self.today:
            raise forms.ValidationError("Please enter your date of birth, which is in the past.")
        if self.today.year - born.year > 120:
            raise forms.ValidationError("Please check the year of your date of birth.")
        return born


class WaitlistForm(ContactFields):
    """Joining the waitlist: when, what part of the day, with whom, and how to reach you."""

    field_order = ("first_day", "last_day", "parts_of_day", "clinician")
    first_day = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day you could come.",
    )  # fmt: skip
    last_day = forms.DateField(
        label="Until", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day you could come.",
    )  # fmt: skip
    parts_of_day = forms.MultipleChoiceField(
        label="Times of day that suit you",
        choices=[(key, name) for key, name, _ in PARTS_OF_DAY],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked if any time of day suits you.",
    )
    clinician = forms.ChoiceField(label="Clinician", required=False)

    def __init__(
        self, *args: object, region: str, today: date, clinicians: Sequence[Any] = (),
        **kwargs: object,
    ) -> None:  # fmt: skip
        super().__init__(*args, region=region, today=today, **kwargs)
        self.fields["email"].help_text = "We send the offer here."
        self.fields["phone"].help_text = ""
        self.fields["clinician"].choices = [("", "Anyone")] + [  # type: ignore[attr-defined]
            (str(person.pk), person.name) for person in clinicians
        ]

    def clean_last_day(self) -> date:
        last: date = self.cleaned_data["last_day"]
        if last < self.today:
            raise forms.ValidationError("Please choose a day from today on.")
        first = self.cleaned_data.get("first_day")
        if first is not None and last < first:
            raise forms.ValidationError("Please choose a last day on or after the first day.")
        return last
