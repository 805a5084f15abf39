"""Patients for tests of the apps that need one."""

from datetime import date
from typing import Any

from dermadesk.patients.models import Patient


def make_patient(**fields: Any) -> Patient:
    """An adult patient, Anna Smith, born 1990-04-12; any field can be changed."""
    values: dict[str, Any] = {
        "given_name": "Anna",
        "family_name": "Smith",
        "email": "anna.smith@example.com",
        "phone": "+12175550142",
        "date_of_birth": date(1990, 4, 12),
    }
    values.update(fields)
    return Patient.objects.create(**values)
