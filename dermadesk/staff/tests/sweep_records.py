"""Sweep rows of patients and the audit trail."""

from dermadesk.staff.tests.sweep import ALL_STAFF, MANAGERS, Row

ROWS: list[Row] = [
    Row(name="staff:patients", path=lambda w: "/staff/patients/", allowed=ALL_STAFF),
    Row(
        name="staff:patient",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/",
        allowed=ALL_STAFF,
    ),
    # Health data: the clinician who treats this patient and the managers, nobody else.
    Row(
        name="staff:patient_screening",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/screening/",
        allowed=MANAGERS | {"clin1"},
    ),
    Row(name="staff:audit", path=lambda w: "/staff/audit/", allowed=MANAGERS),
    Row(name="staff:audit_export", path=lambda w: "/staff/audit/export.csv", allowed=MANAGERS),
]
