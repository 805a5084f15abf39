"""Sweep rows of the standard interfaces: the FHIR export of the staff API, and each member's
own calendar feed on their account page."""

from dermadesk.staff.tests.sweep import ALL_STAFF, CLINICIANS, MANAGERS, Row

ROWS: list[Row] = [
    # Health information: a clinician for their own patients only (clin2 does not treat
    # this patient), managers for everyone; never the front desk.
    Row(
        name="api:GET /api/staff/patients/{patient_id}/fhir",
        api=True,
        path=lambda w: f"/api/staff/patients/{w.patient_of_clin1.pk}/fhir",
        allowed=MANAGERS | (CLINICIANS - {"clin2"}),
    ),
    # Each member's own feed: there is no way to name another member's. Members who are no
    # clinician in the calendar are sent back to their account page, told why.
    Row(
        name="staff:calendar_feed_make",
        method="POST",
        path=lambda w: "/staff/account/calendar-feed/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:calendar_feed_stop",
        method="POST",
        path=lambda w: "/staff/account/calendar-feed/stop/",
        allowed=ALL_STAFF,
    ),
]
