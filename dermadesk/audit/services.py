"""Writing the audit trail. Callers (the staff pages, the API) say who, what and for whom."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User

from dermadesk.audit.models import AuditAction, AuditEvent


def audit_record(
    *,
    actor: User | None,
    roles: Iterable[str],
    action: AuditAction,
    what: str,
    patient_id: int | None,
    address: str | None,
    at: datetime,
    object_ref: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event to the trail."""
    return AuditEvent.objects.create(
        at=at,
        actor=actor,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        actor_role=", ".join(sorted(roles)),
        patient_id=patient_id,
        action=action,
        what=what,
        object_ref=object_ref,
        address=address or None,
        detail=detail[:500],
    )
