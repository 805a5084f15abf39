"""How aftercare reaches a patient: always by email; by text message too, only when the
patient agreed to receive them.

The patient's agreement is kept where their preferences are (the portal's, issue 16), in
an app above this one: that app hands its reader to ``sms_agreement_from`` when Django
starts, as the contact app hands the reports their reader. Until one is given, nobody is
texted.
"""

from collections.abc import Callable

from dermadesk.patients.models import Patient

SmsAgreement = Callable[[Patient], bool]


def _nobody(patient: Patient) -> bool:
    return False


_agreed: SmsAgreement = _nobody


def sms_agreement_from(reader: SmsAgreement) -> None:
    """Say how to tell whether a patient agreed to text messages (called once, at start)."""
    global _agreed
    _agreed = reader


def sms_number(patient: Patient) -> str | None:
    """The number to text ``patient`` at, when they agreed and gave one; else None."""
    if not patient.phone or not _agreed(patient):
        return None
    return patient.phone
