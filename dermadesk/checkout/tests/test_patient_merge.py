"""Two records of one person merged: everything moves to the kept record in one transaction,
or nothing does; both numbers get a MERGE row in the audit trail."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import User

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.checkout.patient_merge import MergeRefused, merge_preview, patient_merge
from dermadesk.clinic.models import Location
from dermadesk.patients.demo import create_demo_consents
from dermadesk.patients.models import ConsentDocument, ConsentSignature, Patient
from dermadesk.patients.services import consent_sign
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Series, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.screening.demo import create_demo_questionnaire
from dermadesk.screening.models import Questionnaire, ScreeningResponse
from dermadesk.screening.services import screening_submit
from dermadesk.screening.tests.conftest import no_to_everything
from dermadesk.waitlist.models import EntryStatus, WaitlistEntry

pytestmark = pytest.mark.django_db


def visit(clinic: Location, patient: Patient, provider: str, hour: int) -> Booking:
    """A consultation on Thursday 26 November at ``hour`` in Springfield."""
    doctor = Resource.objects.get(location=clinic, name=provider)
    return booking_create(
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=datetime(2026, 11, 26, hour, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        preferences=[Preference(role="clinician", resource=str(doctor.pk), required=True)],
        patient_id=patient.pk,
        by_staff=True,
    )


@pytest.fixture
def twins(clinic: Location) -> tuple[Patient, Patient]:
    """Ada's record, and a second one she made with another email address."""
    kept = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550101", date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    removed = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada.l@example.org",
        phone="", date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    return kept, removed


@pytest.fixture
def manager(db: None) -> User:
    return User.objects.create_user("mgr", first_name="Mia", is_staff=True)


def merge(kept: Patient, removed: Patient, manager: User) -> None:
    patient_merge(
        kept_id=kept.pk, removed_id=removed.pk, actor=manager, roles=["Manager"],
        address="203.0.113.9", now=NOW,
    )  # fmt: skip


def test_visits_courses_screenings_consents_and_waitlist_places_move_and_the_other_goes(
    clinic: Location, twins: tuple[Patient, Patient], manager: User
) -> None:
    kept, removed = twins
    with time_machine.travel(NOW, tick=False):
        theirs = visit(clinic, removed, "Dr. Avery Demo", 10)
        mine = visit(clinic, kept, "Dr. Avery Demo", 12)
        course = Series.objects.create(
            location=clinic, service=Service.objects.get(slug="micro-needling-prp"),
            patient=removed, sessions_planned=4,
        )  # fmt: skip
        create_demo_questionnaire()
        screening = screening_submit(
            patient=removed, questionnaire=Questionnaire.objects.get(published=True),
            answers=no_to_everything(
                Questionnaire.objects.get(published=True), service_slug="micro-needling"
            ),
            service=Service.objects.get(slug="micro-needling"), treatment_date=date(2026, 12, 10),
            now=NOW,
        )  # fmt: skip
        create_demo_consents(now=NOW - timedelta(days=1))
        signature = consent_sign(
            patient=removed, document=ConsentDocument.objects.get(kind="micro_needling"),
            typed_name="Ada Lovelace", now=NOW, ip_address=None, user_agent="", booking=theirs,
        )  # fmt: skip
        place = WaitlistEntry.objects.create(
            location=clinic, service=Service.objects.get(slug="consultation"),
            given_name="Ada", family_name="Lovelace", email="ADA.L@example.org", phone="",
            first_day=date(2026, 12, 1), last_day=date(2026, 12, 9),
            status=EntryStatus.WAITING, created_at=NOW,
        )  # fmt: skip
        merge(kept, removed, manager)

    assert not Patient.objects.filter(pk=removed.pk).exists()
    assert set(Booking.objects.filter(patient=kept)) == {theirs, mine}
    assert Series.objects.get(pk=course.pk).patient == kept
    assert ScreeningResponse.objects.get(pk=screening.pk).patient == kept
    assert ConsentSignature.objects.get(pk=signature.pk).patient == kept
    place.refresh_from_db()
    assert (place.email, place.phone) == ("ada@example.com", "+12175550101")
    merges = AuditEvent.objects.filter(action=AuditAction.MERGE).order_by("patient_id")
    assert [(e.patient_id, e.actor, e.address) for e in merges] == [
        (kept.pk, manager, "203.0.113.9"),
        (removed.pk, manager, "203.0.113.9"),
    ]
    assert all(f"Record {removed.pk} merged into" in e.detail for e in merges)
    moved = LogEntry.objects.get_for_object(theirs).filter(action=LogEntry.Action.UPDATE)
    assert moved.get().changes_dict["patient"] == [str(removed.pk), str(kept.pk)]


def test_two_visits_at_the_same_time_refuse_the_merge_and_nothing_changes(
    clinic: Location, twins: tuple[Patient, Patient], manager: User
) -> None:
    kept, removed = twins
    with time_machine.travel(NOW, tick=False):
        visit(clinic, kept, "Dr. Avery Demo", 10)
        theirs = visit(clinic, removed, "Jordan Demo, RN", 10)
        with pytest.raises(MergeRefused, match="One person cannot be at both"):
            merge(kept, removed, manager)
    assert Patient.objects.filter(pk=removed.pk).exists()
    assert Booking.objects.get(pk=theirs.pk).patient == removed
    assert not AuditEvent.objects.filter(action=AuditAction.MERGE).exists()


def test_a_record_is_not_merged_into_itself_or_into_one_that_is_gone(
    twins: tuple[Patient, Patient], manager: User
) -> None:
    kept, removed = twins
    with pytest.raises(MergeRefused, match="same record"):
        merge(kept, kept, manager)
    gone = Patient(pk=removed.pk + 100)
    with pytest.raises(MergeRefused, match="no longer exists"):
        merge(kept, gone, manager)


def test_the_preview_counts_what_would_move_without_moving_it(
    clinic: Location, twins: tuple[Patient, Patient]
) -> None:
    kept, removed = twins
    with time_machine.travel(NOW, tick=False):
        visit(clinic, removed, "Dr. Avery Demo", 10)
    preview = merge_preview(kept=kept, removed=removed)
    assert preview.possible
    assert preview.moves["visits"] == 1 and preview.moves["screenings"] == 0
    assert Booking.objects.filter(patient=removed).count() == 1
