"""Courses of sessions, as one use-case: proposed, booked as the person accepted them, and
their later sessions moved to follow one that moved.

Every edge (the booking pages, the manage link, the JSON API, the staff API, the admin) calls
these functions and only translates what goes in and what comes out. Each plans again from
the database, compares with what the person was shown, and only then books or moves through
``series_book`` / ``series_shift`` (all sessions or none, in one transaction); those two are
called from here only. A difference is raised with the fresh plan, for the edge to show:

- ``CourseLengthRefused``: the treatment is not a course, or not of that many sessions;
- ``CourseChanged``: the plan differs from the starts accepted (or a session was taken
  while booking: ``session`` says which), nothing booked;
- ``CourseIncomplete``: some session has no free time near its date, nothing booked;
- ``LaterSessionsChanged``: the later sessions would now go elsewhere, nothing moved;
- and the scheduling errors (``SlotTaken`` for the first session, ``NotBookable``,
  ``NotChangeable``).

Staff (``by_staff``, the admin and the staff API) plan and book by the clinic's rules, not
the online notice and horizon, and are answered in staff words.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from dermadesk.checkout.course_plan import course_plan_from, first_session, planned_starts
from dermadesk.checkout.manage import change_notice
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Series, Service
from dermadesk.scheduling.queries import CourseShift, course_shift, series_proposal
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import (
    NotBookable,
    NotChangeable,
    SchedulingError,
    SeriesSessionTaken,
    series_book,
    series_shift,
)

CHANGED_FOR_PATIENT = (
    "Some dates of your course changed while you were finishing, so nothing is booked yet. "
    "Please look at the new dates and confirm them again."
)
CHANGED_FOR_STAFF = (
    "The proposal changed since it was shown, so nothing was booked: check it again."
)
INCOMPLETE = (
    "Not every session of this course has a free time near its regular date; nothing is "
    "booked. Choose fewer sessions or another first time."
)
LATER_CHANGED_FOR_PATIENT = (
    "Some of the new dates changed while you were looking. Please look at them again: "
    "nothing has been moved yet."
)
LATER_CHANGED_FOR_STAFF = (
    "The new times of the later sessions changed since they were shown, so nothing was "
    "moved: check them again."
)


class CourseLengthRefused(NotBookable):
    """The treatment is not given as a course, or not as a course of that many sessions."""

    def __init__(self, message: str, *, not_a_course: bool) -> None:
        super().__init__(message)
        self.not_a_course = not_a_course


class CourseProblem(SchedulingError):
    """A course that cannot be booked as it stands; ``plan`` is the course proposed now."""

    def __init__(self, message: str, *, plan: SeriesPlan, service: Service,
                 location: Location) -> None:  # fmt: skip
        super().__init__(message)
        self.plan, self.service, self.location = plan, service, location


class CourseChanged(CourseProblem):
    """The course planned now is not the one accepted, so nothing was booked.

    ``session``: the session taken while the course was being booked, when that is why.
    """

    def __init__(
        self, message: str, *, plan: SeriesPlan, service: Service, location: Location,
        session: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message, plan=plan, service=service, location=location)
        self.session = session


class CourseIncomplete(CourseProblem):
    """Some session has no free time near its regular date, so nothing was booked."""


class LaterSessionsChanged(SchedulingError):
    """The later sessions would now go elsewhere than accepted (or one was taken while
    moving: ``session``), so nothing moved. ``shift`` is the fresh proposal."""

    def __init__(self, message: str, *, shift: CourseShift, session: int | None = None) -> None:
        super().__init__(message)
        self.shift, self.session = shift, session


# How many sessions


def course_length_check(*, service: Service, count: int) -> None:
    """Raise ``CourseLengthRefused`` unless ``service`` is a course of ``count`` sessions."""
    refusal = service.course_length_refusal(count)
    if refusal is not None:
        raise CourseLengthRefused(refusal, not_a_course=not service.offers_series)


def sessions_allowed(service: Service, count: int) -> bool:
    """Whether a course of ``count`` sessions of ``service`` may be booked."""
    return service.course_length_refusal(count) is None


def sessions_chosen(value: str | None, service: Service, default: int) -> int | None:
    """The number of sessions a page asked for (``default`` when empty): 1 (only the first)
    or within the course's limits; None for anything else."""
    try:
        count = int(value) if value else default
    except ValueError:
        return None
    if count == 1 or sessions_allowed(service, count):
        return count
    return None


def starts_accepted(value: str) -> list[datetime | None]:
    """The starts a page showed, as it carried them (comma-separated; "" for a session
    without one). Altered text gives ``[]``, which differs from any proposal."""
    try:
        return [datetime.fromisoformat(part) if part else None for part in value.split(",")]
    except ValueError:
        return []


def course_can_be_added(booking: Booking) -> bool:
    """A visit booked on its own, of a treatment given as a course, for a known patient: the
    rest of its course can be booked after it (``course_add_accepted``)."""
    return (
        booking.series_id is None
        and booking.service.offers_series
        and booking.patient_id is not None
    )


# Proposing


def course_propose(*, first: Booking, sessions: int, now: datetime) -> SeriesPlan:
    """The course whose first session is ``first``: a held time, or a visit booked alone."""
    course_length_check(service=first.service, count=sessions)
    return course_plan_from(first, sessions, now)


def course_propose_at(
    *, service: Service, location: Location, start: datetime, sessions: int, now: datetime,
    clinician: Resource | None = None,
) -> SeriesPlan:  # fmt: skip
    """The course staff propose from a first time they choose (by the clinic's rules), with
    ``clinician`` for it when one is asked for. Raises ``NotBookable`` or ``SlotTaken`` when
    that first time cannot be had."""
    course_length_check(service=service, count=sessions)
    first = first_session(
        service=service, location=location, start=start, now=now, clinician=clinician,
        by_staff=True,
    )  # fmt: skip
    return series_proposal(
        service=service, location=location, first=first, count=sessions, now=now, by_staff=True
    )


# Booking


def _sessions(series: Series) -> list[Booking]:
    return list(
        series.bookings.select_related("service", "location", "patient", "series").order_by(
            "series_number"
        )
    )


def _same(plan: SeriesPlan, accepted: Sequence[datetime]) -> bool:
    return plan.complete and planned_starts(plan) == list(accepted)


def course_book_accepted(
    *,
    first_hold: Booking,
    sessions: int,
    accepted_starts: Sequence[datetime],
    patient_id: int,
    channel: BookingChannel,
    now: datetime,
    created_by: User | None = None,
) -> list[Booking]:
    """Book the course that starts with the held time, as the person accepted it.

    Plans again; if the starts differ from ``accepted_starts``, raises ``CourseChanged`` with
    the fresh plan and books nothing. Otherwise books every session or none; the booked
    sessions in order. A later session taken meanwhile: ``CourseChanged`` with ``session``;
    the first one: ``SlotTaken`` (a ``SeriesSessionTaken`` of session 1).
    """
    service, location = first_hold.service, first_hold.location
    plan = course_propose(first=first_hold, sessions=sessions, now=now)
    if not _same(plan, accepted_starts):
        raise CourseChanged(CHANGED_FOR_PATIENT, plan=plan, service=service, location=location)
    try:
        booked = series_book(
            service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
            now=now, channel=channel, patient_id=patient_id, first_hold=first_hold,
            created_by=created_by,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            raise
        fresh = course_plan_from(first_hold, sessions, now)
        raise CourseChanged(
            str(taken), plan=fresh, service=service, location=location, session=taken.number
        ) from taken
    return booked


def course_add_accepted(
    *, first_visit: Booking, sessions: int, accepted_starts: Sequence[datetime], now: datetime,
    channel: BookingChannel = BookingChannel.WEB,
) -> list[Booking]:  # fmt: skip
    """Book the rest of a course after a visit booked alone, as the patient accepted it: the
    visit becomes session 1 (told as ``COURSE_ADDED``), the others all or none."""
    service, location = first_visit.service, first_visit.location
    if first_visit.patient_id is None:
        raise NotChangeable("Only a patient's own visit can start a course.")
    plan = course_propose(first=first_visit, sessions=sessions, now=now)
    if not _same(plan, accepted_starts):
        raise CourseChanged(CHANGED_FOR_PATIENT, plan=plan, service=service, location=location)
    try:
        booked = series_book(
            service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
            now=now, channel=channel, patient_id=first_visit.patient_id,
            first_booked=first_visit,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        fresh = course_plan_from(first_visit, sessions, now)
        raise CourseChanged(
            str(taken), plan=fresh, service=service, location=location, session=taken.number
        ) from taken
    return booked


@dataclass(frozen=True)
class BookedCourse:
    """A course staff booked: the plan it was booked from and its sessions, in order."""

    plan: SeriesPlan
    sessions: list[Booking]


def course_book_by_staff(
    *,
    service: Service,
    location: Location,
    start: datetime,
    sessions: int,
    patient_id: int,
    now: datetime,
    created_by: User | None,
    accepted_starts: Sequence[datetime] | None = None,
    clinician: Resource | None = None,
) -> BookedCourse:
    """Staff book a course for a patient from a first time they choose, by the clinic's rules.

    ``accepted_starts``: the starts the staff member was shown (the admin): any difference
    raises ``CourseChanged``. Without them (the staff API), the course is booked as proposed
    now if every session has a time (else ``CourseIncomplete``).
    """
    plan = course_propose_at(
        service=service, location=location, start=start, sessions=sessions, now=now,
        clinician=clinician,
    )  # fmt: skip
    if accepted_starts is not None and not _same(plan, accepted_starts):
        raise CourseChanged(CHANGED_FOR_STAFF, plan=plan, service=service, location=location)
    if not plan.complete:
        raise CourseIncomplete(INCOMPLETE, plan=plan, service=service, location=location)
    try:
        booked = series_book(
            service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
            now=now, channel=BookingChannel.STAFF, patient_id=patient_id, created_by=created_by,
            by_staff=True,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            raise
        fresh = course_propose_at(
            service=service, location=location, start=start, sessions=sessions, now=now,
            clinician=clinician,
        )  # fmt: skip
        raise CourseChanged(
            str(taken), plan=fresh, service=service, location=location, session=taken.number
        ) from taken
    return BookedCourse(plan=plan, sessions=booked)


# Moving the later sessions after one moved


def later_sessions_proposal(
    *, booking: Booking, now: datetime, by_staff: bool = False
) -> CourseShift | None:
    """Where the confirmed sessions after ``booking`` would go to follow it again at the
    course's interval; None when it is not in a course or nothing follows it.

    For a patient, only sessions beyond the online change notice; staff move any ahead.
    """
    after = now if by_staff else now + change_notice()
    return course_shift(booking=booking, now=now, after=after, by_staff=by_staff)


def later_sessions_move(
    *,
    booking: Booking,
    accepted_starts: Sequence[datetime | None],
    now: datetime,
    by_staff: bool = False,
) -> list[Booking]:
    """Move the sessions after ``booking`` to the times accepted, all or none.

    Plans again; if the new times differ from ``accepted_starts`` (one per later session,
    in order) or one has no time, raises ``LaterSessionsChanged`` with the fresh proposal,
    moving nothing. Returns the sessions moved (the patient gets one message for them all).
    """
    if booking.series is None:
        raise NotChangeable("This visit is not part of a course.")
    shift = later_sessions_proposal(booking=booking, now=now, by_staff=by_staff)
    if shift is None:
        raise NotChangeable("No later session of this course can be moved.")
    changed = LATER_CHANGED_FOR_STAFF if by_staff else LATER_CHANGED_FOR_PATIENT
    if not shift.complete or shift.starts() != list(accepted_starts):
        raise LaterSessionsChanged(changed, shift=shift)
    sessions = {b.series_number or 0: p.slot for b, p in shift.proposed() if p.slot is not None}
    try:
        return series_shift(series=booking.series, sessions=sessions, now=now, by_staff=by_staff)
    except SeriesSessionTaken as taken:
        fresh = later_sessions_proposal(booking=booking, now=now, by_staff=by_staff) or shift
        raise LaterSessionsChanged(str(taken), shift=fresh, session=taken.number) from taken
