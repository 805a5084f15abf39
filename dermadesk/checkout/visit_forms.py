"""What a booked visit still needs from its patient before the day, and filling it in: the
health questions when no valid answers cover the visit's date, and the consent documents
of its treatment not yet signed in their current version.

The manage link's pages and the portal both call these; the booking steps ask the same
before a visit is booked (``checkout.checkout``).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, moment_in_words
from dermadesk.checkout.checkout import ScreeningPaused
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.patients.queries import ConsentStatus, consent_status
from dermadesk.patients.services import visit_consents_sign
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.scheduling.services import NotChangeable
from dermadesk.screening.models import ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, valid_screening
from dermadesk.screening.services import screening_submit


@dataclass(frozen=True)
class VisitForms:
    screening_due: bool
    """The treatment asks health questions and no valid answers cover the visit's date."""
    consents: ConsentStatus

    @property
    def needed(self) -> bool:
        return self.screening_due or not self.consents.complete


def visit_day(booking: Booking) -> date:
    """The visit's date on its clinic's clocks (what screening time windows count from)."""
    return booking.starts_at.astimezone(booking.location.zone).date()


def _patient_of(booking: Booking, now: datetime) -> Patient:
    if (
        booking.patient is None
        or booking.status != BookingStatus.CONFIRMED
        or booking.starts_at <= now
    ):
        raise NotChangeable("This visit has nothing left to fill in.")
    return booking.patient


def visit_forms(booking: Booking, now: datetime) -> VisitForms | None:
    """What the confirmed visit to come still needs; None for any other visit."""
    try:
        patient = _patient_of(booking, now)
    except NotChangeable:
        return None
    due = booking.service.requires_screening and (
        valid_screening(
            patient=patient, service=booking.service, treatment_date=visit_day(booking), now=now
        )
        is None
    )
    return VisitForms(
        screening_due=due,
        consents=consent_status(patient=patient, service=booking.service, now=now),
    )


def visit_screen(
    *, booking: Booking, answers: Mapping[str, object], now: datetime
) -> ScreeningResponse:
    """Judge and store the health answers for the booked visit's date. The visit stays
    booked whatever the outcome: answers that do not allow the treatment as booked raise an
    alert, so a clinician looks at them before the day.

    ``InvalidAnswers`` lists what is missing or wrong (nothing stored); ``ScreeningPaused``
    when no questionnaire is published.
    """
    patient = _patient_of(booking, now)
    questionnaire = current_questionnaire()
    if questionnaire is None:
        raise ScreeningPaused
    with transaction.atomic(durable=True):
        response = screening_submit(
            patient=patient, questionnaire=questionnaire, answers=answers,
            service=booking.service, treatment_date=visit_day(booking), now=now,
        )  # fmt: skip
        if not response.is_bookable:
            # No health detail in the alert: its words and link lead to the record.
            alert_raise(
                kind=AlertKind.SCREENING_BEFORE_VISIT,
                about=f"screening:{response.pk}",
                what=f"Patient record {patient.pk} answered the health questions for their "
                f"visit on {moment_in_words(booking.starts_at, booking.location.zone)}: a "
                "clinician should review them before the visit.",
                link=reverse("staff:patient_screening", args=[patient.pk]),
                now=now,
            )
    return response


def visit_sign(
    *, booking: Booking, consents: ConsentStatus, typed_name: str,
    optional_kinds: Collection[str], ip_address: str | None, user_agent: str, now: datetime,
) -> list[ConsentSignature]:  # fmt: skip
    """Sign what the booked visit needs (and the optional documents chosen), all or none,
    with the typed name, the address and browser it was signed from."""
    patient = _patient_of(booking, now)
    with transaction.atomic(durable=True):
        return visit_consents_sign(
            patient=patient, consents=consents, optional_kinds=optional_kinds,
            typed_name=typed_name, now=now, ip_address=ip_address, user_agent=user_agent,
            booking=booking,
        )  # fmt: skip
