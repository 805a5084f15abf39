"""Text messages: off until the patient agrees in the portal (the words, when and from
where kept), on only for the number agreed, stopped in the portal or by a STOP reply."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.notifications.models import Channel, OutboundMessage
from dermadesk.patients.models import SmsConsent, SmsConsentEnd
from dermadesk.patients.queries import sms_agreed
from dermadesk.patients.sms_consent import is_stop_reply, sms_consent_stop_number
from dermadesk.portal.tests.conftest import NOW, book, patient, portal_client


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def turn_on(client: Client, patient_id: int, phone: str = "+12175550142") -> int:
    return client.post(
        "/portal/preferences/sms/on/",
        {"patient": patient_id, "phone": phone, "agree": "yes"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Phone browser",
    ).status_code


def test_texts_are_off_until_the_patient_agrees_and_the_agreement_is_kept(
    clinic: Location,
) -> None:
    ada = patient()
    client = portal_client("ada@example.com")
    page = client.get("/portal/preferences/").text
    assert "Text messages are <strong>off</strong>" in page
    assert not sms_agreed(ada)
    assert turn_on(client, ada.pk) == 302
    consent = SmsConsent.objects.get(patient=ada)
    assert consent.phone == "+12175550142"
    assert consent.agreed_at == NOW
    assert consent.ip_address == "198.51.100.7" and consent.user_agent == "Phone browser"
    assert consent.wording in client.get("/portal/preferences/").text  # the words shown
    assert "I agree to receive text messages from Dermadesk Skin Clinic at +12175550142" in (
        consent.wording
    )
    assert sms_agreed(ada)


def test_agreeing_needs_the_box_ticked(clinic: Location) -> None:
    ada = patient()
    client = portal_client("ada@example.com")
    response = client.post("/portal/preferences/sms/on/", {"patient": ada.pk, "phone": ada.phone})
    assert response.status_code == 400
    assert not SmsConsent.objects.exists()


def test_another_patients_texts_cannot_be_turned_on(clinic: Location) -> None:
    patient()
    ben = patient(email="ben@example.com", given="Ben", phone="+12175550199")
    assert turn_on(portal_client("ada@example.com"), ben.pk, ben.phone) == 404
    assert not SmsConsent.objects.exists()


def test_the_patient_stops_texts_in_the_portal(clinic: Location) -> None:
    ada = patient()
    client = portal_client("ada@example.com")
    turn_on(client, ada.pk)
    response = client.post("/portal/preferences/sms/off/", {"patient": ada.pk}, follow=True)
    assert "Text messages are off" in response.text
    consent = SmsConsent.objects.get(patient=ada)
    assert consent.ended_how == SmsConsentEnd.PORTAL and not sms_agreed(ada)


def test_a_stop_reply_ends_every_agreement_for_the_number(clinic: Location) -> None:
    ada = patient()
    turn_on(portal_client("ada@example.com"), ada.pk)
    assert is_stop_reply(" Stop. ") and not is_stop_reply("stop by tomorrow?")
    assert sms_consent_stop_number(phone="+12175550142", now=NOW) == 1
    assert SmsConsent.objects.get().ended_how == SmsConsentEnd.REPLY_STOP
    assert not sms_agreed(ada)


def test_a_new_number_on_the_record_needs_a_new_agreement(clinic: Location) -> None:
    ada = patient()
    turn_on(portal_client("ada@example.com"), ada.pk)
    ada.phone = "+12175550100"
    ada.save()
    assert not sms_agreed(ada)


def test_a_patient_who_agreed_gets_the_day_before_reminder_by_text_too(clinic: Location) -> None:
    ada, ben = patient(), patient(email="ben@example.com", given="Ben", phone="+12175550199")
    turn_on(portal_client("ada@example.com"), ada.pk)
    book(ada, clinic, 30, 10)
    book(ben, clinic, 30, 11)
    texts = OutboundMessage.objects.filter(channel=Channel.SMS)
    assert [t.recipient for t in texts] == ["+12175550142"]
    assert texts[0].due_at == datetime(2026, 11, 29, 10, tzinfo=clinic.zone)
    assert "Reminder" in texts[0].text_body or "See you soon" in texts[0].text_body
