"""Sweep rows of clinical photos: the clinician who treats the patient and the managers,
never the front desk, nor another clinician."""

import hashlib

from django.core.files.base import ContentFile

from dermadesk.photos.models import ClinicalPhoto
from dermadesk.photos.storage import private_photo_storage
from dermadesk.photos.tests.images import jpeg_with_gps
from dermadesk.staff.tests.sweep import MANAGERS, NOW, Row, World

TREATS_ADA = MANAGERS | {"clin1"}


def photo_of_ada(world: World) -> ClinicalPhoto:
    """A photo of Ada's visit with clin1 (made once per world, with its file)."""
    if "photo" not in world.extra:
        content = jpeg_with_gps()
        name = private_photo_storage().save(f"photos/2026/11/{'a' * 32}.jpg", ContentFile(content))
        world.extra["photo"] = ClinicalPhoto.objects.create(
            patient=world.patient_of_clin1, booking=world.visit_of_clin1, area="cheeks",
            moment="before", image=name, content_type="image/jpeg", size_bytes=len(content),
            width=64, height=48, sha256=hashlib.sha256(content).hexdigest(), decoded_as="JPEG",
            uploaded_by=world.users["clin1"], uploaded_at=NOW,
        )  # fmt: skip
    photo: ClinicalPhoto = world.extra["photo"]
    return photo


ROWS: list[Row] = [
    Row(
        name="staff:visit_photos",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/photos/",
        allowed=TREATS_ADA,
    ),
    # A rating without a score: a 400 for those allowed.
    Row(
        name="staff:session_rating",
        method="POST",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/rating/",
        data={"rater": "clinician"},
        allowed=TREATS_ADA,
    ),
    Row(
        name="staff:photo",
        path=lambda w: f"/staff/photos/{photo_of_ada(w).pk}/",
        allowed=TREATS_ADA,
    ),
    Row(
        name="staff:photo_thumbnail",
        path=lambda w: f"/staff/photos/{photo_of_ada(w).pk}/thumbnail/",
        allowed=TREATS_ADA,
    ),
    # Ada has not consented to marketing: a 409 for those allowed, nothing handed out.
    Row(
        name="staff:photo_export",
        method="POST",
        path=lambda w: f"/staff/photos/{photo_of_ada(w).pk}/export/",
        data={"purpose": "marketing"},
        allowed=TREATS_ADA,
    ),
    Row(
        name="staff:photo_consent",
        method="POST",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/photo-consent/",
        data={"purpose": "chart", "change": "give"},
        allowed=TREATS_ADA,
    ),
    Row(
        name="staff:photo_results",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/results/",
        allowed=TREATS_ADA,
    ),
]
