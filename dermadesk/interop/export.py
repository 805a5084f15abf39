"""A patient's record exported as FHIR: read, mapped, and written into the audit trail.

Every way out (the staff API, ``manage.py export_fhir``) calls ``patient_export``, so no
export leaves without its line in the trail. Whether the caller may export this patient
is the caller's to check first (the staff policy).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.interop.fhir import patient_bundle
from dermadesk.interop.queries import patient_record

WHAT = "FHIR record"


def patient_export(
    *,
    patient_id: int,
    actor: User | None,
    roles: Iterable[str],
    address: str | None,
    detail: str,
    now: datetime,
) -> dict[str, Any] | None:
    """The patient's record as a FHIR R4 Bundle, its export audited; None if no such patient.

    ``actor`` is the staff member who asked (None on the command line).
    """
    with transaction.atomic():
        record = patient_record(patient_id=patient_id, now=now)
        if record is None:
            return None
        audit_record(
            actor=actor, roles=roles, action=AuditAction.EXPORT, what=WHAT,
            patient_id=patient_id, address=address, at=now,
            object_ref=f"patients.patient:{patient_id}", detail=detail,
        )  # fmt: skip
    return patient_bundle(record, base_url=settings.SITE_URL, now=now, site_name=settings.SITE_NAME)
