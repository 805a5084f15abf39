"""Sweep rows of patients and the audit trail."""

from dermadesk.staff.tests.sweep import ALL_STAFF, FRONT_DESK, MANAGERS, Row

ROWS: list[Row] = [
    Row(name="staff:patients", path=lambda w: "/staff/patients/", allowed=ALL_STAFF),
    Row(
        name="staff:patient",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/",
        allowed=ALL_STAFF,
    ),
    Row(
        name="staff:patient_edit",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/edit/",
        allowed=FRONT_DESK | MANAGERS,
    ),
    # Health data: the clinician who treats this patient and the managers, nobody else.
    Row(
        name="staff:patient_screening",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/screening/",
        allowed=MANAGERS | {"clin1"},
    ),
    # A review without a screening named: a 400 for those allowed, nothing saved.
    Row(
        name="staff:screening_review",
        method="POST",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/screening/review/",
        data={"outcome": "suitable"},
        allowed=MANAGERS | {"clin1"},
    ),
    # The merge's confirm page (GET): both records side by side, nothing merged.
    Row(
        name="staff:patient_merge",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/merge/{w.patient_of_clin2.pk}/",
        allowed=FRONT_DESK | MANAGERS,
    ),
    Row(name="staff:audit", path=lambda w: "/staff/audit/", allowed=MANAGERS),
    Row(name="staff:audit_export", path=lambda w: "/staff/audit/export.csv", allowed=MANAGERS),
]
