"""Forms of the calendar's pages: they check what staff typed or chose; the services and
use-cases decide whether it can be booked."""

from datetime import date, datetime, time
from typing import Any

from django import forms

from dermadesk.checkout.forms import course_choice_errors
from dermadesk.clinic.models import Location
from dermadesk.patients.models import NAME_LENGTH
from dermadesk.scheduling.models import Resource, ResourceKind, Service
from dermadesk.scheduling.reach import OutOfReach, day_within_reach, instant_within_reach

COURSE_MOST = 12
DATE_HELP = "As year-month-day, e.g. 2026-11-26 (your browser may show a calendar to pick from)."


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, email, phone number or date of birth",
        max_length=200,
        help_text="For example: Ada Lovelace, ada@example.com, (217) 555-0101 or 1985-12-10.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"required": "Please type something to search for."},
    )


class NewPatientForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=NAME_LENGTH)
    family_name = forms.CharField(label="Family name", max_length=NAME_LENGTH)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The confirmation, reminders and the link to change the visit go here.",
    )
    phone = forms.CharField(
        label="Phone number", max_length=32, required=False, widget=forms.TextInput({"type": "tel"})
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput, help_text=DATE_HELP)


class VisitChoiceForm(forms.Form):
    """Where, what, with whom and from which day to look for free times (from the query)."""

    location = forms.ModelChoiceField(
        queryset=Location.objects.order_by("display_order", "name"),
        to_field_name="slug",
        empty_label=None,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(active=True),
        to_field_name="slug",
        label="Treatment",
        empty_label="Choose a treatment",
    )
    clinician = forms.ModelChoiceField(
        queryset=Resource.objects.filter(kind=ResourceKind.PROVIDER, active=True),
        required=False,
        empty_label="Any clinician",
        help_text="For a course, the same clinician is kept where they are free.",
    )
    sessions = forms.TypedChoiceField(
        label="Visits",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="A treatment given as a course can be booked whole: every session at once.",
    )
    start_day = forms.DateField(
        label="Free times from", required=False, widget=DateInput, help_text=DATE_HELP
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        lengths = sorted(
            {
                n
                for low, high in Service.objects.filter(
                    active=True, series_max_sessions__gt=1
                ).values_list("series_min_sessions", "series_max_sessions")
                for n in range(max(low, 2), min(high, COURSE_MOST) + 1)
            }
        )
        self.fields["sessions"].choices = [(1, "This visit only")] + [  # type: ignore[attr-defined]
            (n, f"A course of {n} sessions") for n in lengths
        ]

    def clean_start_day(self) -> date | None:
        day: date | None = self.cleaned_data.get("start_day")
        if day is None:
            return None
        try:
            return day_within_reach(day, self.today)
        except OutOfReach as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["sessions"] = data.get("sessions") or 1
        # One visit of a treatment given as a course is booked on its own; more is a course.
        course_choice_errors(
            self, {**data, "sessions": data["sessions"] if data["sessions"] > 1 else None}
        )
        return data


class StartForm(forms.Form):
    """A start chosen from the free times (``start``, ISO 8601) or typed (date and time, in
    the location's zone)."""

    start = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    date = forms.DateField(label="Date", required=False, widget=DateInput, help_text=DATE_HELP)
    time = forms.TimeField(
        label="Time", required=False, widget=TimeInput, help_text="In the clinic's time."
    )

    def __init__(self, *args: Any, location: Location, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.location, self.now = location, now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["moment"] = self._moment(data)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return data

    def _moment(self, data: dict[str, Any]) -> datetime:
        text: str = data.get("start") or ""
        if text:
            try:
                moment = datetime.fromisoformat(text.strip())
            except ValueError as error:
                raise ValueError("Please choose one of the times shown.") from error
            if moment.tzinfo is None:
                raise ValueError("Please choose one of the times shown.")
            return instant_within_reach(moment, self.now)
        day: date | None = data.get("date")
        clock: time | None = data.get("time")
        if day is None or clock is None:
            raise ValueError("Please choose one of the free times, or type a date and a time.")
        return instant_within_reach(
            datetime.combine(day, clock, tzinfo=self.location.zone), self.now
        )

    @property
    def moment(self) -> datetime:
        """The start chosen, aware (after ``is_valid``)."""
        moment: datetime = self.cleaned_data["moment"]
        return moment


def accepted_starts(texts: list[str], now: datetime) -> list[datetime]:
    """The starts of a course as staff were shown them (ISO 8601, in order); ``ValueError``
    when one cannot be read."""
    again = "Please choose the course's times again."
    if not texts or len(texts) > COURSE_MOST:
        raise ValueError(again)
    starts = []
    for text in texts:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError as error:
            raise ValueError(again) from error
        if moment.tzinfo is None:
            raise ValueError(again)
        starts.append(instant_within_reach(moment, now))
    return starts
