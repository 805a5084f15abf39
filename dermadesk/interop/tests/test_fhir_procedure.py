"""A signed chart exported as a FHIR R4 Procedure, parsed back by the FHIR models."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from dermadesk.api.tests.calls import NOW
from dermadesk.charting.models import Chart, Lot, LotKind
from dermadesk.charting.services import (
    AreaEntry,
    chart_amend,
    chart_open,
    chart_save,
    chart_sign,
)
from dermadesk.interop.access import access_copy
from dermadesk.interop.access_pdf import access_html
from dermadesk.interop.export import patient_export
from dermadesk.interop.tests.conftest import Booked
from dermadesk.interop.tests.fhir_models import parsed, resources
from dermadesk.scheduling.services import booking_check_in
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

AREAS = [AreaEntry("cheeks", Decimal("0.50"), 3), AreaEntry("forehead", Decimal("0.25"), 2)]


def _export(ada: Booked) -> dict[str, Any]:
    bundle = patient_export(
        patient_id=ada.patient.pk, actor=None, roles=(), address=None, detail="test", now=NOW
    )
    assert bundle is not None
    return bundle


@pytest.fixture
def charted(ada: Booked) -> Chart:
    """Ada's visit, checked in and charted (two areas, a pen, a cartridge lot); not signed."""
    clinician = staff_member("clin", Role.CLINICIAN, provider=ada.clinician)
    arrived = ada.visit.starts_at - timedelta(minutes=5)
    visit = booking_check_in(booking=ada.visit, by=clinician, now=arrived)
    chart = chart_open(booking=visit, by=clinician, now=arrived)
    cartridge = Lot.objects.create(
        kind=LotKind.CARTRIDGE, product="12-pin nano cartridge", lot_number="C-1",
        expires_on=arrived.date() + timedelta(days=200),
    )  # fmt: skip
    pen = visit.allocations.get(role="pen").resource
    return chart_save(chart=chart, values={"device": pen, "cartridge_lot": cartridge},
                      areas=AREAS, now=arrived + timedelta(hours=1))  # fmt: skip


def test_a_chart_being_written_is_not_exported(charted: Chart, ada: Booked) -> None:
    assert resources(_export(ada), "Procedure") == []


def test_a_signed_chart_is_a_completed_procedure_the_fhir_models_read(
    charted: Chart, ada: Booked
) -> None:
    clinician = User.objects.get(username="clin")
    chart_sign(chart=charted, by=clinician, now=ada.visit.ends_at)
    bundle = _export(ada)
    parsed(bundle)  # every resource, the Procedure too, parses with fhir.resources
    [procedure] = resources(bundle, "Procedure")
    assert procedure["status"] == "completed"
    assert procedure["code"]["coding"][0]["code"] == "micro-needling"
    assert procedure["code"]["text"].endswith("Micro-needling (collagen induction therapy)")
    [patient] = resources(bundle, "Patient")
    assert procedure["subject"]["reference"].endswith(patient["id"])
    assert [site["text"] for site in procedure["bodySite"]] == ["Cheeks", "Forehead"]
    notes = [note["text"] for note in procedure["note"]]
    assert "Cheeks: needle depth 0.50 mm, 3 passes" in notes
    assert "Needle cartridge: 12-pin nano cartridge, lot C-1" in notes
    assert procedure["performedPeriod"]["start"].startswith("2026-11-27T10:00:00-06:00")
    assert procedure["focalDevice"][0]["manipulated"]["display"].startswith("Pen")


def test_an_amended_chart_exports_as_it_stands_and_says_it_was_amended(
    charted: Chart, ada: Booked
) -> None:
    clinician = User.objects.get(username="clin")
    chart = chart_sign(chart=charted, by=clinician, now=ada.visit.ends_at)
    fixed = [AREAS[0], AreaEntry("forehead", Decimal("0.30"), 2)]
    chart_amend(chart=chart, by=clinician, values={}, reason="Forehead was 0.3 mm.",
                now=ada.visit.ends_at, areas=fixed)  # fmt: skip
    [procedure] = resources(_export(ada), "Procedure")
    notes = [note["text"] for note in procedure["note"]]
    assert "Forehead: needle depth 0.30 mm, 2 passes" in notes
    assert any("amended after signing" in line for line in notes)


def test_the_patients_own_copy_holds_the_chart_as_it_stands(charted: Chart, ada: Booked) -> None:
    [record] = access_copy(ada.patient, now=NOW)["sections"]["treatment_records"]
    assert record["record"]["Cheeks: depth (mm)"] == "0.50"
    assert record["status"] == "Being written"
    assert "Cheeks: depth (mm)" in access_html(ada.patient, now=NOW)
