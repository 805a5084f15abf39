"""The checkout: a held time becomes a booking for a proven patient. Written once, here.

The booking pages walk through it step by step (screening, then consent, then confirm);
the JSON API does it all in one request (``checkout_book``). Both call these functions and
only translate their answers, so the rules are the same whoever asks:

- **Proof first.** Nothing stored on a patient (a valid screening, signed consents, their
  details) is shown, reused or changed until the person proves the email address with a
  code (``checkout.signin``). Each function takes the proven address and refuses with
  ``EmailNotProven`` when it is not the one typed.
- **Answers are about what this person sent now.** A screening is reused only for the
  proven owner; answers sent are judged on their own and stored once on that record.
- **All or nothing.** ``checkout_book`` writes the patient, the screening, the signatures
  and the booking (or the whole course) in one transaction: a refusal leaves nothing half
  written, except a screening that says "not suitable", which is kept as the patient's
  answer (and the held time let go).
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from dermadesk.checkout.course_plan import course_plan_from, planned_starts
from dermadesk.checkout.courses import CHANGED_FOR_PATIENT, CourseChanged, course_book_accepted
from dermadesk.checkout.signin import same_email
from dermadesk.patients.models import ConsentSignature, Patient
from dermadesk.patients.queries import ConsentStatus, consent_status, find_patient
from dermadesk.patients.services import patient_find_or_create, visit_consents_sign
from dermadesk.scheduling.models import Booking, BookingChannel
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import (
    booking_cancel,
    booking_confirm,
    booking_hold_claim_email,
)
from dermadesk.screening.models import ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, valid_screening
from dermadesk.screening.services import screening_submit


class CheckoutError(Exception):
    """The checkout cannot go on; the message fits the person booking."""


class EmailNotProven(CheckoutError):
    def __init__(self) -> None:
        super().__init__(
            "Please confirm your email address with the code we send you first: it keeps "
            "your details and health answers safe."
        )


class ScreeningPaused(CheckoutError):
    def __init__(self) -> None:
        super().__init__(
            "Online booking of treatments is paused while we update our health questions. "
            "Please call us to book."
        )


class ScreeningNeeded(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Please answer the health questions for this treatment first.")


class ScreeningRefused(CheckoutError):
    """The answers sent mean the treatment cannot be booked online now; the hold is let go."""

    def __init__(self, response: ScreeningResponse) -> None:
        super().__init__(
            "This treatment cannot be booked online for you now; a consultation can be."
        )
        self.response = response


class ConsentNeeded(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Please read and sign the consent for this treatment first.")


@dataclass(frozen=True)
class Person:
    """Who is booking, as typed."""

    given_name: str
    family_name: str
    email: str
    phone: str
    date_of_birth: date


@dataclass(frozen=True)
class AcceptedCourse:
    """A course the patient saw and accepted: how many sessions, starting when."""

    sessions: int
    starts: Sequence[datetime]


def _proven(person: Person, proven_email: str | None) -> None:
    if not same_email(person.email, proven_email):
        raise EmailNotProven


def treatment_date(held: Booking) -> date:
    return held.starts_at.astimezone(held.location.zone).date()


def checkout_patient(*, person: Person, proven_email: str | None) -> Patient | None:
    """The record the typed details name, for the proven owner of its email; None when
    there is none yet (or the email is not proven: nothing is shown then). Reads only."""
    if not same_email(person.email, proven_email):
        return None
    return find_patient(email=person.email, date_of_birth=person.date_of_birth)


def _patient(person: Person, proven_email: str | None, today: date) -> Patient:
    """The proven person's record, made now if it is their first visit."""
    _proven(person, proven_email)
    patient, _ = patient_find_or_create(
        given_name=person.given_name,
        family_name=person.family_name,
        email=person.email,
        phone=person.phone,
        date_of_birth=person.date_of_birth,
        today=today,
    )
    return patient


def checkout_reusable_screening(
    *, held: Booking, person: Person, proven_email: str | None, now: datetime
) -> ScreeningResponse | None:
    """A screening the proven patient gave earlier that allows this visit, or None."""
    patient = checkout_patient(person=person, proven_email=proven_email)
    if patient is None:
        return None
    response = valid_screening(
        patient=patient, service=held.service, treatment_date=treatment_date(held), now=now
    )
    return response if response is not None and response.is_bookable else None


def _screen(
    held: Booking, patient: Patient, answers: Mapping[str, object], now: datetime
) -> ScreeningResponse:
    questionnaire = current_questionnaire()
    if questionnaire is None:
        raise ScreeningPaused
    return screening_submit(
        patient=patient, questionnaire=questionnaire, answers=answers, service=held.service,
        treatment_date=treatment_date(held), now=now,
    )  # fmt: skip


def checkout_screen(
    *,
    held: Booking,
    person: Person,
    proven_email: str | None,
    answers: Mapping[str, object],
    now: datetime,
) -> ScreeningResponse:
    """Judge and store the answers just given for the held visit's date.

    When they do not allow booking online, the held time is let go and
    ``ScreeningRefused`` says why (the answers stay stored, as the patient gave them).
    ``InvalidAnswers`` lists what is missing or wrong (nothing stored).
    """
    with transaction.atomic(durable=True):
        patient = _patient(person, proven_email, now.astimezone(held.location.zone).date())
        response = _screen(held, patient, answers, now)
        if not response.is_bookable:
            booking_cancel(booking=held, now=now)
    if not response.is_bookable:
        raise ScreeningRefused(response)
    return response


def checkout_consents(
    *, held: Booking, person: Person, proven_email: str | None, now: datetime
) -> ConsentStatus:
    """The consent documents of the held treatment, signed or not by the proven patient
    (all unsigned for someone not proven or new)."""
    patient = checkout_patient(person=person, proven_email=proven_email)
    return consent_status(patient=patient, service=held.service, now=now)


def checkout_sign(
    *,
    held: Booking,
    person: Person,
    proven_email: str | None,
    typed_name: str,
    optional_kinds: Collection[str],
    ip_address: str | None,
    user_agent: str,
    now: datetime,
) -> list[ConsentSignature]:
    """Sign what the visit needs (and the optional documents chosen), all or none."""
    with transaction.atomic(durable=True):
        return _sign(
            held, person, proven_email, typed_name, optional_kinds, ip_address, user_agent, now
        )


def _sign(
    held: Booking, person: Person, proven_email: str | None, typed_name: str,
    optional_kinds: Collection[str], ip_address: str | None, user_agent: str, now: datetime,
) -> list[ConsentSignature]:  # fmt: skip
    patient = _patient(person, proven_email, now.astimezone(held.location.zone).date())
    consents = consent_status(patient=patient, service=held.service, now=now)
    return visit_consents_sign(
        patient=patient, consents=consents, optional_kinds=optional_kinds,
        typed_name=typed_name, now=now, ip_address=ip_address, user_agent=user_agent,
        booking=held,
    )  # fmt: skip


def course_accepted(held: Booking, course: AcceptedCourse, now: datetime) -> SeriesPlan:
    """The course proposed now, if it is the one the patient accepted; else ``CourseChanged``
    (checked before anything is written; ``course_book_accepted`` checks again as it books)."""
    plan = course_plan_from(held, course.sessions, now)
    if not plan.complete or planned_starts(plan) != list(course.starts):
        raise CourseChanged(
            CHANGED_FOR_PATIENT, plan=plan, service=held.service, location=held.location
        )
    return plan


def checkout_confirm(
    *,
    held: Booking,
    person: Person,
    proven_email: str | None,
    course: AcceptedCourse | None,
    channel: BookingChannel,
    now: datetime,
) -> list[Booking]:
    """Make the held time a booking (or the first session of a course booked whole).

    The proven patient must have a screening that allows this visit (where the treatment
    asks for one) and every required consent signed. Returns the bookings made, each with
    its new manage-link secret (``manage_token``).
    """
    with transaction.atomic(durable=True):
        return _confirm(held, person, proven_email, course, channel, now)


def _confirm(
    held: Booking, person: Person, proven_email: str | None, course: AcceptedCourse | None,
    channel: BookingChannel, now: datetime,
) -> list[Booking]:  # fmt: skip
    patient = _patient(person, proven_email, now.astimezone(held.location.zone).date())
    if held.service.requires_screening:
        screening = valid_screening(
            patient=patient, service=held.service, treatment_date=treatment_date(held), now=now
        )
        if screening is None or not screening.is_bookable:
            raise ScreeningNeeded
    if not consent_status(patient=patient, service=held.service, now=now).complete:
        raise ConsentNeeded
    if course is None:
        return [booking_confirm(booking=held, now=now, patient_id=patient.pk)]
    return course_book_accepted(
        first_hold=held, sessions=course.sessions, accepted_starts=course.starts,
        patient_id=patient.pk, channel=channel, now=now,
    )  # fmt: skip


@dataclass(frozen=True)
class ConsentGiven:
    typed_name: str
    optional_kinds: Collection[str]
    ip_address: str | None
    user_agent: str


def checkout_book(
    *,
    held: Booking,
    person: Person,
    proven_email: str | None,
    answers: Mapping[str, object] | None,
    consent: ConsentGiven,
    course: AcceptedCourse | None,
    channel: BookingChannel,
    now: datetime,
) -> list[Booking]:
    """The whole checkout at once (the API): screening, consent and booking, all or none.

    ``answers`` are judged on their own when given; without them, only a screening the
    proven patient gave earlier can stand (else the missing answers are listed). A "not
    suitable" or "consultation first" answer is kept, the held time let go, and
    ``ScreeningRefused`` raised.
    """
    if course is not None:
        course_accepted(held, course, now)  # before anything is written
    refused: ScreeningResponse | None = None
    with transaction.atomic(durable=True):
        patient = _patient(person, proven_email, now.astimezone(held.location.zone).date())
        # The email is known now: the hold counts against it too (``TooManyHolds``).
        booking_hold_claim_email(booking=held, email=person.email, now=now)
        if held.service.requires_screening:
            earlier = (
                None
                if answers
                else valid_screening(
                    patient=patient, service=held.service, treatment_date=treatment_date(held),
                    now=now,
                )
            )  # fmt: skip
            # No earlier answers: these are judged (missing ones listed by InvalidAnswers).
            response = earlier or _screen(held, patient, answers or {}, now)
            if not response.is_bookable:
                booking_cancel(booking=held, now=now)
                refused = response
        if refused is None:
            _sign(
                held, person, proven_email, consent.typed_name, consent.optional_kinds,
                consent.ip_address, consent.user_agent, now,
            )  # fmt: skip
            return _confirm(held, person, proven_email, course, channel, now)
    raise ScreeningRefused(refused)
