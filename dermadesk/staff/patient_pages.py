"""Patients in the back office: search, the record, its screening answers (health data, per
patient), and the audit trail of who looked at what.

The search words are sent by POST, so names, emails and phone numbers never appear in
addresses or server logs. Every page that shows one patient's data writes one audit event.
"""

import csv
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.patients.queries import patients_matching
from dermadesk.scheduling.models import Booking
from dermadesk.screening.models import ScreeningResponse
from dermadesk.staff.calendar_forms import PatientSearchForm
from dermadesk.staff.pages import audit_event, audit_view, not_allowed, staff_page
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action

SEARCH_LIMIT = 50
AUDIT_PAGE_SIZE = 50


def _patient(patient_id: int) -> Patient:
    found = Patient.objects.filter(pk=patient_id).first()
    if found is None:
        raise Http404("No such patient.")
    return found


@staff_page(Action.PATIENT_SEARCH)
@require_http_methods(["GET", "POST"])
def patients(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.POST or None)
    found: list[Patient] | None = None
    if request.method == "POST" and form.is_valid():
        found = patients_matching(form.cleaned_data["q"], limit=SEARCH_LIMIT)
        audit_event(request, AuditAction.VIEW, patient_id=None, what="patient search",
                    detail=f"{len(found)} found")  # fmt: skip
    status = 400 if form.errors else 200
    return render(
        request, "staff/patients.html", {"form": form, "found": found, "limit": SEARCH_LIMIT},
        status=status,
    )  # fmt: skip


def _duplicates(patient: Patient) -> QuerySet[Patient]:
    same_person = Q(
        given_name__iexact=patient.given_name,
        family_name__iexact=patient.family_name,
        date_of_birth=patient.date_of_birth,
    )
    same_contact = Q(email__iexact=patient.email)
    if patient.phone:
        same_contact |= Q(phone=patient.phone)
    return Patient.objects.filter(same_person | same_contact).exclude(pk=patient.pk)


@staff_page(Action.PATIENT_RECORD)
def patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = _patient(patient_id)
    visits = list(
        Booking.objects.filter(patient=record)
        .select_related("service", "location", "series")
        .order_by("-starts_at")
    )
    for visit in visits:
        visit.local_start = visit.starts_at.astimezone(visit.location.zone)  # type: ignore[attr-defined]
    addresses = [a for a in (record.email, record.phone) if a]
    context = {
        "patient": record,
        "visits": visits,
        "consents": ConsentSignature.objects.filter(patient=record)
        .select_related("document")
        .order_by("-signed_at"),
        "messages_sent": OutboundMessage.objects.filter(recipient__in=addresses)
        .only("template_key", "subject", "status", "created_at", "channel")
        .order_by("-created_at")[:50],
        "access": AuditEvent.objects.filter(patient_id=record.pk).order_by("-at")[:50],
        "duplicates": _duplicates(record),
        "sees_health": may(request.user, Action.PATIENT_HEALTH, patient_id=record.pk),
    }
    response = render(request, "staff/patient.html", context)
    audit_view(request, patient_id=record.pk, what="record")
    return response


@staff_page(Action.PATIENT_HEALTH)
def patient_screening(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = _patient(patient_id)
    if not may(request.user, Action.PATIENT_HEALTH, patient_id=record.pk):
        return not_allowed(request)
    responses = (
        ScreeningResponse.objects.filter(patient=record)
        .select_related("service", "questionnaire")
        .prefetch_related("overrides__user", "questionnaire__questions")
        .order_by("-created_at")
    )
    shown = []
    for response in responses:
        texts = {q.key: q.text for q in response.questionnaire.questions.all()}
        shown.append(
            {
                "response": response,
                "answers": [(texts.get(k, k), v) for k, v in response.answers.items()],
            }
        )
    page = render(request, "staff/patient_screening.html", {"patient": record, "shown": shown})
    audit_view(request, patient_id=record.pk, what="screening")
    return page


def _audit_rows(request: HttpRequest) -> tuple[QuerySet[AuditEvent], dict[str, str]]:
    """The trail filtered by the query's patient id, staff member id and dates (ids only)."""
    rows = AuditEvent.objects.select_related("actor").order_by("-at", "-pk")
    chosen = {k: request.GET.get(k, "").strip() for k in ("patient", "staff", "since", "until")}
    if chosen["patient"].isdigit():
        rows = rows.filter(patient_id=int(chosen["patient"]))
    if chosen["staff"].isdigit():
        rows = rows.filter(actor_id=int(chosen["staff"]))
    for key, lookup in (("since", "at__gte"), ("until", "at__lt")):
        try:
            day = date.fromisoformat(chosen[key])
        except ValueError:
            chosen[key] = ""
            continue
        moment = datetime.combine(day, time(), tzinfo=UTC)
        rows = rows.filter(
            **{lookup: moment + (timedelta(days=1) if key == "until" else timedelta())}
        )
    return rows, chosen


@staff_page(Action.AUDIT_TRAIL)
def audit(request: HttpRequest) -> HttpResponse:
    rows, chosen = _audit_rows(request)
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    staff = (
        User.objects.filter(is_staff=True)
        .order_by("username")
        .only("username", "first_name", "last_name")
    )
    return render(request, "staff/audit.html", {"page": page, "chosen": chosen, "staff": staff})


@staff_page(Action.AUDIT_TRAIL)
def audit_export(request: HttpRequest) -> HttpResponse:
    rows, chosen = _audit_rows(request)
    audit_event(request, AuditAction.EXPORT, patient_id=None, what="audit trail",
                detail=", ".join(f"{k}={v}" for k, v in chosen.items() if v))  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["when (UTC)", "staff member", "role", "action", "what", "patient id", "row", "address",
         "detail"]
    )  # fmt: skip
    for e in rows.iterator(chunk_size=500):
        writer.writerow([
            e.at.astimezone(UTC).isoformat(), e.actor_name, e.actor_role, e.action, e.what,
            e.patient_id or "", e.object_ref, e.address or "", e.detail,
        ])  # fmt: skip
    return response
