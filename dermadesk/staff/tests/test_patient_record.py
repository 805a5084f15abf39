"""A patient's record in the back office: search paged by POST, the record's parts in clinic
time, contact details changed, a screening reviewed, duplicates merged, the audit trail's
filters; one audit row per page shown."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.audit.services import audit_record
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.demo import create_demo_consents
from dermadesk.patients.models import Patient
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.screening.demo import create_demo_questionnaire
from dermadesk.screening.models import Questionnaire, ScreeningOverride, ScreeningResponse
from dermadesk.screening.services import screening_submit
from dermadesk.screening.tests.conftest import no_to_everything
from dermadesk.staff.tests.people import signed_in
from dermadesk.staff.tests.sweep import NOW, World, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinic: Location) -> Iterator[World]:
    with time_machine.travel(NOW, tick=False):
        yield world_build(clinic)


def as_user(world: World, key: str) -> Client:
    return signed_in(Client(), world.users[key])


def micro_needling(world: World, patient: Patient, hour: int) -> Booking:
    """A Micro-Needling visit with Dr. Avery on Friday 27 November at ``hour``."""
    avery = Resource.objects.get(location=world.clinic, name="Dr. Avery Demo")
    return booking_create(
        service=Service.objects.get(slug="micro-needling"),
        location=world.clinic,
        start=datetime(2026, 11, 27, hour, tzinfo=world.clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        preferences=[Preference(role="clinician", resource=str(avery.pk), required=True)],
        patient_id=patient.pk,
        by_staff=True,
    )


def screening_of(patient: Patient) -> ScreeningResponse:
    create_demo_questionnaire()
    questionnaire = Questionnaire.objects.get(published=True)
    return screening_submit(
        patient=patient,
        questionnaire=questionnaire,
        answers=no_to_everything(questionnaire, service_slug="micro-needling"),
        service=Service.objects.get(slug="micro-needling"),
        treatment_date=date(2026, 11, 27),
        now=NOW,
    )


def views_of(patient: Patient) -> list[str]:
    return list(
        AuditEvent.objects.filter(patient_id=patient.pk, action=AuditAction.VIEW)
        .order_by("pk")
        .values_list("what", flat=True)
    )


# Search


def test_results_come_twenty_at_a_time_and_the_next_page_is_asked_by_post(world: World) -> None:
    for number in range(25):
        Patient.objects.create(
            given_name=f"Mary{number}", family_name="Somerville", email=f"m{number}@example.com",
            date_of_birth=date(1980, 1, 1) + timedelta(days=number),
        )  # fmt: skip
    desk = as_user(world, "desk1")
    first = desk.post("/staff/patients/", {"q": "somerville"})
    assert "25 found, page 1 of 2" in first.text and first.text.count("Somerville, Mary") == 20
    second = desk.post("/staff/patients/", {"q": "somerville", "page": "2"})
    assert "page 2 of 2" in second.text and second.text.count("Somerville, Mary") == 5
    assert 'name="page" value="1"' in second.text


@pytest.mark.parametrize("typed", ["ada@example.com", "1985-12-10", "+1 217 555 0101", "Ada Lov"])
def test_a_patient_is_found_by_email_birth_date_phone_or_name(world: World, typed: str) -> None:
    page = as_user(world, "clin2").post("/staff/patients/", {"q": typed})
    assert "Lovelace, Ada" in page.text and "Hopper" not in page.text


def test_opening_the_search_shows_the_form_and_no_one(world: World) -> None:
    page = as_user(world, "desk1").get("/staff/patients/")
    assert page.status_code == 200 and "found" not in page.text


# The record


def test_the_record_shows_visits_in_clinic_time_and_the_consent_still_to_sign(
    world: World,
) -> None:
    ada = world.patient_of_clin1
    with time_machine.travel(NOW, tick=False):
        create_demo_consents(now=NOW - timedelta(days=1))
        micro_needling(world, ada, 9)
    page = as_user(world, "desk1").get(f"/staff/patients/{ada.pk}/")
    assert "Times in Springfield clinic time (America/Chicago)." in page.text
    assert "Thu 26 Nov 2026, 10:00 a.m. CST" in page.text
    assert "Fri 27 Nov 2026, 9:00 a.m. CST" in page.text
    assert "Still to sign before a visit to come" in page.text
    assert "Consent to Micro-Needling" in page.text or "Micro-Needling" in page.text


def test_messages_show_what_and_how_they_went_never_their_words_or_codes(world: World) -> None:
    ada = world.patient_of_clin1
    OutboundMessage.objects.create(
        recipient=ada.email, template_key="patient-sign-in-code", subject="Your sign-in code",
        text_body="Your code is 914-227.", private_values=["914-227"], due_at=NOW,
    )  # fmt: skip
    page = as_user(world, "desk1").get(f"/staff/patients/{ada.pk}/")
    assert "Your sign-in code" in page.text
    assert "914-227" not in page.text and "Your code is" not in page.text


def test_the_record_lists_who_looked_at_it(world: World) -> None:
    ada = world.patient_of_clin1
    as_user(world, "clin2").get(f"/staff/patients/{ada.pk}/")
    page = as_user(world, "desk1").get(f"/staff/patients/{ada.pk}/")
    assert "Clin2" in page.text and "Viewed record" in page.text
    assert views_of(ada) == ["record", "record"]


def test_the_record_reads_in_the_same_number_of_queries_whatever_it_holds(world: World) -> None:
    ada = world.patient_of_clin1
    desk = as_user(world, "desk1")
    create_demo_consents(now=NOW - timedelta(days=1))
    desk.get(f"/staff/patients/{ada.pk}/")
    with CaptureQueriesContext(connection) as few:
        desk.get(f"/staff/patients/{ada.pk}/")
    with time_machine.travel(NOW, tick=False):
        for hour in (9, 12, 14, 16):
            micro_needling(world, ada, hour)
    for _ in range(3):
        as_user(world, "clin1").get(f"/staff/patients/{ada.pk}/")
    with CaptureQueriesContext(connection) as many:
        desk.get(f"/staff/patients/{ada.pk}/")
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


# Contact details


def test_the_front_desk_changes_a_phone_number_kept_with_who_changed_it(world: World) -> None:
    ada = world.patient_of_clin1
    desk = as_user(world, "desk1")
    answer = desk.post(
        f"/staff/patients/{ada.pk}/edit/",
        {"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.com",
         "phone": "(217) 555-0199", "date_of_birth": "1985-12-10"},
    )  # fmt: skip
    assert answer.status_code == 302
    ada.refresh_from_db()
    assert ada.phone == "+12175550199"
    change = AuditEvent.objects.get(patient_id=ada.pk, action=AuditAction.CHANGE)
    assert (change.actor, change.what, change.detail) == (
        world.users["desk1"], "contact details", "Changed: phone",
    )  # fmt: skip
    record = desk.get(f"/staff/patients/{ada.pk}/").text
    assert "+12175550101 → +12175550199" in record


def test_an_email_and_birth_date_of_another_record_is_refused_naming_it(world: World) -> None:
    ada, grace = world.patient_of_clin1, world.patient_of_clin2
    answer = as_user(world, "mgr1").post(
        f"/staff/patients/{ada.pk}/edit/",
        {"given_name": "Ada", "family_name": "Lovelace", "email": grace.email,
         "phone": "", "date_of_birth": grace.date_of_birth.isoformat()},
    )  # fmt: skip
    assert answer.status_code == 400
    assert f"Another record (number {grace.pk})" in answer.text
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE).exists()


def test_a_phone_that_is_no_number_is_a_clear_400(world: World) -> None:
    ada = world.patient_of_clin1
    answer = as_user(world, "desk1").post(
        f"/staff/patients/{ada.pk}/edit/",
        {"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.com",
         "phone": "12", "date_of_birth": "1985-12-10"},
    )  # fmt: skip
    assert answer.status_code == 400 and "phone number" in answer.text


def test_clinicians_do_not_change_contact_details(world: World) -> None:
    ada = world.patient_of_clin1
    assert as_user(world, "clin1").get(f"/staff/patients/{ada.pk}/edit/").status_code == 403


# Screening


def test_the_treating_clinician_reviews_a_screening_with_a_reason(world: World) -> None:
    ada = world.patient_of_clin1
    with time_machine.travel(NOW, tick=False):
        screening = screening_of(ada)
    clin1 = as_user(world, "clin1")
    page = clin1.get(f"/staff/patients/{ada.pk}/screening/")
    assert "Your review of this screening" in page.text and "Not reviewed." in page.text
    answer = clin1.post(
        f"/staff/patients/{ada.pk}/screening/review/",
        {"response": screening.pk, "outcome": "consult_first", "reason": "Seen a scar today."},
    )
    assert answer.status_code == 302
    review = ScreeningOverride.objects.get(response=screening)
    assert (review.user, review.outcome, review.reason) == (
        world.users["clin1"], "consult_first", "Seen a scar today.",
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        patient_id=ada.pk, action=AuditAction.CHANGE, what="screening review"
    ).exists()
    assert "Seen a scar today." in clin1.get(f"/staff/patients/{ada.pk}/screening/").text


def test_a_review_without_a_reason_is_refused_and_nothing_is_kept(world: World) -> None:
    ada = world.patient_of_clin1
    with time_machine.travel(NOW, tick=False):
        screening = screening_of(ada)
    answer = as_user(world, "mgr2").post(
        f"/staff/patients/{ada.pk}/screening/review/",
        {"response": screening.pk, "outcome": "suitable", "reason": "   "},
    )
    assert answer.status_code == 400 and "Please write why" in answer.text
    assert not ScreeningOverride.objects.exists()
    assert views_of(ada) == ["screening"]


def test_a_screening_of_another_patient_cannot_be_reviewed_through_this_one(
    world: World,
) -> None:
    ada, grace = world.patient_of_clin1, world.patient_of_clin2
    with time_machine.travel(NOW, tick=False):
        graces = screening_of(grace)
    answer = as_user(world, "clin1").post(
        f"/staff/patients/{ada.pk}/screening/review/",
        {"response": graces.pk, "outcome": "suitable", "reason": "Fine."},
    )
    assert answer.status_code == 400 and "not this patient" in answer.text
    assert not ScreeningOverride.objects.exists()


def test_a_clinician_who_does_not_treat_the_patient_reviews_nothing(world: World) -> None:
    ada = world.patient_of_clin1
    with time_machine.travel(NOW, tick=False):
        screening = screening_of(ada)
    answer = as_user(world, "clin2").post(
        f"/staff/patients/{ada.pk}/screening/review/",
        {"response": screening.pk, "outcome": "suitable", "reason": "Fine."},
    )
    assert answer.status_code == 403
    assert not ScreeningOverride.objects.exists()


# Duplicates and merging


@pytest.fixture
def second_ada(world: World) -> Patient:
    return Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada.l@example.org",
        date_of_birth=date(1985, 12, 10),
    )  # fmt: skip


def test_the_record_shows_a_likely_duplicate_and_why(world: World, second_ada: Patient) -> None:
    ada = world.patient_of_clin1
    page = as_user(world, "desk1").get(f"/staff/patients/{ada.pk}/")
    assert "Possibly the same person" in page.text
    assert "the same name and date of birth" in page.text
    assert f"/staff/patients/{ada.pk}/merge/{second_ada.pk}/" in page.text
    clinician = as_user(world, "clin1").get(f"/staff/patients/{ada.pk}/")
    assert "Compare and merge" not in clinician.text


def test_the_merge_shows_both_records_then_keeps_one(world: World, second_ada: Patient) -> None:
    ada = world.patient_of_clin1
    desk = as_user(world, "desk1")
    check = desk.get(f"/staff/patients/{ada.pk}/merge/{second_ada.pk}/")
    assert "ada@example.com" in check.text and "ada.l@example.org" in check.text
    checks = AuditEvent.objects.filter(what="merge check")
    assert {e.patient_id for e in checks} == {ada.pk, second_ada.pk} and len(checks) == 2
    with time_machine.travel(NOW, tick=False):
        answer = desk.post(f"/staff/patients/{ada.pk}/merge/{second_ada.pk}/", {"keep": ada.pk})
    assert answer.status_code == 302 and answer["Location"] == f"/staff/patients/{ada.pk}/"
    assert not Patient.objects.filter(pk=second_ada.pk).exists()
    merges = AuditEvent.objects.filter(action=AuditAction.MERGE)
    assert {e.patient_id for e in merges} == {ada.pk, second_ada.pk} and len(merges) == 2


def test_a_merge_that_would_clash_says_why_and_changes_nothing(
    world: World, second_ada: Patient
) -> None:
    ada = world.patient_of_clin1
    jordan = Resource.objects.get(location=world.clinic, name="Jordan Demo, RN")
    with time_machine.travel(NOW, tick=False):
        booking_create(
            service=Service.objects.get(slug="consultation"), location=world.clinic,
            start=world.visit_of_clin1.starts_at, now=NOW, channel=BookingChannel.STAFF,
            preferences=[Preference(role="clinician", resource=str(jordan.pk), required=True)],
            patient_id=second_ada.pk, by_staff=True,
        )  # fmt: skip
        answer = as_user(world, "desk1").post(
            f"/staff/patients/{ada.pk}/merge/{second_ada.pk}/", {"keep": second_ada.pk}
        )
    assert answer.status_code == 409
    assert "One person cannot be at both" in answer.text
    assert Patient.objects.filter(pk=ada.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MERGE).exists()


def test_a_merge_without_a_choice_is_a_400(world: World, second_ada: Patient) -> None:
    ada = world.patient_of_clin1
    answer = as_user(world, "mgr1").post(f"/staff/patients/{ada.pk}/merge/{second_ada.pk}/", {})
    assert answer.status_code == 400 and "Please choose the record to keep." in answer.text
    assert Patient.objects.filter(pk=second_ada.pk).exists()


# The audit trail


def event(world: World, key: str, at: datetime, patient: Patient | None = None) -> AuditEvent:
    return audit_record(
        actor=world.users[key], roles=["Front desk"], action=AuditAction.VIEW, what="record",
        patient_id=patient.pk if patient else None, address="198.51.100.7", at=at,
    )  # fmt: skip


def test_the_trail_is_filtered_by_staff_member_and_by_days_in_clinic_time(world: World) -> None:
    ada = world.patient_of_clin1
    # 03:00 UTC on the 26th is 9 p.m. on the 25th in Springfield.
    late = event(world, "desk1", datetime(2026, 11, 26, 3, tzinfo=UTC), ada)
    event(world, "desk2", datetime(2026, 11, 26, 3, tzinfo=UTC), ada)
    event(world, "desk1", datetime(2026, 11, 26, 7, tzinfo=UTC), ada)
    manager = as_user(world, "mgr1")
    page = manager.get(
        "/staff/audit/",
        {"staff": str(world.users["desk1"].pk), "since": "2026-11-25", "until": "2026-11-25"},
    )
    assert page.status_code == 200 and "1 event" in page.text
    assert "Wed 25 Nov 2026, 9:00 p.m. CST" in page.text
    assert str(late.address) in page.text


def test_filters_that_cannot_be_read_are_a_clear_400(world: World) -> None:
    manager = as_user(world, "mgr1")
    assert manager.get("/staff/audit/", {"patient": "Ada"}).status_code == 400
    swapped = manager.get("/staff/audit/", {"since": "2026-11-26", "until": "2026-11-01"})
    assert swapped.status_code == 400 and "please swap them" in swapped.text
    far = manager.get("/staff/audit/export.csv", {"until": "9999-12-31"})
    assert far.status_code == 400 and "check the year" in far.text


def test_the_download_quotes_formulas_and_is_itself_in_the_trail(world: World) -> None:
    ada = world.patient_of_clin1
    audit_record(
        actor=None, roles=[], action=AuditAction.CHANGE, what="=HYPERLINK(1)", patient_id=ada.pk,
        address=None, at=NOW,
    )  # fmt: skip
    download = as_user(world, "mgr2").get("/staff/audit/export.csv", {"patient": ada.pk})
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[1][4] == "'=HYPERLINK(1)"
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (export.actor, export.patient_id) == (world.users["mgr2"], ada.pk)


def test_the_trail_comes_fifty_rows_a_page_newest_first(world: World) -> None:
    for minute in range(55):
        event(world, "desk1", NOW - timedelta(minutes=minute))
    manager = as_user(world, "mgr1")
    first = manager.get("/staff/audit/")
    assert "page 1 of 2" in first.text and "Older" in first.text
    second = manager.get("/staff/audit/", {"page": "2"})
    assert "page 2 of 2" in second.text
