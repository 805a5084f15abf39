"""The right-of-access copy: every record the patient has, and nothing of anyone else's;
as JSON and as a PDF; requested in the portal on a 30-day clock the staff answer."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.test import Client

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.booking.tests.test_flow import harmless_answers
from dermadesk.checkout.tests.signin import signed_in
from dermadesk.checkout.visit_forms import visit_screen, visit_sign
from dermadesk.clinic.models import Location
from dermadesk.interop.access import SECTIONS, access_copy
from dermadesk.patients.models import DataRequest, DataRequestStatus, Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.sms_consent import sms_consent_give
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in as staff_signed_in
from dermadesk.staff.tests.people import staff_member

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def full_record(location: Location, given: str, email: str, phone: str, hour: int) -> Patient:
    """A patient with a visit, health answers, signed consent, texts agreed and messages."""
    who = Patient.objects.create(
        given_name=given, family_name="Tester", email=email, phone=phone,
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    visit = booking_create(
        service=Service.objects.get(slug="micro-needling"), location=location,
        start=datetime(2026, 11, 27, hour, tzinfo=location.zone), now=NOW,
        channel=BookingChannel.WEB, patient_id=who.pk,
    )  # fmt: skip
    visit.refresh_from_db()
    visit_screen(booking=visit, answers=harmless_answers(visit.service), now=NOW)
    visit_sign(
        booking=visit, consents=consent_status(patient=who, service=visit.service, now=NOW),
        typed_name=f"{given} Tester", optional_kinds=(), ip_address="203.0.113.5",
        user_agent=f"{given}'s browser", now=NOW,
    )  # fmt: skip
    sms_consent_give(
        patient=who, phone_shown=phone, wording=f"{given} agrees", ip_address=None,
        user_agent="", now=NOW,
    )  # fmt: skip
    return who


def test_the_copy_holds_every_record_of_the_patient_and_nothing_of_another(
    clinic: Location,
) -> None:
    with time_machine.travel(NOW, tick=False):
        ada = full_record(clinic, "Ada", "ada@example.com", "+12175550142", 10)
        ben = full_record(clinic, "Ben", "ben@example.com", "+12175550199", 14)
        copy = access_copy(ada, now=NOW)
    sections = copy["sections"]
    assert sections["details"]["email"] == "ada@example.com"
    ada_visits = set(Booking.objects.filter(patient=ada).values_list("pk", flat=True))
    assert {v["visit number"] for v in sections["visits"]} == ada_visits
    assert len(sections["screenings"]) == ada.screening_responses.count() == 1
    assert {c["signed as"] for c in sections["consents"]} == {"Ada Tester"}
    assert len(sections["consents"]) == ada.consents.count()
    assert [a["words agreed to"] for a in sections["text_message_agreements"]] == ["Ada agrees"]
    assert sections["messages"] and {m["to"] for m in sections["messages"]} <= {
        "ada@example.com", "+12175550142",
    }  # fmt: skip
    text = json.dumps(copy)
    for trace in ("Ben", "ben@example.com", "+12175550199", "Ben's browser"):
        assert trace not in text
    ben_visit = Booking.objects.get(patient=ben)
    assert ben_visit.pk not in {v["visit number"] for v in sections["visits"]}


def test_every_table_that_points_to_patients_has_a_section() -> None:
    """A new kind of patient data (charts, photos) must join the copy as a section."""
    covered = {"scheduling.Booking", "scheduling.Series", "screening.ScreeningResponse",
               "patients.ConsentSignature", "patients.SmsConsent", "patients.DataRequest",
               "photos.ClinicalPhoto", "photos.PhotoConsent",
               "charting.Chart", "charting.Complication", "charting.RecallLetter",
               }  # fmt: skip
    pointing = {
        f"{model._meta.app_label}.{model.__name__}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.related_model is Patient
        and model._meta.app_label.startswith(
            ("patients", "scheduling", "screening", "charting", "photos", "aftercare", "waitlist")
        )
    }
    assert pointing <= covered, f"not in the copy: {sorted(pointing - covered)}"
    assert [s.key for s in SECTIONS][:2] == ["details", "visits"]


def test_the_portal_request_starts_the_clock_alerts_staff_and_opens_the_downloads(
    clinic: Location,
) -> None:
    with time_machine.travel(NOW, tick=False):
        ada = full_record(clinic, "Ada", "ada@example.com", "+12175550142", 10)
        client = signed_in(Client(), "ada@example.com")
        before = client.get(f"/portal/data/{ada.pk}/copy.json", follow=True)
        assert "Please ask for a copy first" in before.text
        client.post("/portal/data/request/", {"patient": ada.pk})
        client.post("/portal/data/request/", {"patient": ada.pk})  # one open request only
        request = DataRequest.objects.get()
        assert request.due_at == NOW + timedelta(days=30)
        assert Alert.objects.filter(kind=AlertKind.DATA_REQUEST).count() == 1
        data = json.loads(client.get(f"/portal/data/{ada.pk}/copy.json").content)
        assert data["sections"]["details"]["first name"] == "Ada"
        pdf = client.get(f"/portal/data/{ada.pk}/copy.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_another_records_copy_is_not_found(clinic: Location) -> None:
    with time_machine.travel(NOW, tick=False):
        Patient.objects.create(given_name="Ada", family_name="T", email="ada@example.com",
                               date_of_birth=date(1990, 4, 21))  # fmt: skip
        ben = Patient.objects.create(given_name="Ben", family_name="T", email="ben@example.com",
                                     date_of_birth=date(1990, 4, 21))  # fmt: skip
        DataRequest.objects.create(patient=ben, requested_at=NOW, due_at=NOW)
        client = signed_in(Client(), "ada@example.com")
        assert client.get(f"/portal/data/{ben.pk}/copy.json").status_code == 404
        assert client.get(f"/portal/data/{ben.pk}/copy.pdf").status_code == 404
        assert client.post("/portal/data/request/", {"patient": ben.pk}).status_code == 404


def test_managers_see_the_due_date_and_mark_a_request_answered(clinic: Location) -> None:
    with time_machine.travel(NOW, tick=False):
        ada = Patient.objects.create(given_name="Ada", family_name="T", email="ada@example.com",
                                     date_of_birth=date(1990, 4, 21))  # fmt: skip
        signed_in(Client(), "ada@example.com").post("/portal/data/request/", {"patient": ada.pk})
        manager: User = staff_member("boss", Role.MANAGER)
        client = staff_signed_in(Client(), manager)
        page = client.get("/staff/data-requests/").text
        assert "Friday 25 Dec 2026" in page or "25 Dec 2026" in page
        assert "30 days left" in page or "29 days left" in page
        request = DataRequest.objects.get()
        client.post(f"/staff/data-requests/{request.pk}/answered/", {"note": "PDF handed over"})
    request.refresh_from_db()
    assert request.status == DataRequestStatus.ANSWERED and request.answered_by == manager
    assert not Alert.objects.filter(kind=AlertKind.DATA_REQUEST, resolved_at=None).exists()
