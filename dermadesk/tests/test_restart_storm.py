"""A booking storm through the public API, with the app server and the task worker killed
(SIGKILL) and started again in the middle of it, on PostgreSQL.

gunicorn (``DEBUG=0``) and ``manage.py db_worker`` run as they do in production, sending
email to a real SMTP server (aiosmtpd). Patients, each from an address of their own, hold
one of a few popular times and book it (screening answers, consent, the email proof), and
try again on a connection cut by the kill. Afterwards the database must hold no overlap and
no half-written booking: each booking has all its allocations, each confirmed one its
patient, consents, answers and emails, each patient a booking, each email a booking; and
every confirmation reached the mail server once the sweep ran.
"""

import http.client
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from pytest_django.fixtures import Settings

from dermadesk.api.tests.calls import answers_for
from dermadesk.checkout.signin import email_proof_issue
from dermadesk.notifications.delivery import outbox_sweep
from dermadesk.notifications.models import MessageStatus, OutboundMessage, TemplateKey
from dermadesk.notifications.tests.conftest import database_url
from dermadesk.notifications.tests.smtp_sink import SmtpSink
from dermadesk.patients.models import Patient, PatientAccount
from dermadesk.patients.queries import consent_status
from dermadesk.scheduling.models import ACTIVE_STATUSES, Booking, BookingStatus
from dermadesk.screening.models import ScreeningResponse
from dermadesk.tests.servers import (
    HOST,
    free_port,
    kill,
    production_environment,
    start_gunicorn,
    start_worker,
    stop,
    wait_until_up,
)

pytestmark = [pytest.mark.once, pytest.mark.django_db(transaction=True)]

PATIENTS = 30
SERVICES = ("micro-needling", "micro-needling-prp", "consultation")
POPULAR_TIMES = 6
HOLD_TRIES = 3  # the time chosen, then up to two of the times offered instead
# The first kill once this many answers came back, the second once as many more came
# back from the restarted server; the patients still busy then meet the second restart.
ANSWERS_BETWEEN_KILLS = 15
GIVE_UP_SECONDS = 30  # a patient keeps trying through the restarts for this long
OVERLAPS_SQL = """
    SELECT COUNT(*) FROM scheduling_allocation a
    JOIN scheduling_allocation b
      ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


class Cut(Exception):
    """The connection failed: refused while the server was down, or reset by the kill."""


@dataclass
class Storm:
    base: str
    answered: Counter[str] = field(default_factory=Counter)  # "POST /api/holds 201"
    cuts: int = 0
    booking_in_flight: int = 0  # POST /api/bookings sent, not yet answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, path: str, body: dict[str, Any], address: str) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 -- our own server on 127.0.0.1
            self.base + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": address},
        )
        booking = path == "/api/bookings"
        with self.lock:
            self.booking_in_flight += booking
        try:
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    status, text = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read()
        except (OSError, http.client.HTTPException) as error:
            # refused, reset, closed without an answer, or cut in the middle of one
            with self.lock:
                self.cuts += 1
            raise Cut from error
        finally:
            with self.lock:
                self.booking_in_flight -= booking
        with self.lock:
            self.answered[f"POST {path.split('/')[2]} {status}"] += 1
        return status, json.loads(text or b"null")

    def total_answered(self) -> int:
        with self.lock:
            return sum(self.answered.values())


def patient(number: int) -> dict[str, str]:
    letters = "".join(chr(ord("a") + int(digit)) for digit in f"{number:02d}")
    return {
        "given_name": "Storm",
        "family_name": f"Patient {letters.title()}",
        "email": f"storm.{letters}@example.com",
        "phone": f"(217) 555-01{number % 100:02d}",
        "date_of_birth": "1980-06-15",
    }


def one_patient_books(storm: Storm, number: int, slug: str, start: str, answers: Any) -> None:
    """Hold ``start`` (or, when taken, one of the times offered instead), then book it;
    through cuts, try again until ``GIVE_UP_SECONDS``. A booking tried again after a cut
    may find its hold booked already (404): the first try got through before the kill."""
    person, address = patient(number), f"198.51.100.{number + 1}"
    deadline = time.monotonic() + GIVE_UP_SECONDS
    hold_id, tries = None, 0
    while hold_id is None and tries < HOLD_TRIES and time.monotonic() < deadline:
        try:
            status, answer = storm.post(
                "/api/holds", {"service": slug, "location": "springfield", "start": start},
                address,
            )  # fmt: skip
        except Cut:
            time.sleep(0.2)
            continue
        tries += 1
        if status == 201:
            hold_id = answer["hold_id"]
        elif status == 409 and answer["alternatives"]:
            start = random.choice(answer["alternatives"][:3])  # as people pick, not all alike
        else:
            return
    body = {
        "hold_id": hold_id,
        "email_proof": email_proof_issue(PatientAccount(email=person["email"])),
        "patient": person,
        "answers": answers,
        "consent": {
            "typed_name": f"{person['given_name']} {person['family_name']}",
            "accept_policies": True,
        },
    }
    while hold_id is not None and time.monotonic() < deadline:
        try:
            storm.post("/api/bookings", body, address)
            return
        except Cut:
            time.sleep(0.2)


def popular_times(base: str, day: date) -> list[str]:
    """The first starts of ``day`` that every service offers."""
    common: set[str] | None = None
    for slug in SERVICES:
        url = f"{base}/api/services/{slug}/availability?start={day}&end={day + timedelta(1)}"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            starts = {slot["start"] for slot in json.loads(response.read())["slots"]}
        common = starts if common is None else common & starts
    assert common, f"no time on {day} that every service offers"
    return sorted(common)[:POPULAR_TIMES]


def wait_for_answers(storm: Storm, count: int) -> None:
    """Until ``count`` answers came back, then (for a few seconds at most) until a booking
    is on its way, so that the kill most likely cuts one in the middle of its transaction."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while storm.total_answered() < count:
        assert time.monotonic() < deadline, f"only {storm.answered} answered"
        time.sleep(0.01)
    deadline = time.monotonic() + 3
    while not storm.booking_in_flight and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)  # into the request's transaction


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    smtp = SmtpSink()
    smtp.start()
    yield smtp
    smtp.stop()


def test_killing_the_server_and_worker_mid_storm_leaves_no_overlap_and_nothing_half_written(
    tmp_path: Path, sink: SmtpSink, settings: Settings
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the restart storm runs on PostgreSQL (make test's PostgreSQL step)")
    call_command("demo", verbosity=0)
    answers = {slug: answers_for(slug) for slug in SERVICES}
    port = free_port()
    env = production_environment(
        tmp_path,
        DATABASE_URL=database_url(),
        BEHIND_PROXY="1",  # each patient's own address, as our proxy would pass it on
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(sink.port),
        EMAIL_TIMEOUT="5",
        DB_CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
    )
    log = (tmp_path / "servers.log").open("wb")
    server, worker = start_gunicorn(env, port, workers=3, log=log), start_worker(env, log)
    storm = Storm(base=f"http://{HOST}:{port}")
    try:
        wait_until_up(storm.base, server)
        day = timezone.localdate() + timedelta(days=2)
        times = popular_times(storm.base, day)
        slugs = [SERVICES[number % len(SERVICES)] for number in range(PATIENTS)]
        patients = [
            threading.Thread(
                target=one_patient_books,
                args=(storm, number, slug, times[number % len(times)], answers[slug]),
            )
            for number, slug in enumerate(slugs)
        ]
        for thread in patients:
            thread.start()
        answered_before_kills: list[int] = []
        bookings_cut: list[int] = []  # bookings on their way at each kill
        for _ in range(2):
            wait_for_answers(storm, (answered_before_kills or [0])[-1] + ANSWERS_BETWEEN_KILLS)
            answered_before_kills.append(storm.total_answered())
            bookings_cut.append(storm.booking_in_flight)
            kill(server)  # the whole gunicorn group: master and workers, mid-request
            kill(worker)
            server, worker = start_gunicorn(env, port, workers=3, log=log), start_worker(env, log)
        for thread in patients:
            thread.join(timeout=GIVE_UP_SECONDS + 30)
        assert not any(thread.is_alive() for thread in patients)
    finally:
        stop(server)
        stop(worker)
        log.close()

    # Whatever the killed worker left "sending" or never picked up: the sweep sends it.
    settings.MAILERS = {"default": sink.mailer()}
    settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = 0
    outbox_sweep(now=timezone.now())

    bookings = Booking.objects.annotate(allocated=Count("allocations"))
    confirmed = bookings.filter(status=BookingStatus.CONFIRMED)
    print(
        f"\nRestart storm: {dict(storm.answered)}, {storm.cuts} connections cut, kills after "
        f"{answered_before_kills} answers with {bookings_cut} bookings on their way, "
        f"{confirmed.count()} booked, "
        f"{bookings.filter(status=BookingStatus.HELD).count()} still held"
    )
    # The kills came in the middle: answers before each, cut connections, answers after.
    assert storm.cuts > 0
    assert storm.total_answered() > answered_before_kills[-1] > answered_before_kills[0] > 0
    # No 5xx, nor anything but the answers a storm gives.
    assert set(storm.answered) <= {
        "POST holds 201", "POST holds 409", "POST bookings 201", "POST bookings 404",
    }, storm.answered  # fmt: skip
    assert storm.answered["POST bookings 404"] <= storm.cuts

    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        assert cursor.fetchone()[0] == 0
    # Every booking has all its allocations, active while the booking keeps its time.
    assert confirmed.exists()
    for booking in bookings.select_related("service"):
        same_service = bookings.filter(service=booking.service).values_list("allocated", flat=True)
        assert booking.allocated > 0 and set(same_service) == {booking.allocated}
        active = set(booking.allocations.values_list("active", flat=True))
        assert active == {booking.status in ACTIVE_STATUSES}
    # Every confirmed booking has its patient, consents, answers and confirmation, sent.
    now = timezone.now()
    for booking in confirmed.select_related("patient", "service"):
        assert booking.patient is not None
        consents = consent_status(patient=booking.patient, service=booking.service, now=now)
        assert consents.complete
        if booking.service.requires_screening:
            assert ScreeningResponse.objects.filter(patient=booking.patient).exists()
        message = OutboundMessage.objects.get(
            idempotency_key=f"booking:{booking.pk}:0:confirmation"
        )
        assert message.status == MessageStatus.SENT
        assert sink.copies_by_message_id()[message.message_id] >= 1
    # Nothing outside a booking: no patient without one, no email about none, no hold
    # answered "booked" without its booking.
    assert not Patient.objects.filter(bookings__isnull=True).exists()
    booking_emails = OutboundMessage.objects.filter(idempotency_key__startswith="booking:")
    for key in booking_emails.values_list("idempotency_key", flat=True):
        assert confirmed.filter(pk=int(key.split(":")[1])).exists(), key
    assert booking_emails.filter(template_key=TemplateKey.BOOKING_CONFIRMATION).count() == (
        confirmed.count()
    )
    assert storm.answered["POST bookings 201"] <= confirmed.count()
