"""Patients' requests for a copy of their data (managers)."""

from django.urls import URLPattern, path

from dermadesk.staff import data_request_pages

urlpatterns: list[URLPattern] = [
    path("data-requests/", data_request_pages.data_requests, name="data_requests"),
    path(
        "data-requests/<int:request_id>/answered/",
        data_request_pages.data_request_done,
        name="data_request_done",
    ),
    path(
        "data-requests/<int:request_id>/copy.pdf",
        data_request_pages.data_request_copy,
        name="data_request_copy",
    ),
]
