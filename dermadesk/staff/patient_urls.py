"""Patients and the audit trail in the back office."""

from django.urls import URLPattern, path

from dermadesk.staff import patient_pages

urlpatterns: list[URLPattern] = [
    path("patients/", patient_pages.patients, name="patients"),
    path("patients/<int:patient_id>/", patient_pages.patient, name="patient"),
    path(
        "patients/<int:patient_id>/screening/",
        patient_pages.patient_screening,
        name="patient_screening",
    ),
]
