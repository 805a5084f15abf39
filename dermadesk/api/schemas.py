"""What the API takes and gives: checked by pydantic, described in the OpenAPI document."""

import uuid
from datetime import date, datetime

from ninja import Field, Schema

from dermadesk.scheduling.series import Reason

# The largest id a row can have (64-bit keys): larger ones are refused before any query.
MAX_ID = 2**63 - 1


class CourseSessionOut(Schema):
    """One session of a proposed course."""

    number: int
    """1 for the first session."""
    target: datetime
    """The regular time (the first session's weekday and time, the course's interval on),
    in UTC."""
    local_target: datetime
    """The regular time in the clinic's time zone."""
    start: datetime | None
    """The proposed start in UTC; null when nothing is free near the regular time."""
    local_start: datetime | None
    """The proposed start in the clinic's time zone."""
    clinician: str
    """Who would give it (empty when nothing is proposed)."""
    moved: bool
    """Whether the proposed start differs from the regular time."""
    reason: Reason | None
    """Why the session differs from the regular plan (time or clinician); null when not."""
    notice: str
    """The same, said to the patient; empty when the session is as planned."""


class CourseProposalOut(Schema):
    """A course as the clinic proposes it: the first session is the held time."""

    service: str
    location: str
    time_zone: str
    sessions_count: int
    interval_days: int
    complete: bool
    """Every session has a proposed start (only then can the course be booked)."""
    sessions: list[CourseSessionOut]


class LaterSessionOut(Schema):
    """One later session of a course: where it is, and where it would go to follow again."""

    id: uuid.UUID
    """The session's booking id (``/api/staff/bookings/{id}/…``)."""
    number: int
    start: datetime
    """Its start now, in UTC."""
    local_start: datetime
    proposed_start: datetime | None
    """Where it would go, in UTC; null when nothing is free near its regular time."""
    local_proposed_start: datetime | None
    clinician: str
    """The clinician at the proposed time."""
    moves: bool
    """The proposed start differs from its start now."""
    reason: Reason | None
    """Why the proposed time is not the regular one: ``closed``, ``outside_hours``,
    ``provider_away``, ``fully_booked``; null when it is."""
    notice: str
    """The same, as a sentence for the patient; empty when nothing differs."""


class LaterSessionsOut(Schema):
    """The sessions of a course after one session, and where they would go to follow it at the
    course's interval again (e.g. after it moved)."""

    booking: uuid.UUID
    """The session the later ones follow."""
    time_zone: str
    needed: bool
    """Some later session is not where it would go: moving them would change something."""
    complete: bool
    """Every later session has a proposed start (only then can they be moved)."""
    sessions: list[LaterSessionOut]


class LaterSessionsIn(Schema):
    """Move the later sessions to the starts shown (``GET …/later-sessions``), all or none."""

    starts: list[datetime] = Field(min_length=1, max_length=100)
    """Each later session's proposed start as shown, in order. If the clinic's proposal has
    changed since, nothing moves and the new one comes back."""


class Problem(Schema):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None
    """Field by field, for bad input: ``{"field": ..., "message": ...}``."""
    alternatives: list[datetime] | None = None
    """For a time taken: the nearest free starts."""
    reasons: list[str] | None = None
    """For a treatment that cannot be booked after screening: why, for the patient."""
    session: int | None = None
    """For a course: the number of the session that was taken meanwhile."""
    course: CourseProposalOut | None = None
    """For a course that changed or could not be booked: the clinic's fresh proposal."""
    later_sessions: LaterSessionsOut | None = None
    """For later sessions of a course that would now go elsewhere: the fresh proposal."""


class LocationOut(Schema):
    slug: str
    name: str
    time_zone: str
    phone: str
    email: str
    address_lines: list[str]


class CourseOut(Schema):
    min_sessions: int
    default_sessions: int
    max_sessions: int
    interval_days: int


class ServiceOut(Schema):
    slug: str
    name: str
    description: str
    price_display: str
    requires_screening: bool
    course: CourseOut | None


class SlotOut(Schema):
    start: datetime
    """The start in UTC."""
    local_start: datetime
    """The same instant in the clinic's time zone."""


class AvailabilityOut(Schema):
    service: str
    location: str
    time_zone: str
    slots: list[SlotOut]


class QuestionOut(Schema):
    key: str
    text: str
    help_text: str
    answer_type: str
    required: bool
    choices: list[dict[str, str]]


class HoldIn(Schema):
    service: str = Field(max_length=50)
    location: str = Field(max_length=50)
    start: datetime


class HoldOut(Schema):
    hold_id: str
    start: datetime
    expires_at: datetime


class PatientIn(Schema):
    given_name: str = Field(min_length=1, max_length=80)
    family_name: str = Field(min_length=1, max_length=80)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(min_length=1, max_length=32)
    date_of_birth: date


class ConsentIn(Schema):
    typed_name: str = Field(min_length=1, max_length=200)
    accept_policies: bool
    optional: list[str] = Field(default_factory=list, max_length=10)
    """Kinds of optional documents also agreed to (e.g. ``photos``)."""


class CourseIn(Schema):
    """A course booked with the hold as its first session."""

    sessions: int = Field(ge=1, le=100)
    """How many sessions, within the service's limits (``GET /services``)."""
    starts: list[datetime] = Field(min_length=1, max_length=100)
    """Every session's start as shown to the patient (``GET /holds/{hold_id}/course``), in
    order, the first being the hold's. If the clinic's proposal has changed since, nothing
    is booked and the new one comes back."""


class EmailCodeIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    location: str | None = Field(default=None, max_length=80)
    """The location whose name and address sign the email (default: the first)."""


class EmailCodeOut(Schema):
    sent: bool
    minutes: int
    """How long the code works."""


class EmailProofIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    code: str = Field(min_length=1, max_length=12)


class EmailProofOut(Schema):
    email_proof: str
    """Send it with the booking (``POST /bookings``). It works for ``minutes`` minutes."""
    minutes: int


class BookingIn(Schema):
    hold_id: str = Field(max_length=40)
    email_proof: str = Field(default="", max_length=300)
    """From ``POST /email-proofs``: shows the patient holds ``patient.email``. Without it (or
    for another address) nothing is booked, and nothing stored on a patient is used."""
    patient: PatientIn
    answers: dict[str, str] = Field(default_factory=dict, max_length=100)
    """Screening answers by question key (``GET /services/{slug}/questions``), judged as
    sent. Empty: the patient's own valid earlier screening is used, if there is one."""
    consent: ConsentIn
    course: CourseIn | None = None
    """Book a whole course (all its sessions or none) instead of one visit."""


class BookedSessionOut(Schema):
    number: int
    label: str
    """e.g. "session 2 of 4"."""
    start: datetime
    local_start: datetime
    status: str
    manage_token: str | None
    """This session's own token (each session is moved or cancelled by itself), given only
    in the answer that booked or changed it: it is never kept, so it cannot be given again."""


class BookedCourseOut(Schema):
    """The course a booking belongs to."""

    session: int
    """This booking's number in the course."""
    sessions_planned: int
    label: str
    """e.g. "session 1 of 4"."""
    sessions: list[BookedSessionOut]
    """Every session not cancelled, in order."""


class BookingOut(Schema):
    manage_token: str
    """Keep it secret: it moves and cancels this booking. Every change gives a new one and
    the one before stops working; it also stops a few days after the visit."""
    service: str
    location: str
    status: str
    start: datetime
    end: datetime
    consent_complete: bool
    course: BookedCourseOut | None = None
    """For a session of a course: which one, and the whole course; null for one visit."""


class RescheduleIn(Schema):
    start: datetime


# Staff endpoints (``/api/staff/…``, bearer token). No health information is ever given.


class PatientRefOut(Schema):
    id: int
    name: str


class StaffBookingOut(Schema):
    id: uuid.UUID
    """The booking's public id (``/api/staff/bookings/{id}/…``)."""
    service: str
    service_name: str
    location: str
    status: str
    start: datetime
    local_start: datetime
    end: datetime
    channel: str
    patient: PatientRefOut | None
    session: int | None
    """For a session of a course: its number."""
    sessions_planned: int | None
    """For a session of a course: how many sessions the course has."""
    session_label: str
    """"session 2 of 4", or empty for a single visit."""
    clinicians: list[str]
    rooms: list[str]


class StaffDayOut(Schema):
    location: str
    time_zone: str
    day: date
    bookings: list[StaffBookingOut]
    """Every booking that starts that day (local time), cancelled ones included; holds not."""


class StaffBookingIn(Schema):
    patient_id: int = Field(ge=1, le=MAX_ID)
    service: str = Field(max_length=50)
    location: str = Field(max_length=50)
    start: datetime


class StaffCourseIn(StaffBookingIn):
    """A course whose first session starts at ``start``; the clinic plans the others."""

    sessions: int = Field(ge=1, le=100)


class StaffLaterSessionsMovedOut(Schema):
    moved: int
    """How many sessions moved (the patient gets one email listing them all)."""
    bookings: list[StaffBookingOut]
    """Every session of the course still on, in order, as they are now."""


class StaffCourseOut(Schema):
    sessions_planned: int
    proposal: list[CourseSessionOut]
    """The sessions as planned, each change explained."""
    bookings: list[StaffBookingOut]
    """The bookings made, one per session."""
