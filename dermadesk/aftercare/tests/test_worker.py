"""The check-ins and the course reminder, sent by the real worker with the clock frozen: at
a day and three days in the clinic's zone, once each, never after a cancelled visit, never
twice when two workers run."""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from pytest_django.fixtures import Settings

from dermadesk.aftercare.links import Purpose, token_for
from dermadesk.aftercare.models import Aftercare, CheckIn, SendStatus
from dermadesk.aftercare.services import aftercare_sweep, check_in_send
from dermadesk.aftercare.tests.conftest import VisitMaker
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.notifications.sms import LocmemSmsBackend
from dermadesk.patients.models import Patient
from dermadesk.patients.sms_consent import sms_consent_give, sms_consent_words
from dermadesk.scheduling.models import Booking, BookingStatus

Complete = Callable[[Booking, datetime], Booking]
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """The db_worker loop, in this process: every task that is ready now, then return."""
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="aftercare-test",
        excluded_queue_names=[],
    ).run()  # fmt: skip


def emails(to: str = "ada@example.com") -> list[str]:
    """The subjects of the aftercare emails sent to ``to`` (not the booking's own)."""
    return [
        str(message.subject)
        for message in mail.outbox
        if to in message.to and not message.subject.startswith("Your visit")
    ]


def local(clinic: Location, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=clinic.zone)


@pytest.fixture
def completed(clinic: Location, visit: VisitMaker, complete: Complete) -> Booking:
    """A micro-needling visit on Thursday 26 November at 10:00 in Springfield (America/
    Chicago), its planned end before noon, marked completed at 12:00."""
    booking = visit("micro-needling", hour=10)
    with time_machine.travel(local(clinic, 26, 12), tick=False):
        complete(booking, local(clinic, 26, 12))
        run_worker()  # the instructions go out at once
    return booking


@pytest.fixture(autouse=True)
def clean_outboxes(settings: Settings) -> Iterator[None]:
    settings.SMS_BACKEND = "dermadesk.notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def test_the_instructions_go_out_when_the_visit_is_completed(completed: Booking) -> None:
    assert emails() == ["Looking after your skin after your Micro-Needling session"]
    body = next(m.body for m in mail.outbox if m.subject.startswith("Looking after"))
    assert "/aftercare/" in body
    assert "Phone: (217) 555-0142" in body


def test_check_ins_go_out_a_day_and_three_days_later_in_the_clinics_zone(
    clinic: Location, completed: Booking
) -> None:
    ended = Aftercare.objects.get().session_ended_at.astimezone(clinic.zone)
    a_day_later = ended + timedelta(days=1)
    with time_machine.travel(a_day_later - timedelta(minutes=1), tick=False):
        run_worker()
        assert aftercare_sweep(now=a_day_later - timedelta(minutes=1)) == Counter()
    assert len(emails()) == 1
    with time_machine.travel(a_day_later, tick=False):
        run_worker()
    assert emails()[1:] == ["How is your skin a day after your session?"]
    assert "/aftercare/check-in/" in mail.outbox[-1].body
    three_days = ended.replace(day=ended.day + 3)
    with time_machine.travel(three_days - timedelta(minutes=1), tick=False):
        run_worker()
    assert len(emails()) == 2
    with time_machine.travel(three_days, tick=False):
        run_worker()
    assert emails()[2:] == ["How is your skin three days after your session?"]
    with time_machine.travel(three_days + timedelta(days=5), tick=False):
        run_worker()
        assert aftercare_sweep(now=three_days + timedelta(days=5)) == Counter()
    assert len(emails()) == 3  # once each
    assert set(CheckIn.objects.values_list("status", flat=True)) == {SendStatus.SENT}


def test_the_sweep_sends_what_a_lost_task_left(clinic: Location, completed: Booking) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the worker's rows lost: only the sweep is left
    for kind in ("day1", "day3"):
        due = CheckIn.objects.get(kind=kind).due_at + timedelta(hours=2)  # the sweep was late
        with time_machine.travel(due, tick=False):
            assert aftercare_sweep(now=due) == Counter({"check-ins": 1})
            run_worker()  # the outbox's delivery
    assert emails()[1:] == [
        "How is your skin a day after your session?",
        "How is your skin three days after your session?",
    ]


def test_no_check_in_goes_out_after_a_cancelled_visit(clinic: Location, completed: Booking) -> None:
    # The visit was marked completed by mistake and put right (cancelled) in the admin.
    Booking.objects.filter(pk=completed.pk).update(status=BookingStatus.CANCELLED)
    later = CheckIn.objects.get(kind="day3").due_at + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        run_worker()
        aftercare_sweep(now=later)
    assert len(emails()) == 1  # the instructions only, sent at completion
    assert set(CheckIn.objects.values_list("status", flat=True)) == {SendStatus.SKIPPED}


def test_a_check_in_a_day_late_is_not_sent(clinic: Location, completed: Booking) -> None:
    day1 = CheckIn.objects.get(kind="day1")
    too_late = day1.due_at + timedelta(days=1, minutes=1)
    assert not check_in_send(check_in_id=day1.pk, now=too_late)
    day1.refresh_from_db()
    assert day1.status == SendStatus.SKIPPED


def test_two_workers_racing_send_each_check_in_once(clinic: Location, completed: Booking) -> None:
    day1 = CheckIn.objects.get(kind="day1")
    racers = 6
    barrier = threading.Barrier(racers)
    results: list[bool] = []
    lock = threading.Lock()

    def race() -> None:
        try:
            barrier.wait()
            sent = check_in_send(check_in_id=day1.pk, now=day1.due_at)
            with lock:
                results.append(sent)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (racers - 1) + [True]
    assert OutboundMessage.objects.filter(idempotency_key__contains="check-in-day1").count() == 1


def test_two_worker_loops_send_each_check_in_once(clinic: Location, completed: Booking) -> None:
    day1 = CheckIn.objects.get(kind="day1").due_at
    with time_machine.travel(day1, tick=False):
        workers = [threading.Thread(target=run_and_close) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        run_worker()
    assert emails()[1:] == ["How is your skin a day after your session?"]


def run_and_close() -> None:
    try:
        run_worker()
    finally:
        connection.close()


def test_a_patient_who_agreed_to_texts_gets_the_check_in_by_text_too(
    clinic: Location, visit: VisitMaker, complete: Complete, patient: Patient
) -> None:
    sms_consent_give(
        patient=patient, phone_shown=patient.phone, ip_address="203.0.113.9", user_agent="test",
        wording=sms_consent_words(clinic_name=clinic.name, phone=patient.phone),
        now=local(clinic, 25, 12),
    )  # fmt: skip
    booking = visit("micro-needling", hour=10)
    with time_machine.travel(local(clinic, 26, 12), tick=False):
        complete(booking, local(clinic, 26, 12))
    day1 = CheckIn.objects.get(kind="day1").due_at
    with time_machine.travel(day1, tick=False):
        run_worker()
    texts = [(sms.to, sms.body) for sms in LocmemSmsBackend.outbox]
    assert [to for to, _ in texts] == ["+12175550142", "+12175550142"]
    assert "how is your skin a day after your session?" in texts[1][1]
    assert "/aftercare/check-in/" in texts[1][1]


def test_a_patient_who_did_not_agree_gets_no_text(clinic: Location, completed: Booking) -> None:
    day1 = CheckIn.objects.get(kind="day1").due_at
    with time_machine.travel(day1, tick=False):
        run_worker()
    assert LocmemSmsBackend.outbox == []
    assert len(emails()) == 2


def test_the_stored_words_lose_the_link_once_sent(clinic: Location, completed: Booking) -> None:
    message = OutboundMessage.objects.get(idempotency_key__endswith="instructions:email")
    assert message.status == "sent"
    token = token_for(Purpose.GUIDE, Aftercare.objects.get().pk)
    assert token in next(m.body for m in mail.outbox if m.subject.startswith("Looking after"))
    assert token not in message.text_body  # staff screens and backups never hold the key
