"""The audit trail in the back office (managers)."""

from django.urls import URLPattern, path

from dermadesk.staff import patient_pages

urlpatterns: list[URLPattern] = [
    path("audit/", patient_pages.audit, name="audit"),
    path("audit/export.csv", patient_pages.audit_export, name="audit_export"),
]
