"""The patient's own data: ask for a copy of everything held (the staff answer it on a
30-day clock), download it as JSON or PDF once asked, and see who looked at the record."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.clinic.models import Location
from dermadesk.interop.access import data_request_make
from dermadesk.interop.access_pdf import access_json, access_pdf
from dermadesk.limits.client import client_address
from dermadesk.limits.pages import rate_limited
from dermadesk.patients.models import DataRequest, Patient
from dermadesk.portal.access import PatientScope, patient_page
from dermadesk.portal.queries import AccessRow, access_rows, when_text, zone_text


@dataclass(frozen=True)
class RecordData:
    patient: Patient
    request: DataRequest | None
    asked: str
    due: str
    log: list[AccessRow]


def _records(scope: PatientScope) -> list[RecordData]:
    clinic = Location.objects.order_by("pk").first()
    latest = {
        request.patient_id: request
        for request in DataRequest.objects.filter(patient_id__in=scope.patient_ids).order_by(
            "requested_at", "pk"
        )
    }
    rows = []
    for patient in scope.patients:
        request = latest.get(patient.pk)
        asked = due = ""
        if request is not None and clinic is not None:
            asked = when_text(request.requested_at, clinic)
            due = f"{when_text(request.due_at, clinic)} ({zone_text(request.due_at, clinic)})"
        rows.append(RecordData(patient, request, asked, due, access_rows(patient, clinic)))
    return rows


@require_GET
@patient_page
def data_page(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    return render(
        request,
        "portal/data.html",
        {"scope": scope, "section": "data", "records": _records(scope)},
    )


@require_POST
@patient_page
def data_request(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    """Ask for a copy of one record's data (one open request at a time)."""
    try:
        patient = scope.patient(int(request.POST.get("patient", "")))
    except ValueError:
        return render(
            request,
            "portal/problem.html",
            {"scope": scope, "message": "Please choose whose data you would like."},
            status=400,
        )
    data_request_make(patient=patient, ip_address=client_address(request), now=timezone.now())
    messages.success(
        request,
        "Thank you: we have your request. You can download your copy below now; our team "
        "also checks it, and answers within 30 days.",
    )
    return redirect("portal:data")


def _download(
    request: HttpRequest, scope: PatientScope, patient_id: int, kind: str
) -> HttpResponse:
    patient = scope.patient(patient_id)
    if not DataRequest.objects.filter(patient=patient).exists():
        messages.info(request, "Please ask for a copy first: the button is below.")
        return redirect("portal:data")
    now = timezone.now()
    audit_record(
        actor=None, roles=[], action=AuditAction.EXPORT, what=f"portal: data copy ({kind})",
        patient_id=patient.pk, address=client_address(request), at=now,
    )  # fmt: skip
    if kind == "PDF":
        response = HttpResponse(access_pdf(patient, now=now), content_type="application/pdf")
        name = "your-data.pdf"
    else:
        response = HttpResponse(access_json(patient, now=now), content_type="application/json")
        name = "your-data.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@rate_limited("portal-export", setting="PORTAL_EXPORT_RATE_LIMIT", methods=("GET",))
@patient_page
def copy_json(request: HttpRequest, scope: PatientScope, patient_id: int) -> HttpResponse:
    return _download(request, scope, patient_id, "JSON")


@require_GET
@rate_limited("portal-export", setting="PORTAL_EXPORT_RATE_LIMIT", methods=("GET",))
@patient_page
def copy_pdf(request: HttpRequest, scope: PatientScope, patient_id: int) -> HttpResponse:
    return _download(request, scope, patient_id, "PDF")
