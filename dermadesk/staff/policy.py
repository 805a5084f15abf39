"""The one place that says whether a staff member may do something: every staff page and
every staff endpoint of the API asks ``may`` (or ``require``).

A staff member is an active user with ``is_staff`` and at least one role (a group named in
``roles.Role``). A superuser without a role sets the clinic up in the admin but sees no
patient's data here. Clinicians have health actions for their own patients only: those with a
visit, past or to come, in which they are the provider (``Resource.staff_member``).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from dermadesk.scheduling.models import Allocation, ResourceKind
from dermadesk.staff.roles import Action, Role, every_patient, granted

_ROLES_CACHE = "_dermadesk_roles"


class NotAllowed(PermissionDenied):
    """The staff member's roles do not grant what they asked for."""


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The staff roles of ``user`` (none for anyone who is not active staff)."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def treats(user: User, patient_id: int) -> bool:
    """Whether ``user`` is the provider of any visit of the patient's, past or to come."""
    return Allocation.objects.filter(
        booking__patient_id=patient_id,
        resource__kind=ResourceKind.PROVIDER,
        resource__staff_member=user,
    ).exists()


def may(user: User | AnonymousUser, action: Action, *, patient_id: int | None = None) -> bool:
    """Whether ``user`` may do ``action`` (for ``patient_id``, when the action is per patient).

    Without ``patient_id`` a per-patient action asks "for some patient": a clinician may open
    the screening queue, and each record in it is asked about on its own.
    """
    roles = roles_of(user)
    if not granted(roles, action):
        return False
    if patient_id is None or every_patient(roles, action):
        return True
    return isinstance(user, User) and treats(user, patient_id)


def require(user: User | AnonymousUser, action: Action, *, patient_id: int | None = None) -> None:
    """Raise ``NotAllowed`` (a 403) unless ``may`` says yes."""
    if not may(user, action, patient_id=patient_id):
        raise NotAllowed(f"Your role does not include this ({action.value}).")
