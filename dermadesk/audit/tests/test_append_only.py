"""The audit trail is written, never changed or deleted, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dermadesk.audit.models import AppendOnly, AuditAction, AuditEvent
from dermadesk.audit.services import audit_record

pytestmark = pytest.mark.django_db


def event() -> AuditEvent:
    return audit_record(
        actor=None, roles=[], action=AuditAction.VIEW, what="record", patient_id=1,
        address="192.0.2.1", at=timezone.now(),
    )  # fmt: skip


def test_the_app_refuses_to_change_or_delete_an_event() -> None:
    row = event()
    row.what = "nothing"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=row.pk).update(what="nothing")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().what == "record"


def test_the_database_refuses_an_update_behind_the_apps_back() -> None:
    row = event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET what = 'nothing' WHERE id = %s", [row.pk])
    assert AuditEvent.objects.get().what == "record"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_behind_the_apps_back() -> None:
    row = event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()
