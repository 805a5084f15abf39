"""The Nu HTML Checker finds no error on the patient's aftercare pages: the instructions,
the check-in (asked, answered wrong, answered), the rest of a course."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from dermadesk.aftercare.checkin import QUESTIONS
from dermadesk.aftercare.links import Purpose, guide_path, token_for
from dermadesk.aftercare.models import Aftercare
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import BookingChannel, Service
from dermadesk.scheduling.services import booking_check_in, booking_complete, booking_create
from tests.html.test_valid_html import clinic, vnu_errors

__all__ = ["clinic"]
pytestmark = [pytest.mark.html, pytest.mark.django_db]

VISIT = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 10:00 a.m. in Springfield


def test_every_aftercare_page_is_valid_html(clinic: Location, tmp_path: Path) -> None:
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth="1990-01-01",
    )  # fmt: skip
    desk = User.objects.create_user("desk", is_staff=True)
    booking = booking_create(
        service=Service.objects.get(slug="micro-needling-prp"), location=clinic, start=VISIT,
        now=VISIT - timedelta(days=1), channel=BookingChannel.STAFF, by_staff=True,
        patient_id=patient.pk,
    )  # fmt: skip
    booking_check_in(booking=booking, by=desk, now=VISIT)
    booking_complete(booking=booking, by=desk, now=VISIT + timedelta(hours=2))
    aftercare = Aftercare.objects.get()
    day3 = aftercare.check_ins.get(kind="day3")
    check_in = f"/aftercare/check-in/{token_for(Purpose.CHECK_IN, day3.pk)}/"
    client = Client()
    pages: dict[str, str] = {}
    with time_machine.travel(day3.due_at + timedelta(hours=1), tick=False):
        pages["guide"] = client.get(guide_path(aftercare)).content.decode()
        pages["check-in"] = client.get(check_in).content.decode()
        pages["check-in-errors"] = client.post(check_in, {}).content.decode()
        answers = {q.key: "no" for q in QUESTIONS} | {"fever": "yes"}
        pages["check-in-done"] = client.post(check_in, answers, follow=True).content.decode()
        course = f"/aftercare/course/{token_for(Purpose.COURSE, aftercare.pk)}/"
        pages["course"] = client.get(course).content.decode()
        pages["expired"] = ""
    with time_machine.travel(aftercare.links_expire_at, tick=False):
        pages["expired"] = client.get(guide_path(aftercare)).content.decode()
    for name, html in pages.items():
        assert "<h1>" in html, name
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    errors = vnu_errors(tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
