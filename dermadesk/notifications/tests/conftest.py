from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from dermadesk.notifications.rendering import Clinic
from dermadesk.notifications.sms import LocmemSmsBackend, SentSms

# A Wednesday afternoon in Springfield (America/Chicago, UTC-6 in November).
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)

SPRINGFIELD = Clinic(
    name="Dermadesk Skin Clinic, Springfield",
    phone="(217) 555-0142",
    email="hello@example.com",
    time_zone="America/Chicago",
    address_lines=("100 Example Avenue, Suite 2", "Springfield, IL 62701"),
)


@pytest.fixture
def clinic() -> Clinic:
    return SPRINGFIELD


@pytest.fixture
def sms_outbox(settings: Settings) -> Iterator[list[SentSms]]:
    settings.SMS_BACKEND = "dermadesk.notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


def ready_tasks() -> int:
    return DBTaskResult.objects.ready().count()


def database_url() -> str:
    """The test database as a DATABASE_URL, for subprocesses that must share it."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )
