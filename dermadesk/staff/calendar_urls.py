"""The calendar of the back office: the day and the week, a visit's page and what is done
from it (attendance, moving, cancelling), and booking by phone."""

from django.urls import URLPattern, path

from dermadesk.staff import booking_pages, calendar_pages, consent_pages, visit_pages

urlpatterns: list[URLPattern] = [
    path("calendar/", calendar_pages.day_page, name="calendar"),
    path("calendar/week/", calendar_pages.week_page, name="calendar_week"),
    path("visits/new/", booking_pages.visit_book, name="visit_book"),
    path(
        "visits/new/patient/", booking_pages.visit_book_new_patient, name="visit_book_new_patient"
    ),
    path("visits/new/<int:patient_id>/", booking_pages.visit_book_for, name="visit_book_for"),
    path(
        "visits/new/<int:patient_id>/course/",
        booking_pages.visit_book_course,
        name="visit_book_course",
    ),
    path("visits/<int:booking_id>/", visit_pages.visit_page, name="visit"),
    path(
        "visits/<int:booking_id>/consent/",
        consent_pages.visit_consent_desk,
        name="visit_consent_desk",
    ),
    path("visits/<int:booking_id>/check-in/", visit_pages.visit_check_in, name="visit_check_in"),
    path("visits/<int:booking_id>/no-show/", visit_pages.visit_no_show, name="visit_no_show"),
    path("visits/<int:booking_id>/completed/", visit_pages.visit_complete, name="visit_complete"),
    path("visits/<int:booking_id>/move/", visit_pages.visit_move, name="visit_move"),
    path("visits/<int:booking_id>/cancel/", visit_pages.visit_cancel, name="visit_cancel"),
]
