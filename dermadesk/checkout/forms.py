"""Forms the patient's pages share (the email code, the health questions, consent), whichever
edge shows them (the booking pages, the portal), and the staff forms of the admin's course
booking. They check input; the use-cases do the rest."""

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget, AutocompleteSelect
from django.http import HttpRequest

from dermadesk.checkout.checkout import CheckoutError
from dermadesk.clinic.models import Location
from dermadesk.patients.queries import ConsentStatus
from dermadesk.patients.services import NameMismatch, PatientError
from dermadesk.scheduling.models import Resource, ResourceKind, Series, Service
from dermadesk.screening.models import AnswerType, Question


def course_choice_errors(form: forms.Form, data: dict[str, Any]) -> None:
    """Add to ``form`` why its ``service`` cannot be booked as a course of ``sessions`` (when
    given) and why its ``clinician`` cannot be asked for at its ``location``. For every staff
    form that chooses a course (the admin's, the back office's calendar)."""
    service, count = data.get("service"), data.get("sessions")
    if isinstance(service, Service) and isinstance(count, int):
        refusal = service.course_length_refusal(count)
        if refusal is not None:
            form.add_error("sessions", refusal)
    location, clinician = data.get("location"), data.get("clinician")
    if (
        isinstance(clinician, Resource)
        and isinstance(location, Location)
        and clinician.location_id != location.pk
    ):
        form.add_error("clinician", f"{clinician} does not work at {location}.")


class CourseBookingForm(forms.Form):
    """A course for a patient: the treatment, where, the first session, how many sessions."""

    # Named through the app registry: patients build on scheduling, not the other way round.
    patient = forms.ModelChoiceField(
        queryset=apps.get_model("patients", "Patient")._default_manager.all(),
        widget=AutocompleteSelect(Series._meta.get_field("patient"), admin.site),
        help_text="Search by name or email.",
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(active=True, series_max_sessions__gt=1),
        label="Treatment",
        empty_label=None,
    )
    location = forms.ModelChoiceField(queryset=Location.objects.order_by("pk"), empty_label=None)
    first_date = forms.DateField(label="First session: date", widget=AdminDateWidget)
    first_time = forms.TimeField(
        label="First session: time",
        widget=AdminTimeWidget,
        help_text="In the location's own time zone.",
    )
    sessions = forms.IntegerField(label="Number of sessions", min_value=1, max_value=12)
    clinician = forms.ModelChoiceField(
        queryset=Resource.objects.filter(kind=ResourceKind.PROVIDER, active=True),
        required=False,
        help_text="Leave empty for whoever is free; the same clinician is kept where possible.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        course_choice_errors(self, data)
        return data

    def first_start(self) -> datetime:
        """The first session's start, aware, in the location's zone."""
        location: Location = self.cleaned_data["location"]
        day: date = self.cleaned_data["first_date"]
        clock: time = self.cleaned_data["first_time"]
        return datetime.combine(day, clock, tzinfo=location.zone)


# The patient's forms


class CodeForm(forms.Form):
    """The six-digit code from the email that shows the address is the patient's."""

    code = forms.CharField(
        label="Code from the email",
        max_length=12,
        help_text="Six digits, for example 482913.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreeningForm(forms.Form):
    """The questionnaire's questions for one treatment, as form fields keyed by question key.

    Only the shape of each answer is checked here; the rules module judges them.
    """

    def __init__(self, *args: object, questions: Sequence[Question], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for question in questions:
            self.fields[question.key] = self._field(question)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.text,
            "help_text": question.help_text,
            "required": question.required,
        }
        if question.answer_type == AnswerType.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        if question.answer_type == AnswerType.CHOICE:
            return forms.ChoiceField(
                choices=question.choice_pairs, widget=forms.RadioSelect, **common
            )
        if question.answer_type == AnswerType.DATE:
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        return forms.DecimalField(max_digits=6, decimal_places=1, **common)

    def answers(self) -> dict[str, str]:
        """The answers as the screening service takes them (text; dates as YYYY-MM-DD)."""
        return {
            key: value.isoformat() if isinstance(value, date) else str(value)
            for key, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class ConsentForm(forms.Form):
    """Policies and consent: each required document signed with the typed full name."""

    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        help_text="As you gave it in your details.",
    )
    policies = forms.BooleanField(
        label="I have read the visit and cancellation policies above.",
        error_messages={"required": "Please confirm you have read the policies."},
    )

    def __init__(self, *args: object, optional_kinds: Sequence[tuple[str, str]] = (),
                 **kwargs: object) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind, title in optional_kinds:
            self.fields[f"optional_{kind}"] = forms.BooleanField(
                label=f"I also agree to: {title} (optional)", required=False
            )


def consent_form(
    request: HttpRequest, consents: ConsentStatus, sign: Callable[[str, set[str]], object]
) -> tuple[ConsentForm, bool]:
    """The consent form, and on a valid POST ``sign(typed_name, optional_kinds)`` called.

    Returns the form (with its errors) and whether the documents were signed.
    """
    optional = [(item.document.kind, item.document.title) for item in consents.optional]
    if request.method != "POST":
        return ConsentForm(optional_kinds=optional), False
    form = ConsentForm(request.POST, optional_kinds=optional)
    if not form.is_valid():
        return form, False
    chosen = {
        item.document.kind
        for item in consents.optional
        if form.cleaned_data.get(f"optional_{item.document.kind}")
    }
    try:
        sign(form.cleaned_data["typed_name"], chosen)
    except NameMismatch as mismatch:
        form.add_error("typed_name", str(mismatch))
        return form, False
    except (PatientError, CheckoutError) as refused:
        form.add_error(None, str(refused))
        return form, False
    return form, True
