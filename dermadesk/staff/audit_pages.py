"""The audit trail in the back office (``Action.AUDIT_TRAIL``: managers): every look at and
change of patient data, newest first, filtered by patient record, staff member and days, and
the same rows as CSV (the download is itself written to the trail).

The filters are record numbers, a staff member's number and days: nothing a patient typed
or a name goes into the address. Days are read in the clinic's zone, the one the times are
shown in.
"""

import csv
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.spreadsheet import safe_cell
from dermadesk.staff.pages import audit_event, staff_page
from dermadesk.staff.patient_forms import AuditFilterForm
from dermadesk.staff.patient_queries import Zone, clinic_zone
from dermadesk.staff.roles import Action

PAGE_SIZE = 50
CSV_HEADER = [
    "when (UTC)", "staff member", "role", "action", "what", "patient record", "row", "address",
    "detail",
]  # fmt: skip


def _rows(form: AuditFilterForm, zone: Zone) -> QuerySet[AuditEvent]:
    """The trail as the (valid) form filters it, newest first."""
    rows = AuditEvent.objects.order_by("-at", "-pk")
    chosen = form.cleaned_data
    if chosen.get("patient"):
        rows = rows.filter(patient_id=chosen["patient"])
    if chosen.get("staff"):
        rows = rows.filter(actor=chosen["staff"])
    if chosen.get("since"):
        rows = rows.filter(at__gte=datetime.combine(chosen["since"], time(), tzinfo=zone.zone))
    if chosen.get("until"):
        next_day = chosen["until"] + timedelta(days=1)
        rows = rows.filter(at__lt=datetime.combine(next_day, time(), tzinfo=zone.zone))
    return rows


def _filters(form: AuditFilterForm) -> str:
    """The filters in force, as a query string for the page links and the download."""
    query = form.data.copy()  # type: ignore[attr-defined]
    query.pop("page", None)
    return str(query.urlencode())


@staff_page(Action.AUDIT_TRAIL)
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    zone = clinic_zone()
    context: dict[str, Any] = {"form": form, "zone": zone, "query": _filters(form)}
    if not form.is_valid():
        return render(request, "staff/audit.html", context, status=400)
    page = Paginator(_rows(form, zone).select_related("actor"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context["page"] = page
    context["events"] = [(event, zone.text(event.at)) for event in page]
    return render(request, "staff/audit.html", context)


def _csv_write(response: HttpResponse, rows: QuerySet[AuditEvent]) -> None:
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for e in rows.iterator(chunk_size=500):
        row = [
            e.at.astimezone(UTC).isoformat(), safe_cell(e.actor_name), safe_cell(e.actor_role),
            e.get_action_display(), safe_cell(e.what), e.patient_id or "", safe_cell(e.object_ref),
            e.address or "", safe_cell(e.detail),
        ]  # fmt: skip
        writer.writerow(row)


@staff_page(Action.AUDIT_TRAIL)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV; the download itself is written to the trail."""
    form = AuditFilterForm(request.GET)
    zone = clinic_zone()
    if not form.is_valid():
        context = {"form": form, "zone": zone, "query": _filters(form)}
        return render(request, "staff/audit.html", context, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    _csv_write(response, _rows(form, zone))
    # Written after the rows are read: the download holds the trail as it was asked for.
    audit_event(request, AuditAction.EXPORT, patient_id=form.cleaned_data.get("patient"),
                what="audit trail", detail=_filters(form)[:500])  # fmt: skip
    return response
