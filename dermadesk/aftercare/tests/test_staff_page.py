"""Where a check-in's alert leads: the patient's aftercare in the back office, with the
answers, for the treating clinician and managers (audited), in a fixed number of queries."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from dermadesk.aftercare.checkin import QUESTIONS, Answer
from dermadesk.aftercare.models import Aftercare
from dermadesk.aftercare.queries import patient_aftercare
from dermadesk.aftercare.services import check_in_answer
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.audit.models import AuditEvent
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, Resource
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

Complete = Callable[[Booking, datetime], Booking]


@pytest.fixture
def answered(clinic: Location, visit: VisitMaker, complete: Complete) -> Aftercare:
    booking = visit("micro-needling", hour=10)
    complete(booking, datetime(2026, 11, 26, 12, 0, tzinfo=clinic.zone))
    aftercare = Aftercare.objects.get(booking=booking)
    day3 = aftercare.check_ins.get(kind="day3")
    answers = {q.key: Answer.NO for q in QUESTIONS} | {"redness": Answer.YES}
    check_in_answer(check_in=day3, answers=answers, now=day3.due_at + timedelta(hours=1))
    return aftercare


def test_the_treating_clinician_reads_the_answers(
    client: Client, answered: Aftercare, patient: Patient
) -> None:
    booking = answered.booking
    provider = Resource.objects.get(
        allocations__booking=booking, kind="provider"
    )  # the clinician of the visit
    clinician = staff_member("clin", Role.CLINICIAN, provider=provider)
    response = signed_in(client, clinician).get(f"/staff/patients/{patient.pk}/aftercare/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Aftercare of Ada Lovelace" in text
    assert "Is the treated skin still red?" in text
    assert "a clinician should call today (Still red three days after the session)" in text
    assert "Not answered." in text  # the day-one check-in
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, what="aftercare check-ins", actor=clinician
    ).exists()


def test_the_front_desk_may_not(client: Client, answered: Aftercare, patient: Patient) -> None:
    desk = staff_member("front", Role.FRONT_DESK)
    response = signed_in(client, desk).get(f"/staff/patients/{patient.pk}/aftercare/")
    assert response.status_code == 403
    assert "still red" not in response.content.decode()


def test_the_reads_are_three_queries_however_many_answers(
    answered: Aftercare, patient: Patient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    day1 = answered.check_ins.get(kind="day1")
    for _ in range(3):
        check_in_answer(
            check_in=day1, answers={q.key: Answer.NO for q in QUESTIONS}, now=timezone.now()
        )
    with django_assert_num_queries(3):
        sessions = patient_aftercare(patient.pk)
        answers = [a for s in sessions for c in s.check_ins.all() for a in c.answers.all()]
    assert len(answers) == 4
