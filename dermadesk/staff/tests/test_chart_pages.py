"""The treatment record's pages: a chart opened from the visit once the patient is here,
filled in, signed, amended (the difference shown); the review queue; complications on the
alerts; a lot recall; every look at a chart in the audit trail."""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.charting.models import Chart, ChartStatus, Lot, LotKind
from dermadesk.charting.services import AreaEntry, chart_open, chart_save, chart_sign
from dermadesk.charting.tests.factories import ARRIVED, CHARTED, clinician, lot, visit
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.models import Booking, Resource
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member


@pytest.fixture(autouse=True)
def thursday_morning() -> Iterator[None]:
    with time_machine.travel(CHARTED, tick=False):
        yield


@pytest.fixture
def jordan(clinic: Location) -> User:
    return clinician("jordan", "Jordan Demo, RN")


@pytest.fixture
def director(clinic: Location) -> User:
    return staff_member("director", Role.MANAGER)


@pytest.fixture
def prp_visit(clinic: Location, patient: Patient, jordan: User) -> Booking:
    lot("C-1")
    lot("K-1", kind=LotKind.PRP_KIT)
    return visit(clinic, patient)


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "device": Resource.objects.get(name="Pen A").pk,
        "cartridge_lot": Lot.objects.get(lot_number="C-1").pk,
        "numbing_applied_at": "09:15", "numbing_removed_at": "09:45",
        "blood_drawn_ml": "20", "spin_g": "1500", "spin_minutes": "10", "prp_used_ml": "6",
        "prp_kit_lot": Lot.objects.get(lot_number="K-1").pk,
        "products_after": "Hyaluronic serum", "skin_response": "Even redness",
        "cheeks_treated": "on", "cheeks_depth": "1.50", "cheeks_passes": "3",
        "forehead_treated": "on", "forehead_depth": "0.50", "forehead_passes": "2",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_visit_page_opens_the_chart_once_the_patient_is_checked_in(
    client: Client, clinic: Location, patient: Patient, jordan: User
) -> None:
    booking = visit(clinic, patient, check_in=False)
    signed_in(client, jordan)
    assert "Open the chart" not in client.get(f"/staff/visits/{booking.pk}/").text
    booking = visit(clinic, make_patient(email="b@example.com"), check_in=True,
                    at=booking.starts_at + timedelta(hours=2))  # fmt: skip
    page = client.get(f"/staff/visits/{booking.pk}/")
    assert "Open the chart" in page.text
    start = client.get(f"/staff/visits/{booking.pk}/chart/")
    assert "Start the chart" in start.text
    assert client.post(f"/staff/visits/{booking.pk}/chart/open/").status_code == 302
    assert Chart.objects.get(booking=booking).clinician == jordan


def test_the_front_desk_sees_no_way_to_the_chart(
    client: Client, clinic: Location, prp_visit: Booking
) -> None:
    signed_in(client, User.objects.get(username="desk"))
    assert "Open the chart" not in client.get(f"/staff/visits/{prp_visit.pk}/").text
    assert client.get(f"/staff/visits/{prp_visit.pk}/chart/").status_code == 403


def test_a_clinician_charts_a_prp_session_with_two_areas_and_signs(
    client: Client, prp_visit: Booking, jordan: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 0
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    page = client.get(f"/staff/visits/{prp_visit.pk}/chart/")
    assert 'step="0.05"' in page.text
    assert "Spin time (minutes)" in page.text  # PRP fields on a PRP visit
    response = client.post(f"/staff/visits/{prp_visit.pk}/chart/save/", _form(then="sign"))
    assert response.status_code == 302, response.text
    chart = Chart.objects.get(booking=prp_visit)
    assert chart.status == ChartStatus.SIGNED
    assert sorted((a.area, a.depth_mm, a.passes) for a in chart.areas.all()) == [
        ("cheeks", Decimal("1.50"), 3), ("forehead", Decimal("0.50"), 2),
    ]  # fmt: skip
    signed = client.get(f"/staff/visits/{prp_visit.pk}/chart/")
    assert "Amend the chart" in signed.text
    assert "Hyaluronic serum" in signed.text


def test_a_depth_beyond_scope_is_refused_on_the_page_until_a_manager_cosigns(
    client: Client, prp_visit: Booking, jordan: User, director: User
) -> None:
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    response = client.post(
        f"/staff/visits/{prp_visit.pk}/chart/save/", _form(then="sign", cheeks_depth="2.00")
    )
    assert response.status_code == 409
    assert "beyond your maximum of 1.50 mm: a manager must co-sign" in response.text
    manager = signed_in(Client(), director)
    assert "Co-sign this depth" in manager.get(f"/staff/visits/{prp_visit.pk}/chart/").text
    manager.post(f"/staff/visits/{prp_visit.pk}/chart/cosign/", {"reason": "Deep scars."})
    response = client.post(
        f"/staff/visits/{prp_visit.pk}/chart/save/", _form(then="sign", cheeks_depth="2.00")
    )
    assert response.status_code == 302
    assert Chart.objects.get(booking=prp_visit).review_due


def test_a_depth_off_the_005_step_is_a_clear_400(
    client: Client, prp_visit: Booking, jordan: User
) -> None:
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    response = client.post(f"/staff/visits/{prp_visit.pk}/chart/save/", _form(cheeks_depth="1.23"))
    assert response.status_code == 400
    assert "Please check this" in response.text
    assert not Chart.objects.get(booking=prp_visit).areas.exists()


def test_an_amendment_shows_the_difference_and_keeps_the_chart_as_signed(
    client: Client, prp_visit: Booking, jordan: User
) -> None:
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    client.post(f"/staff/visits/{prp_visit.pk}/chart/save/", _form(then="sign"))
    form = client.get(f"/staff/visits/{prp_visit.pk}/chart/amend/")
    assert 'value="1.50"' in form.text  # starts from the chart as it is
    response = client.post(
        f"/staff/visits/{prp_visit.pk}/chart/amend/",
        _form(cheeks_depth="1.25", reason="The pen was set to 1.25 mm."),
    )
    assert response.status_code == 302, response.text
    page = client.get(f"/staff/visits/{prp_visit.pk}/chart/").text
    assert "The pen was set to 1.25 mm." in page
    assert "<del>1.50</del>" in page and "<ins>1.25</ins>" in page
    assert "The chart as signed on" in page


def test_every_look_at_a_chart_is_in_the_audit_trail(
    client: Client, prp_visit: Booking, jordan: User
) -> None:
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    client.get(f"/staff/visits/{prp_visit.pk}/chart/")
    client.get(f"/staff/visits/{prp_visit.pk}/chart/")
    chart = Chart.objects.get(booking=prp_visit)
    looks = AuditEvent.objects.filter(
        action=AuditAction.VIEW, what="chart", object_ref=f"charting.chart:{chart.pk}"
    )
    assert looks.count() == 2
    assert {e.patient_id for e in looks} == {prp_visit.patient_id}


def test_the_manager_reviews_a_chart_from_the_queue(
    client: Client, prp_visit: Booking, jordan: User, director: User, settings: Settings
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 100
    chart = chart_open(booking=prp_visit, by=jordan, now=ARRIVED)
    chart_save(chart=chart, values={}, areas=[AreaEntry("chin", Decimal("1"), 2)], now=CHARTED)
    chart_sign(chart=chart, by=jordan, now=CHARTED)
    signed_in(client, director)
    queue = client.get("/staff/charts/review/")
    assert "Ada Lovelace" in queue.text and "Chosen at random" in queue.text
    response = client.post(f"/staff/visits/{prp_visit.pk}/chart/review/", {"agreed": "yes"})
    assert response.status_code == 302
    assert "No chart is waiting for a review." in client.get("/staff/charts/review/").text
    assert AuditEvent.objects.filter(what="chart", detail="reviewed").count() == 1


def test_a_complication_from_the_visit_shows_on_the_alerts_until_closed(
    client: Client, prp_visit: Booking, jordan: User
) -> None:
    signed_in(client, jordan)
    response = client.post(
        f"/staff/visits/{prp_visit.pk}/complications/new/",
        {"what": "Swelling around the eyes", "severity": "moderate", "onset_on": "2026-11-27",
         "action_taken": "Called; cold compresses.", "follow_up_due": "2026-11-30"},
    )  # fmt: skip
    assert response.status_code == 302, response.text
    alerts = client.get("/staff/inbox/alerts/").text
    assert "Follow-up due by Monday 30 November 2026 with Ada Lovelace" in alerts
    complication = response["Location"]
    refused = client.post(complication, {"what": "Swelling", "severity": "moderate",
                                         "onset_on": "2026-11-27", "then": "close"})  # fmt: skip
    assert refused.status_code == 400 and "Write the outcome" in refused.text
    closing = {"what": "Swelling", "severity": "moderate", "onset_on": "2026-11-27",
               "outcome": "Settled.", "then": "close"}  # fmt: skip
    client.post(complication, closing)
    assert not Alert.objects.filter(kind=AlertKind.COMPLICATION_FOLLOW_UP, resolved_at=None)


def test_a_lot_recall_lists_the_patients_and_queues_each_letter_once(
    client: Client, clinic: Location, prp_visit: Booking, jordan: User, director: User
) -> None:
    chart = chart_open(booking=prp_visit, by=jordan, now=ARRIVED)
    recalled = chart.booking.chart.cartridge_lot or lot("C-9")
    chart_save(chart=chart, values={"cartridge_lot": recalled}, now=CHARTED,
               areas=[AreaEntry("chin", Decimal("1"), 2)])  # fmt: skip
    signed_in(client, director)
    page = client.get(f"/staff/stock/{recalled.pk}/recall/")
    assert "1 patient treated with this lot; 1 without a recall letter yet." in page.text
    assert client.post(f"/staff/stock/{recalled.pk}/recall/").status_code == 400  # unconfirmed
    client.post(f"/staff/stock/{recalled.pk}/recall/", {"confirm": "on"})
    client.post(f"/staff/stock/{recalled.pk}/recall/", {"confirm": "on"})
    assert OutboundMessage.objects.filter(template_key="lot-recall").count() == 1
    assert "Queue the recall letters" not in client.get(f"/staff/stock/{recalled.pk}/recall/").text


@pytest.mark.parametrize(
    "bad",
    [
        {"cheeks_depth": "abc"},
        {"cheeks_depth": "9"},
        {"cheeks_passes": "-1"},
        {"cheeks_depth": ""},
        {"cartridge_lot": "999999"},
        {"prp_kit_lot": "x"},
        {"device": "0"},
        {"numbing_applied_at": "25:99"},
        {"numbing_applied_at": "10:00", "numbing_removed_at": "09:00"},
        {"spin_minutes": "1e9"},
    ],
    ids=str,
)
def test_bad_chart_input_is_a_400_with_nothing_saved(
    client: Client, prp_visit: Booking, jordan: User, bad: dict[str, str]
) -> None:
    signed_in(client, jordan)
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    response = client.post(f"/staff/visits/{prp_visit.pk}/chart/save/", _form(then="sign", **bad))
    assert response.status_code == 400
    assert "Please check this" in response.text
    chart = Chart.objects.get(booking=prp_visit)
    assert chart.status == ChartStatus.DRAFT and not chart.areas.exists()


def test_a_chart_of_a_visit_that_does_not_exist_is_a_404(client: Client, jordan: User) -> None:
    signed_in(client, jordan)
    assert client.get("/staff/visits/999999/chart/").status_code == 404
    assert client.post("/staff/visits/999999/chart/save/").status_code == 404
    assert client.get("/staff/complications/999999/").status_code == 404


def test_the_patients_record_lists_their_charts_for_clinicians_and_not_the_front_desk(
    client: Client, prp_visit: Booking, jordan: User, patient: Patient
) -> None:
    signed_in(client, jordan)
    assert "No session charted yet." in client.get(f"/staff/patients/{patient.pk}/").text
    client.post(f"/staff/visits/{prp_visit.pk}/chart/open/")
    page = client.get(f"/staff/patients/{patient.pk}/").text
    assert "<h2>Treatment record</h2>" in page
    assert f'href="/staff/visits/{prp_visit.pk}/chart/"' in page
    signed_in(client, User.objects.get(username="desk"))
    desk = client.get(f"/staff/patients/{patient.pk}/").text
    assert "Treatment record" not in desk
    assert f"/staff/visits/{prp_visit.pk}/chart/" not in desk
