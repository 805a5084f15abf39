"""Reads of the treatment record: the facts a chart's gates are judged on, a clinician's
scope, a chart field by field, the defaults from the patient's last chart, the review queue,
and who was treated with a lot."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dermadesk.charting import rules
from dermadesk.charting.models import Area, Chart, ChartStatus, Lot, LotKind
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import consent_status
from dermadesk.scheduling.models import Booking, Resource, ResourceKind, Service
from dermadesk.screening.models import ScreeningOverride
from dermadesk.screening.queries import valid_screening
from dermadesk.screening.rules import Outcome


def provider_of(user: User) -> Resource | None:
    """The provider resource a staff member works as (their calendar's column), if any."""
    return (
        Resource.objects.filter(staff_member=user, kind=ResourceKind.PROVIDER)
        .prefetch_related("skills")
        .first()
    )


def clinician_scope(user: User) -> rules.Scope:
    """What ``user`` may do: every treatment whose clinician roles need only skills they
    have (as the booking's role candidates have it), and their deepest needle. Someone who
    is no provider has no scope (nothing may be charted in their name without a manager)."""
    provider = provider_of(user)
    if provider is None:
        return rules.Scope(treatments=frozenset(), max_depth_mm=Decimal("0"))
    skills = {skill.pk for skill in provider.skills.all()}
    treatments = set()
    for service in Service.objects.prefetch_related("roles"):
        needed = {
            role.skill_id
            for role in service.roles.all()
            if role.kind == ResourceKind.PROVIDER and role.skill_id is not None
        }
        if needed <= skills:
            treatments.add(service.slug)
    return rules.Scope(
        treatments=frozenset(treatments), max_depth_mm=provider.max_needle_depth_mm or Decimal("0")
    )


def session_day(booking: Booking) -> date:
    return booking.starts_at.astimezone(booking.location.zone).date()


def depths_of(chart: Chart) -> dict[str, Decimal]:
    return {area.area: area.depth_mm for area in chart.areas.all()}


def cosigned_depths(chart: Chart) -> dict[str, Decimal]:
    """The depths the latest co-signature covers (none: empty)."""
    cosigns = list(chart.cosigns.all())
    if not cosigns:
        return {}
    return {area: Decimal(depth) for area, depth in cosigns[-1].depths.items()}


def screening_overridden(*, patient: Patient, service: Service, day: date, zone: Any) -> bool:
    """A clinician's review on the session's day lets this treatment go ahead."""
    reviews = ScreeningOverride.objects.filter(
        response__patient=patient, response__service=service
    ).order_by("-created_at", "-pk")
    latest = reviews.first()
    return (
        latest is not None
        and Outcome(latest.outcome).bookable
        and latest.created_at.astimezone(zone).date() == day
    )


def chart_facts(chart: Chart, *, now: datetime) -> rules.ChartFacts:
    """Everything ``rules.completion_refusals`` judges, read from the database: the consent
    in force for this treatment signed, the screening valid on the session's day (or a
    clinician's review that day), the depths and the clinician's scope, the co-signature."""
    booking = chart.booking
    service = booking.service
    day = session_day(booking)
    consents = consent_status(patient=chart.patient, service=service, now=now)
    screening = valid_screening(patient=chart.patient, service=service, treatment_date=day, now=now)
    valid_until = screening.valid_until if screening and screening.is_bookable else None
    scope = clinician_scope(chart.clinician)
    depths = depths_of(chart)
    return rules.ChartFacts(
        treatment=service.slug,
        session_day=day,
        consent_current_signed=bool(consents.items) and consents.complete,
        screening_valid_until=valid_until,
        screening_overridden=screening_overridden(
            patient=chart.patient, service=service, day=day, zone=booking.location.zone
        ),
        depths_mm=depths,
        scope=scope,
        cosigned_by_manager=rules.cosign_covers(depths, scope.max_depth_mm, cosigned_depths(chart)),
    )


def chart_for(booking_id: int) -> Chart | None:
    """A visit's chart with what its page shows, or None."""
    return (
        Chart.objects.select_related(
            "booking__service",
            "booking__location",
            "patient",
            "clinician",
            "signed_by",
            "device",
            "cartridge_lot",
            "prp_kit_lot",
        )
        .prefetch_related(
            "areas",
            "cosigns__by",
            "amendments__by",
            "reviews__by",
            "complications",
        )
        .filter(booking_id=booking_id)
        .first()
    )


def _local(moment: datetime | None, chart: Chart) -> str:
    if moment is None:
        return ""
    return moment.astimezone(chart.booking.location.zone).strftime("%Y-%m-%d %H:%M")


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def chart_record(chart: Chart) -> dict[str, str]:
    """The chart field by field, in words, as an amendment compares it and a reader sees it
    (times in the clinic's time)."""
    record = {
        "Pen": _plain(chart.device),
        "Cartridge lot": _plain(chart.cartridge_lot),
        "Numbing cream applied at": _local(chart.numbing_applied_at, chart),
        "Numbing cream removed at": _local(chart.numbing_removed_at, chart),
        "Blood drawn (ml)": _plain(chart.blood_drawn_ml),
        "Spin speed (rpm)": _plain(chart.spin_rpm),
        "Spin force (× g)": _plain(chart.spin_g),
        "Spin time (minutes)": _plain(chart.spin_minutes),
        "PRP used (ml)": _plain(chart.prp_used_ml),
        "PRP kit lot": _plain(chart.prp_kit_lot),
        "Products applied after": chart.products_after,
        "Immediate skin response": chart.skin_response,
        "Notes": chart.notes,
    }
    labels = dict(Area.choices)
    for area in chart.areas.all():
        label = labels.get(area.area, area.area)
        record[f"{label}: depth (mm)"] = str(area.depth_mm)
        record[f"{label}: passes"] = str(area.passes)
    return record


@dataclass(frozen=True)
class Defaults:
    """What a new chart starts from: the patient's last chart of the same treatment (else
    any), with lots only while still in stock and in date."""

    areas: list[tuple[str, Decimal, int]]
    values: dict[str, Any]


def last_chart_defaults(*, patient: Patient, service: Service, before: datetime) -> Defaults:
    charts = Chart.objects.filter(patient=patient, created_at__lt=before).prefetch_related("areas")
    last = charts.filter(booking__service=service).first() or charts.first()
    if last is None:
        return Defaults(areas=[], values={})
    values: dict[str, Any] = {
        "device": last.device_id,
        "products_after": last.products_after,
        "spin_rpm": last.spin_rpm,
        "spin_g": last.spin_g,
        "spin_minutes": last.spin_minutes,
        "blood_drawn_ml": last.blood_drawn_ml,
    }
    usable = set(usable_lots(timezone.localdate(before)).values_list("pk", flat=True))
    for field in ("cartridge_lot_id", "prp_kit_lot_id"):
        lot = getattr(last, field)
        if lot in usable:
            values[field.removesuffix("_id")] = lot
    return Defaults(
        areas=[(a.area, a.depth_mm, a.passes) for a in last.areas.all()],
        values={k: v for k, v in values.items() if v not in (None, "")},
    )


def usable_lots(day: date, kind: LotKind | None = None) -> QuerySet[Lot]:
    """Lots that may be picked on ``day``: in stock and not past their expiry."""
    lots = Lot.objects.filter(active=True, expires_on__gte=day)
    return lots.filter(kind=kind) if kind else lots


def review_queue() -> QuerySet[Chart]:
    """Signed charts waiting for the medical director's review, oldest first."""
    return (
        Chart.objects.filter(status=ChartStatus.SIGNED, review_due=True)
        .select_related("patient", "clinician", "booking__service", "booking__location")
        .order_by("signed_at", "pk")
    )


def _used(lot: Lot, prefix: str = "") -> Q:
    return Q(**{f"{prefix}cartridge_lot": lot}) | Q(**{f"{prefix}prp_kit_lot": lot})


def patients_treated_with(lot: Lot) -> QuerySet[Patient]:
    """Every patient whose chart records ``lot`` (as cartridge or PRP kit), in one query,
    each with ``first_treated_at`` and ``first_visit_id`` (their first visit with it)."""
    first_visit = (
        Chart.objects.filter(_used(lot), patient=OuterRef("pk"))
        .order_by("booking__starts_at", "pk")
        .values("booking_id")[:1]
    )
    return (
        Patient.objects.annotate(
            first_treated_at=Min("charts__booking__starts_at", filter=_used(lot, "charts__")),
            first_visit_id=Subquery(first_visit),
        )
        .filter(first_treated_at__isnull=False)
        .order_by("family_name", "given_name", "pk")
    )
