"""Opening a patient's data in the admin is written to the audit trail, like the back office."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.audit.services import audit_record
from dermadesk.patients.models import Patient
from dermadesk.staff.tests.people import signed_in

pytestmark = pytest.mark.django_db


def test_a_patient_opened_in_the_admin_is_one_audited_view(client: Client) -> None:
    boss = User.objects.create_superuser("boss", "boss@example.com", "a long password 42")
    signed_in(client, boss)
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550101", date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    assert client.get(f"/admin/patients/patient/{ada.pk}/change/").status_code == 200
    event = AuditEvent.objects.get(patient=ada)
    assert (event.actor, event.action, event.what) == (boss, AuditAction.VIEW, "record")
    assert event.actor_role == "Superuser" and event.address == "127.0.0.1"


def test_a_list_of_patients_is_audited_without_the_search_words(client: Client) -> None:
    signed_in(client, User.objects.create_superuser("boss", "b@example.com", "a long pw 42 x"))
    assert client.get("/admin/patients/patient/?q=Lovelace").status_code == 200
    event = AuditEvent.objects.get()
    assert event.what == "record list" and event.patient_id is None
    assert "Lovelace" not in f"{event.detail} {event.object_ref}"


def test_nobody_changes_or_deletes_the_trail_in_the_admin(client: Client) -> None:
    boss = User.objects.create_superuser("boss", "boss@example.com", "a long password 42")
    signed_in(client, boss)
    event = audit_record(
        actor=boss, roles=[], action=AuditAction.VIEW, what="record", patient_id=None,
        address=None, at=timezone.now(),
    )  # fmt: skip
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_nobody_changes_or_deletes_the_change_history_in_the_admin(client: Client) -> None:
    boss = User.objects.create_superuser("boss", "boss@example.com", "a long password 42")
    signed_in(client, boss)
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    entry = LogEntry.objects.get_for_object(ada).get()
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert (
        client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()
