"""The treatment record in the back office: a visit's chart (opened once the patient is
checked in, saved, signed, amended), a manager's co-signature and review, the review queue,
complications, the stock list and lot recalls.

``Action.CHART`` per patient (the clinician treating the patient, managers); the front desk
has none of these pages. Every page that shows a chart's patient writes one view to the
audit trail, every change a change; the services (``charting.services``) hold the rules.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.charting import rules
from dermadesk.charting.models import Chart, Complication, Lot
from dermadesk.charting.queries import (
    chart_facts,
    chart_for,
    chart_record,
    clinician_scope,
    cosigned_depths,
    depths_of,
    patients_treated_with,
    review_queue,
)
from dermadesk.charting.services import (
    ChartError,
    ChartRefused,
    chart_amend,
    chart_cosign,
    chart_open,
    chart_review_sign,
    chart_save,
    chart_sign,
    complication_record,
    complication_update,
    lot_recall,
)
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.staff.chart_forms import (
    AmendForm,
    ChartForm,
    ComplicationForm,
    CosignForm,
    RecallForm,
    ReviewForm,
)
from dermadesk.staff.pages import audit_event, audit_view, not_allowed, staff_page, staff_user
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action
from dermadesk.staff.visit_pages import when_text

CHARTABLE = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


def _booking(booking_id: int) -> Booking:
    found = (
        Booking.objects.select_related("service", "location", "patient")
        .filter(pk=booking_id, patient__isnull=False)
        .first()
    )
    if found is None:
        raise Http404("No visit has this number.")
    return found


def _allowed(request: HttpRequest, booking: Booking, action: Action = Action.CHART) -> bool:
    return may(request.user, action, patient_id=booking.patient_id)


def _chart(booking_id: int) -> Chart:
    chart = chart_for(booking_id)
    if chart is None:
        raise Http404("This visit has no chart yet.")
    return chart


def _name(user: User | None) -> str:
    if user is None:
        return "someone no longer on the staff"
    return user.get_full_name() or user.get_username()


def is_prp(booking: Booking) -> bool:
    """Whether the visit's treatment uses PRP (a step on the centrifuge, or a PRP skill)."""
    return booking.service.roles.filter(Q(category="centrifuge") | Q(skill__code="prp")).exists()


def _audit_chart(request: HttpRequest, booking: Booking, chart: Chart | None) -> None:
    audit_view(
        request, patient_id=booking.patient_id, what="chart",
        object_ref=f"charting.chart:{chart.pk}" if chart else f"scheduling.booking:{booking.pk}",
    )  # fmt: skip


def _changed(request: HttpRequest, chart: Chart, detail: str) -> None:
    audit_event(
        request, AuditAction.CHANGE, patient_id=chart.patient_id, what="chart",
        object_ref=f"charting.chart:{chart.pk}", detail=detail,
    )  # fmt: skip


def _rows(record: dict[str, str]) -> list[tuple[str, str]]:
    return [(field, value) for field, value in record.items() if value]


def _chart_context(request: HttpRequest, chart: Chart) -> dict[str, Any]:
    booking = chart.booking
    user = staff_user(request)
    scope = clinician_scope(chart.clinician)
    depths = depths_of(chart)
    deep = {a: d for a, d in depths.items() if d > scope.max_depth_mm}
    covered = rules.cosign_covers(depths, scope.max_depth_mm, cosigned_depths(chart))
    manager = may(user, Action.CHART_REVIEW) and user.pk != chart.clinician_id
    refusals = [] if chart.is_signed else rules.completion_refusals(
        chart_facts(chart, now=timezone.now())
    )  # fmt: skip
    return {
        "chart": chart,
        "booking": booking,
        "patient": chart.patient,
        "location": booking.location,
        "when": when_text(booking.starts_at, booking),
        "clinician": _name(chart.clinician),
        "max_depth": scope.max_depth_mm,
        "prp": is_prp(booking),
        "record": _rows(chart_record(chart)),
        "original": _rows(chart.signed_record),
        "amendments": list(chart.amendments.all()),
        "cosigns": list(chart.cosigns.all()),
        "reviews": list(chart.reviews.all()),
        "complications": list(chart.complications.all()),
        "refusals": refusals,
        "may_sign": user.pk == chart.clinician_id,
        "deep": sorted(deep),
        "may_cosign": manager and bool(deep) and not covered,
        "may_review": manager and chart.is_signed,
        "may_complications": may(user, Action.COMPLICATIONS, patient_id=chart.patient_id),
    }


def _show_chart(
    request: HttpRequest, chart: Chart, *, form: ChartForm | None = None, status: int = 200,
    problem: list[str] | None = None, review_form: ReviewForm | None = None,
    cosign_form: CosignForm | None = None,
) -> HttpResponse:  # fmt: skip
    context = _chart_context(request, chart)
    if not chart.is_signed and form is None:
        form = ChartForm(chart=chart, prp=context["prp"])
    context |= {
        "form": form,
        "problem": problem or [],
        "review_form": review_form or ReviewForm(),
        "cosign_form": cosign_form or CosignForm(),
    }
    _audit_chart(request, chart.booking, chart)
    return render(request, "staff/charts/chart.html", context, status=status)


@staff_page(Action.CHART)
@require_http_methods(["GET", "HEAD"])
def chart_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The visit's chart: the form while it is being written, the record once signed (with
    its amendments, the chart as signed, co-signatures, reviews, complications)."""
    booking = _booking(booking_id)
    if not _allowed(request, booking):
        return not_allowed(request)
    chart = chart_for(booking_id)
    if chart is None:
        _audit_chart(request, booking, None)
        context = {
            "booking": booking, "patient": booking.patient, "location": booking.location,
            "when": when_text(booking.starts_at, booking),
            "may_open": booking.status in CHARTABLE,
        }  # fmt: skip
        return render(request, "staff/charts/chart_start.html", context)
    return _show_chart(request, chart)


@staff_page(Action.CHART)
@require_POST
def chart_start(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(booking_id)
    if not _allowed(request, booking):
        return not_allowed(request)
    try:
        chart = chart_open(booking=booking, by=staff_user(request), now=timezone.now())
    except ChartError as error:
        messages.error(request, str(error))
        return redirect("staff:visit", booking_id=booking.pk)
    _changed(request, chart, "opened")
    return redirect("staff:chart", booking_id=booking.pk)


@staff_page(Action.CHART)
@require_POST
def chart_save_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Save the draft; with "Save and sign", sign it too (the gates say why not)."""
    booking = _booking(booking_id)
    if not _allowed(request, booking):
        return not_allowed(request)
    chart = _chart(booking_id)
    if chart.is_signed:
        signed = "This chart is signed: record a change as an amendment."
        return _show_chart(request, chart, status=409, problem=[signed])
    form = ChartForm(request.POST, chart=chart, prp=is_prp(booking))
    if not form.is_valid():
        return _show_chart(request, chart, form=form, status=400)
    user = staff_user(request)
    now = timezone.now()
    try:
        chart = chart_save(chart=chart, values=form.values(), areas=form.areas(), now=now)
    except ChartRefused as refused:
        return _show_chart(request, chart, form=form, status=400, problem=refused.reasons)
    except ChartError as error:
        return _show_chart(request, chart, form=form, status=409, problem=[str(error)])
    _changed(request, chart, "saved")
    if request.POST.get("then") != "sign":
        messages.success(request, "The chart is saved. Sign it when it is complete.")
        return redirect("staff:chart", booking_id=booking.pk)
    try:
        chart = chart_sign(chart=chart, by=user, now=now)
    except ChartRefused as refused:
        fresh = _chart(booking_id)
        return _show_chart(request, fresh, status=409, problem=refused.reasons)
    except ChartError as error:
        return _show_chart(request, _chart(booking_id), status=409, problem=[str(error)])
    _changed(request, chart, "signed")
    messages.success(request, "The chart is signed and locked. Later changes are amendments.")
    return redirect("staff:chart", booking_id=booking.pk)


@staff_page(Action.CHART)
@require_http_methods(["GET", "HEAD", "POST"])
def chart_amend_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Change a signed chart, with the reason; the chart as signed stays readable."""
    booking = _booking(booking_id)
    if not _allowed(request, booking):
        return not_allowed(request)
    chart = _chart(booking_id)
    if not chart.is_signed:
        return redirect("staff:chart", booking_id=booking.pk)
    prp = is_prp(booking)
    status, problem = 200, []
    if request.method == "POST":
        form = AmendForm(request.POST, chart=chart, prp=prp)
        status = 400
        if form.is_valid():
            user = staff_user(request)
            try:
                chart_amend(
                    chart=chart, by=user, values=form.values(), areas=form.areas(),
                    reason=form.cleaned_data["reason"], now=timezone.now(),
                    cosigning=may(user, Action.CHART_REVIEW) and user.pk != chart.clinician_id,
                )  # fmt: skip
            except ChartRefused as refused:
                problem = refused.reasons
            except ChartError as error:
                problem, status = [str(error)], 409
            else:
                _changed(request, chart, "amended")
                messages.success(request, "The amendment is kept with the chart.")
                return redirect("staff:chart", booking_id=booking.pk)
    else:
        form = AmendForm(chart=chart, prp=prp)
    context = _chart_context(request, chart) | {"form": form, "problem": problem}
    _audit_chart(request, booking, chart)
    return render(request, "staff/charts/chart_amend.html", context, status=status)


@staff_page(Action.CHART_REVIEW)
@require_POST
def chart_cosign_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A manager co-signs the depths beyond the clinician's scope."""
    booking = _booking(booking_id)
    chart = _chart(booking_id)
    form = CosignForm(request.POST)
    if not form.is_valid():
        return _show_chart(request, chart, cosign_form=form, status=400)
    try:
        chart_cosign(chart=chart, by=staff_user(request), now=timezone.now(),
                     reason=form.cleaned_data["reason"])  # fmt: skip
    except ChartError as error:
        return _show_chart(request, chart, status=409, problem=[str(error)])
    _changed(request, chart, "co-signed")
    messages.success(request, "Your co-signature is kept with the chart.")
    return redirect("staff:chart", booking_id=booking.pk)


@staff_page(Action.CHART_REVIEW)
@require_POST
def chart_review_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The medical director's signed review."""
    chart = _chart(_booking(booking_id).pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _show_chart(request, chart, review_form=form, status=400)
    try:
        chart_review_sign(
            chart=chart, by=staff_user(request), agreed=form.cleaned_data["agreed"],
            comments=form.cleaned_data["comments"], now=timezone.now(),
        )  # fmt: skip
    except ChartRefused as refused:
        return _show_chart(request, chart, review_form=form, status=400, problem=refused.reasons)
    except ChartError as error:
        return _show_chart(request, chart, review_form=form, status=409, problem=[str(error)])
    _changed(request, chart, "reviewed")
    messages.success(request, "Your review is signed and kept with the chart.")
    return redirect("staff:chart_reviews")


@staff_page(Action.CHART_REVIEW)
@require_http_methods(["GET", "HEAD"])
def chart_reviews(request: HttpRequest) -> HttpResponse:
    """Signed charts waiting for the medical director: a share of all, and every one with a
    complication or a depth beyond scope."""
    charts = list(
        review_queue().annotate(
            complication_count=Count("complications", distinct=True),
            cosign_count=Count("cosigns", distinct=True),
        )
    )
    audit_event(request, AuditAction.VIEW, patient_id=None, what="chart review queue",
                detail=f"{len(charts)} waiting")  # fmt: skip
    rows = [
        {
            "chart": chart,
            "when": when_text(chart.booking.starts_at, chart.booking),
            "clinician": _name(chart.clinician),
            "why": "A complication was recorded" if chart.complication_count
            else "A depth beyond the clinician's scope" if chart.cosign_count
            else "Chosen at random",
        }
        for chart in charts
    ]  # fmt: skip
    return render(request, "staff/charts/reviews.html", {"rows": rows})


# Complications


@staff_page(Action.COMPLICATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def complication_new(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(booking_id)
    if not _allowed(request, booking, Action.COMPLICATIONS):
        return not_allowed(request)
    form = ComplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complication = complication_record(
                    booking=booking, by=staff_user(request), values=form.cleaned_data,
                    now=timezone.now(),
                )  # fmt: skip
            except ChartError as error:
                form.add_error(None, str(error))
            else:
                audit_event(
                    request, AuditAction.CREATE, patient_id=booking.patient_id,
                    what="complication", object_ref=f"charting.complication:{complication.pk}",
                )  # fmt: skip
                messages.success(request, "The complication is recorded.")
                return redirect("staff:complication", complication_id=complication.pk)
    audit_view(request, patient_id=booking.patient_id, what="visit",
               object_ref=f"scheduling.booking:{booking.pk}")  # fmt: skip
    context = {"form": form, "booking": booking, "patient": booking.patient,
               "when": when_text(booking.starts_at, booking)}  # fmt: skip
    return render(request, "staff/charts/complication_new.html", context, status=status)


@staff_page(Action.COMPLICATIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def complication_page(request: HttpRequest, complication_id: int) -> HttpResponse:
    """A complication: what, how severe, since when, what was done, the follow-up due and the
    outcome; updated, or closed with its outcome (which ends its alert)."""
    complication = (
        Complication.objects.select_related(
            "booking__location", "booking__service", "patient", "recorded_by", "closed_by", "chart"
        )
        .filter(pk=complication_id)
        .first()
    )
    if complication is None:
        raise Http404("No complication has this number.")
    booking = complication.booking
    if not _allowed(request, booking, Action.COMPLICATIONS):
        return not_allowed(request)
    form = ComplicationForm(request.POST or None, instance=complication)
    status = 200
    if request.method == "POST":
        status = 400
        if complication.closed_at is not None:
            form.add_error(None, "This complication is closed.")
            status = 409
        elif form.is_valid():
            try:
                complication_update(
                    complication=complication, by=staff_user(request),
                    values=form.cleaned_data, now=timezone.now(),
                    close=request.POST.get("then") == "close",
                )  # fmt: skip
            except ChartRefused as refused:
                for reason in refused.reasons:
                    form.add_error("outcome", reason)
            except ChartError as error:
                form.add_error(None, str(error))
            else:
                audit_event(
                    request, AuditAction.CHANGE, patient_id=booking.patient_id,
                    what="complication", object_ref=f"charting.complication:{complication.pk}",
                )  # fmt: skip
                messages.success(request, "The complication is updated.")
                return redirect("staff:complication", complication_id=complication.pk)
    audit_view(request, patient_id=booking.patient_id, what="complication",
               object_ref=f"charting.complication:{complication.pk}")  # fmt: skip
    context = {
        "complication": complication, "form": form, "booking": booking,
        "patient": complication.patient, "when": when_text(booking.starts_at, booking),
        "recorded": f"{when_text(complication.recorded_at, booking)} by "
        f"{_name(complication.recorded_by)}",
        "closed": f"{when_text(complication.closed_at, booking)} by {_name(complication.closed_by)}"
        if complication.closed_at else "",
    }  # fmt: skip
    return render(request, "staff/charts/complication.html", context, status=status)


# Stock and recalls


@staff_page(Action.STOCK)
@require_http_methods(["GET", "HEAD"])
def stock(request: HttpRequest) -> HttpResponse:
    """The clinic's lots (set up in the admin), each with how many patients it was used for."""
    lots = Lot.objects.annotate(
        patients=Count("cartridge_charts__patient", distinct=True)
        + Count("prp_charts__patient", distinct=True),
        letters_sent=Count("letters", distinct=True),
    )
    return render(request, "staff/charts/stock.html", {"lots": lots})


@staff_page(Action.STOCK)
@require_http_methods(["GET", "HEAD", "POST"])
def lot_recall_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    """Every patient treated with the lot; on confirmation, a recall letter to each who has
    not had one (running it again sends nothing more)."""
    lot = Lot.objects.filter(pk=lot_id).first()
    if lot is None:
        raise Http404("No lot has this number.")
    form = RecallForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = lot_recall(lot=lot, by=staff_user(request), now=timezone.now())
            audit_event(
                request, AuditAction.CREATE, patient_id=None, what="lot recall",
                object_ref=f"charting.lotrecall:{result.recall.pk}",
                detail=f"lot {lot.pk}: {result.patients} patients, {result.queued} letters queued",
            )  # fmt: skip
            messages.success(
                request,
                f"{result.queued} recall letter{'s' if result.queued != 1 else ''} queued"
                + (f"; {result.patients - result.queued} had one already."
                   if result.patients - result.queued else "."),
            )  # fmt: skip
            return redirect("staff:lot_recall", lot_id=lot.pk)
    patients = list(patients_treated_with(lot))
    sent = set(lot.letters.values_list("patient_id", flat=True))
    audit_event(request, AuditAction.VIEW, patient_id=None, what="lot recall list",
                detail=f"lot {lot.pk}: {len(patients)} patients")  # fmt: skip
    rows = [{"patient": p, "sent": p.pk in sent} for p in patients]
    context = {"lot": lot, "rows": rows, "form": form, "waiting": sum(not r["sent"] for r in rows)}
    return render(request, "staff/charts/lot_recall.html", context, status=status)
