"""A session's aftercare as a FHIR CarePlan, parsed back by the FHIR models."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fhir.resources.R4B.careplan import CarePlan

from dermadesk.aftercare.guide import Treatment, dated, timeline_for
from dermadesk.interop.fhir import (
    CarePlanFacts,
    CareStage,
    PatientFacts,
    PatientRecord,
    patient_bundle,
)
from dermadesk.interop.tests.fhir_models import parsed, resources

CHICAGO = ZoneInfo("America/Chicago")
ENDED = datetime(2026, 11, 26, 17, 50, tzinfo=UTC)  # 11:50 a.m. in Springfield
VISIT = uuid.UUID("5f0c7f9e-7d43-4c4e-9d53-3f0e7d2b9a11")

# The activity statuses R4 allows (care-plan-activity-status).
ACTIVITY_STATUS = {
    "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled", "stopped",
    "unknown", "entered-in-error",
}  # fmt: skip


def plan(treatment: Treatment = Treatment.MICRO_NEEDLING_PRP) -> CarePlanFacts:
    timeline = timeline_for(treatment)
    return CarePlanFacts(
        number=7, visit=VISIT, service_name="Micro-Needling with PRP", session_ended=ENDED,
        zone=CHICAGO,
        stages=tuple(
            CareStage(title=d.stage.title, starts=d.starts, ends=d.ends, normal=d.stage.normal,
                      do=d.stage.do, avoid=d.stage.avoid)
            for d in dated(timeline, ENDED, CHICAGO)
        ),
        call_us_if=timeline.call_us_if, notes=timeline.notes,
    )  # fmt: skip


def record(*plans: CarePlanFacts) -> PatientRecord:
    patient = PatientFacts(
        number=3, given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550142", birth_date=date(1990, 5, 17), updated_at=ENDED,
    )  # fmt: skip
    return PatientRecord(
        patient=patient, visits=(), questionnaires=(), screenings=(), consents=(), care_plans=plans
    )


def bundle_at(now: datetime) -> dict[str, object]:
    return patient_bundle(
        record(plan()), base_url="https://clinic.example", now=now, site_name="Dermadesk"
    )


def test_the_care_plan_parses_and_follows_the_stages_in_clinic_time() -> None:
    bundle = bundle_at(ENDED + timedelta(days=1, hours=2))
    parsed(bundle)  # every resource accepted by its model
    (care_plan,) = resources(bundle, "CarePlan")
    model = CarePlan.model_validate(care_plan)
    assert (model.status, model.intent) == ("active", "plan")
    assert care_plan["period"] == {
        "start": "2026-11-26T11:50:00-06:00",
        "end": "2026-11-29T11:50:00-06:00",
    }
    assert [a["detail"]["status"] for a in care_plan["activity"]] == [
        "completed", "in-progress", "not-started",
    ]  # fmt: skip
    assert {a["detail"]["status"] for a in care_plan["activity"]} <= ACTIVITY_STATUS
    first = care_plan["activity"][0]["detail"]
    assert first["description"].startswith("The first day. What is normal: Redness")
    assert first["scheduledPeriod"]["end"] == "2026-11-27T11:50:00-06:00"
    assert "Call the clinic if" in care_plan["note"][0]["text"]
    assert "plasma" in care_plan["note"][1]["text"]
    assert care_plan["subject"]["reference"].startswith("urn:uuid:")


def test_the_care_plan_is_completed_once_its_last_stage_has_ended() -> None:
    (care_plan,) = resources(bundle_at(ENDED + timedelta(days=5)), "CarePlan")
    assert care_plan["status"] == "completed"
    assert [a["detail"]["status"] for a in care_plan["activity"]][-1] == "in-progress"


def test_a_record_without_aftercare_has_no_care_plan() -> None:
    bundle = patient_bundle(
        record(), base_url="https://clinic.example", now=ENDED, site_name="Dermadesk"
    )
    assert resources(bundle, "CarePlan") == []
