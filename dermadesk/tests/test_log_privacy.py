"""Nothing a patient tells us reaches the log, even with every logger at DEBUG.

A whole booking through the API (the email code sent through a real SMTP server and typed
back, the hold, the booking with screening answers, the emails delivered by the task
worker, one of them refused by the server with the address quoted in its reply), with the
log configured as ``LOG_LEVEL=DEBUG`` configures it and every other logger opened to
DEBUG too; then every captured line is searched for the patient's details, answers and
secrets.
"""

import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from dermadesk.api.tests.calls import answers_for
from dermadesk.logs import KEPT_ABOVE_DEBUG, logging_config
from dermadesk.notifications.models import MessageStatus, OutboundMessage, TemplateKey
from dermadesk.notifications.tests.smtp_sink import SmtpSink
from dermadesk.notifications.tests.test_faults import run_worker_batch
from dermadesk.patients.models import Patient

PATIENT = {
    "given_name": "Philippa",
    "family_name": "Quennell-Ashdown",
    "email": "philippa.quennell@example.org",
    "phone": "(217) 555-0187",
    "date_of_birth": "1987-03-14",
}
# Every way the details could be written into a line: as typed, stored, or repr()'d.
PATIENT_TRACES = [
    "Philippa", "Quennell", "philippa.quennell", "555-0187", "5550187", "+12175550187",
    "1987-03-14", "03/14/1987", "14 March 1987", "March 14, 1987", "1987, 3, 14",
]  # fmt: skip
# The answers that are hers: a history of cold sores, skin type V, the backs of the hands.
ANSWER_TRACES = ["cold_sores", "cold sore", "antiviral", "HSV", "Very rarely burns", "Backs of"]
# The test's own SMTP server logs each conversation (in production it is another machine).
NOT_OURS = ("mail.log",)


class Capture(logging.Handler):
    """Every record, formatted with its logger's name and any traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.levels: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(NOT_OURS):
            return
        self.levels.add(record.levelno)
        self.lines.append(self.format(record))


@pytest.fixture
def debug_log() -> Iterator[Capture]:
    """The log as ``LOG_LEVEL=DEBUG`` sets it up, every other logger at DEBUG as well, and
    queries going through Django's debug cursor (so the SQL log would have lines to write)."""
    config = logging_config("DEBUG")
    logging.config.dictConfig(config)
    opened: list[tuple[logging.Logger, int]] = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name not in config["loggers"]:
            opened.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
    capture = Capture()
    logging.root.addHandler(capture)
    connection.force_debug_cursor = True
    try:
        yield capture
    finally:
        connection.force_debug_cursor = False
        logging.root.removeHandler(capture)
        for logger, level in opened:
            logger.setLevel(level)
        logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def sink(settings: Settings, transactional_db: None) -> Iterator[SmtpSink]:
    """The demo clinic, its email going to a real SMTP server."""
    call_command("demo", verbosity=0)
    smtp = SmtpSink()
    smtp.start()
    settings.MAILERS = {"default": smtp.mailer()}
    yield smtp
    smtp.stop()


def api(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def first_free_start(client: Client) -> str:
    today = timezone.localdate()
    end = today + timedelta(days=14)
    answer = client.get(f"/api/services/micro-needling/availability?start={today}&end={end}").json()
    return str(answer["slots"][0]["start"])


@pytest.mark.django_db(transaction=True)
def test_a_whole_booking_at_debug_level_logs_no_patient_detail_answer_or_secret(
    sink: SmtpSink, debug_log: Capture
) -> None:
    client = Client()
    assert api(client, "/api/email-codes", {"email": PATIENT["email"]}).status_code == 202
    run_worker_batch()  # the code goes out through SMTP
    code = re.search(r"\b(\d{6})\b", sink.received[-1].text)
    assert code is not None
    proof = api(client, "/api/email-proofs", {"email": PATIENT["email"], "code": code[1]})
    assert proof.status_code == 201, proof.content
    held = api(client, "/api/holds", {"service": "micro-needling",
                                      "location": "springfield",
                                      "start": first_free_start(client)})  # fmt: skip
    assert held.status_code == 201, held.content
    # From here on the mail server refuses her address, quoting it in its reply.
    sink.refuse.add(PATIENT["email"])
    booked = api(client, "/api/bookings", {
        "hold_id": held.json()["hold_id"],
        "email_proof": proof.json()["email_proof"],
        "patient": PATIENT,
        "answers": answers_for("micro-needling", cold_sores="yes", skin_type="V",
                               treatment_area="hands"),
        "consent": {"typed_name": "Philippa Quennell-Ashdown", "accept_policies": True},
    })  # fmt: skip
    assert booked.status_code == 201, booked.content
    run_worker_batch()  # the confirmation: refused for good (550)

    confirmation = OutboundMessage.objects.get(template_key=TemplateKey.BOOKING_CONFIRMATION)
    assert confirmation.status == MessageStatus.FAILED
    assert Patient.objects.get().family_name == "Quennell-Ashdown"  # she was stored
    # The scan had something to scan: DEBUG lines, and the refusal with the server's words.
    assert logging.DEBUG in debug_log.levels
    assert "SMTPRecipientsRefused: 550 5.1.1 <[address]>: Recipient address rejected" in (
        "\n".join(debug_log.lines)
    )
    assert_not_logged(debug_log, [code[1], json.loads(booked.content)["manage_token"]])
    # Staff see the outbox's error, and the address it failed for is in the row already.
    assert PATIENT["email"] not in confirmation.last_error


@pytest.mark.django_db(transaction=True)
def test_a_whole_booking_through_the_pages_at_debug_level_logs_no_patient_detail(
    sink: SmtpSink, debug_log: Capture
) -> None:
    client = Client()
    start = first_free_start(client)
    day = start[:10]
    assert client.get(f"/book/micro-needling/{day}/").status_code == 200
    held = client.post("/book/micro-needling/hold/", {"start": start})
    assert held["Location"] == "/book/details/", held.content
    assert client.get("/book/details/").status_code == 200
    asked = client.post("/book/details/", PATIENT)
    assert asked["Location"] == "/book/verify/", asked.content
    run_worker_batch()  # the code goes out through SMTP
    code = re.search(r"\b(\d{6})\b", sink.received[-1].text)
    assert code is not None
    assert client.get("/book/verify/").status_code == 200
    assert client.post("/book/verify/", {"code": code[1]})["Location"] == "/book/screening/"
    assert client.get("/book/screening/").status_code == 200
    answers = answers_for("micro-needling", cold_sores="yes", skin_type="V", treatment_area="hands")
    assert client.post("/book/screening/", answers)["Location"] == "/book/consent/"
    assert client.get("/book/consent/").status_code == 200
    signed = client.post(
        "/book/consent/", {"typed_name": "Philippa Quennell-Ashdown", "policies": "on"}
    )
    assert signed["Location"] == "/book/confirm/"
    assert "Philippa" in client.get("/book/confirm/").text  # the page shows her details
    done = client.post("/book/confirm/", follow=True)
    assert "You are booked" in done.text
    token = done.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/book/manage/{token}/").status_code == 200
    run_worker_batch()  # the confirmation goes out
    assert any("Philippa" in message.text for message in sink.received)
    assert logging.DEBUG in debug_log.levels
    assert_not_logged(debug_log, [code[1], token])


def assert_not_logged(capture: Capture, secrets: list[str]) -> None:
    """No trace of the patient, her answers or her secrets in any captured line."""
    for trace in [*PATIENT_TRACES, *ANSWER_TRACES, *secrets]:
        leaks = [line for line in capture.lines if trace.lower() in line.lower()]
        assert not leaks, f"{trace!r} is in the log: {leaks[:2]}"


def test_the_sql_log_stays_above_debug_whatever_log_level_says() -> None:
    for level in ("DEBUG", "debug", "INFO", "WARNING"):
        loggers = logging_config(level)["loggers"]
        for name in KEPT_ABOVE_DEBUG:
            assert logging.getLevelName(loggers[name]["level"]) >= logging.INFO


@pytest.mark.django_db
def test_sql_at_debug_would_print_patient_details_which_is_why_it_is_kept_off() -> None:
    """The reason for the rule: Django's SQL log writes every query's parameters."""
    capture = Capture()
    sql = logging.getLogger("django.db.backends")
    sql.addHandler(capture)
    level = sql.level
    sql.setLevel(logging.DEBUG)  # setLevel, not .level: loggers cache what they let through
    connection.force_debug_cursor = True
    try:
        Patient.objects.filter(email=PATIENT["email"]).exists()
    finally:
        connection.force_debug_cursor = False
        sql.setLevel(level)
        sql.removeHandler(capture)
    assert any(PATIENT["email"] in line for line in capture.lines)


@pytest.mark.django_db
def test_a_logged_database_error_keeps_its_traceback_and_withholds_its_text() -> None:
    """PostgreSQL's unique violation quotes the row (``Key (email, …)=(…)``); should one
    reach the "Internal Server Error" log, the console handler prints where, not what."""
    details = {
        "given_name": "Philippa", "family_name": "Quennell-Ashdown",
        "email": PATIENT["email"], "phone": "+12175550187", "date_of_birth": date(1987, 3, 14),
    }  # fmt: skip
    Patient.objects.create(**details)
    handler = logging.StreamHandler(io.StringIO())
    for name, spec in logging_config("INFO")["filters"].items():
        handler.addFilter(spec["()"]())
        assert name in logging_config("INFO")["handlers"]["console"]["filters"]
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        with transaction.atomic():
            Patient.objects.create(**details)
    except IntegrityError:
        logger.exception("Internal Server Error: %s", "/book/confirm/")
    finally:
        logger.removeHandler(handler)
    printed = handler.stream.getvalue()
    assert "Internal Server Error: /book/confirm/" in printed
    assert "IntegrityError: (text withheld" in printed
    assert "test_log_privacy.py" in printed  # where it happened is still there
    assert "philippa" not in printed.lower()
    assert "1987" not in printed
