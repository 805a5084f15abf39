"""What every staff page shares: the policy check, the audit of patient data shown, the
clinic's time zone for display.

``staff_page(action)`` wraps a view: the gate (``middleware``) has already made sure the
user signed in with both factors; this asks the policy whether their roles grant ``action``
and answers 403 with a plain page when not. Views that show one patient's data call
``audit_view`` once per page, after the policy check for that patient.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dermadesk.audit.models import AuditAction
from dermadesk.audit.services import audit_record
from dermadesk.limits.client import client_address
from dermadesk.staff.middleware import is_signed_in_staff
from dermadesk.staff.navigation import SECTIONS
from dermadesk.staff.policy import NotAllowed, may, roles_of
from dermadesk.staff.roles import Action

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def not_allowed(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/not_allowed.html", status=403)


def staff_page(action: Action) -> Callable[[View[P]], View[P]]:
    """Let the view run only for signed-in staff whose roles grant ``action``."""

    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not is_signed_in_staff(request) or not may(request.user, action):
                return not_allowed(request)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member (only after ``staff_page`` or the gate has checked)."""
    user = request.user
    if not isinstance(user, User) or not is_signed_in_staff(request):
        raise NotAllowed("Please sign in as staff.")
    return user


def audit_view(
    request: HttpRequest,
    *,
    patient_id: int | None,
    what: str,
    object_ref: str = "",
    detail: str = "",
) -> None:
    """Write that the signed-in staff member was shown ``what`` of this patient's data."""
    audit_event(request, AuditAction.VIEW, patient_id=patient_id, what=what,
                object_ref=object_ref, detail=detail)  # fmt: skip


def audit_event(
    request: HttpRequest,
    action: AuditAction,
    *,
    patient_id: int | None,
    what: str,
    object_ref: str = "",
    detail: str = "",
) -> None:
    user = staff_user(request)
    audit_record(
        actor=user,
        roles=[role.value for role in roles_of(user)],
        action=action,
        what=what,
        patient_id=patient_id,
        address=client_address(request),
        at=timezone.now(),
        object_ref=object_ref,
        detail=detail,
    )


def nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The back office's sections this staff member may open (for the header)."""
    if not is_signed_in_staff(request):
        return []
    return [s for s in SECTIONS if may(request.user, s["action"])]
