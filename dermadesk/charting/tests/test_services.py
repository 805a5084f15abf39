"""The treatment record's services: the gates on signing, scope and co-signature, locking and
amendments, the review queue, complications and their alerts."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.charting.models import ChartStatus, LotKind, Severity
from dermadesk.charting.queries import chart_record, review_queue
from dermadesk.charting.services import (
    AreaEntry,
    ChartError,
    ChartLocked,
    ChartRefused,
    chart_amend,
    chart_cosign,
    chart_open,
    chart_review_sign,
    chart_save,
    chart_sign,
    complication_record,
    complication_update,
)
from dermadesk.charting.tests.factories import ARRIVED, CHARTED, lot, visit
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Resource, Service
from dermadesk.screening.models import (
    Questionnaire,
    ScreeningOutcome,
    ScreeningOverride,
    ScreeningResponse,
)

TWO_AREAS = [
    AreaEntry("cheeks", Decimal("1.50"), 3),
    AreaEntry("forehead", Decimal("0.50"), 2),
]


def _charted(clinic: Location, patient: Patient, by: User, **visit_options: object) -> object:
    booking = visit(clinic, patient, **visit_options)  # type: ignore[arg-type]
    chart = chart_open(booking=booking, by=by, now=ARRIVED)
    return chart_save(
        chart=chart, areas=TWO_AREAS, now=CHARTED,
        values={"device": Resource.objects.get(name="Pen A"), "cartridge_lot": lot("C-1"),
                "blood_drawn_ml": Decimal("20"), "spin_g": 1500, "spin_minutes": 10,
                "prp_used_ml": Decimal("6"),
                "prp_kit_lot": lot("K-1", kind=LotKind.PRP_KIT)},
    )  # fmt: skip


def test_a_chart_opens_in_the_treating_clinicians_name_once_checked_in(
    clinic: Location, ada: Patient, jordan: User, manager: User
) -> None:
    booking = visit(clinic, ada)
    chart = chart_open(booking=booking, by=manager, now=ARRIVED)
    assert chart.clinician == jordan
    assert chart_open(booking=booking, by=jordan, now=ARRIVED) == chart


def test_no_chart_before_the_patient_is_checked_in(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    booking = visit(clinic, ada, check_in=False)
    with pytest.raises(ChartError, match="Check the patient in first"):
        chart_open(booking=booking, by=jordan, now=ARRIVED)


def test_a_signed_chart_with_consent_and_screening_in_scope(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    assert chart.status == ChartStatus.SIGNED
    assert chart.signed_record["Cheeks: depth (mm)"] == "1.50"


def test_no_completion_without_current_consent(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    chart = _charted(clinic, ada, jordan, consent=False)
    with pytest.raises(ChartRefused) as refused:
        chart_sign(chart=chart, by=jordan, now=CHARTED)  # type: ignore[arg-type]
    assert refused.value.reasons == [
        "The patient has not signed the current consent for this treatment: ask them to "
        "sign it first."
    ]
    assert chart.status == ChartStatus.DRAFT  # type: ignore[attr-defined]


def _lapsed_screening(patient: Patient, service: Service) -> ScreeningResponse:
    return ScreeningResponse.objects.create(
        patient=patient, questionnaire=Questionnaire.objects.get(), service=service,
        answers={}, treatment_date=date(2026, 5, 1), outcome=ScreeningOutcome.SUITABLE,
        created_at=ARRIVED - timedelta(days=200), valid_until=date(2026, 7, 30),
    )  # fmt: skip


@pytest.mark.parametrize("screening", ["lapsed", "consult first"])
def test_no_completion_without_valid_screening_unless_a_clinician_overrides(
    clinic: Location, ada: Patient, jordan: User, screening: str
) -> None:
    outcome = ScreeningOutcome.CONSULT_FIRST if screening == "consult first" else None
    chart = _charted(clinic, ada, jordan, screening=outcome)
    with pytest.raises(ChartRefused, match="no screening valid for today"):
        chart_sign(chart=chart, by=jordan, now=CHARTED)  # type: ignore[arg-type]
    if outcome is None:
        response = _lapsed_screening(ada, chart.booking.service)  # type: ignore[attr-defined]
        with pytest.raises(ChartRefused, match="no screening valid for today"):
            chart_sign(chart=chart, by=jordan, now=CHARTED)  # type: ignore[arg-type]
    else:
        response = ScreeningResponse.objects.get()
    ScreeningOverride.objects.create(
        response=response, user=jordan, outcome=ScreeningOutcome.SUITABLE,
        reason="Seen today: the area is clear.", created_at=ARRIVED,
    )  # fmt: skip
    assert chart_sign(chart=chart, by=jordan, now=CHARTED).is_signed  # type: ignore[arg-type]


def test_a_review_of_a_lapsed_screening_on_another_day_does_not_let_the_session_go_ahead(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    chart = _charted(clinic, ada, jordan, screening=None)
    ScreeningOverride.objects.create(
        response=_lapsed_screening(ada, chart.booking.service),  # type: ignore[attr-defined]
        user=jordan, outcome=ScreeningOutcome.SUITABLE,
        reason="Looked fine in the summer.", created_at=ARRIVED - timedelta(days=150),
    )  # fmt: skip
    with pytest.raises(ChartRefused, match="no screening valid for today"):
        chart_sign(chart=chart, by=jordan, now=CHARTED)  # type: ignore[arg-type]


def test_over_scope_depth_refused_without_cosign(
    clinic: Location, ada: Patient, jordan: User, manager: User
) -> None:
    chart = _charted(clinic, ada, jordan)
    deep = [AreaEntry("cheeks", Decimal("2.00"), 3), AreaEntry("forehead", Decimal("0.50"), 2)]
    chart = chart_save(chart=chart, values={}, areas=deep, now=CHARTED)  # type: ignore[arg-type]
    with pytest.raises(ChartRefused, match=r"cheeks is beyond your maximum of 1\.50 mm"):
        chart_sign(chart=chart, by=jordan, now=CHARTED)
    chart_cosign(chart=chart, by=manager, now=CHARTED, reason="Deep acne scars; discussed.")
    signed = chart_sign(chart=chart, by=jordan, now=CHARTED)
    assert signed.review_due  # every over-scope chart is reviewed
    assert signed in review_queue()


def test_a_depth_made_deeper_after_the_cosignature_needs_a_new_one(
    clinic: Location, ada: Patient, jordan: User, manager: User
) -> None:
    chart = _charted(clinic, ada, jordan)
    chart = chart_save(chart=chart, values={}, now=CHARTED,  # type: ignore[arg-type]
                       areas=[AreaEntry("cheeks", Decimal("2.00"), 3)])  # fmt: skip
    chart_cosign(chart=chart, by=manager, now=CHARTED)
    chart = chart_save(chart=chart, values={}, now=CHARTED,
                       areas=[AreaEntry("cheeks", Decimal("2.25"), 3)])  # fmt: skip
    with pytest.raises(ChartRefused, match="a manager must co-sign"):
        chart_sign(chart=chart, by=jordan, now=CHARTED)


def test_the_clinician_cannot_cosign_their_own_chart(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    chart = _charted(clinic, ada, jordan)
    chart_save(chart=chart, values={}, now=CHARTED,  # type: ignore[arg-type]
               areas=[AreaEntry("cheeks", Decimal("2.00"), 3)])  # fmt: skip
    with pytest.raises(ChartError, match="Someone other than the clinician"):
        chart_cosign(chart=chart, by=jordan, now=CHARTED)  # type: ignore[arg-type]


def test_a_signed_chart_is_locked(clinic: Location, ada: Patient, jordan: User) -> None:
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    with pytest.raises(ChartLocked):
        chart_save(chart=chart, values={"notes": "later"}, areas=TWO_AREAS, now=CHARTED)


def test_amendment_keeps_original(clinic: Location, ada: Patient, jordan: User) -> None:
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    signed = dict(chart.signed_record)
    fixed = [AreaEntry("cheeks", Decimal("1.25"), 3), AreaEntry("forehead", Decimal("0.50"), 2)]
    amendment = chart_amend(
        chart=chart, by=jordan, values={}, areas=fixed, now=CHARTED + timedelta(hours=1),
        reason="Typed 1.50 for the cheeks; the pen was set to 1.25.",
    )  # fmt: skip
    assert amendment.changes == [{"field": "Cheeks: depth (mm)", "before": "1.50", "after": "1.25"}]
    chart.refresh_from_db()
    assert chart.signed_record == signed  # the original stays readable
    assert chart.signed_record["Cheeks: depth (mm)"] == "1.50"
    assert chart_record(chart)["Cheeks: depth (mm)"] == "1.25"
    assert amendment.before == signed


def test_an_amendment_needs_a_reason_and_a_change(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    with pytest.raises(ChartRefused, match="Say why"):
        chart_amend(chart=chart, by=jordan, values={}, areas=TWO_AREAS, reason=" ", now=CHARTED)
    with pytest.raises(ChartRefused, match="Nothing was changed"):
        chart_amend(chart=chart, by=jordan, values={}, areas=TWO_AREAS, reason="x", now=CHARTED)
    assert not chart.amendments.exists()


def test_an_amendment_beyond_scope_needs_a_managers_cosignature(
    clinic: Location, ada: Patient, jordan: User, manager: User
) -> None:
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    deep = [AreaEntry("cheeks", Decimal("2.00"), 3), AreaEntry("forehead", Decimal("0.50"), 2)]
    with pytest.raises(ChartRefused, match="a manager must make or co-sign"):
        chart_amend(chart=chart, by=jordan, values={}, areas=deep, reason="2.0", now=CHARTED)
    chart_amend(chart=chart, by=manager, values={}, areas=deep, reason="2.0", now=CHARTED,
                cosigning=True)  # fmt: skip
    chart.refresh_from_db()
    assert chart.review_due
    assert chart.cosigns.get().by == manager


def test_the_review_share_is_a_setting(
    clinic: Location, ada: Patient, jordan: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 0
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    assert not chart.review_due
    assert list(review_queue()) == []


def test_every_chart_is_reviewed_at_a_share_of_100(
    clinic: Location, ada: Patient, jordan: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 100
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    assert list(review_queue()) == [chart]


def test_a_review_is_signed_by_someone_else_and_empties_the_queue(
    clinic: Location, ada: Patient, jordan: User, manager: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 100
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    with pytest.raises(ChartError, match="someone other than its clinician"):
        chart_review_sign(chart=chart, by=jordan, agreed=True, comments="", now=CHARTED)
    review = chart_review_sign(chart=chart, by=manager, agreed=True, comments="", now=CHARTED)
    assert review.by == manager
    assert list(review_queue()) == []


def test_a_complication_puts_the_chart_in_review_and_its_follow_up_on_the_alerts(
    clinic: Location, ada: Patient, jordan: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 0
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    complication = complication_record(
        booking=chart.booking, by=jordan, now=CHARTED + timedelta(days=2),
        values={"what": "Redness spreading past the treated area", "severity": Severity.MODERATE,
                "onset_on": date(2026, 11, 27), "action_taken": "Seen; cool compresses.",
                "follow_up_due": date(2026, 12, 1)},
    )  # fmt: skip
    chart.refresh_from_db()
    assert chart.review_due and complication.chart == chart
    alert = Alert.objects.get(kind=AlertKind.COMPLICATION_FOLLOW_UP, resolved_at=None)
    assert alert.what == (
        "Follow-up due by Tuesday 1 December 2026 with Ada Lovelace (visit of Thursday 26 "
        "November 2026)."
    )
    assert "Redness" not in alert.what
    assert alert.link == f"/staff/complications/{complication.pk}/"
    with pytest.raises(ChartRefused, match="outcome"):
        complication_update(complication=complication, by=jordan, values={}, now=CHARTED,
                            close=True)  # fmt: skip
    complication_update(
        complication=complication, by=jordan, now=CHARTED + timedelta(days=6),
        values={"outcome": "Settled by day 5."}, close=True,
    )  # fmt: skip
    assert not Alert.objects.filter(kind=AlertKind.COMPLICATION_FOLLOW_UP, resolved_at=None)


def test_a_new_follow_up_day_replaces_the_alert(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    booking = visit(clinic, ada)
    complication = complication_record(
        booking=booking, by=jordan, now=CHARTED,
        values={"what": "Bruising", "severity": Severity.MILD, "onset_on": date(2026, 11, 26),
                "follow_up_due": date(2026, 11, 30)},
    )  # fmt: skip
    complication_update(complication=complication, by=jordan, now=CHARTED,
                        values={"action_taken": "Called."})  # fmt: skip
    assert Alert.objects.filter(resolved_at=None).count() == 1
    complication_update(complication=complication, by=jordan, now=CHARTED,
                        values={"follow_up_due": date(2026, 12, 3)})  # fmt: skip
    [alert] = Alert.objects.filter(resolved_at=None)
    assert "3 December" in alert.what


def test_a_new_chart_starts_from_the_patients_last_chart(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    first = _charted(clinic, ada, jordan)
    later = visit(clinic, ada, at=datetime(2026, 12, 24, 10, tzinfo=clinic.zone))
    chart = chart_open(booking=later, by=jordan, now=later.starts_at)
    assert sorted((a.area, a.depth_mm, a.passes) for a in chart.areas.all()) == [
        ("cheeks", Decimal("1.50"), 3), ("forehead", Decimal("0.50"), 2),
    ]  # fmt: skip
    assert chart.device == first.device  # type: ignore[attr-defined]
    assert chart.cartridge_lot == first.cartridge_lot  # type: ignore[attr-defined]
    assert chart.prp_used_ml is None  # what this session's PRP was is charted afresh


def test_the_charts_row_is_locked_before_an_amendment_is_written_on_postgresql(
    clinic: Location, ada: Patient, jordan: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are PostgreSQL's; SQLite serialises writers instead.")
    chart = chart_sign(chart=_charted(clinic, ada, jordan), by=jordan, now=CHARTED)  # type: ignore[arg-type]
    fixed = [AreaEntry("cheeks", Decimal("1.25"), 3)]
    with CaptureQueriesContext(connection) as queries:
        chart_amend(chart=chart, by=jordan, values={}, areas=fixed, reason="x", now=CHARTED)
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "charting_chart" in q)
    write = next(
        i for i, q in enumerate(sql) if q.startswith('INSERT INTO "charting_chartamendment"')
    )
    assert lock < write
