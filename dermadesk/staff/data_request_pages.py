"""Patients' requests for a copy of their data (``Action.DATA_REQUESTS``: managers): the
open ones by due date on their 30-day clock, marked answered with a note, and the copy
itself as a PDF to send by post or hand over (the download is written to the trail)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.interop.access import DataRequestAnswered, data_request_answer
from dermadesk.interop.access_pdf import access_pdf
from dermadesk.patients.models import DataRequest, DataRequestStatus
from dermadesk.staff.pages import audit_event, audit_view, staff_page, staff_user
from dermadesk.staff.patient_queries import clinic_zone
from dermadesk.staff.roles import Action

ANSWERED_SHOWN = 50


@require_GET
@staff_page(Action.DATA_REQUESTS)
def data_requests(request: HttpRequest) -> HttpResponse:
    zone = clinic_zone()
    now = timezone.now()
    rows = DataRequest.objects.select_related("patient", "answered_by")
    open_rows = list(rows.filter(status=DataRequestStatus.OPEN).order_by("due_at", "pk"))
    answered = list(
        rows.filter(status=DataRequestStatus.ANSWERED).order_by("-answered_at")[:ANSWERED_SHOWN]
    )
    audit_view(request, patient_id=None, what="data requests", detail=f"{len(open_rows)} open")
    return render(
        request,
        "staff/data_requests.html",
        {
            "zone": zone,
            "open_rows": [
                (row, zone.text(row.requested_at), zone.text(row.due_at), (row.due_at - now).days)
                for row in open_rows
            ],
            "answered": [(row, zone.text(row.answered_at or row.due_at)) for row in answered],
        },
    )


@require_POST
@staff_page(Action.DATA_REQUESTS)
def data_request_done(request: HttpRequest, request_id: int) -> HttpResponse:
    found = get_object_or_404(DataRequest, pk=request_id)
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, "Please say how the request was answered (for example: PDF sent).")
        return redirect("staff:data_requests")
    try:
        data_request_answer(
            request_id=found.pk, by=staff_user(request), note=note, now=timezone.now()
        )
    except DataRequestAnswered as already:
        messages.info(request, str(already))
        return redirect("staff:data_requests")
    audit_event(request, AuditAction.CHANGE, patient_id=found.patient_id, what="data request",
                object_ref=f"patients.datarequest:{found.pk}")  # fmt: skip
    messages.success(request, f"Request {found.pk} is marked answered.")
    return redirect("staff:data_requests")


@require_GET
@staff_page(Action.DATA_REQUESTS)
def data_request_copy(request: HttpRequest, request_id: int) -> HttpResponse:
    found = get_object_or_404(DataRequest.objects.select_related("patient"), pk=request_id)
    audit_event(request, AuditAction.EXPORT, patient_id=found.patient_id,
                what="data copy (PDF)", object_ref=f"patients.datarequest:{found.pk}")  # fmt: skip
    response = HttpResponse(
        access_pdf(found.patient, now=timezone.now()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="data-request-{found.pk}.pdf"'
    return response
