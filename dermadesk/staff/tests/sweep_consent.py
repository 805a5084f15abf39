"""Sweep rows of consent signed on the clinic's tablet."""

from dermadesk.staff.tests.sweep import ALL_STAFF, Row

ROWS: list[Row] = [
    # Everyone who checks patients in may hand them the tablet (the sweep's visit is a
    # consultation: nothing to sign, so those allowed are sent back to the visit).
    Row(
        name="staff:visit_consent_desk",
        path=lambda w: f"/staff/visits/{w.visit_of_clin1.pk}/consent/",
        allowed=ALL_STAFF,
    ),
]
