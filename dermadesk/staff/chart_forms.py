"""The treatment record's forms: a chart (areas from the fixed list, each with its depth and
passes; the pen and the lots picked from lists, never typed), an amendment, a review, a
co-signature, a complication. They check input only; the rules are the services'."""

from collections.abc import Iterator
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dermadesk.charting.models import (
    DEPTH_VALIDATORS,
    Area,
    Chart,
    Complication,
    Lot,
    LotKind,
    Severity,
)
from dermadesk.charting.queries import session_day, usable_lots
from dermadesk.charting.services import COMPLICATION_FIELDS, AreaEntry
from dermadesk.scheduling.models import Resource, ResourceKind

DEPTH_STEP = Decimal("0.05")
TEXT_ROWS = {"rows": 2, "cols": 40}


class LotChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        lot: Lot = obj
        return f"{lot.product}, lot {lot.lot_number}, expires {lot.expires_on:%Y-%m-%d}"


class AreaRow:
    """One area's three inputs, for the template's table."""

    def __init__(self, form: "ChartForm", code: str, label: str) -> None:
        self.code, self.label = code, label
        self.treated = form[f"{code}_treated"]
        self.depth = form[f"{code}_depth"]
        self.passes = form[f"{code}_passes"]

    @property
    def errors(self) -> list[str]:
        return [*self.treated.errors, *self.depth.errors, *self.passes.errors]


class ChartForm(forms.Form):
    """What was done in the visit. Times are the clinic's, on the visit's day."""

    device = forms.ModelChoiceField(
        label="Pen", queryset=Resource.objects.none(), required=False, empty_label="Not recorded"
    )
    cartridge_lot = LotChoice(
        label="Cartridge lot", queryset=Lot.objects.none(), required=False,
        empty_label="Not recorded",
    )  # fmt: skip
    numbing_applied_at = forms.TimeField(
        label="Numbing cream applied at", required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )  # fmt: skip
    numbing_removed_at = forms.TimeField(
        label="Numbing cream removed at", required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )  # fmt: skip
    blood_drawn_ml = forms.DecimalField(
        label="Blood drawn (ml)", required=False, min_value=0, max_value=100, decimal_places=1,
        step_size=Decimal("0.5"),
    )  # fmt: skip
    spin_rpm = forms.IntegerField(
        label="Spin speed (rpm)", required=False, min_value=0, max_value=20000
    )
    spin_g = forms.IntegerField(label="or spin force (× g)", required=False, min_value=0,
                                max_value=10000)  # fmt: skip
    spin_minutes = forms.IntegerField(
        label="Spin time (minutes)", required=False, min_value=1, max_value=60
    )
    prp_used_ml = forms.DecimalField(
        label="PRP used (ml)", required=False, min_value=0, max_value=100, decimal_places=1,
        step_size=Decimal("0.5"),
    )  # fmt: skip
    prp_kit_lot = LotChoice(
        label="PRP kit lot", queryset=Lot.objects.none(), required=False,
        empty_label="Not recorded",
    )  # fmt: skip
    products_after = forms.CharField(
        label="Products applied after", required=False, max_length=2000,
        widget=forms.Textarea(attrs=TEXT_ROWS),
    )  # fmt: skip
    skin_response = forms.CharField(
        label="Immediate skin response", required=False, max_length=2000,
        widget=forms.Textarea(attrs=TEXT_ROWS),
        help_text='e.g. "even redness, pinpoint bleeding, no wheals".',
    )  # fmt: skip
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "cols": 40})
    )

    PRP_FIELDS = ("blood_drawn_ml", "spin_rpm", "spin_g", "spin_minutes", "prp_used_ml",
                  "prp_kit_lot")  # fmt: skip

    def __init__(self, *args: Any, chart: Chart, prp: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chart, self.prp = chart, prp
        booking = chart.booking
        day = session_day(booking)
        device: Any = self.fields["device"]
        device.queryset = Resource.objects.filter(
            location=booking.location, kind=ResourceKind.DEVICE, category="pen", active=True
        )
        # The lots in stock and in date, and the chart's own (shown even once used up).
        for name, kind in (("cartridge_lot", LotKind.CARTRIDGE), ("prp_kit_lot", LotKind.PRP_KIT)):
            field: Any = self.fields[name]
            field.queryset = usable_lots(day, kind) | Lot.objects.filter(
                pk=getattr(chart, f"{name}_id") or 0, expires_on__gte=day
            )
        if not prp:
            for name in self.PRP_FIELDS:
                del self.fields[name]
        for code, label in Area.choices:
            self.fields[f"{code}_treated"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{code}_depth"] = forms.DecimalField(
                label=f"{label}: depth (mm)", required=False, max_digits=4, decimal_places=2,
                validators=DEPTH_VALIDATORS, step_size=DEPTH_STEP,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": "0.05",
                                                "max": "5", "class": "depth"}),
            )  # fmt: skip
            self.fields[f"{code}_passes"] = forms.IntegerField(
                label=f"{label}: passes", required=False, min_value=1, max_value=10,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "passes"}),
            )  # fmt: skip
        if not self.is_bound:
            self.initial = {**chart_initial(chart), **self.initial}

    def area_rows(self) -> Iterator[AreaRow]:
        for code, label in Area.choices:
            yield AreaRow(self, code, label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code, label in Area.choices:
            depth, passes = data.get(f"{code}_depth"), data.get(f"{code}_passes")
            if not data.get(f"{code}_treated"):
                continue
            if depth is None and f"{code}_depth" not in self.errors:
                self.add_error(f"{code}_depth", f"Give the depth used on the {label.lower()}.")
            if passes is None and f"{code}_passes" not in self.errors:
                self.add_error(f"{code}_passes", f"Give the passes made on the {label.lower()}.")
        applied, removed = data.get("numbing_applied_at"), data.get("numbing_removed_at")
        if applied and removed and removed < applied:
            self.add_error("numbing_removed_at", "The cream comes off after it goes on.")
        return data

    def areas(self) -> list[AreaEntry]:
        data = self.cleaned_data
        return [
            AreaEntry(code, data[f"{code}_depth"], data[f"{code}_passes"])
            for code, _ in Area.choices
            if data.get(f"{code}_treated")
        ]

    def values(self) -> dict[str, Any]:
        """The chart's fields as the services take them (times made instants)."""
        zone = self.chart.booking.location.zone
        day = session_day(self.chart.booking)
        values = {name: self.cleaned_data.get(name) for name in self.fields
                  if not name.endswith(("_treated", "_depth", "_passes"))}  # fmt: skip
        for name in ("numbing_applied_at", "numbing_removed_at"):
            moment: time | None = values.get(name)
            values[name] = datetime.combine(day, moment, tzinfo=zone) if moment else None
        for name in ("products_after", "skin_response", "notes"):
            values[name] = values.get(name) or ""
        return values


def chart_initial(chart: Chart) -> dict[str, Any]:
    zone = chart.booking.location.zone
    initial: dict[str, Any] = {
        "device": chart.device_id,
        "cartridge_lot": chart.cartridge_lot_id,
        "prp_kit_lot": chart.prp_kit_lot_id,
        "blood_drawn_ml": chart.blood_drawn_ml,
        "spin_rpm": chart.spin_rpm,
        "spin_g": chart.spin_g,
        "spin_minutes": chart.spin_minutes,
        "prp_used_ml": chart.prp_used_ml,
        "products_after": chart.products_after,
        "skin_response": chart.skin_response,
        "notes": chart.notes,
    }
    for name in ("numbing_applied_at", "numbing_removed_at"):
        moment = getattr(chart, name)
        initial[name] = moment.astimezone(zone).time() if moment else None
    for area in chart.areas.all():
        initial |= {
            f"{area.area}_treated": True,
            f"{area.area}_depth": area.depth_mm,
            f"{area.area}_passes": area.passes,
        }
    return initial


class AmendForm(ChartForm):
    reason = forms.CharField(
        label="Why is the chart being amended?", max_length=2000,
        widget=forms.Textarea(attrs=TEXT_ROWS),
        help_text="Kept with the change, your name and the time; the chart as signed stays.",
    )  # fmt: skip

    def values(self) -> dict[str, Any]:
        values = super().values()
        values.pop("reason", None)
        return values


class ReviewForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label="Your review", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", "Appropriate as charted"), ("no", "Not as it should have been")],
    )  # fmt: skip
    comments = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT_ROWS),
        help_text="Needed when it was not as it should have been.",
    )  # fmt: skip


class CosignForm(forms.Form):
    reason = forms.CharField(
        label="Why this depth is right for this patient", required=False, max_length=2000,
        widget=forms.Textarea(attrs=TEXT_ROWS),
    )  # fmt: skip


class ComplicationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Complication
        fields = COMPLICATION_FIELDS
        widgets = {
            "what": forms.Textarea(attrs=TEXT_ROWS),
            "action_taken": forms.Textarea(attrs=TEXT_ROWS),
            "outcome": forms.Textarea(attrs=TEXT_ROWS),
            "onset_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "follow_up_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "severity": forms.RadioSelect,
        }
        help_texts = {"follow_up_due": "Shown on the staff's alerts until it is closed."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        severity: Any = self.fields["severity"]
        severity.choices = Severity.choices

    def clean_follow_up_due(self) -> Any:
        due = self.cleaned_data.get("follow_up_due")
        onset = self.cleaned_data.get("onset_on")
        if due and onset and due < onset:
            raise ValidationError("The follow-up comes after the complication began.")
        return due


class RecallForm(forms.Form):
    confirm = forms.BooleanField(
        label="Send the recall letter to every patient listed who has not had it yet",
    )
