"""Clinical photos in the back office."""

from django.urls import URLPattern, path

from dermadesk.staff import photo_pages

urlpatterns: list[URLPattern] = [
    path("visits/<int:booking_id>/photos/", photo_pages.visit_photos, name="visit_photos"),
    path("visits/<int:booking_id>/rating/", photo_pages.session_rating, name="session_rating"),
    path("photos/<int:photo_id>/", photo_pages.photo, name="photo"),
    path("photos/<int:photo_id>/thumbnail/", photo_pages.photo_thumbnail, name="photo_thumbnail"),
    path("photos/<int:photo_id>/export/", photo_pages.photo_export, name="photo_export"),
    path(
        "patients/<int:patient_id>/photo-consent/",
        photo_pages.photo_consent,
        name="photo_consent",
    ),
    path("patients/<int:patient_id>/results/", photo_pages.photo_results, name="photo_results"),
]
