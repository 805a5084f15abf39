"""Sweep rows of the standard interfaces: the FHIR export of the staff API, and each member's
own calendar feed on their account page."""

from dermadesk.staff.tests.sweep import CLINICIANS, MANAGERS, Row

ROWS: list[Row] = [
    # Health information: a clinician for their own patients only (clin2 does not treat
    # this patient), managers for everyone; never the front desk.
    Row(
        name="api:GET /api/staff/patients/{patient_id}/fhir",
        api=True,
        path=lambda w: f"/api/staff/patients/{w.patient_of_clin1.pk}/fhir",
        allowed=MANAGERS | (CLINICIANS - {"clin2"}),
    ),
]
