"""What the API takes and gives: checked by pydantic, described in the OpenAPI document."""

from datetime import date, datetime

from ninja import Field, Schema


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


class BookingIn(Schema):
    hold_id: str = Field(max_length=40)
    patient: PatientIn
    answers: dict[str, str] = Field(default_factory=dict, max_length=100)
    """Screening answers by question key (``GET /services/{slug}/questions``)."""
    consent: ConsentIn


class BookingOut(Schema):
    manage_token: str
    """Keep it secret: it moves and cancels this booking."""
    service: str
    location: str
    status: str
    start: datetime
    end: datetime
    consent_complete: bool


class RescheduleIn(Schema):
    start: datetime
