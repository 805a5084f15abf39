"""Staff forms of the admin's course booking: they check input, the use-cases do the rest."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget, AutocompleteSelect

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Resource, ResourceKind, Series, Service


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
