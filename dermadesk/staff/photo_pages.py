"""Clinical photos in the back office: a session's photos (uploaded from a phone or tablet,
rated), each photo sent through a view, a photo handed out for teaching or marketing, the
patient's photo consents recorded and withdrawn, and results over a course side by side.

Every page asks the policy for ``Action.PHOTOS`` for the photo's patient (the clinician who
treats them, and managers; never the front desk), and writes one event to the audit trail:
a look (``audit_view``) for a page or a photo sent, or, for a change, the event the photo
service writes in its own transaction. Photos are never served from a public path: they
leave only through ``photo``, ``photo_thumbnail`` and ``photo_export`` below, with
``Cache-Control: private, no-store``.
"""

from typing import IO, Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.limits.client import client_address
from dermadesk.patients.models import Patient
from dermadesk.photos.consent import PURPOSE_WORDS, Purpose, consented
from dermadesk.photos.imaging import PhotoRefused, thumbnail
from dermadesk.photos.models import (
    ClinicalPhoto,
    ConsentChannel,
    PhotoArea,
    PhotoMoment,
    PhotoPurpose,
)
from dermadesk.photos.queries import (
    consent_spans,
    course_results_of,
    photo_consents,
    session_photos,
)
from dermadesk.photos.results import RESULT_FACTORS
from dermadesk.photos.services import (
    SESSION_STATUSES,
    USES_BEYOND_THE_CHART,
    PhotoError,
    photo_consent_give,
    photo_consent_withdraw,
    photo_upload,
    photo_use,
    session_rate,
)
from dermadesk.photos.storage import private_photo_storage
from dermadesk.scheduling.models import Booking
from dermadesk.staff.pages import audit_view, not_allowed, staff_page, staff_user
from dermadesk.staff.patient_queries import clinic_zone
from dermadesk.staff.photo_forms import (
    PhotoConsentForm,
    PhotoExportForm,
    PhotoUploadForm,
    SessionRatingForm,
)
from dermadesk.staff.policy import may, roles_of
from dermadesk.staff.roles import Action

THUMBNAIL_PIXELS = 320
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def _session(booking_id: int) -> Booking:
    found = (
        Booking.objects.select_related("service", "location", "patient", "series")
        .filter(pk=booking_id, patient__isnull=False)
        .first()
    )
    if found is None:
        raise Http404("No visit of a patient has this number.")
    return found


def _patient(patient_id: int) -> Patient:
    found = Patient.objects.filter(pk=patient_id).first()
    if found is None:
        raise Http404("No patient has this record number.")
    return found


def _photo(photo_id: int) -> ClinicalPhoto:
    found = ClinicalPhoto.objects.filter(pk=photo_id).first()
    if found is None:
        raise Http404("No photo has this number.")
    return found


def _allowed(request: HttpRequest, patient_id: int) -> bool:
    return may(request.user, Action.PHOTOS, patient_id=patient_id)


def _stamp(request: HttpRequest) -> dict[str, Any]:
    """Who does it, with which roles, from where: for the service's audit event."""
    user = staff_user(request)
    return {
        "by": user,
        "roles": [role.value for role in roles_of(user)],
        "address": client_address(request),
    }


def _problem(request: HttpRequest, message: str, status: int, back: str) -> HttpResponse:
    return render(
        request, "staff/photos/problem.html", {"message": message, "back": back}, status=status
    )


# A session's photos


def _photos_page(
    request: HttpRequest,
    booking: Booking,
    *,
    upload_form: PhotoUploadForm | None = None,
    rating_form: SessionRatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    patient_id = booking.patient_id or 0  # _session found a visit with a patient
    now = timezone.now()
    spans = consent_spans(patient_id)
    ratings = {r.rater: r for r in booking.result_ratings.select_related("recorded_by")}
    context = {
        "booking": booking,
        "patient": booking.patient,
        "session_photos": session_photos(booking.pk),
        "in_session": booking.status in SESSION_STATUSES,
        "chart_consent": consented(spans, Purpose.CHART, now),
        "uses": [
            {"value": use.value, "words": PURPOSE_WORDS[use]}
            for use in USES_BEYOND_THE_CHART
            if consented(spans, use, now)
        ],
        "upload_form": upload_form or PhotoUploadForm(),
        "rating_form": rating_form or SessionRatingForm(),
        "patient_rating": ratings.get("patient"),
        "clinician_rating": ratings.get("clinician"),
        "max_megabytes": settings.PHOTO_MAX_MEGABYTES,
    }
    with timezone.override(booking.location.zone):
        page = render(request, "staff/photos/visit_photos.html", context, status=status)
    audit_view(
        request, patient_id=patient_id, what="session photos",
        object_ref=f"scheduling.booking:{booking.pk}",
    )  # fmt: skip
    return page


@staff_page(Action.PHOTOS)
@require_http_methods(["GET", "HEAD", "POST"])
def visit_photos(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A session's photos by area, before and after; a photo uploaded (POST, from the
    phone's camera or files); the session's ratings of its result."""
    booking = _session(booking_id)
    if booking.patient_id is None or not _allowed(request, booking.patient_id):
        return not_allowed(request)
    if request.method != "POST":
        return _photos_page(request, booking)
    form = PhotoUploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["image"]
        area, moment = form.cleaned_data["area"], form.cleaned_data["moment"]
        try:
            photo_upload(
                booking=booking, area=area, moment=moment, source=cast(IO[bytes], upload),
                size=upload.size, now=timezone.now(), **_stamp(request),
            )  # fmt: skip
        except PhotoRefused as error:
            form.add_error("image", error.refusal.message)
            status = error.refusal.status
        except PhotoError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            area_words = PhotoArea(area).label.lower()
            messages.success(
                request, f"The photo of the {area_words}, {PhotoMoment(moment).label.lower()}, "
                "is kept.",
            )  # fmt: skip
            return redirect(reverse("staff:visit_photos", args=[booking.pk]) + f"#area-{area}")
    return _photos_page(request, booking, upload_form=form, status=status)


@staff_page(Action.PHOTOS)
@require_POST
def session_rating(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The patient's or the clinician's rating of the session's result, 1 to 5."""
    booking = _session(booking_id)
    if booking.patient_id is None or not _allowed(request, booking.patient_id):
        return not_allowed(request)
    form = SessionRatingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            session_rate(
                booking=booking, rater=form.cleaned_data["rater"],
                score=form.cleaned_data["score"], note=form.cleaned_data["note"],
                now=timezone.now(), **_stamp(request),
            )  # fmt: skip
        except PhotoError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            messages.success(request, "The rating is saved with this session.")
            return redirect(reverse("staff:visit_photos", args=[booking.pk]) + "#rating")
    return _photos_page(request, booking, rating_form=form, status=status)


# One photo, sent


def _file(photo: ClinicalPhoto) -> IO[bytes]:
    try:
        return cast(IO[bytes], private_photo_storage().open(str(photo.image.name), "rb"))
    except FileNotFoundError:
        raise Http404("The file of this photo is missing: restore it from the backup.") from None


def _sent(photo: ClinicalPhoto, disposition: str, name: str) -> HttpResponse:
    """The stored file whole (15 MB at most), as it was kept."""
    with _file(photo) as handle:
        response = HttpResponse(handle.read(), content_type=photo.content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _photo_name(photo: ClinicalPhoto, prefix: str = "photo") -> str:
    return f"{prefix}-{photo.pk}{EXTENSIONS.get(photo.content_type, '')}"


@staff_page(Action.PHOTOS)
@require_http_methods(["GET", "HEAD"])
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The photo itself, as stored (upright, without metadata), to those allowed."""
    found = _photo(photo_id)
    if not _allowed(request, found.patient_id):
        return not_allowed(request)
    response = _sent(found, "inline", _photo_name(found))
    audit_view(
        request, patient_id=found.patient_id, what="photo",
        object_ref=f"photos.clinicalphoto:{found.pk}",
    )  # fmt: skip
    return response


@staff_page(Action.PHOTOS)
@require_http_methods(["GET", "HEAD"])
def photo_thumbnail(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A small JPEG of the photo, for the pages that show several side by side."""
    found = _photo(photo_id)
    if not _allowed(request, found.patient_id):
        return not_allowed(request)
    with _file(found) as handle:
        try:
            small = thumbnail(handle, longest=THUMBNAIL_PIXELS)
        except OSError:  # what upload cleaned no longer decodes: damaged on disk
            raise Http404("This photo's file cannot be read: restore it from the backup.") from None
    response = HttpResponse(small, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{_photo_name(found, "thumbnail")}"'
    audit_view(
        request, patient_id=found.patient_id, what="photo thumbnail",
        object_ref=f"photos.clinicalphoto:{found.pk}",
    )  # fmt: skip
    return _private(response)


@staff_page(Action.PHOTOS)
@require_POST
def photo_export(request: HttpRequest, photo_id: int) -> HttpResponse:
    """The photo as a download for teaching or marketing: only through ``photo_use``, which
    refuses (409) unless the patient's consent for that purpose holds."""
    found = _photo(photo_id)
    if not _allowed(request, found.patient_id):
        return not_allowed(request)
    back = reverse("staff:visit_photos", args=[found.booking_id])
    form = PhotoExportForm(request.POST)
    if not form.is_valid():
        return _problem(request, "Choose teaching or marketing.", 400, back)
    purpose = form.cleaned_data["purpose"]
    try:
        used = photo_use(photo_id=found.pk, purpose=purpose, now=timezone.now(), **_stamp(request))
    except PhotoError as error:
        return _problem(request, str(error), error.status, back)
    return _sent(used, "attachment", _photo_name(used, f"{purpose}-photo"))


# The patient's photo consents, and results over a course


@staff_page(Action.PHOTOS)
@require_POST
def photo_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record (witnessed in the clinic) or withdraw the patient's consent for one purpose."""
    patient = _patient(patient_id)
    if not _allowed(request, patient.pk):
        return not_allowed(request)
    back = reverse("staff:patient", args=[patient.pk]) + "#photos"
    form = PhotoConsentForm(request.POST)
    if not form.is_valid():
        return _problem(request, "Choose a purpose, and record or withdraw.", 400, back)
    purpose, giving = form.cleaned_data["purpose"], form.cleaned_data["change"] == "give"
    service = photo_consent_give if giving else photo_consent_withdraw
    try:
        service(
            patient_id=patient.pk, purpose=purpose, channel=ConsentChannel.IN_CLINIC,
            now=timezone.now(), **_stamp(request),
        )  # fmt: skip
    except PhotoError as error:
        return _problem(request, str(error), error.status, back)
    words = PhotoPurpose(purpose).label
    messages.success(
        request,
        f"Consent to photos for {words.lower()} is recorded."
        if giving
        else f"Consent to photos for {words.lower()} is withdrawn from now on.",
    )
    return redirect(back)


@staff_page(Action.PHOTOS)
@require_http_methods(["GET", "HEAD"])
def photo_results(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The same areas across a course's sessions, side by side, with each session's
    ratings, and what results depend on."""
    patient = _patient(patient_id)
    if not _allowed(request, patient.pk):
        return not_allowed(request)
    zone = clinic_zone()
    context = {
        "patient": patient,
        "courses": course_results_of(patient.pk),
        "factors": RESULT_FACTORS,
        "zone": zone,
    }
    with timezone.override(zone.zone):
        page = render(request, "staff/photos/results.html", context)
    audit_view(request, patient_id=patient.pk, what="results over a course")
    return page


def patient_photo_context(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """What the patient's record page shows of photos: the consents, for those allowed."""
    allowed = _allowed(request, patient.pk)
    return {
        "may_photos": allowed,
        "photo_consents": photo_consents(patient.pk) if allowed else None,
    }
