"""The demo clinic's providers, rooms, devices and services.

Step timings (minutes from the patient's arrival), and why:

- Consultation, 30: clinician and room together.
- Micro-Needling, 90: numbing cream 0-30 (room only: the clinician sees someone else;
  clinics leave the cream on for 20-30 minutes); procedure 30-75 (clinician, room, pen:
  the seed gives 30-60 minutes for the procedure); post-procedure products and room
  turnover 75-90 (room).
- Micro-Needling with PRP, 110: blood draw 0-10 (clinician, room); centrifuge 10-25
  (a spin of about 10-15 minutes, while the numbing cream works); numbing cream 10-40
  (room only); procedure with PRP 40-100 (clinician, room, pen); turnover 100-110 (room).
"""

from datetime import time
from decimal import Decimal
from typing import NotRequired, TypedDict

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import (
    LicenceType,
    Resource,
    ResourceKind,
    Service,
    ServiceRole,
    ServiceSegment,
    Skill,
    WeeklyShift,
)

PROVIDERS = [
    # name, skills, weekdays, starts, ends
    ("Dr. Avery Demo", ("micro-needling", "prp"), range(0, 5), time(8), time(19)),
    ("Jordan Demo, RN", ("micro-needling", "prp"), range(2, 7), time(8), time(19)),
    ("Sam Demo, LE", ("micro-needling",), (0, 1, 5, 6), time(8), time(16)),
]
# name -> (licence, deepest needle in mm without a manager's co-signature)
SCOPES = {
    "Dr. Avery Demo": (LicenceType.PHYSICIAN, Decimal("2.50")),
    "Jordan Demo, RN": (LicenceType.REGISTERED_NURSE, Decimal("1.50")),
    "Sam Demo, LE": (LicenceType.ESTHETICIAN, Decimal("0.50")),
}
ROOMS = ["Treatment room 1", "Treatment room 2", "Treatment room 3"]
DEVICES = [("Pen A", "pen"), ("Pen B", "pen"), ("Centrifuge", "centrifuge")]

# role name -> (kind, category, skill)
ROLES = {
    "clinician": (ResourceKind.PROVIDER, "", "micro-needling"),
    "prp-clinician": (ResourceKind.PROVIDER, "", "prp"),
    "room": (ResourceKind.ROOM, "treatment-room", None),
    "pen": (ResourceKind.DEVICE, "pen", None),
    "centrifuge": (ResourceKind.DEVICE, "centrifuge", None),
}


class ServiceSpec(TypedDict):
    slug: str
    name: str
    description: str
    price_display: str
    steps: list[tuple[str, str, int, int]]
    """(label, role, start minute, end minute)"""
    series: NotRequired[dict[str, int]]
    """A course: fewest, default and most sessions, days apart (the Service fields)."""


SERVICES: list[ServiceSpec] = [
    {
        "slug": "consultation",
        "name": "Consultation",
        "description": "A conversation with a clinician about your skin and your goals.",
        "price_display": "Free",
        "steps": [("Consultation", "clinician", 0, 30), ("Consultation", "room", 0, 30)],
    },
    {
        "slug": "micro-needling",
        "name": "Micro-Needling",
        "description": "Collagen induction therapy with a medical-grade pen.",
        "price_display": "",
        "steps": [
            ("Numbing cream", "room", 0, 30),
            ("Procedure", "clinician", 30, 75),
            ("Procedure", "room", 30, 75),
            ("Procedure", "pen", 30, 75),
            ("Aftercare products and turnover", "room", 75, 90),
        ],
    },
    {
        "slug": "micro-needling-prp",
        "name": "Micro-Needling with PRP",
        "description": "Micro-needling with platelet-rich plasma from your own blood.",
        "price_display": "",
        # The seed: 4 to 6 treatments, 4 weeks apart.
        "series": {
            "series_min_sessions": 4,
            "series_default_sessions": 4,
            "series_max_sessions": 6,
            "series_interval_days": 28,
            "series_flex_days": 3,
        },
        "steps": [
            ("Blood draw", "prp-clinician", 0, 10),
            ("Blood draw", "room", 0, 10),
            ("Centrifuge", "centrifuge", 10, 25),
            ("Numbing cream", "room", 10, 40),
            ("Procedure with PRP", "prp-clinician", 40, 100),
            ("Procedure with PRP", "room", 40, 100),
            ("Procedure with PRP", "pen", 40, 100),
            ("Turnover", "room", 100, 110),
        ],
    },
]


def create_demo_scheduling(location: Location) -> int:
    """Providers, rooms, devices and the three services; returns how many rows it created."""
    created = 0
    skills = {}
    for code, name in (("micro-needling", "Micro-needling"), ("prp", "PRP")):
        skills[code], was_created = Skill.objects.get_or_create(code=code, defaults={"name": name})
        created += was_created
    for name, skill_codes, weekdays, starts, ends in PROVIDERS:
        provider, was_created = Resource.objects.get_or_create(
            location=location,
            name=name,
            defaults={
                "kind": ResourceKind.PROVIDER,
                "licence_type": SCOPES[name][0],
                "max_needle_depth_mm": SCOPES[name][1],
            },
        )
        if was_created:
            provider.skills.set([skills[code] for code in skill_codes])
            WeeklyShift.objects.bulk_create(
                WeeklyShift(resource=provider, weekday=day, starts=starts, ends=ends)
                for day in weekdays
            )
            created += 1
    for name in ROOMS:
        created += Resource.objects.get_or_create(
            location=location,
            name=name,
            defaults={"kind": ResourceKind.ROOM, "category": "treatment-room"},
        )[1]
    for name, category in DEVICES:
        created += Resource.objects.get_or_create(
            location=location,
            name=name,
            defaults={"kind": ResourceKind.DEVICE, "category": category},
        )[1]
    for order, spec in enumerate(SERVICES):
        service, was_created = Service.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "price_display": spec["price_display"],
                "display_order": order * 10,
                "requires_screening": spec["slug"] != "consultation",
                **spec.get("series", {}),
            },
        )
        if not was_created:
            continue
        created += 1
        roles: dict[str, ServiceRole] = {}
        for _, role_name, _, _ in spec["steps"]:
            if role_name not in roles:
                kind, category, skill = ROLES[role_name]
                roles[role_name] = ServiceRole.objects.create(
                    service=service,
                    name=role_name,
                    kind=kind,
                    category=category,
                    skill=skills[skill] if skill else None,
                )
        ServiceSegment.objects.bulk_create(
            ServiceSegment(
                service=service, role=roles[role], label=label, start_minute=a, end_minute=b
            )
            for label, role, a, b in spec["steps"]
        )
    return created
