"""Sweep rows of the aftercare pages of the back office."""

from dermadesk.staff.tests.sweep import MANAGERS, Row

ROWS: list[Row] = [
    # A patient's check-ins and answers: health data, the treating clinician and managers.
    Row(
        name="staff:patient_aftercare",
        path=lambda w: f"/staff/patients/{w.patient_of_clin1.pk}/aftercare/",
        allowed=MANAGERS | {"clin1"},
    ),
]
