"""The roles as Django groups: made after every migrate, and on demand.

The policy reads only group membership (``policy.roles_of``). The Manager group also carries
the Django permissions of the clinic's set-up in the admin (locations, hours, resources,
services, pages, message templates, questionnaires, consent documents, API tokens, the
stock list's lots); the other roles use the back office only. Clinicians and managers carry
the permission the screening service asks for a review.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from dermadesk.staff.roles import Role

MANAGER_SET_UP = Q(content_type__app_label__in=["clinic", "website"]) | Q(
    content_type__app_label="scheduling",
    content_type__model__in=[
        "skill", "resource", "weeklyshift", "unavailability", "service", "servicerole",
        "servicesegment",
    ],
) | Q(content_type__app_label="notifications", content_type__model="messagetemplate") | Q(
    content_type__app_label="screening",
    content_type__model__in=["questionnaire", "question", "rule"],
) | Q(content_type__app_label="patients", content_type__model="consentdocument") | Q(
    content_type__app_label="api", content_type__model="apitoken"
) | Q(content_type__app_label="charting", content_type__model="lot")  # fmt: skip


# A clinician's review of a screening (``screening.services.screening_override`` asks for it);
# the policy still decides for which patients (``Action.SCREENING_REVIEW``, per patient).
SCREENING_REVIEW = Q(content_type__app_label="screening", codename="add_screeningoverride")


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


def role_groups_sync(**kwargs: Any) -> None:
    """Make the three groups and give the Manager group the set-up permissions."""
    for role in Role:
        role_group(role)
    role_group(Role.MANAGER).permissions.add(*Permission.objects.filter(MANAGER_SET_UP))
    review = Permission.objects.filter(SCREENING_REVIEW)
    for role in (Role.CLINICIAN, Role.MANAGER):
        role_group(role).permissions.add(*review)
