"""Patients in the back office: found by POST, each look written once to the trail, health
data for the patient's own clinician and the managers only, the trail as a page and a CSV."""

import csv
import io

import pytest
from django.test import Client

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.clinic.models import Location
from dermadesk.staff.tests.people import signed_in
from dermadesk.staff.tests.sweep import World, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinic: Location) -> World:
    import time_machine

    from dermadesk.staff.tests.sweep import NOW

    with time_machine.travel(NOW, tick=False):
        return world_build(clinic)


def test_search_by_phone_in_any_format_finds_the_patient_and_keeps_words_out_of_the_url(
    world: World,
) -> None:
    client = signed_in(Client(), world.users["desk1"])
    page = client.post("/staff/patients/", {"q": "(217) 555-0101"})
    assert page.status_code == 200
    assert "Lovelace, Ada" in page.text and "Hopper" not in page.text
    event = AuditEvent.objects.get(what="patient search")
    assert "555" not in event.detail


def test_an_empty_search_is_a_clear_400(world: World) -> None:
    client = signed_in(Client(), world.users["desk1"])
    page = client.post("/staff/patients/", {"q": ""})
    assert page.status_code == 400
    assert "Please type something to search for." in page.text


def test_each_record_viewed_writes_exactly_one_audit_row(world: World) -> None:
    client = signed_in(Client(), world.users["desk1"])
    ada = world.patient_of_clin1
    assert client.get(f"/staff/patients/{ada.pk}/").status_code == 200
    rows = AuditEvent.objects.filter(patient_id=ada.pk, action=AuditAction.VIEW)
    assert [(r.actor, r.what, r.actor_role) for r in rows] == [
        (world.users["desk1"], "record", "Front desk")
    ]


def test_front_desk_sees_no_screening_link_and_no_answers(world: World) -> None:
    client = signed_in(Client(), world.users["desk1"])
    ada = world.patient_of_clin1
    assert "Screening answers" not in client.get(f"/staff/patients/{ada.pk}/").text
    assert client.get(f"/staff/patients/{ada.pk}/screening/").status_code == 403
    assert not AuditEvent.objects.filter(what="screening").exists()


def test_the_treating_clinician_reads_the_screening_the_other_does_not(world: World) -> None:
    ada = world.patient_of_clin1
    own = signed_in(Client(), world.users["clin1"]).get(f"/staff/patients/{ada.pk}/screening/")
    other = signed_in(Client(), world.users["clin2"]).get(f"/staff/patients/{ada.pk}/screening/")
    assert own.status_code == 200 and "Screening answers of Ada Lovelace" in own.text
    assert other.status_code == 403
    assert AuditEvent.objects.filter(what="screening").count() == 1


def test_a_manager_reads_the_trail_by_patient_and_downloads_it(world: World) -> None:
    ada = world.patient_of_clin1
    signed_in(Client(), world.users["desk1"]).get(f"/staff/patients/{ada.pk}/")
    manager = signed_in(Client(), world.users["mgr1"])
    page = manager.get(f"/staff/audit/?patient={ada.pk}")
    assert page.status_code == 200 and "Viewed record" in page.text and "Desk1" in page.text
    download = manager.get(f"/staff/audit/export.csv?patient={ada.pk}")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "when (UTC)"
    assert [(r[1], r[4], r[5]) for r in rows[1:]] == [("Desk1", "record", str(ada.pk))]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.users["mgr1"]).exists()
