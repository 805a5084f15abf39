"""A patient's record exported as FHIR R4: every resource parses back with the FHIR models,
codes come from R4's value sets, the versions answered and signed are the ones exported, and
each export is in the audit trail, through the staff API and on the command line."""

import base64
import hashlib
import json
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from dermadesk.api.services import api_token_create
from dermadesk.api.tests.calls import NOW
from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.interop.export import patient_export
from dermadesk.interop.queries import patient_record
from dermadesk.interop.tests.conftest import Booked
from dermadesk.interop.tests.fhir_models import (
    APPOINTMENT_STATUS,
    CONSENT_SCOPE,
    CONSENT_STATE,
    ITEM_TYPES,
    PARTICIPATION_STATUS,
    PUBLICATION_STATUS,
    RESPONSE_STATUS,
    parsed,
    references,
    resources,
)
from dermadesk.patients.models import ConsentDocument, ConsentKind, ConsentSignature
from dermadesk.scheduling.models import Resource, ResourceKind
from dermadesk.scheduling.services import booking_cancel, booking_check_in, booking_complete
from dermadesk.screening.models import AnswerType, Question, Questionnaire, ScreeningResponse
from dermadesk.screening.services import questionnaire_publish
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member


def export(ada: Booked) -> dict[str, Any]:
    bundle = patient_export(
        patient_id=ada.patient.pk, actor=None, roles=(), address=None, detail="test", now=NOW
    )
    assert bundle is not None
    return bundle


# The Bundle and its resources


def test_every_resource_parses_back_with_the_fhir_models(ada: Booked) -> None:
    bundle = export(ada)
    kinds = sorted(type(resource).__name__ for resource in parsed(bundle))
    assert kinds == [
        "Appointment", "Consent", "Consent", "Patient", "Questionnaire", "QuestionnaireResponse",
    ]  # fmt: skip
    assert bundle["type"] == "collection"


def test_every_reference_points_at_an_entry_of_the_bundle(ada: Booked) -> None:
    bundle = export(ada)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    found = list(references(bundle))
    assert found
    assert set(found) <= full_urls


def test_the_same_record_exported_twice_keeps_its_ids(ada: Booked) -> None:
    first, second = export(ada), export(ada)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_the_patient_carries_name_contact_and_birth_date_and_no_gender_not_held(
    ada: Booked,
) -> None:
    (patient,) = resources(export(ada), "Patient")
    assert patient["name"][0] == {
        "use": "official", "text": "Ada Lovelace", "family": "Lovelace", "given": ["Ada"],
    }  # fmt: skip
    assert {(t["system"], t["value"]) for t in patient["telecom"]} == {
        ("email", "ada@example.com"), ("phone", "+12175550199"),
    }  # fmt: skip
    assert patient["birthDate"] == "1990-04-21"
    assert patient["identifier"][0]["value"] == str(ada.patient.pk)
    assert "gender" not in patient


def test_the_appointment_says_when_what_who_and_where_in_the_clinics_zone(ada: Booked) -> None:
    (appointment,) = resources(export(ada), "Appointment")
    assert appointment["status"] == "booked"
    assert appointment["start"] == "2026-11-27T10:00:00-06:00"
    assert appointment["serviceType"][0]["text"] == "Micro-Needling"
    assert appointment["identifier"][0]["value"] == f"urn:uuid:{ada.visit.public_id}"
    actors = {(p["actor"].get("type"), p["actor"]["display"]) for p in appointment["participant"]}
    assert ("Practitioner", ada.clinician.name) in actors
    assert ("Location", ada.visit.location.name) in actors
    assert (None, "Ada Lovelace") in actors
    assert all(p["status"] in PARTICIPATION_STATUS for p in appointment["participant"])


def test_a_cancelled_visit_is_exported_as_a_cancelled_appointment(ada: Booked) -> None:
    with time_machine.travel(NOW, tick=False):
        booking_cancel(booking=ada.visit, now=NOW)
    (appointment,) = resources(export(ada), "Appointment")
    assert appointment["status"] == "cancelled"
    assert appointment["status"] in APPOINTMENT_STATUS


def test_the_screening_answers_come_with_the_questionnaire_version_they_answered(
    ada: Booked,
) -> None:
    answered = Questionnaire.objects.get(published=True)
    newer = Questionnaire.objects.create(title="Before your treatment, again")
    Question.objects.create(
        questionnaire=newer, key="keloid_scars", text="Do you form keloid scars?",
        answer_type=AnswerType.YES_NO,
    )  # fmt: skip
    questionnaire_publish(questionnaire=newer)
    bundle = export(ada)
    (questionnaire,) = resources(bundle, "Questionnaire")
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert questionnaire["version"] == str(answered.version)
    assert questionnaire["status"] == "retired"  # no longer asked, still what was asked
    assert questionnaire["status"] in PUBLICATION_STATUS
    assert response["questionnaire"] == f"{questionnaire['url']}|{answered.version}"
    assert response["status"] in RESPONSE_STATUS
    assert {item["type"] for item in questionnaire["item"]} <= ITEM_TYPES


def test_each_answer_is_exported_with_its_question_and_type(ada: Booked) -> None:
    bundle = export(ada)
    (questionnaire,) = resources(bundle, "Questionnaire")
    (response,) = resources(bundle, "QuestionnaireResponse")
    stored = ScreeningResponse.objects.get(patient=ada.patient).answers
    types = {item["linkId"]: item["type"] for item in questionnaire["item"]}
    exported = {item["linkId"]: item["answer"][0] for item in response["item"]}
    assert set(exported) == set(stored)
    for key, answer in exported.items():
        if types[key] == "boolean":
            assert answer == {"valueBoolean": stored[key]}
        else:
            assert answer["valueCoding"]["code"] == stored[key]


def test_each_signature_is_a_consent_with_the_exact_text_and_version_signed(ada: Booked) -> None:
    consents = resources(export(ada), "Consent")
    signatures = ConsentSignature.objects.filter(patient=ada.patient).select_related("document")
    assert len(consents) == signatures.count() == 2
    by_scope = {c["scope"]["coding"][0]["code"]: c for c in consents}
    assert set(by_scope) == {"treatment", "patient-privacy"}
    assert set(by_scope) <= CONSENT_SCOPE
    treatment = by_scope["treatment"]
    document = signatures.get(document__kind=ConsentKind.MICRO_NEEDLING).document
    attachment = treatment["sourceAttachment"]
    body = base64.b64decode(attachment["data"])
    assert body.decode() == document.body
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(body).digest()  # noqa: S324
    assert f"version {document.version}" in attachment["title"]
    assert treatment["policy"][0]["uri"].endswith(f"/micro_needling/{document.version}")
    assert treatment["category"][0]["coding"][0] == {
        "system": "http://loinc.org", "code": "59284-0", "display": "Consent Document",
    }  # fmt: skip
    assert treatment["status"] == "active"


def test_a_consent_to_a_version_since_replaced_is_exported_as_inactive(ada: Booked) -> None:
    signed = ConsentDocument.objects.get(
        kind=ConsentKind.MICRO_NEEDLING, published_at__isnull=False
    )
    ConsentDocument.objects.create(
        kind=signed.kind, title=signed.title, body=signed.body + "\n\nOne more paragraph.",
        published_at=NOW - timedelta(minutes=1),
    )  # fmt: skip
    by_scope = {c["scope"]["coding"][0]["code"]: c for c in resources(export(ada), "Consent")}
    assert by_scope["treatment"]["status"] == "inactive"
    assert by_scope["patient-privacy"]["status"] == "active"
    assert {c["status"] for c in by_scope.values()} <= CONSENT_STATE


def test_the_record_is_read_in_nine_queries_however_many_visits(
    ada: Booked, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(9):
        record = patient_record(patient_id=ada.patient.pk, now=NOW)
    assert record is not None
    assert len(record.visits) == 1


def test_a_completed_visits_aftercare_is_exported_as_a_care_plan_that_parses(
    ada: Booked,
) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    start = ada.visit.starts_at
    with time_machine.travel(start, tick=False):
        booking_check_in(booking=ada.visit, by=desk, now=start)
    with time_machine.travel(ada.visit.ends_at, tick=False):
        booking_complete(booking=ada.visit, by=desk, now=ada.visit.ends_at)
    bundle = export(ada)
    parsed(bundle)  # the CarePlan too, by R4's model
    [plan] = resources(bundle, "CarePlan")
    assert plan["title"] == "Aftercare after Micro-Needling"
    entries = {entry["resource"]["resourceType"]: entry["fullUrl"] for entry in bundle["entry"]}
    assert plan["supportingInfo"] == [{"reference": entries["Appointment"]}]
    assert plan["period"]["start"].endswith("-06:00")  # Springfield's clocks, in winter
    assert len(plan["activity"]) >= 3


# The staff API


def token_of(user: User) -> dict[str, str]:
    secret = api_token_create(user=user, name="records", now=timezone.now()).secret
    return {"Authorization": f"Bearer {secret}"}


def clinician_of(resource: Resource, username: str) -> User:
    return staff_member(username, Role.CLINICIAN, provider=resource)


def fhir_of(ada: Booked, user: User) -> Any:
    return Client().get(f"/api/staff/patients/{ada.patient.pk}/fhir", headers=token_of(user))


def test_the_patients_own_clinician_gets_the_bundle_as_fhir_json(ada: Booked) -> None:
    response = fhir_of(ada, clinician_of(ada.clinician, "own"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    parsed(json.loads(response.content))


def test_a_manager_gets_any_patients_bundle(ada: Booked) -> None:
    response = fhir_of(ada, staff_member("manager", Role.MANAGER))
    assert response.status_code == 200
    assert json.loads(response.content)["resourceType"] == "Bundle"


def test_a_clinician_who_does_not_treat_the_patient_is_refused(ada: Booked) -> None:
    other = Resource.objects.filter(kind=ResourceKind.PROVIDER).exclude(pk=ada.clinician.pk)[0]
    response = fhir_of(ada, clinician_of(other, "other"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_front_desk_is_refused_the_health_record(ada: Booked) -> None:
    response = fhir_of(ada, staff_member("desk", Role.FRONT_DESK))
    assert response.status_code == 403


def test_an_unknown_patient_is_a_404_problem(ada: Booked) -> None:
    manager = staff_member("manager", Role.MANAGER)
    response = Client().get("/api/staff/patients/999999/fhir", headers=token_of(manager))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_each_export_through_the_api_is_in_the_audit_trail_with_the_tokens_owner(
    ada: Booked,
) -> None:
    manager = staff_member("manager", Role.MANAGER)
    fhir_of(ada, manager)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.patient_id, event.actor_role) == (
        manager, ada.patient.pk, Role.MANAGER.value,
    )  # fmt: skip
    assert event.address == "127.0.0.1"
    assert event.detail == "through the staff API"


# The command line


def test_the_command_prints_the_bundle_and_audits_it_as_the_command_line(ada: Booked) -> None:
    out = StringIO()
    call_command("export_fhir", str(ada.patient.pk), stdout=out)
    parsed(json.loads(out.getvalue()))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.patient_id, event.detail) == (None, ada.patient.pk, "command line")


def test_the_command_writes_a_file_only_its_owner_may_read(ada: Booked, tmp_path: Path) -> None:
    target = tmp_path / "ada.json"
    call_command("export_fhir", str(ada.patient.pk), "--output", str(target), stderr=StringIO())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    parsed(json.loads(target.read_text()))


def test_the_command_never_overwrites_a_file(ada: Booked, tmp_path: Path) -> None:
    target = tmp_path / "kept.json"
    target.write_text("kept")
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_fhir", str(ada.patient.pk), "--output", str(target))
    assert target.read_text() == "kept"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_unknown_patient_on_the_command_line_writes_nothing(ada: Booked, tmp_path: Path) -> None:
    target = tmp_path / "nobody.json"
    with pytest.raises(CommandError, match="No patient"):
        call_command("export_fhir", "999999", "--output", str(target))
    assert not target.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
