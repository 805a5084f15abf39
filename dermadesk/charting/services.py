"""Changes to the treatment record, each in one durable transaction with the chart's row
locked: open a visit's chart, save it, sign it (the gates of ``rules.completion_refusals``
on facts read by ``queries.chart_facts``), co-sign a depth beyond scope, amend a signed
chart, review it; record and follow up complications; recall a lot.

Who may call which (the clinician treating the patient, a manager) is the staff policy's
answer, asked by the pages before they call; these check what the record itself demands
(a signed chart is locked, the clinician signs their own chart, a reviewer is someone else).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, alerts_resolve_about, day_in_words
from dermadesk.charting import letters, rules
from dermadesk.charting.models import (
    Chart,
    ChartAmendment,
    ChartArea,
    ChartCosign,
    ChartReview,
    ChartStatus,
    Complication,
    Lot,
    LotKind,
    LotRecall,
    RecallLetter,
)
from dermadesk.charting.queries import (
    chart_facts,
    chart_record,
    clinician_scope,
    cosigned_depths,
    depths_of,
    last_chart_defaults,
    patients_treated_with,
    session_day,
)
from dermadesk.notifications.models import MessageTemplate
from dermadesk.notifications.services import message_enqueue
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingStatus,
    Resource,
    ResourceKind,
)

CHART_FIELDS = (
    "device",
    "cartridge_lot",
    "numbing_applied_at",
    "numbing_removed_at",
    "blood_drawn_ml",
    "spin_rpm",
    "spin_g",
    "spin_minutes",
    "prp_used_ml",
    "prp_kit_lot",
    "products_after",
    "skin_response",
    "notes",
)
COMPLICATION_FIELDS = ("what", "severity", "onset_on", "action_taken", "follow_up_due", "outcome")


class ChartError(Exception):
    """Why a change to the treatment record cannot be made, in words for the staff."""


class ChartRefused(ChartError):
    """The chart cannot be signed (or amended) yet: every reason at once."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class ChartLocked(ChartError):
    """A signed chart changes only by an amendment."""


@dataclass(frozen=True)
class AreaEntry:
    area: str
    depth_mm: Decimal
    passes: int


def _locked(chart: Chart) -> Chart:
    return (
        Chart.objects.select_for_update(of=("self",))
        .select_related("booking__service", "booking__location", "patient", "clinician")
        .get(pk=chart.pk)
    )


def _treating_user(booking: Booking) -> User | None:
    allocation = (
        Allocation.objects.filter(booking=booking, resource__kind=ResourceKind.PROVIDER)
        .select_related("resource__staff_member")
        .first()
    )
    return allocation.resource.staff_member if allocation else None


def chart_open(*, booking: Booking, by: User, now: datetime) -> Chart:
    """The visit's chart, opened once the patient is checked in: in the treating
    clinician's name (``by`` when the visit's clinician has no login), starting from the
    patient's last chart. Opening again returns the chart already there."""
    with transaction.atomic(durable=True):
        locked = Booking.objects.select_for_update().select_related("service").get(pk=booking.pk)
        existing = Chart.objects.filter(booking=locked).first()
        if existing is not None:
            return existing
        if locked.patient is None:
            raise ChartError("This visit has no patient to chart.")
        if locked.status not in (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED):
            raise ChartError("Check the patient in first: a chart opens once they are here.")
        defaults = last_chart_defaults(patient=locked.patient, service=locked.service, before=now)
        chart = Chart.objects.create(
            booking=locked, patient=locked.patient,
            clinician=_treating_user(locked) or by, created_at=now, updated_at=now,
            **{_attname(name): value for name, value in defaults.values.items()},
        )  # fmt: skip
        ChartArea.objects.bulk_create(
            ChartArea(chart=chart, area=area, depth_mm=depth, passes=passes)
            for area, depth, passes in defaults.areas
        )
        return chart


def _attname(field: str) -> str:
    """A field's column name: ``cartridge_lot_id`` for ``cartridge_lot`` (the defaults hold ids)."""
    return f"{field}_id" if field in ("device", "cartridge_lot", "prp_kit_lot") else field


def _check_values(chart: Chart, values: Mapping[str, Any], areas: Sequence[AreaEntry]) -> None:
    problems = []
    day = session_day(chart.booking)
    for field, kind in (("cartridge_lot", LotKind.CARTRIDGE), ("prp_kit_lot", LotKind.PRP_KIT)):
        lot = values.get(field)
        if lot is None:
            continue
        if not isinstance(lot, Lot) or lot.kind != kind:
            problems.append(f"Pick the {LotKind(kind).label.lower()} lot from the stock list.")
        elif lot.expires_on < day:
            problems.append(f"Lot {lot.lot_number} expired on {lot.expires_on:%Y-%m-%d}.")
    device = values.get("device")
    if device is not None and (
        not isinstance(device, Resource)
        or device.kind != ResourceKind.DEVICE
        or device.location_id != chart.booking.location_id
    ):
        problems.append("Pick the pen from this clinic's devices.")
    seen = [entry.area for entry in areas]
    if len(seen) != len(set(seen)):
        problems.append("Each area is charted once.")
    if problems:
        raise ChartRefused(problems)


def _apply(chart: Chart, values: Mapping[str, Any], areas: Sequence[AreaEntry]) -> None:
    for field in CHART_FIELDS:
        if field in values:
            setattr(chart, field, values[field])
    chart.areas.all().delete()
    ChartArea.objects.bulk_create(
        ChartArea(chart=chart, area=e.area, depth_mm=e.depth_mm, passes=e.passes) for e in areas
    )


def chart_save(
    *, chart: Chart, values: Mapping[str, Any], areas: Sequence[AreaEntry], now: datetime
) -> Chart:
    """Save what is charted so far (a draft; a signed chart is changed by an amendment)."""
    with transaction.atomic(durable=True):
        locked = _locked(chart)
        if locked.is_signed:
            raise ChartLocked("This chart is signed: record a change as an amendment.")
        _check_values(locked, values, areas)
        _apply(locked, values, areas)
        locked.updated_at = now
        locked.save()
        return locked


def _share() -> int:
    return int(settings.CHART_REVIEW_SHARE_PERCENT)


def chart_sign(*, chart: Chart, by: User, now: datetime) -> Chart:
    """Sign (and so lock) the chart: only its clinician, and only when the gates pass
    (``ChartRefused`` lists every reason). A share of signed charts, and every one with a
    complication or a depth beyond scope, goes to the medical director's review."""
    with transaction.atomic(durable=True):
        locked = _locked(chart)
        if locked.is_signed:
            raise ChartLocked("This chart is signed already.")
        if by.pk != locked.clinician_id:
            raise ChartError("The clinician who treated the patient signs the chart.")
        facts = chart_facts(locked, now=now)
        refusals = rules.completion_refusals(facts)
        if refusals:
            raise ChartRefused(refusals)
        locked.status = ChartStatus.SIGNED
        locked.signed_at = now
        locked.signed_by = by
        locked.signed_record = chart_record(locked)
        locked.review_due = rules.needs_review(
            chart_key=f"chart:{locked.pk}", share_percent=_share(),
            has_complication=locked.complications.exists(),
            over_scope=bool(rules.over_scope_areas(facts)),
        )  # fmt: skip
        locked.updated_at = now
        locked.save()
        return locked


def _over_scope(chart: Chart) -> dict[str, Decimal]:
    limit = clinician_scope(chart.clinician).max_depth_mm
    return {area: depth for area, depth in depths_of(chart).items() if depth > limit}


def chart_cosign(*, chart: Chart, by: User, now: datetime, reason: str = "") -> ChartCosign:
    """A manager co-signs the depths charted beyond the clinician's scope, as they are now
    (a depth made deeper later needs a new co-signature)."""
    with transaction.atomic(durable=True):
        locked = _locked(chart)
        deep = _over_scope(locked)
        if not deep:
            raise ChartError("Nothing on this chart is beyond the clinician's scope.")
        if by.pk == locked.clinician_id:
            raise ChartError("Someone other than the clinician co-signs their chart.")
        if locked.is_signed:
            locked.review_due = True
            locked.save(update_fields=["review_due"])
        return ChartCosign.objects.create(
            chart=locked, by=by, at=now, reason=reason.strip(),
            depths={area: str(depth) for area, depth in deep.items()},
        )  # fmt: skip


def chart_amend(
    *,
    chart: Chart,
    by: User,
    values: Mapping[str, Any],
    areas: Sequence[AreaEntry],
    reason: str,
    now: datetime,
    cosigning: bool = False,
) -> ChartAmendment:
    """Change a signed chart: who, when, why and each field before and after are kept; the
    chart as signed stays in ``signed_record``. A depth beyond the clinician's scope needs a
    co-signature: ``cosigning`` (a manager amending) records theirs with the change."""
    reason = reason.strip()
    if not reason:
        raise ChartRefused(["Say why the chart is being amended."])
    with transaction.atomic(durable=True):
        locked = _locked(chart)
        if not locked.is_signed:
            raise ChartError("This chart is not signed yet: change it and save.")
        _check_values(locked, values, areas)
        before = chart_record(locked)
        _apply(locked, values, areas)
        after = chart_record(locked)
        changes = rules.amendment_changes(before, after)
        if not changes:
            raise ChartRefused(["Nothing was changed: the chart is as it was."])
        deep = _over_scope(locked)
        limit = clinician_scope(locked.clinician).max_depth_mm
        covered = rules.cosign_covers(depths_of(locked), limit, cosigned_depths(locked))
        if deep and not covered:
            if not cosigning:
                raise ChartRefused(
                    [
                        f"The depth for {', '.join(sorted(deep))} is beyond the clinician's "
                        f"maximum of {limit} mm: a manager must make or co-sign this amendment."
                    ]
                )
            ChartCosign.objects.create(
                chart=locked, by=by, at=now, reason=reason,
                depths={area: str(depth) for area, depth in deep.items()},
            )  # fmt: skip
        if deep:
            locked.review_due = True
        locked.updated_at = now
        locked.save()
        return ChartAmendment.objects.create(
            chart=locked, by=by, at=now, reason=reason, before=before,
            changes=[{"field": c.field, "before": c.before, "after": c.after} for c in changes],
        )  # fmt: skip


def chart_review_sign(
    *, chart: Chart, by: User, agreed: bool, comments: str, now: datetime
) -> ChartReview:
    """The medical director's signed review of a signed chart (someone other than its
    clinician); the chart leaves the review queue."""
    comments = comments.strip()
    if not agreed and not comments:
        raise ChartRefused(["Say what should have been done differently."])
    with transaction.atomic(durable=True):
        locked = _locked(chart)
        if not locked.is_signed:
            raise ChartError("Only a signed chart is reviewed.")
        if by.pk == locked.clinician_id:
            raise ChartError("A chart is reviewed by someone other than its clinician.")
        locked.review_due = False
        locked.save(update_fields=["review_due"])
        return ChartReview.objects.create(
            chart=locked, by=by, at=now, agreed=agreed, comments=comments
        )


# Complications


def _follow_up_alert(
    complication: Complication, *, now: datetime, due_before: date | None = None
) -> None:
    """One open alert while a follow-up is due on an open complication (none otherwise); a
    new due day replaces the alert."""
    about = f"complication:{complication.pk}"
    due = complication.follow_up_due
    if complication.closed_at is not None or due is None or due != due_before:
        alerts_resolve_about(kind=AlertKind.COMPLICATION_FOLLOW_UP, about=about, now=now)
    if complication.closed_at is not None or due is None:
        return
    visit = complication.booking.starts_at.astimezone(complication.booking.location.zone)
    alert_raise(
        kind=AlertKind.COMPLICATION_FOLLOW_UP,
        about=about,
        what=(
            f"Follow-up due by {day_in_words(due)} with "
            f"{complication.patient.full_name} (visit of {day_in_words(visit.date())})."
        ),
        link=reverse("staff:complication", args=[complication.pk]),
        now=now,
    )


def complication_record(
    *, booking: Booking, by: User, values: Mapping[str, Any], now: datetime
) -> Complication:
    """Log an adverse event after ``booking``: with the visit's chart, which then goes to
    the medical director's review; a follow-up due is on the staff's alerts list."""
    with transaction.atomic(durable=True):
        locked = Booking.objects.select_for_update().select_related("location").get(pk=booking.pk)
        if locked.patient_id is None:
            raise ChartError("This visit has no patient.")
        chart = Chart.objects.select_for_update().filter(booking=locked).first()
        complication = Complication.objects.create(
            booking=locked, patient_id=locked.patient_id, chart=chart, recorded_by=by,
            recorded_at=now, updated_at=now,
            **{field: values[field] for field in COMPLICATION_FIELDS if field in values},
        )  # fmt: skip
        if chart is not None and chart.is_signed:
            chart.review_due = True
            chart.save(update_fields=["review_due"])
        _follow_up_alert(complication, now=now)
        return complication


def complication_update(
    *,
    complication: Complication,
    by: User,
    values: Mapping[str, Any],
    now: datetime,
    close: bool = False,
) -> Complication:
    """Record what was done since, the outcome, the next follow-up; ``close`` ends it (and
    its alert). A closed complication is not changed again."""
    with transaction.atomic(durable=True):
        locked = (
            Complication.objects.select_for_update(of=("self",))
            .select_related("booking__location", "patient")
            .get(pk=complication.pk)
        )
        if locked.closed_at is not None:
            raise ChartError("This complication is closed.")
        due_before = locked.follow_up_due
        for field in COMPLICATION_FIELDS:
            if field in values:
                setattr(locked, field, values[field])
        if close:
            if not locked.outcome.strip():
                raise ChartRefused(["Write the outcome before closing it."])
            locked.closed_at, locked.closed_by = now, by
        locked.updated_at = now
        locked.save()
        _follow_up_alert(locked, now=now, due_before=due_before)
        return locked


# Lot recall


@dataclass(frozen=True)
class RecallResult:
    recall: LotRecall
    patients: int
    queued: int
    """Letters queued by this run (those already sent for the lot are not sent again)."""


def recall_key(lot: Lot, patient_id: int) -> str:
    return f"lot-recall:{lot.pk}:patient:{patient_id}"


def _recall_template() -> None:
    """The letter's template, put back with its first words if it was deleted."""
    MessageTemplate.objects.get_or_create(
        key=letters.RECALL_TEMPLATE_KEY,
        defaults={
            "subject": letters.RECALL_SUBJECT,
            "text_body": letters.RECALL_TEXT.strip(),
            "html_body": letters.RECALL_HTML.strip(),
        },
    )


def lot_recall(*, lot: Lot, by: User, now: datetime) -> RecallResult:
    """Queue a recall letter to every patient treated with ``lot``, once per patient: a
    second run queues only for patients charted with it since."""
    with transaction.atomic(durable=True):
        locked = Lot.objects.select_for_update().get(pk=lot.pk)
        _recall_template()
        recall = LotRecall.objects.create(lot=locked, by=by, at=now)
        treated = list(patients_treated_with(locked))
        done = set(RecallLetter.objects.filter(lot=locked).values_list("patient_id", flat=True))
        waiting = [patient for patient in treated if patient.pk not in done]
        visits = Booking.objects.select_related("location").in_bulk(
            [p.first_visit_id for p in waiting]  # type: ignore[attr-defined]
        )
        for patient in waiting:
            visit = visits[patient.first_visit_id]  # type: ignore[attr-defined]
            key = recall_key(locked, patient.pk)
            message_enqueue(
                template=letters.RECALL_TEMPLATE_KEY,
                to=patient.email,
                context={
                    "given_name": patient.given_name,
                    "visit_day": _day_text(visit.starts_at.astimezone(visit.location.zone).date()),
                    "product": locked.product,
                    "lot_number": locked.lot_number,
                },
                location=visit.location,
                idempotency_key=key,
                now=now,
            )
            RecallLetter.objects.create(
                lot=locked, patient=patient, recall=recall, message_key=key, queued_at=now
            )
        return RecallResult(recall=recall, patients=len(treated), queued=len(waiting))


def _day_text(day: date) -> str:
    return day_in_words(day)
