"""Patients in the back office."""

from django.urls import URLPattern, path

from dermadesk.staff import aftercare_pages, patient_pages

urlpatterns: list[URLPattern] = [
    path("patients/", patient_pages.patients, name="patients"),
    path("patients/<int:patient_id>/", patient_pages.patient, name="patient"),
    path("patients/<int:patient_id>/edit/", patient_pages.patient_edit, name="patient_edit"),
    path(
        "patients/<int:patient_id>/screening/",
        patient_pages.patient_screening,
        name="patient_screening",
    ),
    path(
        "patients/<int:patient_id>/screening/review/",
        patient_pages.screening_review,
        name="screening_review",
    ),
    path(
        "patients/<int:patient_id>/aftercare/",
        aftercare_pages.patient_aftercare_page,
        name="patient_aftercare",
    ),
    path(
        "patients/<int:patient_id>/merge/<int:other_id>/",
        patient_pages.patient_merge_page,
        name="patient_merge",
    ),
]
