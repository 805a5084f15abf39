"""Visits ready to chart, lots and clinicians for the treatment record's tests."""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User

from dermadesk.charting.models import Lot, LotKind
from dermadesk.clinic.models import Location
from dermadesk.patients.demo import create_demo_consents
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import consent_sign
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.services import booking_check_in, booking_create
from dermadesk.screening.demo import create_demo_questionnaire
from dermadesk.screening.models import Questionnaire, ScreeningOutcome, ScreeningResponse
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member

BOOKED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
"""When the visits were booked and the consents signed (the Friday before)."""
THURSDAY = date(2026, 11, 26)
ARRIVED = datetime(2026, 11, 26, 15, 55, tzinfo=UTC)
"""Thursday 26 November 2026, 9:55 a.m. in Springfield: the patient of 10:00 is here."""
CHARTED = ARRIVED + timedelta(hours=2)


def clinician(username: str, provider_name: str) -> User:
    """A clinician who works as ``provider_name`` (the demo's Jordan: RN, 1.5 mm; Avery:
    physician, 2.5 mm; Sam: esthetician, 0.5 mm, no PRP)."""
    provider = Resource.objects.get(name=provider_name)
    return staff_member(username, Role.CLINICIAN, provider=provider)


def lot(number: str, *, kind: LotKind = LotKind.CARTRIDGE, expires: date | None = None) -> Lot:
    return Lot.objects.create(
        kind=kind,
        product="12-pin nano cartridge" if kind == LotKind.CARTRIDGE else "PRP kit 10 ml",
        lot_number=number,
        expires_on=expires or date(2027, 6, 30),
    )


def visit(
    clinic: Location,
    patient: Patient,
    *,
    provider_name: str = "Jordan Demo, RN",
    slug: str = "micro-needling-prp",
    at: datetime | None = None,
    consent: bool = True,
    screening: ScreeningOutcome | None = ScreeningOutcome.SUITABLE,
    check_in: bool = True,
) -> Booking:
    """A visit of ``patient`` with the provider, its consent signed and its screening
    given (as asked), checked in on arrival."""
    create_demo_questionnaire()
    create_demo_consents(now=BOOKED - timedelta(days=30))
    provider = Resource.objects.get(name=provider_name)
    service = Service.objects.get(slug=slug)
    start = at or datetime(2026, 11, 26, 10, tzinfo=clinic.zone)
    role = "prp-clinician" if slug == "micro-needling-prp" else "clinician"
    booking = booking_create(
        service=service, location=clinic, start=start, now=BOOKED,
        channel=BookingChannel.STAFF, patient_id=patient.pk, by_staff=True,
        preferences=[Preference(role=role, resource=str(provider.pk), required=True)],
    )  # fmt: skip
    if consent:
        for item in consent_status(patient=patient, service=service, now=BOOKED).pending:
            consent_sign(
                patient=patient, document=item.document, typed_name=patient.full_name,
                now=BOOKED, ip_address="127.0.0.1", user_agent="test",
            )  # fmt: skip
    day = start.astimezone(clinic.zone).date()
    if screening is not None:
        ScreeningResponse.objects.create(
            patient=patient, questionnaire=Questionnaire.objects.get(), service=service,
            answers={}, treatment_date=day, outcome=screening, created_at=BOOKED,
            valid_until=BOOKED.date() + timedelta(days=90),
        )  # fmt: skip
    if check_in:
        desk = User.objects.filter(username="desk").first() or staff_member("desk", Role.FRONT_DESK)
        arrived = start.astimezone(UTC) - timedelta(minutes=5)
        booking = booking_check_in(booking=booking, by=desk, now=arrived)
    return booking
