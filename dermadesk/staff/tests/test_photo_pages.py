"""Clinical photos in the back office: uploaded from a phone, kept without metadata, sent
only to those allowed (each look audited), used beyond the record only as consented."""

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.photos.models import ClinicalPhoto, ConsentChannel, PhotoConsent, SessionRating
from dermadesk.photos.queries import course_results_of, session_photos
from dermadesk.photos.services import photo_consent_give, photo_consent_withdraw
from dermadesk.photos.tests import images
from dermadesk.photos.tests.conftest import THURSDAY_8_AM, book_visit
from dermadesk.scheduling.models import Booking, BookingStatus, Resource, Series, Service
from dermadesk.scheduling.services import booking_check_in
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LATER = THURSDAY_8_AM + timedelta(minutes=30)


@pytest.fixture(autouse=True)
def thursday_morning() -> Iterator[None]:
    with time_machine.travel(LATER, tick=False):
        yield


@pytest.fixture
def avery(clinic: Location) -> User:
    provider = Resource.objects.get(location=clinic, name="Dr. Avery Demo")
    return staff_member("avery", Role.CLINICIAN, provider=provider)


@pytest.fixture
def jordan(clinic: Location) -> User:
    """A clinician who does not treat Ada."""
    provider = Resource.objects.get(location=clinic, name="Jordan Demo, RN")
    return staff_member("jordan", Role.CLINICIAN, provider=provider)


@pytest.fixture
def manager(clinic: Location) -> User:
    return staff_member("morgan", Role.MANAGER)


@pytest.fixture
def visit(clinic: Location, patient: Patient, avery: User) -> Booking:
    with time_machine.travel(NOW, tick=False):
        return book_visit(clinic, patient, "Dr. Avery Demo", 10)


@pytest.fixture
def session(visit: Booking, avery: User) -> Booking:
    return booking_check_in(booking=visit, by=avery, now=THURSDAY_8_AM)


def give(patient: Patient, purpose: str, by: User) -> PhotoConsent:
    return photo_consent_give(
        patient_id=patient.pk, purpose=purpose, channel=ConsentChannel.IN_CLINIC, by=by,
        roles=["Clinician"], address=None, now=THURSDAY_8_AM,
    )  # fmt: skip


@pytest.fixture
def chart_consent(patient: Patient, avery: User) -> PhotoConsent:
    return give(patient, "chart", avery)


def post_photo(
    client: Client,
    session: Booking,
    data: bytes,
    *,
    name: str = "IMG_0001.jpg",
    area: str = "cheeks",
    moment: str = "before",
    content_type: str = "image/jpeg",
) -> "TestResponse":
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        f"/staff/visits/{session.pk}/photos/", {"area": area, "moment": moment, "image": upload}
    )  # fmt: skip


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def photo_made(session: Booking, avery: User, moment: str = "before") -> ClinicalPhoto:
    response = post_photo(
        signed_in(Client(), avery), session, images.jpeg_with_gps(), moment=moment
    )
    assert response.status_code == 302, response.content.decode()
    return ClinicalPhoto.objects.latest("pk")


# Upload


@pytest.mark.usefixtures("chart_consent")
def test_a_jpeg_with_gps_is_kept_without_exif_and_shown_on_the_session_page(
    session: Booking, avery: User
) -> None:
    client = signed_in(Client(), avery)
    response = post_photo(client, session, images.jpeg_with_gps())
    assert response.status_code == 302
    assert response["Location"] == f"/staff/visits/{session.pk}/photos/#area-cheeks"
    photo = ClinicalPhoto.objects.get()
    with Image.open(Path(settings.PRIVATE_MEDIA_ROOT) / str(photo.image.name)) as stored:
        assert dict(stored.getexif()) == {}
        assert not {"exif", "comment"} & set(stored.info)
    page = client.get(response["Location"]).content.decode()
    assert "The photo of the cheeks, before, is kept." in page
    assert f'src="/staff/photos/{photo.pk}/thumbnail/"' in page
    assert 'alt="Cheeks, before the treatment (photo' in page


@pytest.mark.usefixtures("chart_consent")
def test_a_heic_photo_is_accepted_and_kept_as_jpeg(session: Booking, avery: User) -> None:
    response = post_photo(
        signed_in(Client(), avery), session, images.heic_with_gps(), name="IMG_0002.HEIC",
        content_type="image/heic",
    )  # fmt: skip
    assert response.status_code == 302
    photo = ClinicalPhoto.objects.get()
    assert (photo.decoded_as, photo.content_type) == ("HEIF", "image/jpeg")


@pytest.mark.usefixtures("chart_consent")
def test_a_text_file_renamed_jpg_is_a_400_that_says_so_and_nothing_is_stored(
    session: Booking, avery: User
) -> None:
    response = post_photo(signed_in(Client(), avery), session, b"Just some words.\n" * 20)
    assert response.status_code == 400
    assert "This file is not a photo we can keep" in response.content.decode()
    assert not ClinicalPhoto.objects.exists() and stored_files() == []
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE, what="photo").exists()


@pytest.mark.usefixtures("chart_consent")
def test_a_decompression_bomb_is_a_clear_400(session: Booking, avery: User) -> None:
    response = post_photo(
        signed_in(Client(), avery), session, images.png_claiming(60_000, 60_000), name="a.png"
    )
    assert response.status_code == 400
    assert "far more pixels than a photo has" in response.content.decode()
    assert stored_files() == []


@pytest.mark.usefixtures("chart_consent")
def test_a_photo_over_the_size_limit_is_a_413(
    session: Booking, avery: User, settings: Settings
) -> None:
    settings.PHOTO_MAX_MEGABYTES = 1
    response = post_photo(signed_in(Client(), avery), session, b"\xff\xd8" + bytes(1_200_000))
    assert response.status_code == 413
    assert "photos of up to 1 MB are kept" in response.content.decode()
    assert stored_files() == []


def test_without_photo_consent_the_page_says_so_and_an_upload_is_refused(
    session: Booking, avery: User
) -> None:
    client = signed_in(Client(), avery)
    page = client.get(f"/staff/visits/{session.pk}/photos/").content.decode()
    assert "has not consented to photos for their treatment record" in page
    assert 'type="file"' not in page
    response = post_photo(client, session, images.jpeg_with_gps())
    assert response.status_code == 409
    assert stored_files() == []


@pytest.mark.usefixtures("chart_consent")
def test_before_check_in_no_photo_is_taken(visit: Booking, avery: User) -> None:
    client = signed_in(Client(), avery)
    page = client.get(f"/staff/visits/{visit.pk}/photos/").content.decode()
    assert "Photos are added once the patient is checked in" in page
    assert post_photo(client, visit, images.jpeg_with_gps()).status_code == 409


@pytest.mark.usefixtures("chart_consent")
def test_the_upload_form_opens_the_camera_on_a_phone(session: Booking, avery: User) -> None:
    page = signed_in(Client(), avery).get(f"/staff/visits/{session.pk}/photos/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/*"' in page and 'capture="environment"' in page


# Sending a photo


@pytest.mark.usefixtures("chart_consent")
def test_a_photo_is_sent_private_uncached_with_its_type_and_the_look_audited(
    session: Booking, avery: User, patient: Patient
) -> None:
    photo = photo_made(session, avery)
    before = AuditEvent.objects.count()
    response = signed_in(Client(), avery).get(f"/staff/photos/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert Image.open(io.BytesIO(response.content)).size == (64, 48)
    [event] = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
    assert (event.action, event.what, event.patient_id) == ("view", "photo", patient.pk)


@pytest.mark.usefixtures("chart_consent")
def test_a_thumbnail_is_sent_the_same_way(session: Booking, avery: User) -> None:
    photo = photo_made(session, avery)
    response = signed_in(Client(), avery).get(f"/staff/photos/{photo.pk}/thumbnail/")
    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == (
        "image/jpeg",
        "private, no-store",
    )


@pytest.mark.usefixtures("chart_consent")
def test_a_missing_file_is_a_404(session: Booking, avery: User) -> None:
    photo = photo_made(session, avery)
    for path in stored_files():
        path.unlink()
    assert signed_in(Client(), avery).get(f"/staff/photos/{photo.pk}/").status_code == 404


# Who may


@pytest.mark.usefixtures("chart_consent")
def test_front_desk_and_another_clinician_get_403_on_every_photo_url(
    session: Booking, avery: User, jordan: User, desk: User, patient: Patient
) -> None:
    photo = photo_made(session, avery)
    asks = [
        ("get", f"/staff/visits/{session.pk}/photos/", {}),
        ("post", f"/staff/visits/{session.pk}/photos/", {"area": "cheeks", "moment": "after"}),
        ("post", f"/staff/visits/{session.pk}/rating/", {"rater": "patient", "score": "4"}),
        ("get", f"/staff/photos/{photo.pk}/", {}),
        ("get", f"/staff/photos/{photo.pk}/thumbnail/", {}),
        ("post", f"/staff/photos/{photo.pk}/export/", {"purpose": "teaching"}),
        ("post", f"/staff/patients/{patient.pk}/photo-consent/", {"purpose": "teaching",
                                                                  "change": "give"}),
        ("get", f"/staff/patients/{patient.pk}/results/", {}),
    ]  # fmt: skip
    seen = AuditEvent.objects.count()
    for user in (desk, jordan):
        client = signed_in(Client(), user)
        for method, url, data in asks:
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (user.username, method, url)
    assert AuditEvent.objects.count() == seen  # nothing shown, nothing written
    assert not PhotoConsent.objects.filter(purpose="teaching").exists()
    assert not SessionRating.objects.exists()


@pytest.mark.usefixtures("chart_consent")
def test_the_front_desk_sees_no_photo_section_on_the_record(
    patient: Patient, desk: User, avery: User, session: Booking
) -> None:
    assert (
        'id="photos"'
        not in signed_in(Client(), desk).get(f"/staff/patients/{patient.pk}/").content.decode()
    )
    assert (
        'id="photos"'
        in signed_in(Client(), avery).get(f"/staff/patients/{patient.pk}/").content.decode()
    )


# One audit event per page


@pytest.mark.usefixtures("chart_consent")
def test_each_photo_page_writes_one_audit_event(
    session: Booking, avery: User, patient: Patient
) -> None:
    photo = photo_made(session, avery)
    give(patient, "teaching", avery)
    client = signed_in(Client(), avery)
    asks = [
        ("get", f"/staff/visits/{session.pk}/photos/", {}, ("view", "session photos")),
        ("get", f"/staff/photos/{photo.pk}/", {}, ("view", "photo")),
        ("get", f"/staff/photos/{photo.pk}/thumbnail/", {}, ("view", "photo thumbnail")),
        ("get", f"/staff/patients/{patient.pk}/results/", {}, ("view", "results over a course")),
        ("post", f"/staff/photos/{photo.pk}/export/", {"purpose": "teaching"}, ("export", "photo")),
        ("post", f"/staff/patients/{patient.pk}/photo-consent/",
         {"purpose": "marketing", "change": "give"}, ("create", "photo consent")),
        ("post", f"/staff/visits/{session.pk}/rating/",
         {"rater": "clinician", "score": "4", "note": "Finer pores"}, ("create", "result rating")),
    ]  # fmt: skip
    for method, url, data, expected in asks:
        last = AuditEvent.objects.order_by("pk").last()
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), url
        new = AuditEvent.objects.filter(pk__gt=last.pk if last else 0)
        assert [(e.action, e.what) for e in new] == [expected], url
        assert all(e.patient_id == patient.pk for e in new)


# Use beyond the record


@pytest.mark.usefixtures("chart_consent")
def test_a_photo_consented_for_the_chart_only_cannot_be_exported_for_marketing(
    session: Booking, avery: User
) -> None:
    photo = photo_made(session, avery)
    response = signed_in(Client(), avery).post(
        f"/staff/photos/{photo.pk}/export/", {"purpose": "marketing"}
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "has not consented to photos for marketing" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.usefixtures("chart_consent")
def test_teaching_export_works_while_consented_and_is_refused_after_withdrawal(
    session: Booking, avery: User, patient: Patient
) -> None:
    photo = photo_made(session, avery)
    client = signed_in(Client(), avery)
    page = client.get(f"/staff/visits/{session.pk}/photos/").content.decode()
    assert "Download for teaching" not in page
    give(patient, "teaching", avery)
    assert (
        "Download for teaching"
        in client.get(f"/staff/visits/{session.pk}/photos/").content.decode()
    )
    export = client.post(f"/staff/photos/{photo.pk}/export/", {"purpose": "teaching"})
    assert export.status_code == 200
    assert export["Content-Disposition"] == f'attachment; filename="teaching-photo-{photo.pk}.jpg"'
    assert export["Cache-Control"] == "private, no-store"

    response = client.post(
        f"/staff/patients/{patient.pk}/photo-consent/",
        {"purpose": "teaching", "change": "withdraw"},
    )
    assert response.status_code == 302
    again = client.post(f"/staff/photos/{photo.pk}/export/", {"purpose": "teaching"})
    assert again.status_code == 409
    assert "withdrawn their consent to photos for teaching" in again.content.decode()


# Consent on the record


def test_consent_is_recorded_and_withdrawn_from_the_record_with_its_history(
    patient: Patient, avery: User, session: Booking
) -> None:
    client = signed_in(Client(), avery)
    response = client.post(
        f"/staff/patients/{patient.pk}/photo-consent/", {"purpose": "chart", "change": "give"},
        follow=True,
    )  # fmt: skip
    text = response.content.decode()
    assert "Consent to photos for treatment record only is recorded." in text
    assert "recorded by Avery" in text
    response = client.post(
        f"/staff/patients/{patient.pk}/photo-consent/", {"purpose": "chart", "change": "withdraw"},
        follow=True,
    )  # fmt: skip
    text = response.content.decode()
    assert "is withdrawn from now on" in text
    assert "Every photo consent given (1)" in text and "; withdrawn " in text


def test_withdrawing_a_consent_never_given_is_a_409_that_says_why(
    patient: Patient, avery: User, session: Booking
) -> None:
    response = signed_in(Client(), avery).post(
        f"/staff/patients/{patient.pk}/photo-consent/",
        {"purpose": "marketing", "change": "withdraw"},
    )
    assert response.status_code == 409
    assert "There is no consent to photos for marketing to withdraw." in response.content.decode()


def test_a_consent_form_with_an_unknown_purpose_is_a_400(
    patient: Patient, avery: User, session: Booking
) -> None:
    response = signed_in(Client(), avery).post(
        f"/staff/patients/{patient.pk}/photo-consent/", {"purpose": "selfies", "change": "give"}
    )
    assert response.status_code == 400
    assert not PhotoConsent.objects.exists()


# Ratings and results over a course


@pytest.mark.usefixtures("chart_consent")
def test_a_rating_is_saved_and_shown_with_its_words(session: Booking, avery: User) -> None:
    client = signed_in(Client(), avery)
    response = client.post(
        f"/staff/visits/{session.pk}/rating/",
        {"rater": "patient", "score": "5", "note": "Loves the glow"},
        follow=True,
    )
    text = response.content.decode()
    assert "The rating is saved with this session." in text
    assert "5: Much better. “Loves the glow”" in text


@pytest.mark.usefixtures("chart_consent")
def test_a_rating_without_a_score_is_a_400_that_says_what_is_missing(
    session: Booking, avery: User
) -> None:
    response = signed_in(Client(), avery).post(
        f"/staff/visits/{session.pk}/rating/", {"rater": "patient"}
    )
    assert response.status_code == 400
    assert "Please choose a rating from 1 to 5." in response.content.decode()
    assert not SessionRating.objects.exists()


@pytest.fixture
def course(clinic: Location, patient: Patient, avery: User) -> list[Booking]:
    """Three sessions of a course of four, attended (marked completed by hand)."""
    prp = Service.objects.get(slug="micro-needling-prp")
    series = Series.objects.create(
        location=clinic, service=prp, patient=patient, sessions_planned=4
    )
    sessions = []
    for number, days in enumerate((0, 28, 56), start=1):
        booking = Booking.objects.create(
            location=clinic, service=series.service, patient=patient,
            status=BookingStatus.COMPLETED, starts_at=THURSDAY_8_AM - timedelta(days=days),
            ends_at=THURSDAY_8_AM - timedelta(days=days) + timedelta(hours=1),
            channel="staff", series=series, series_number=4 - number,
        )  # fmt: skip
        sessions.append(booking)
    return sorted(sessions, key=lambda b: b.starts_at)


@pytest.mark.usefixtures("chart_consent")
def test_the_results_show_an_area_side_by_side_across_the_course_with_ratings(
    course: list[Booking], avery: User, manager: User, patient: Patient
) -> None:
    client = signed_in(Client(), manager)
    for booking in (course[0], course[2]):
        response = post_photo(client, booking, images.jpeg_with_gps(), area="forehead")
        assert response.status_code == 302
    client.post(f"/staff/visits/{course[2].pk}/rating/", {"rater": "clinician", "score": "4"})
    text = client.get(f"/staff/patients/{patient.pk}/results/").content.decode()
    assert "Micro-Needling with PRP: a course of 4 sessions" in text
    assert "<caption>Forehead</caption>" in text
    assert (
        text.index("Session 1 of 4") < text.index("Session 2 of 4") < text.index("Session 3 of 4")
    )
    first, third = ClinicalPhoto.objects.order_by("pk")
    assert f'alt="Forehead before, Session 1 of 4 (photo {first.pk})"' in text
    assert f'alt="Forehead before, Session 3 of 4 (photo {third.pk})"' in text
    assert "4: Clearly better" in text
    assert "What results depend on" in text and "Needle depth" in text and "Passes" in text
    assert "A course of 4 to 6 sessions about 4 weeks apart" in text


def test_the_reads_take_a_fixed_number_of_queries(
    course: list[Booking], django_assert_num_queries: DjangoAssertNumQueries, patient: Patient
) -> None:
    with django_assert_num_queries(3):
        course_results_of(patient.pk)
    with django_assert_num_queries(1):
        session_photos(course[0].pk)


def test_withdrawal_from_the_portal_shows_on_the_record(
    patient: Patient, avery: User, session: Booking, chart_consent: PhotoConsent
) -> None:
    photo_consent_withdraw(
        patient_id=patient.pk, purpose="chart", channel=ConsentChannel.PORTAL, by=None,
        roles=[], address=None, now=LATER,
    )  # fmt: skip
    text = signed_in(Client(), avery).get(f"/staff/patients/{patient.pk}/").content.decode()
    assert "(by the patient in the portal)" in text


@pytest.mark.usefixtures("chart_consent")
def test_a_damaged_file_is_a_404_not_a_500(session: Booking, avery: User) -> None:
    photo = photo_made(session, avery)
    [path] = stored_files()
    path.write_bytes(b"damaged on disk")
    response = signed_in(Client(), avery).get(f"/staff/photos/{photo.pk}/thumbnail/")
    assert response.status_code == 404
