"""The report pages of the back office (managers only)."""

from django.urls import path

from dermadesk.staff import report_pages

urlpatterns = [
    path("reports/", report_pages.reports, name="reports"),
    path("reports/export.csv", report_pages.reports_export, name="reports_export"),
]
