from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dermadesk.clinic.models import Location
from dermadesk.patients.models import ConsentDocument, ConsentKind, ConsentSignature, Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import (
    ConsentNotCurrent,
    NameMismatch,
    consent_document_publish,
    consent_sign,
)
from dermadesk.patients.tests.conftest import NOW
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.models import Booking, BookingChannel, Service
from dermadesk.scheduling.services import booking_create

LATER = NOW + timedelta(days=1)


def document(kind: ConsentKind) -> ConsentDocument:
    return ConsentDocument.objects.get(kind=kind, version=1)


def service(slug: str) -> Service:
    return Service.objects.get(slug=slug)


def sign(patient: Patient, kind: ConsentKind, **fields: object) -> ConsentSignature:
    values: dict[str, object] = {
        "patient": patient,
        "document": document(kind),
        "typed_name": "Anna Smith",
        "now": LATER,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone)",
    }
    return consent_sign(**(values | fields))  # type: ignore[arg-type]


def kinds(items: tuple[object, ...]) -> list[str]:
    return [item.document.kind for item in items]  # type: ignore[attr-defined]


def test_signing_keeps_the_exact_version_name_time_and_address(consents: None) -> None:
    patient = make_patient()
    signature = sign(patient, ConsentKind.MICRO_NEEDLING, typed_name="  anna   SMITH ")
    stored = ConsentSignature.objects.get()
    assert stored == signature
    assert stored.document == document(ConsentKind.MICRO_NEEDLING)
    assert (stored.typed_name, stored.signed_at) == ("anna SMITH", LATER)
    assert (stored.ip_address, stored.user_agent) == ("203.0.113.7", "Mozilla/5.0 (iPhone)")


def test_a_name_that_is_not_the_patients_is_refused_with_a_clear_message(
    consents: None,
) -> None:
    with pytest.raises(NameMismatch) as caught:
        sign(make_patient(), ConsentKind.MICRO_NEEDLING, typed_name="Anna Jones")
    assert str(caught.value) == (
        "The name you typed does not match the name in your details. Please type your full "
        "name, your first name and your family name, as you gave them to us."
    )
    assert not ConsentSignature.objects.exists()


def test_an_outdated_version_cannot_be_signed(consents: None) -> None:
    old = document(ConsentKind.MICRO_NEEDLING)
    new = ConsentDocument.objects.create(kind=old.kind, title=old.title, body="Updated.")
    consent_document_publish(document=new, now=NOW)
    with pytest.raises(ConsentNotCurrent):
        sign(make_patient(), ConsentKind.MICRO_NEEDLING)


def test_a_draft_cannot_be_signed(consents: None) -> None:
    draft = ConsentDocument.objects.create(kind=ConsentKind.PHOTOS, title="Draft", body="x")
    with pytest.raises(ConsentNotCurrent):
        sign(make_patient(), ConsentKind.PHOTOS, document=draft)


def test_signing_twice_for_the_same_booking_keeps_one_signature(consents: None) -> None:
    location = Location.objects.get()
    booking = booking_create(
        service=service("micro-needling"),
        location=location,
        start=datetime(2026, 11, 26, 9, tzinfo=location.zone),
        now=NOW,
        channel=BookingChannel.WEB,
    )
    patient = make_patient()
    first = sign(patient, ConsentKind.MICRO_NEEDLING, booking=booking)
    assert sign(patient, ConsentKind.MICRO_NEEDLING, booking=booking) == first
    assert ConsentSignature.objects.get().booking == Booking.objects.get()


def test_micro_needling_needs_its_consent_and_offers_photo_consent(consents: None) -> None:
    status = consent_status(patient=make_patient(), service=service("micro-needling"), now=LATER)
    assert kinds(status.items) == ["micro_needling", "photos"]
    assert kinds(status.pending) == ["micro_needling"]
    assert kinds(status.optional) == ["photos"]
    assert not status.complete


def test_prp_needs_the_prp_consent(consents: None) -> None:
    patient = make_patient()
    sign(patient, ConsentKind.MICRO_NEEDLING)
    status = consent_status(patient=patient, service=service("micro-needling-prp"), now=LATER)
    assert kinds(status.pending) == ["micro_needling_prp"]


def test_a_signed_required_consent_completes_the_status(consents: None) -> None:
    patient = make_patient()
    sign(patient, ConsentKind.MICRO_NEEDLING)
    status = consent_status(patient=patient, service=service("micro-needling"), now=LATER)
    assert status.complete
    assert kinds(status.signed) == ["micro_needling"]
    assert kinds(status.optional) == ["photos"]


def test_a_consultation_needs_no_consent(consents: None) -> None:
    status = consent_status(patient=make_patient(), service=service("consultation"), now=LATER)
    assert status.items == () and status.complete


def test_a_new_version_must_be_signed_again_and_the_earlier_signature_is_shown(
    consents: None,
) -> None:
    patient = make_patient()
    earlier = sign(patient, ConsentKind.MICRO_NEEDLING)
    old = document(ConsentKind.MICRO_NEEDLING)
    new = ConsentDocument.objects.create(kind=old.kind, title=old.title, body="Updated.")
    new.services.set(old.services.all())
    consent_document_publish(document=new, now=LATER + timedelta(hours=1))
    status = consent_status(
        patient=patient, service=service("micro-needling"), now=LATER + timedelta(hours=2)
    )
    (item,) = status.pending
    assert (item.document, item.signature, item.earlier_signature) == (new, None, earlier)


def test_consent_status_takes_three_queries(consents: None) -> None:
    patient = make_patient()
    sign(patient, ConsentKind.MICRO_NEEDLING)
    mn = service("micro-needling")
    with CaptureQueriesContext(connection) as queries:
        consent_status(patient=patient, service=mn, now=LATER)
    assert len(queries) == 3


def test_the_demo_consents_cover_what_a_patient_must_know(consents: None) -> None:
    for kind in (ConsentKind.MICRO_NEEDLING, ConsentKind.MICRO_NEEDLING_PRP):
        body = document(kind).body
        for heading in (
            "## What happens during your visit",
            "## What it may do for you",
            "## Side effects you should expect",
            "## Rare risks",
            "## Other options",
            "## What we ask of you",
            "## Your right to change your mind",
        ):
            assert heading in body, (kind, heading)
        assert "within 24 hours" in body and "three days" in body
    assert "blood" in document(ConsentKind.MICRO_NEEDLING_PRP).body
    assert not document(ConsentKind.PHOTOS).required
