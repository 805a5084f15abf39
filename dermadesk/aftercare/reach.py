"""How aftercare reaches a patient: always by email; by text message too, only while the
patient's agreement to texts for the number on their record holds (``SmsConsent``, given and
stopped in the portal's preferences), read when the message goes, not when it was planned.
"""

from dermadesk.patients.models import Patient
from dermadesk.patients.queries import sms_agreed


def sms_number(patient: Patient) -> str | None:
    """The number to text ``patient`` at, when they agreed and gave one; else None."""
    if not patient.phone or not sms_agreed(patient):
        return None
    return patient.phone
