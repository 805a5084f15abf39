"""Forms of the patient and audit pages: they check what staff typed or chose; the services
and use-cases decide what can be changed."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from dermadesk.patients.models import NAME_LENGTH, Patient
from dermadesk.screening.models import ScreeningOutcome, ScreeningResponse
from dermadesk.staff.calendar_forms import DATE_HELP, DateInput, PatientSearchForm

__all__ = [
    "AuditFilterForm",
    "MergeForm",
    "PatientDetailsForm",
    "PatientSearchForm",
    "ScreeningReviewForm",
]

OLDEST_AGE_YEARS = 130
REASON_LENGTH = 2000
# The audit trail's days: wide, and far from where a day's arithmetic would overflow.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class PatientDetailsForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=NAME_LENGTH)
    family_name = forms.CharField(label="Family name", max_length=NAME_LENGTH)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Confirmations, reminders and the patient's sign-in codes go here.",
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        required=False,
        widget=forms.TextInput({"type": "tel"}),
        help_text="Any format, e.g. (217) 555-0142; add the country code for another country.",
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput, help_text=DATE_HELP)

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if today.year - born.year > OLDEST_AGE_YEARS:
            raise forms.ValidationError("Please check the year of the date of birth.")
        return born

    @classmethod
    def of(cls, patient: Patient) -> "PatientDetailsForm":
        return cls(
            initial={
                "given_name": patient.given_name,
                "family_name": patient.family_name,
                "email": patient.email,
                "phone": patient.phone,
                "date_of_birth": patient.date_of_birth,
            }
        )


class ScreeningReviewForm(forms.Form):
    """A clinician's review of one of the patient's screenings: the outcome and why."""

    response = forms.ModelChoiceField(
        queryset=ScreeningResponse.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Please choose the screening you are reviewing.",
            "invalid_choice": "That screening is not this patient's. Please choose again.",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome you decided",
        choices=ScreeningOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose the outcome you decided."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=REASON_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text="Kept with the screening and shown to clinicians; never sent to the patient.",
        error_messages={"required": "Please write why you decided this outcome."},
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responses: QuerySet[ScreeningResponse] = ScreeningResponse.objects.filter(patient=patient)
        self.fields["response"].queryset = responses  # type: ignore[attr-defined]

    def clean_reason(self) -> str:
        text = " ".join(str(self.cleaned_data["reason"]).split())
        if not text:
            raise forms.ValidationError("Please write why you decided this outcome.")
        return text


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label="Which record to keep",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose the record to keep."},
    )

    def __init__(self, *args: Any, one: Patient, other: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            (one.pk, f"Record {one.pk} ({one.email})"),
            (other.pk, f"Record {other.pk} ({other.email})"),
        ]


class AuditFilterForm(forms.Form):
    patient = forms.IntegerField(
        label="Patient record number",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.TextInput({"inputmode": "numeric"}),
        help_text="Shown on each record's page; empty: every patient.",
        error_messages={"invalid": "Please give a record number, such as 12."},
    )
    staff = forms.ModelChoiceField(
        label="Staff member",
        required=False,
        queryset=User.objects.none(),
        empty_label="Anyone",
        error_messages={"invalid_choice": "Please choose a staff member from the list."},
    )
    since = forms.DateField(label="From", required=False, widget=DateInput, help_text=DATE_HELP)
    until = forms.DateField(label="To", required=False, widget=DateInput, help_text=DATE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(is_staff=True).order_by("first_name", "username")
        self.fields["staff"].queryset = members  # type: ignore[attr-defined]
        self.fields["staff"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )

    def _day(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError("Please check the year of this date.")
        return day

    def clean_since(self) -> date | None:
        return self._day("since")

    def clean_until(self) -> date | None:
        return self._day("until")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The first day comes after the last: please swap them.")
        return cleaned
