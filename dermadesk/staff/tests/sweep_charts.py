"""Sweep rows of the treatment record: charts, reviews, complications, stock and recalls.

Charts and complications are health data: the clinician who treats the patient and the
managers, never the front desk (nor another clinician). The review queue, co-signatures,
the stock list and recalls are the managers'."""

from datetime import date, timedelta

from dermadesk.charting.models import Chart, Complication, Lot, Severity
from dermadesk.charting.services import chart_open, complication_record
from dermadesk.scheduling.services import booking_check_in
from dermadesk.staff.tests.sweep import MANAGERS, Row, World

TREATS = MANAGERS | {"clin1"}


def _chart(w: World) -> Chart:
    """Ada's visit with clin1, checked in and charted (made once per world)."""
    if "chart" not in w.extra:
        visit = w.visit_of_clin1
        arrived = visit.starts_at - timedelta(minutes=5)
        visit = booking_check_in(booking=visit, by=w.users["desk1"], now=arrived)
        w.extra["chart"] = chart_open(booking=visit, by=w.users["clin1"], now=arrived)
    chart: Chart = w.extra["chart"]
    return chart


def _visit(w: World) -> int:
    return _chart(w).booking_id


def _complication(w: World) -> int:
    if "complication" not in w.extra:
        chart = _chart(w)
        w.extra["complication"] = complication_record(
            booking=chart.booking, by=w.users["clin1"], now=chart.created_at,
            values={"what": "Bruising", "severity": Severity.MILD,
                    "onset_on": date(2026, 11, 26), "follow_up_due": date(2026, 11, 30)},
        )  # fmt: skip
    complication: Complication = w.extra["complication"]
    return complication.pk


def _lot(w: World) -> int:
    if "lot" not in w.extra:
        w.extra["lot"] = Lot.objects.create(
            kind="cartridge", product="Nano cartridge", lot_number="S-1",
            expires_on=date(2027, 6, 30),
        )  # fmt: skip
    lot: Lot = w.extra["lot"]
    return lot.pk


ROWS: list[Row] = [
    Row(name="staff:chart", path=lambda w: f"/staff/visits/{_visit(w)}/chart/", allowed=TREATS),
    # Opening again returns the chart there and goes back to it.
    Row(
        name="staff:chart_open",
        method="POST",
        path=lambda w: f"/staff/visits/{_visit(w)}/chart/open/",
        allowed=TREATS,
    ),
    # Nothing in the form: a draft saved as it is (no area treated).
    Row(
        name="staff:chart_save",
        method="POST",
        path=lambda w: f"/staff/visits/{_visit(w)}/chart/save/",
        allowed=TREATS,
    ),
    # A draft is not amended: sent back to the chart.
    Row(
        name="staff:chart_amend",
        path=lambda w: f"/staff/visits/{_visit(w)}/chart/amend/",
        allowed=TREATS,
    ),
    # Nothing beyond scope to co-sign: a 409 for those allowed.
    Row(
        name="staff:chart_cosign",
        method="POST",
        path=lambda w: f"/staff/visits/{_visit(w)}/chart/cosign/",
        allowed=MANAGERS,
    ),
    # No answer given: a 400 for those allowed, nothing saved.
    Row(
        name="staff:chart_review",
        method="POST",
        path=lambda w: f"/staff/visits/{_visit(w)}/chart/review/",
        allowed=MANAGERS,
    ),
    Row(name="staff:chart_reviews", path=lambda w: "/staff/charts/review/", allowed=MANAGERS),
    Row(
        name="staff:complication_new",
        path=lambda w: f"/staff/visits/{_visit(w)}/complications/new/",
        allowed=TREATS,
    ),
    Row(
        name="staff:complication",
        path=lambda w: f"/staff/complications/{_complication(w)}/",
        allowed=TREATS,
    ),
    Row(name="staff:stock", path=lambda w: "/staff/stock/", allowed=MANAGERS),
    Row(
        name="staff:lot_recall",
        path=lambda w: f"/staff/stock/{_lot(w)}/recall/",
        allowed=MANAGERS,
    ),
]
