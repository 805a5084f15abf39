"""The audit trail in the back office (managers)."""

from django.urls import URLPattern, path

from dermadesk.staff import audit_pages

urlpatterns: list[URLPattern] = [
    path("audit/", audit_pages.audit, name="audit"),
    path("audit/export.csv", audit_pages.audit_export, name="audit_export"),
]
