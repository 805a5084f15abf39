"""Patients in the back office: search, the record, its contact details changed, its screening
answers and reviews (health data, per patient), and two records of one person merged.

The search words are sent by POST (results and their pages too), so names, emails, phone
numbers and dates of birth never appear in addresses, server logs or the browser's history.
Every page that shows one patient's data writes one view to the audit trail, after the
policy has said yes for that patient; every change writes a change (or a merge).
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.charting.models import Chart
from dermadesk.checkout.patient_merge import MergeRefused, merge_preview, patient_merge
from dermadesk.limits.client import client_address
from dermadesk.patients.duplicates import duplicate_reasons
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import patients_found
from dermadesk.patients.services import InvalidPatientDetails, patient_details_change
from dermadesk.screening.models import ScreeningOutcome
from dermadesk.screening.services import ScreeningError, screening_override
from dermadesk.staff.pages import audit_event, audit_view, not_allowed, staff_page, staff_user
from dermadesk.staff.patient_forms import (
    MergeForm,
    PatientDetailsForm,
    PatientSearchForm,
    ScreeningReviewForm,
)
from dermadesk.staff.patient_queries import (
    clinic_zone,
    patient_record,
    person,
    screening_history,
)
from dermadesk.staff.photo_pages import patient_photo_context
from dermadesk.staff.policy import may, roles_of
from dermadesk.staff.roles import Action

PAGE_SIZE = 20


def _patient(patient_id: int) -> Patient:
    found = Patient.objects.filter(pk=patient_id).first()
    if found is None:
        raise Http404("No patient has this record number.")
    return found


def _page_asked(request: HttpRequest) -> int:
    text = request.POST.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1


@staff_page(Action.PATIENT_SEARCH)
@require_http_methods(["GET", "POST"])
def patients(request: HttpRequest) -> HttpResponse:
    """The search form (GET) and its results (POST: the words stay out of the address)."""
    form = PatientSearchForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        paginator = Paginator(patients_found(form.cleaned_data["q"]), PAGE_SIZE)
        page = paginator.get_page(_page_asked(request))
        context["page"] = page
        # That a search was made and how many were found; never the words.
        audit_event(request, AuditAction.VIEW, patient_id=None, what="patient search",
                    detail=f"{paginator.count} found, page {page.number}")  # fmt: skip
    return render(request, "staff/patients.html", context, status=400 if form.errors else 200)


@staff_page(Action.PATIENT_RECORD)
def patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = _patient(patient_id)
    user = request.user
    shown = patient_record(record, now=timezone.now())
    context = {
        "record": shown,
        "patient": record,
        "sees_health": may(user, Action.PATIENT_HEALTH, patient_id=record.pk),
        "may_edit": may(user, Action.PATIENT_EDIT),
        "may_merge": may(user, Action.PATIENT_MERGE),
        "may_audit": may(user, Action.AUDIT_TRAIL),
        **patient_photo_context(request, record),
    }
    if may(user, Action.CHART, patient_id=record.pk):
        context["charts"] = list(
            Chart.objects.filter(patient=record)
            .select_related("booking__service", "booking__location")
            .order_by("-booking__starts_at", "-pk")
        )
    with timezone.override(shown.zone.zone):
        response = render(request, "staff/patient.html", context)
    audit_view(request, patient_id=record.pk, what="record")
    return response


@staff_page(Action.PATIENT_EDIT)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = _patient(patient_id)
    if request.method == "GET":
        form = PatientDetailsForm.of(record)
        page = render(request, "staff/patient_edit.html", {"patient": record, "form": form})
        audit_view(request, patient_id=record.pk, what="contact details")
        return page
    form = PatientDetailsForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                changed = patient_details_change(
                    patient=record, today=timezone.localdate(), **form.cleaned_data
                )
                if changed:
                    audit_event(request, AuditAction.CHANGE, patient_id=record.pk,
                                what="contact details", object_ref=f"patients.patient:{record.pk}",
                                detail="Changed: " + ", ".join(changed))  # fmt: skip
        except InvalidPatientDetails as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(
                request, "The contact details are saved." if changed else "Nothing was changed."
            )
            return redirect("staff:patient", patient_id=record.pk)
    page = render(request, "staff/patient_edit.html", {"patient": record, "form": form}, status=400)
    audit_view(request, patient_id=record.pk, what="contact details")
    return page


def _screening_page(
    request: HttpRequest, record: Patient, form: ScreeningReviewForm | None, status: int = 200
) -> HttpResponse:
    zone = clinic_zone()
    context = {
        "patient": record,
        "zone": zone,
        "shown": screening_history(record, zone),
        "form": form,
        "may_review": may(request.user, Action.SCREENING_REVIEW, patient_id=record.pk),
        "outcomes": ScreeningOutcome.choices,
    }
    with timezone.override(zone.zone):
        page = render(request, "staff/patient_screening.html", context, status=status)
    audit_view(request, patient_id=record.pk, what="screening")
    return page


@staff_page(Action.PATIENT_HEALTH)
def patient_screening(request: HttpRequest, patient_id: int) -> HttpResponse:
    record = _patient(patient_id)
    if not may(request.user, Action.PATIENT_HEALTH, patient_id=record.pk):
        return not_allowed(request)
    return _screening_page(request, record, None)


@staff_page(Action.SCREENING_REVIEW)
@require_POST
def screening_review(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A clinician's review of one screening: through ``screening_override``, audited."""
    record = _patient(patient_id)
    user = staff_user(request)
    if not may(user, Action.SCREENING_REVIEW, patient_id=record.pk) or not may(
        user, Action.PATIENT_HEALTH, patient_id=record.pk
    ):
        return not_allowed(request)
    form = ScreeningReviewForm(request.POST, patient=record)
    if form.is_valid():
        response = form.cleaned_data["response"]
        try:
            with transaction.atomic():
                screening_override(
                    response=response, user=user, outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"], now=timezone.now(),
                )  # fmt: skip
                audit_event(request, AuditAction.CHANGE, patient_id=record.pk,
                            what="screening review",
                            object_ref=f"screening.screeningresponse:{response.pk}")  # fmt: skip
        except ScreeningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your review is saved with the screening.")
            return redirect("staff:patient_screening", patient_id=record.pk)
    return _screening_page(request, record, form, status=400)


@staff_page(Action.PATIENT_MERGE)
@require_http_methods(["GET", "POST"])
def patient_merge_page(request: HttpRequest, patient_id: int, other_id: int) -> HttpResponse:
    """Both records side by side, what would move and what stops it; the merge on POST."""
    one, other = _patient(patient_id), _patient(other_id)
    form = MergeForm(request.POST if request.method == "POST" else None, one=one, other=other)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kept_id = form.cleaned_data["keep"]
            removed_id = other.pk if kept_id == one.pk else one.pk
            user = staff_user(request)
            try:
                result = patient_merge(
                    kept_id=kept_id, removed_id=removed_id, actor=user,
                    roles=[role.value for role in roles_of(user)],
                    address=client_address(request), now=timezone.now(),
                )  # fmt: skip
            except MergeRefused as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(
                    request,
                    f"Record {result.removed_id} is merged into this one and removed.",
                )
                return redirect("staff:patient", patient_id=result.kept.pk)
    into_one = merge_preview(kept=one, removed=other)
    into_other = merge_preview(kept=other, removed=one)
    conflicts = list(dict.fromkeys(into_one.conflicts + into_other.conflicts))
    context = {
        "one": one,
        "other": other,
        "holds": [(one, into_other.moves), (other, into_one.moves)],
        "conflicts": conflicts if not (into_one.possible or into_other.possible) else [],
        "reasons": duplicate_reasons(person(one), person(other)),
        "form": form,
    }
    page = render(request, "staff/patient_merge.html", context, status=status)
    for shown in {one.pk, other.pk}:
        audit_view(request, patient_id=shown, what="merge check")
    return page
