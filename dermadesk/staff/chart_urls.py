"""The treatment record in the back office: charts (by visit), the review queue,
complications, the stock list and lot recalls."""

from django.urls import URLPattern, path

from dermadesk.staff import chart_pages

urlpatterns: list[URLPattern] = [
    path("visits/<int:booking_id>/chart/", chart_pages.chart_page, name="chart"),
    path("visits/<int:booking_id>/chart/open/", chart_pages.chart_start, name="chart_open"),
    path("visits/<int:booking_id>/chart/save/", chart_pages.chart_save_page, name="chart_save"),
    path("visits/<int:booking_id>/chart/amend/", chart_pages.chart_amend_page, name="chart_amend"),
    path(
        "visits/<int:booking_id>/chart/cosign/", chart_pages.chart_cosign_page, name="chart_cosign"
    ),
    path(
        "visits/<int:booking_id>/chart/review/", chart_pages.chart_review_page, name="chart_review"
    ),
    path("charts/review/", chart_pages.chart_reviews, name="chart_reviews"),
    path(
        "visits/<int:booking_id>/complications/new/",
        chart_pages.complication_new,
        name="complication_new",
    ),
    path(
        "complications/<int:complication_id>/",
        chart_pages.complication_page,
        name="complication",
    ),
    path("stock/", chart_pages.stock, name="stock"),
    path("stock/<int:lot_id>/recall/", chart_pages.lot_recall_page, name="lot_recall"),
]
