"""The managers' reports page and its CSV download: per month and per location, visits,
no-shows, cancellations, course completion and conversion to bookings."""

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dermadesk.clinic.models import Location
from dermadesk.spreadsheet import safe_cell
from dermadesk.staff.monthly import month_of
from dermadesk.staff.pages import staff_page
from dermadesk.staff.report_forms import ReportFilterForm
from dermadesk.staff.reports import Report, ReportRow, monthly_report
from dermadesk.staff.roles import Action

CSV_COLUMNS = (
    "month", "location", "visits completed", "no-shows", "no-show rate (%)", "cancellations",
    "courses started", "sessions planned", "sessions done", "course completion (%)",
    "contact messages", "booked after contact", "contact conversion (%)", "screenings",
    "booked after screening", "screening conversion (%)",
)  # fmt: skip


def _filter(request: HttpRequest) -> tuple[ReportFilterForm, list[Location]]:
    locations = list(Location.objects.all())
    zone = locations[0].zone if locations else timezone.get_default_timezone()
    this_month = month_of(timezone.now(), zone)
    form = ReportFilterForm(request.GET or None, locations=locations, this_month=this_month)
    return form, locations


def _report(form: ReportFilterForm, locations: list[Location]) -> Report:
    first, last, chosen = form.chosen()
    zone = locations[0].zone if locations else timezone.get_default_timezone()
    return monthly_report(first=first, last=last, locations=chosen, clinic_zone=zone)


@require_GET
@staff_page(Action.REPORTS)
def reports(request: HttpRequest) -> HttpResponse:
    form, locations = _filter(request)
    context: dict[str, Any] = {"form": form, "locations": locations}
    if form.is_bound and not form.is_valid():
        return render(request, "staff/reports.html", context, status=400)
    report = _report(form, locations)
    first, last = report.months[0], report.months[-1]
    place = report.locations[0].name if len(report.locations) == 1 else "all locations"
    context |= {
        "report": report,
        "place": place,
        "period": first.label if first == last else f"{first.label} to {last.label}",
        "zones": sorted({location.time_zone for location in report.locations}),
        "query": request.GET.urlencode(),
    }
    return render(request, "staff/reports.html", context)


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _csv_row(row: ReportRow) -> list[str]:
    f = row.figures
    values: list[object] = [
        row.month, row.location.name if row.location else "All locations",
        f.visits, f.no_shows, _rate(f.no_show_rate), f.cancellations,
        f.courses, f.sessions_planned, f.sessions_done, _rate(f.completion_rate),
        f.contacts, f.contacts_booked, _rate(f.contact_rate),
        f.screenings, f.screenings_booked, _rate(f.screening_rate),
    ]  # fmt: skip
    return [safe_cell(value) for value in values]


@require_GET
@staff_page(Action.REPORTS)
def reports_export(request: HttpRequest) -> HttpResponse:
    form, locations = _filter(request)
    if form.is_bound and not form.is_valid():
        problems = [f"{form[name].label if name in form.fields else 'Filter'}: {error}"
                    for name, errors in form.errors.items() for error in errors]  # fmt: skip
        return HttpResponse(
            "The report could not be made:\n" + "\n".join(problems) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = _report(form, locations)
    first, last = report.months[0], report.months[-1]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dermadesk-report-{first}-to-{last}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(row) for row in report.rows)
    return response
