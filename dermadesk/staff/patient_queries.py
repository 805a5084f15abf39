"""What the back office reads about one patient: the record page in a fixed number of queries,
likely duplicates, the change history kept by django-auditlog, and the clinic's zone for
times that belong to no visit (messages, the access log, the audit trail).

Nothing here is health data except ``screening_history``, which only the screening page
(``Action.PATIENT_HEALTH``, per patient) calls.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, Value
from django.db.models.functions import Lower

from dermadesk.audit.models import AuditEvent
from dermadesk.checkout.course import clock_text
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.duplicates import Person, duplicate_reasons
from dermadesk.patients.models import ConsentDocument, ConsentSignature, Patient
from dermadesk.patients.queries import current_consent_documents
from dermadesk.scheduling.models import Booking, BookingStatus, Series
from dermadesk.screening.models import ScreeningResponse

RECENT = 50
"""How many messages, looks and changes the record shows (the audit trail has them all)."""
DUPLICATE_CANDIDATES = 500

# Visits still to come that need their consents signed before the treatment.
UPCOMING = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
# Visits that happened (for a course's progress).
DONE = (BookingStatus.COMPLETED,)
CANCELLED = (BookingStatus.CANCELLED, BookingStatus.EXPIRED)


@dataclass(frozen=True)
class Zone:
    """The zone times are shown in, with the words that name it on the page."""

    zone: ZoneInfo
    name: str

    def text(self, moment: datetime) -> str:
        """'Thu 26 Nov 2026, 10:00 a.m. CST' in this zone."""
        return moment_text(moment.astimezone(self.zone))


def moment_text(local: datetime) -> str:
    return f"{local:%a} {local.day} {local:%b %Y}, {clock_text(local)} {local:%Z}"


def location_zone(location: Location) -> Zone:
    return Zone(location.zone, f"{location.locality} clinic time ({location.time_zone})")


def clinic_zone() -> Zone:
    """The zone of the first location (the one the calendar opens on), or UTC without one:
    for times that belong to no visit."""
    first = Location.objects.order_by("display_order", "name").first()
    return location_zone(first) if first is not None else Zone(ZoneInfo("UTC"), "UTC")


@dataclass(frozen=True)
class VisitRow:
    booking: Booking
    when: str
    course: str


@dataclass(frozen=True)
class CourseRow:
    series: Series
    completed: int
    booked: int
    cancelled: int


@dataclass(frozen=True)
class Duplicate:
    patient: Patient
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class HistoryRow:
    entry: LogEntry
    when: str
    what: str
    changes: list[tuple[str, str, str]]


@dataclass
class PatientRecord:
    patient: Patient
    zone: Zone
    visit_zones: list[str]
    visits: list[VisitRow]
    courses: list[CourseRow]
    signed: list[ConsentSignature]
    pending: list[ConsentDocument]
    messages: list[OutboundMessage]
    access: list[AuditEvent]
    history: list[HistoryRow]
    duplicates: list[Duplicate] = field(default_factory=list)


def person(patient: Patient) -> Person:
    return Person(
        given_name=patient.given_name,
        family_name=patient.family_name,
        email=patient.email,
        phone=patient.phone,
        date_of_birth=patient.date_of_birth,
    )


def likely_duplicates(patient: Patient) -> list[Duplicate]:
    """Other records that may be the same person (``patients.duplicates``), with why.

    One query: the records sharing the date of birth, the phone or the email are read, and
    the pure rule decides (names are compared without accents, which SQL cannot do alike on
    SQLite and PostgreSQL)."""
    # Lower() as the unique constraint's index has it (iexact would ask UPPER()).
    near = Q(date_of_birth=patient.date_of_birth) | Q(email_lower=Lower(Value(patient.email)))
    if patient.phone:
        near |= Q(phone=patient.phone)
    candidates = (
        Patient.objects.alias(email_lower=Lower("email"))
        .filter(near)
        .exclude(pk=patient.pk)
        .order_by("pk")
    )
    me = person(patient)
    found = []
    for other in candidates[:DUPLICATE_CANDIDATES]:
        reasons = duplicate_reasons(me, person(other))
        if reasons:
            found.append(Duplicate(other, reasons))
    return found


def _visit_rows(visits: list[Booking]) -> list[VisitRow]:
    rows = []
    for visit in visits:
        course = ""
        if visit.series_id is not None and visit.series is not None:
            course = f"session {visit.series_number} of {visit.series.sessions_planned}"
        rows.append(VisitRow(visit, location_zone(visit.location).text(visit.starts_at), course))
    return rows


def _courses(series: list[Series], visits: list[Booking]) -> list[CourseRow]:
    by_series: dict[int, list[Booking]] = defaultdict(list)
    for visit in visits:
        if visit.series_id is not None:
            by_series[visit.series_id].append(visit)
    rows = []
    for course in series:
        sessions = by_series[course.pk]
        rows.append(
            CourseRow(
                series=course,
                completed=sum(s.status in DONE for s in sessions),
                booked=sum(s.status in UPCOMING for s in sessions),
                cancelled=sum(s.status in CANCELLED for s in sessions),
            )
        )
    return rows


def pending_consents(
    *, visits: list[Booking], signed: list[ConsentSignature], now: datetime
) -> list[ConsentDocument]:
    """The current required documents for the treatments of the patient's visits to come that
    the patient has not signed in their current version. Two queries."""
    coming_visits = [v for v in visits if v.status in UPCOMING and v.ends_at > now]
    coming = {visit.service_id for visit in coming_visits}
    signed_ids = {signature.document_id for signature in signed}
    return [
        document
        for document in current_consent_documents(now=now).values()
        if document.required
        and document.pk not in signed_ids
        and any(service.pk in coming for service in document.services.all())
    ]


def messages_to(patient: Patient) -> list[OutboundMessage]:
    """The latest messages queued to the patient's email address or phone number: what they
    were and how they went; never their words or private values (links, codes)."""
    recipients = [address for address in (patient.email, patient.phone) if address]
    return list(
        OutboundMessage.objects.filter(recipient__in=recipients)
        .only("channel", "template_key", "subject", "status", "created_at", "sent_at")
        .order_by("-created_at", "-pk")[:RECENT]
    )


def _value_text(value: Any) -> str:
    return "–" if value in (None, "", "None") else str(value)


def _changes(entry: LogEntry, model: type[Model]) -> list[tuple[str, str, str]]:
    """(field, before, after) of one change, in the fields' own words and choices' labels.

    Read from the entry alone: django-auditlog's ``changes_display_dict`` looks up every
    related row it names, one query each."""
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            rows.append((name, _value_text(values[0]), _value_text(values[1])))
            continue
        label = str(getattr(model_field, "verbose_name", name))
        choices = {str(key): str(text) for key, text in getattr(model_field, "flatchoices", [])}
        if model_field.is_relation:
            label += " (number)"
        before, after = (_value_text(choices.get(str(v), v)) for v in values)
        rows.append((label, before, after))
    return rows


def change_history(
    *, patient: Patient, booking_ids: list[int], signature_ids: list[int], zone: Zone
) -> list[HistoryRow]:
    """The latest changes django-auditlog kept of the record, its visits and its consent
    signatures (screening answers are health data: not here). Two queries."""
    models: dict[type[Model], str] = {
        Patient: "contact details",
        Booking: "visit",
        ConsentSignature: "consent",
    }
    types = ContentType.objects.get_for_models(*models)
    wanted = Q(content_type=types[Patient], object_pk=str(patient.pk))
    if booking_ids:
        wanted |= Q(content_type=types[Booking], object_pk__in=[str(i) for i in booking_ids])
    if signature_ids:
        wanted |= Q(
            content_type=types[ConsentSignature], object_pk__in=[str(i) for i in signature_ids]
        )
    by_type = {content_type.pk: model for model, content_type in types.items()}
    rows = []
    for entry in LogEntry.objects.filter(wanted).select_related("actor")[:RECENT]:
        model = by_type[entry.content_type_id]
        what = f"{entry.get_action_display()} {models[model]}"
        if model is not Patient:
            what += f" #{entry.object_pk}"
        rows.append(HistoryRow(entry, zone.text(entry.timestamp), what, _changes(entry, model)))
    return rows


def patient_record(patient: Patient, *, now: datetime) -> PatientRecord:
    """Everything the record page shows, in a fixed number of queries whatever the number of
    visits, consents, messages and looks."""
    zone = clinic_zone()
    visits = list(
        Booking.objects.filter(patient=patient)
        .select_related("service", "location", "series")
        .order_by("-starts_at", "-pk")
    )
    series = list(
        Series.objects.filter(patient=patient).select_related("service", "location").order_by("pk")
    )
    signed = list(
        ConsentSignature.objects.filter(patient=patient)
        .select_related("document")
        .order_by("-signed_at", "-pk")
    )
    access = list(AuditEvent.objects.filter(patient_id=patient.pk).order_by("-at", "-pk")[:RECENT])
    return PatientRecord(
        patient=patient,
        zone=zone,
        visit_zones=sorted({location_zone(visit.location).name for visit in visits}),
        visits=_visit_rows(visits),
        courses=_courses(series, visits),
        signed=signed,
        pending=pending_consents(visits=visits, signed=signed, now=now),
        messages=messages_to(patient),
        access=access,
        history=change_history(
            patient=patient,
            booking_ids=[visit.pk for visit in visits],
            signature_ids=[signature.pk for signature in signed],
            zone=zone,
        ),
        duplicates=likely_duplicates(patient),
    )


@dataclass(frozen=True)
class ScreeningShown:
    response: ScreeningResponse
    answers: list[tuple[str, str]]
    given: str
    treatment_for: str


def screening_history(patient: Patient, zone: Zone) -> list[ScreeningShown]:
    """The patient's screenings, newest first, each answer beside its question's words, with
    the clinicians' reviews. Health data: for ``Action.PATIENT_HEALTH`` only. Four queries."""
    responses = (
        ScreeningResponse.objects.filter(patient=patient)
        .select_related("service", "questionnaire")
        .prefetch_related("overrides__user", "questionnaire__questions")
        .order_by("-created_at", "-pk")
    )
    shown: list[ScreeningShown] = []
    for response in responses:
        questions = {q.key: q for q in response.questionnaire.questions.all()}
        answers = []
        for key, value in response.answers.items():
            question = questions.get(key)
            labels = dict(question.choice_pairs) if question else {}
            label = labels.get(value, value) if isinstance(value, str) else value
            answers.append((question.text if question else key, _answer_text(label)))
        shown.append(
            ScreeningShown(
                response=response,
                answers=answers,
                given=zone.text(response.created_at),
                treatment_for=f"{response.treatment_date:%A} {response.treatment_date.day} "
                f"{response.treatment_date:%B %Y}",
            )
        )
    return shown


def _answer_text(value: Any) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value in (None, ""):
        return "Not answered"
    return str(value)
