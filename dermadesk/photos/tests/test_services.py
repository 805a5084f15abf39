"""Uploads, uses, consents and ratings: what is kept, what is refused, what is audited."""

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import TypedDict

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.patients.models import Patient
from dermadesk.photos.imaging import PhotoRefused
from dermadesk.photos.models import (
    ClinicalPhoto,
    ConsentChannel,
    PhotoConsent,
    SessionRating,
)
from dermadesk.photos.services import (
    PhotoError,
    UseNotConsented,
    photo_consent_give,
    photo_consent_withdraw,
    photo_upload,
    photo_use,
    session_rate,
)
from dermadesk.photos.tests import images
from dermadesk.photos.tests.conftest import THURSDAY_8_AM
from dermadesk.scheduling.models import Booking

LATER = THURSDAY_8_AM + timedelta(minutes=20)


class Stamp(TypedDict):
    roles: list[str]
    address: str


STAFF = Stamp(roles=["Clinician"], address="127.0.0.1")


def upload(session: Booking, by: User, data: bytes, moment: str = "before") -> ClinicalPhoto:
    return photo_upload(
        booking=session, area="cheeks", moment=moment, source=io.BytesIO(data),
        size=len(data), by=by, now=LATER, **STAFF,
    )  # fmt: skip


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.usefixtures("chart_consent")
def test_an_uploaded_jpeg_is_stored_privately_without_exif_under_a_random_name(
    session: Booking, avery: User
) -> None:
    photo = upload(session, avery, images.jpeg_with_gps())
    [path] = stored_files()
    name = str(photo.image.name)
    assert path == Path(settings.PRIVATE_MEDIA_ROOT) / name
    # A random token and nothing else (not the patient's name: "ada" may be hex digits).
    assert re.fullmatch(r"photos/2026/11/[0-9a-f]{32}\.jpg", name)
    assert path.stat().st_mode & 0o777 == 0o600
    with Image.open(path) as stored:
        assert dict(stored.getexif()) == {} and "exif" not in stored.info
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 64, 48)
    assert photo.size_bytes == path.stat().st_size
    [event] = AuditEvent.objects.filter(action=AuditAction.CREATE, what="photo")
    assert event.object_ref == f"photos.clinicalphoto:{photo.pk}"


@pytest.mark.usefixtures("chart_consent")
def test_a_heic_photo_is_stored_as_jpeg(session: Booking, avery: User) -> None:
    photo = upload(session, avery, images.heic_with_gps())
    assert (photo.decoded_as, photo.content_type) == ("HEIF", "image/jpeg")
    assert str(photo.image.name).endswith(".jpg")


@pytest.mark.usefixtures("chart_consent")
def test_a_text_file_is_refused_and_nothing_is_stored(session: Booking, avery: User) -> None:
    with pytest.raises(PhotoRefused):
        upload(session, avery, b"not a photo at all")
    assert not ClinicalPhoto.objects.exists() and stored_files() == []


def test_no_photo_without_the_patients_consent_for_their_record(
    session: Booking, avery: User
) -> None:
    with pytest.raises(UseNotConsented, match="not consented to photos for the treatment record"):
        upload(session, avery, images.jpeg_with_gps())
    assert not ClinicalPhoto.objects.exists() and stored_files() == []


@pytest.mark.usefixtures("chart_consent")
def test_no_photo_before_the_patient_is_checked_in(visit: Booking, avery: User) -> None:
    with pytest.raises(PhotoError, match="once the patient is checked in"):
        upload(visit, avery, images.jpeg_with_gps())
    assert stored_files() == []


@pytest.mark.usefixtures("chart_consent")
def test_a_photo_consented_for_the_chart_only_cannot_be_used_for_marketing(
    session: Booking, avery: User
) -> None:
    photo = upload(session, avery, images.jpeg_with_gps())
    with pytest.raises(UseNotConsented, match="not consented to photos for marketing"):
        photo_use(photo_id=photo.pk, purpose="marketing", by=avery, now=LATER, **STAFF)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.usefixtures("chart_consent")
def test_teaching_use_holds_while_consented_and_is_refused_again_after_withdrawal(
    session: Booking, avery: User, patient: Patient
) -> None:
    photo = upload(session, avery, images.jpeg_with_gps())
    photo_consent_give(
        patient_id=patient.pk, purpose="teaching", channel=ConsentChannel.PORTAL, by=None,
        roles=[], address=None, now=LATER,
    )  # fmt: skip
    used = photo_use(photo_id=photo.pk, purpose="teaching", by=avery, now=LATER, **STAFF)
    assert used == photo
    [export] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert (export.detail, export.patient_id) == ("for teaching", patient.pk)

    withdrawn_at = LATER + timedelta(hours=1)
    photo_consent_withdraw(
        patient_id=patient.pk, purpose="teaching", channel=ConsentChannel.IN_CLINIC,
        by=avery, now=withdrawn_at, **STAFF,
    )  # fmt: skip
    with pytest.raises(UseNotConsented, match="withdrawn their consent to photos for teaching"):
        photo_use(photo_id=photo.pk, purpose="teaching", by=avery, now=withdrawn_at, **STAFF)


def test_consents_keep_their_history_and_one_holds_per_purpose(
    patient: Patient, avery: User, chart_consent: PhotoConsent
) -> None:
    again = photo_consent_give(
        patient_id=patient.pk, purpose="chart", channel=ConsentChannel.IN_CLINIC, by=avery,
        now=LATER, **STAFF,
    )  # fmt: skip
    assert again == chart_consent  # giving it again while it holds changes nothing
    photo_consent_withdraw(
        patient_id=patient.pk, purpose="chart", channel=ConsentChannel.IN_CLINIC, by=avery,
        now=LATER, **STAFF,
    )  # fmt: skip
    photo_consent_give(
        patient_id=patient.pk, purpose="chart", channel=ConsentChannel.PORTAL, by=None,
        roles=[], address=None, now=LATER + timedelta(days=1),
    )  # fmt: skip
    rows = PhotoConsent.objects.filter(patient=patient).order_by("pk")
    assert [(c.channel, c.withdrawn_at is not None) for c in rows] == [
        ("in_clinic", True),
        ("portal", False),
    ]
    assert rows[0].recorded_by == avery and rows[0].withdrawn_by == avery
    assert rows[1].recorded_by is None


def test_withdrawing_what_was_never_given_is_refused(patient: Patient, avery: User) -> None:
    with pytest.raises(PhotoError, match="no consent to photos for marketing to withdraw"):
        photo_consent_withdraw(
            patient_id=patient.pk, purpose="marketing", channel=ConsentChannel.IN_CLINIC,
            by=avery, now=LATER, **STAFF,
        )  # fmt: skip


def test_a_consent_in_the_clinic_names_the_staff_member_who_recorded_it(patient: Patient) -> None:
    with pytest.raises(PhotoError, match="recorded by a staff member"):
        photo_consent_give(
            patient_id=patient.pk, purpose="chart", channel=ConsentChannel.IN_CLINIC, by=None,
            roles=[], address=None, now=LATER,
        )  # fmt: skip


def test_a_rating_by_the_same_rater_replaces_the_last_and_each_is_audited(
    session: Booking, avery: User
) -> None:
    session_rate(booking=session, rater="clinician", score=3, note="", by=avery, now=LATER, **STAFF)
    session_rate(
        booking=session, rater="clinician", score=4, note="  Finer   pores ", by=avery,
        now=LATER, **STAFF,
    )  # fmt: skip
    [rating] = SessionRating.objects.all()
    assert (rating.score, rating.note) == (4, "Finer pores")
    assert list(
        AuditEvent.objects.filter(what="result rating").order_by("pk").values_list("action")
    ) == [(AuditAction.CREATE,), (AuditAction.CHANGE,)]


@pytest.mark.parametrize("score", [0, 6])
def test_a_rating_is_1_to_5(session: Booking, avery: User, score: int) -> None:
    with pytest.raises(PhotoError, match="from 1"):
        session_rate(
            booking=session, rater="patient", score=score, note="", by=avery, now=LATER, **STAFF
        )


@pytest.mark.usefixtures("chart_consent")
def test_the_patient_is_locked_before_the_photo_is_written_on_postgresql(
    session: Booking, avery: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are PostgreSQL's; SQLite serialises writers instead.")
    with CaptureQueriesContext(connection) as queries:
        upload(session, avery, images.jpeg_with_gps())
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "patients_patient" in q)
    consents = next(i for i, q in enumerate(sql) if 'FROM "photos_photoconsent"' in q)
    write = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "photos_clinicalphoto"'))
    assert lock < consents < write
