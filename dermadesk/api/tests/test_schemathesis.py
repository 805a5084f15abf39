"""schemathesis against the OpenAPI document, over real HTTP to a live server.

Every operation is called with generated valid and invalid input; every answer must match
the document (status, body, content type), and no request may get a 5xx. The staff
endpoints are run once more with a valid token of a staff member who may do everything
they offer; schemathesis then also checks that each refuses the same request without it.

One check is left out: ``positive_data_acceptance`` counts any 400 to schema-valid input as
a fault, but some rules are not the schema's to say (an end date before the start date, a
range of more than 62 days); those get a 400 with a sentence saying why.
"""

import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from dermadesk.api.services import api_token_create
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import BookingChannel, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture
def api_server(transactional_db: None, live_server: LiveServer, settings: Settings) -> str:
    call_command("demo", verbosity=0)
    settings.API_RATE_LIMIT = "100000/m"  # the generator sends thousands of requests
    return live_server.url


def schemathesis(url: str, directory: Path, *options: str) -> None:
    result = subprocess.run(  # noqa: S603 -- our own tool and our own live server
        [
            str(SCHEMATHESIS), "run", f"{url}/api/openapi.json",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "30", "--seed", "20261201",
            "--phases", "examples,coverage,fuzzing", "--no-color", *options,
        ],
        capture_output=True, text=True, timeout=900, check=False, cwd=directory,
    )  # fmt: skip
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_every_api_answer_matches_its_document_and_none_is_a_server_error(
    api_server: str, tmp_path: Path
) -> None:
    schemathesis(api_server, tmp_path)


def test_the_staff_endpoints_with_a_valid_token_match_their_document(
    api_server: str, tmp_path: Path
) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    patient = Patient.objects.create(
        given_name="Grace", family_name="Hopper", email="grace@example.com",
        phone="+12175550123", date_of_birth=date(1985, 12, 9),
    )  # fmt: skip
    now = timezone.now()
    location = Location.objects.get(slug="springfield")
    tomorrow = now.astimezone(location.zone).date() + timedelta(days=2)
    booking = booking_create(
        service=Service.objects.get(slug="micro-needling"), location=location,
        start=datetime.combine(tomorrow, time(10), tzinfo=location.zone), now=now,
        channel=BookingChannel.STAFF, patient_id=patient.pk,
    )  # fmt: skip
    # A booking that exists, so moving and cancelling get past "not found".
    (tmp_path / "schemathesis.toml").write_text(
        f'[parameters]\n"path.booking_id" = "{booking.public_id}"\n'
    )
    secret = api_token_create(user=desk, name="schemathesis", now=now).secret
    schemathesis(
        api_server,
        tmp_path,
        "--include-tag",
        "staff",
        "--header",
        f"Authorization: Bearer {secret}",
    )
