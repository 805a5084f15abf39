"""The reports' filter: a range of months and a location, read from the query string."""

from typing import Any

from django import forms

from dermadesk.clinic.models import Location
from dermadesk.staff.monthly import Month, months_between

MOST_MONTHS = 36
YEARS_BACK = 10


def _month_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="Year and month, like 2026-03.",
        widget=forms.TextInput(attrs={"type": "month", "inputmode": "numeric"}),
        error_messages={"required": "Please give a month as year and month, like 2026-03."},
    )


class ReportFilterForm(forms.Form):
    first = _month_field("From")
    last = _month_field("To")
    location = forms.ChoiceField(
        label="Location",
        required=False,
        error_messages={"invalid_choice": "Please choose a location from the list."},
    )

    def __init__(
        self, *args: Any, locations: list[Location], this_month: Month, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"first": str(this_month.plus(-5)), "last": str(this_month), "location": ""},
        )
        super().__init__(*args, **kwargs)
        self.locations = {location.slug: location for location in locations}
        self.this_month = this_month
        self.fields["location"].choices = [  # type: ignore[attr-defined]
            ("", "All locations"),
            *[(location.slug, location.name) for location in locations],
        ]

    def _month(self, name: str) -> Month:
        try:
            month = Month.parse(self.cleaned_data[name])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        earliest, latest = self.this_month.plus(-12 * YEARS_BACK), self.this_month.plus(12)
        if not earliest <= month <= latest:
            raise forms.ValidationError(
                f"Please choose a month between {earliest.label} and {latest.label}."
            )
        return month

    def clean_first(self) -> Month:
        return self._month("first")

    def clean_last(self) -> Month:
        return self._month("last")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first"), cleaned.get("last")
        if isinstance(first, Month) and isinstance(last, Month):
            if last < first:
                self.add_error("last", "Please choose a last month on or after the first.")
            elif len(months_between(first, last)) > MOST_MONTHS:
                self.add_error("last", f"Please choose at most {MOST_MONTHS} months at a time.")
        return cleaned

    def chosen(self) -> tuple[Month, Month, list[Location]]:
        """The months and the locations to report on (the usual ones when nothing is asked)."""
        if not self.is_bound:
            first, last = self.this_month.plus(-5), self.this_month
            return first, last, list(self.locations.values())
        slug = self.cleaned_data["location"]
        chosen = [self.locations[slug]] if slug else list(self.locations.values())
        return self.cleaned_data["first"], self.cleaned_data["last"], chosen
