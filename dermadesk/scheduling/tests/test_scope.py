"""A provider's scope of practice: the treatments they may perform (their skills, which the
booking's role candidates follow) and their licence and deepest needle (set in the admin)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.scheduling.catalog import resource_key
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import LicenceType, Resource, ResourceKind, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.tests.people import signed_in


def _starts_with(clinic: Location, slug: str, provider: Resource) -> int:
    """How many starts of the next week ``provider`` is offered for, asked for by name."""
    service = Service.objects.get(slug=slug)
    role = service.roles.get(kind=ResourceKind.PROVIDER).name
    start = datetime(2026, 11, 26, tzinfo=clinic.zone)
    slots = available_slots(
        service=service, location=clinic, start=start, end=start + timedelta(days=7), now=NOW,
        by_staff=True,
        preferences=[Preference(role=role, resource=resource_key(provider.pk), required=True)],
    )  # fmt: skip
    assert all(slot.assignment[role] == resource_key(provider.pk) for slot in slots)
    return len(slots)


def test_a_provider_without_the_prp_skill_is_never_offered_for_prp(clinic: Location) -> None:
    sam = Resource.objects.get(name="Sam Demo, LE")
    assert _starts_with(clinic, "micro-needling", sam) > 0  # Sam works that week
    assert _starts_with(clinic, "micro-needling-prp", sam) == 0


def test_a_skill_taken_away_takes_the_provider_out_of_the_offer(clinic: Location) -> None:
    avery = Resource.objects.get(name="Dr. Avery Demo")
    assert _starts_with(clinic, "micro-needling-prp", avery) > 0
    avery.skills.remove(avery.skills.get(code="prp"))
    assert _starts_with(clinic, "micro-needling-prp", avery) == 0


def test_demo_providers_have_a_licence_and_a_deepest_needle(clinic: Location) -> None:
    jordan = Resource.objects.get(name="Jordan Demo, RN")
    assert jordan.licence_type == LicenceType.REGISTERED_NURSE
    assert jordan.max_needle_depth_mm == Decimal("1.50")


def test_a_deepest_needle_beyond_five_mm_is_refused(clinic: Location) -> None:
    jordan = Resource.objects.get(name="Jordan Demo, RN")
    jordan.max_needle_depth_mm = Decimal("6")
    with pytest.raises(ValidationError, match="max_needle_depth_mm"):
        jordan.full_clean()


def test_the_admin_edits_a_providers_licence_and_deepest_needle(
    clinic: Location, client: Client
) -> None:
    sam = Resource.objects.get(name="Sam Demo, LE")
    signed_in(client, User.objects.create_superuser("owner", "o@example.com", "pw-long-1"))
    url = f"/admin/scheduling/resource/{sam.pk}/change/"
    page = client.get(url)
    assert "Scope of practice" in page.text
    assert "Maximum needle depth (mm)" in page.text
    form = {
        "location": clinic.pk, "kind": sam.kind, "name": sam.name, "category": "",
        "active": "on", "staff_member": "", "licence_type": LicenceType.REGISTERED_NURSE,
        "max_needle_depth_mm": "1.00", "skills": [s.pk for s in sam.skills.all()],
        **_inline_management(sam),
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, response.text
    sam.refresh_from_db()
    assert (sam.licence_type, sam.max_needle_depth_mm) == ("registered_nurse", Decimal("1.00"))


def _inline_management(resource: Resource) -> dict[str, object]:
    shifts = list(resource.shifts.all())
    data: dict[str, object] = {
        "shifts-TOTAL_FORMS": len(shifts), "shifts-INITIAL_FORMS": len(shifts),
        "shifts-MIN_NUM_FORMS": 0, "shifts-MAX_NUM_FORMS": 1000,
        "blocks-TOTAL_FORMS": 0, "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0, "blocks-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, shift in enumerate(shifts):
        data |= {
            f"shifts-{i}-id": shift.pk, f"shifts-{i}-resource": resource.pk,
            f"shifts-{i}-weekday": shift.weekday, f"shifts-{i}-starts": f"{shift.starts:%H:%M}",
            f"shifts-{i}-ends": f"{shift.ends:%H:%M}",
        }  # fmt: skip
    return data
