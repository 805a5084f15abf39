"""Sweep rows of the calendar: the day and week, a visit's page and what is done from it,
booking by phone.

The POST rows change nothing: attendance on Wednesday for Thursday's visit is refused (409),
and the booking forms are sent empty (400)."""

from dermadesk.staff.tests.sweep import ALL_STAFF, CLINICIANS, Row

BOOKERS = ALL_STAFF - CLINICIANS  # front desk and managers (Action.VISIT_BOOK)

ROWS: list[Row] = [
    Row(
        name="staff:calendar",
        path=lambda w: "/staff/calendar/?date=2026-11-26&location=springfield",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:calendar_week",
        path=lambda w: "/staff/calendar/week/?date=2026-11-26&location=springfield",
        allowed=ALL_STAFF,
    ),
    # The visit's page shows the patient's name and contact (Action.PATIENT_RECORD).
    Row(
        name="staff:visit",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:visit_check_in",
        method="POST",
        path=lambda w: f"/staff/visits/{w.visit_of_clin2.pk}/check-in/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:visit_no_show",
        method="POST",
        path=lambda w: f"/staff/visits/{w.visit_of_clin2.pk}/no-show/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:visit_complete",
        method="POST",
        path=lambda w: f"/staff/visits/{w.visit_of_clin2.pk}/completed/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:visit_move",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/move/",
        allowed=BOOKERS,
    ),
    Row(
        name="staff:visit_cancel",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/cancel/",
        allowed=BOOKERS,
    ),
    Row(name="staff:visit_book", path=lambda w: "/staff/visits/new/", allowed=BOOKERS),
    Row(
        name="staff:visit_book_new_patient",
        method="POST",
        path=lambda w: "/staff/visits/new/patient/",
        allowed=BOOKERS,
    ),
    Row(
        name="staff:visit_book_for",
        path=lambda w: (
            f"/staff/visits/new/{w.patient_of_clin1.pk}/?location=springfield"
            "&service=consultation&start_day=2026-11-26"
        ),
        allowed=BOOKERS,
    ),
    Row(
        name="staff:visit_book_course",
        method="POST",
        path=lambda w: f"/staff/visits/new/{w.patient_of_clin1.pk}/course/",
        allowed=BOOKERS,
    ),
]
