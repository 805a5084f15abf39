"""The authorization sweep's world and rows: who may open which staff URL.

Each part of the back office lists its URLs in a ``sweep_<part>.py`` module as ``ROWS``;
``test_authorization_sweep`` requests every row as anonymous and as two staff members of each
role, and fails when a staff URL or staff API operation has no row at all.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.alerts.services import alert_raise
from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage, ContactTopic
from dermadesk.patients.models import Patient
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

# A Wednesday evening in Springfield (America/Chicago); the visits are on Thursday.
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)

USERS: dict[str, Role] = {
    "desk1": Role.FRONT_DESK,
    "desk2": Role.FRONT_DESK,
    "clin1": Role.CLINICIAN,
    "clin2": Role.CLINICIAN,
    "mgr1": Role.MANAGER,
    "mgr2": Role.MANAGER,
}
ALL_STAFF = frozenset(USERS)
FRONT_DESK = frozenset({"desk1", "desk2"})
CLINICIANS = frozenset({"clin1", "clin2"})
MANAGERS = frozenset({"mgr1", "mgr2"})
NOBODY: frozenset[str] = frozenset()


@dataclass
class World:
    clinic: Location
    users: dict[str, User]
    patient_of_clin1: Patient
    patient_of_clin2: Patient
    visit_of_clin1: Booking
    visit_of_clin2: Booking
    message: ContactMessage
    extra: dict[str, Any] = field(default_factory=dict)
    alert: Alert | None = None


@dataclass(frozen=True)
class Row:
    """One staff URL and who may use it.

    ``allowed``: the user keys that may (not 403, not sent to sign in, never 5xx); every other
    staff member gets 403 and anonymous is sent to the sign-in (401 on the API). ``public``:
    the sign-in steps, open to anyone. ``api``: a staff endpoint of the JSON API, called with
    each user's token.
    """

    name: str
    path: Callable[[World], str]
    allowed: frozenset[str]
    method: str = "GET"
    data: Mapping[str, Any] | Callable[[World], Mapping[str, Any]] = field(default_factory=dict)
    api: bool = False
    public: bool = False

    def body(self, world: World) -> Mapping[str, Any]:
        return self.data(world) if callable(self.data) else self.data


def _visit(clinic: Location, patient: Patient, provider: Resource, hour: int) -> Booking:
    return booking_create(
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=datetime(2026, 11, 26, hour, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
        preferences=[Preference(role="clinician", resource=str(provider.pk), required=True)],
        patient_id=patient.pk,
        by_staff=True,
    )


def world_build(clinic: Location) -> World:
    """Two patients, each with a visit of one of the two clinicians; a contact message; an
    open alert."""
    avery = Resource.objects.get(location=clinic, name="Dr. Avery Demo")
    jordan = Resource.objects.get(location=clinic, name="Jordan Demo, RN")
    providers = {"clin1": avery, "clin2": jordan}
    users = {
        key: staff_member(key, role, provider=providers.get(key)) for key, role in USERS.items()
    }
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550101", date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    grace = Patient.objects.create(
        given_name="Grace", family_name="Hopper", email="grace@example.com",
        phone="+12175550102", date_of_birth=date(1986, 12, 9),
    )  # fmt: skip
    message = ContactMessage.objects.create(
        name="Rosalind Franklin", email="rosalind@example.com", topic=ContactTopic.PRICES,
        message="How much is a course of four?", created_at=NOW,
    )  # fmt: skip
    visit_of_clin1 = _visit(clinic, ada, avery, 10)
    alert = alert_raise(
        kind=AlertKind.LATE_CHANGE, about=f"booking:{visit_of_clin1.pk}:0",
        what="Ada Lovelace would like to move their visit.", now=NOW,
    )  # fmt: skip
    return World(
        clinic=clinic,
        users=users,
        patient_of_clin1=ada,
        patient_of_clin2=grace,
        visit_of_clin1=visit_of_clin1,
        visit_of_clin2=_visit(clinic, grace, jordan, 11),
        message=message,
        alert=alert,
    )
