"""A patient's record as a FHIR R4 Bundle: plain facts in, plain JSON-ready dicts out.

Pure: no Django. ``interop.queries`` reads the database into the dataclasses below; this
module decides every FHIR element and code. The Bundle (type ``collection``) holds the
Patient, an Appointment per visit, a QuestionnaireResponse per screening with the
Questionnaire version it answered, and a Consent per signature with the document version
signed, a Procedure per signed chart (what was done, where, how deep, with what), and a
CarePlan per completed session's aftercare (its stages as activities, dated in the clinic's
zone).

Codes come from HL7's code systems where FHIR binds one (appointment, participation and
consent statuses, consent scope, participant types, identifier types) and from LOINC for
the consent category; the clinic's own treatments and questions have no standard code, so
they carry the clinic's code system under ``base_url`` (see ``docs/decisions.md``).

Resource ids are UUIDs made from the site's address and the row (``uuid5``), so exporting
the same record twice gives the same ids, and entries refer to each other by
``urn:uuid:`` full URLs, as a Bundle without a server may.
"""

import base64
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from dermadesk.screening.rules import AnswerType

JSON = dict[str, Any]

# Code systems (http://hl7.org/fhir/R4/terminologies-systems.html).
LOINC = "http://loinc.org"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
URI_IDENTIFIER = "urn:ietf:rfc:3986"

CONSENT_DOCUMENT = {"system": LOINC, "code": "59284-0", "display": "Consent Document"}
MEDICAL_RECORD_NUMBER = {
    "system": IDENTIFIER_TYPE,
    "code": "MR",
    "display": "Medical record number",
}

# A booking's status → Appointment.status (http://hl7.org/fhir/R4/valueset-appointmentstatus.html).
# An expired hold never became an appointment: it is left out of the export.
APPOINTMENT_STATUS: Mapping[str, str] = {
    "held": "pending",
    "confirmed": "booked",
    "checked_in": "checked-in",
    "completed": "fulfilled",
    "no_show": "noshow",
    "cancelled": "cancelled",
}


class ParticipantKind(Enum):
    """Who or what takes part in a visit, with its v3 ParticipationType and reference type."""

    PRACTITIONER = ("PPRF", "primary performer", "Practitioner")
    LOCATION = ("LOC", "location", "Location")
    DEVICE = ("DEV", "device", "Device")

    def __init__(self, code: str, display: str, resource_type: str) -> None:
        self.code, self.display, self.resource_type = code, display, resource_type


# Consent kinds that are about the treatment itself; the rest (photographs) are about
# what is recorded and shown of the patient: privacy.
TREATMENT_CONSENTS = frozenset({"micro_needling", "micro_needling_prp"})

QUESTION_TYPES: Mapping[AnswerType, str] = {
    AnswerType.YES_NO: "boolean",
    AnswerType.CHOICE: "choice",
    AnswerType.DATE: "date",
    AnswerType.NUMBER: "decimal",
}


@dataclass(frozen=True, slots=True)
class PatientFacts:
    number: int
    given_name: str
    family_name: str
    email: str
    phone: str
    birth_date: date
    updated_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True, slots=True)
class Participant:
    kind: ParticipantKind
    name: str


@dataclass(frozen=True, slots=True)
class VisitFacts:
    public_id: uuid.UUID
    status: str
    """The booking's status value (``scheduling.models.BookingStatus``)."""
    start: datetime
    end: datetime
    zone: ZoneInfo
    service_slug: str
    service_name: str
    location_name: str
    created_at: datetime
    session: str
    """'session 2 of 4' for a session of a course, else empty."""
    participants: tuple[Participant, ...]


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    key: str
    text: str
    answer_type: AnswerType
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) of each choice, for a choice question."""


@dataclass(frozen=True, slots=True)
class QuestionnaireFacts:
    version: int
    title: str
    published: bool
    created_at: datetime
    questions: tuple[QuestionFacts, ...]


@dataclass(frozen=True, slots=True)
class ScreeningFacts:
    number: int
    questionnaire_version: int
    authored: datetime
    answers: Mapping[str, object]
    """Question key → the answer as stored (JSON: bool, str, int, float; dates as ISO)."""


@dataclass(frozen=True, slots=True)
class ConsentFacts:
    number: int
    kind: str
    """The document's kind (``patients.models.ConsentKind`` value)."""
    title: str
    version: int
    body: str
    current: bool
    """Whether the version signed is still the one patients are asked to sign."""
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class CareStage:
    """One stretch of days of a session's aftercare, as the patient was given it."""

    title: str
    starts: datetime
    ends: datetime | None
    """None: open-ended (the last stage)."""
    normal: tuple[str, ...]
    do: tuple[str, ...]
    avoid: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CarePlanFacts:
    """A completed session's aftercare: its timeline, and when to call the clinic."""

    number: int
    visit: uuid.UUID
    """The booking's public id: its Appointment."""
    service_name: str
    session_ended: datetime
    zone: ZoneInfo
    stages: tuple[CareStage, ...]
    call_us_if: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AreaFacts:
    label: str
    """The area in words ("Cheeks")."""
    depth_mm: str
    passes: int


@dataclass(frozen=True, slots=True)
class ProcedureFacts:
    """A signed chart: what was done in one visit."""

    number: int
    visit_public_id: uuid.UUID
    service_slug: str
    service_name: str
    start: datetime
    end: datetime
    zone: ZoneInfo
    clinician: str
    signed_at: datetime
    amended: bool
    areas: tuple[AreaFacts, ...]
    device: str = ""
    lots: tuple[str, ...] = ()
    """Each lot used, in words ("Needle cartridge: 12-pin nano cartridge, lot C-1")."""
    skin_response: str = ""
    products_after: str = ""


@dataclass(frozen=True, slots=True)
class PatientRecord:
    patient: PatientFacts
    visits: tuple[VisitFacts, ...]
    questionnaires: tuple[QuestionnaireFacts, ...]
    screenings: tuple[ScreeningFacts, ...]
    consents: tuple[ConsentFacts, ...]
    care_plans: tuple[CarePlanFacts, ...] = ()
    procedures: tuple[ProcedureFacts, ...] = ()


class Names:
    """The URIs of one site: ids, identifier systems, its code system and canonical URLs.

    These name things; they are not pages that answer.
    """

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/fhir"
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, self.base)
        self.patient_numbers = f"{self.base}/patient-number"
        self.services = f"{self.base}/CodeSystem/service"
        self.screening = f"{self.base}/Questionnaire/candidacy-screening"
        self.chart_numbers = f"{self.base}/chart-number"

    def resource_id(self, resource_type: str, key: object) -> str:
        return str(uuid.uuid5(self._namespace, f"{resource_type}/{key}"))

    def full_url(self, resource_type: str, key: object) -> str:
        return f"urn:uuid:{self.resource_id(resource_type, key)}"

    def consent_policy(self, kind: str, version: int) -> str:
        return f"{self.base}/consent-document/{kind}/{version}"


# FHIR strings hold no control characters but tab, carriage return and line feed.
_CONTROL = dict.fromkeys(code for code in range(32) if code not in (9, 10, 13))


def text(value: str) -> str:
    """``value`` as a FHIR string: control characters dropped, no blank ends (may be empty)."""
    return value.translate(_CONTROL).strip()


def instant(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """A FHIR instant or dateTime: seconds and an offset (UTC unless a zone is given)."""
    if moment.tzinfo is None:
        raise ValueError("FHIR times need an offset; this one has none.")
    return moment.astimezone(zone or UTC).isoformat(timespec="seconds")


def patient_bundle(record: PatientRecord, *, base_url: str, now: datetime, site_name: str) -> JSON:
    """The whole record as one FHIR R4 Bundle of type ``collection``."""
    names = Names(base_url)
    patient = record.patient
    subject = {"reference": names.full_url("Patient", patient.number)}
    if text(patient.full_name):
        subject["display"] = text(patient.full_name)
    resources: list[tuple[str, JSON]] = [
        (subject["reference"], patient_resource(patient, names)),
    ]
    for visit in record.visits:
        if visit.status in APPOINTMENT_STATUS:
            resources.append(
                (
                    names.full_url("Appointment", visit.public_id),
                    appointment_resource(visit, subject, names),
                )
            )
    for questionnaire in record.questionnaires:
        resources.append(
            (
                names.full_url("Questionnaire", questionnaire.version),
                questionnaire_resource(questionnaire, names, site_name),
            )
        )
    versions = {q.version: q for q in record.questionnaires}
    for screening in record.screenings:
        resources.append(
            (
                names.full_url("QuestionnaireResponse", screening.number),
                questionnaire_response_resource(
                    screening, versions[screening.questionnaire_version], subject, names
                ),
            )
        )
    for consent in record.consents:
        resources.append(
            (
                names.full_url("Consent", consent.number),
                consent_resource(consent, subject, names, site_name),
            )
        )
    for plan in record.care_plans:
        resources.append(
            (
                names.full_url("CarePlan", plan.number),
                care_plan_resource(plan, subject, names, now=now),
            )
        )
    for procedure in record.procedures:
        resources.append(
            (
                names.full_url("Procedure", procedure.number),
                procedure_resource(procedure, subject, names),
            )
        )
    return {
        "resourceType": "Bundle",
        "id": names.resource_id("Bundle", f"{patient.number}/{instant(now)}"),
        "meta": {"lastUpdated": instant(now)},
        "type": "collection",
        "timestamp": instant(now),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
    }


def _human_name(patient: PatientFacts) -> JSON:
    name: JSON = {"use": "official"}
    parts = {
        "text": text(patient.full_name),
        "family": text(patient.family_name),
        "given": [part for part in text(patient.given_name).split() if part],
    }
    name.update((key, value) for key, value in parts.items() if value)
    return name


def patient_resource(patient: PatientFacts, names: Names) -> JSON:
    telecom = [
        {"system": system, "value": text(value), **extra}
        for system, value, extra in (
            ("email", patient.email, {"use": "home"}),
            ("phone", patient.phone, {}),
        )
        if text(value)
    ]
    return {
        "resourceType": "Patient",
        "id": names.resource_id("Patient", patient.number),
        "meta": {"lastUpdated": instant(patient.updated_at)},
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [MEDICAL_RECORD_NUMBER]},
                "system": names.patient_numbers,
                "value": str(patient.number),
            }
        ],
        "active": True,
        "name": [_human_name(patient)],
        **({"telecom": telecom} if telecom else {}),
        "birthDate": patient.birth_date.isoformat(),
    }


def _participant(participant: Participant) -> JSON:
    kind = participant.kind
    return {
        "type": [
            {"coding": [{"system": PARTICIPATION_TYPE, "code": kind.code, "display": kind.display}]}
        ],
        "actor": {"type": kind.resource_type, "display": text(participant.name) or kind.display},
        "required": "required",
        "status": "accepted",
    }


def appointment_resource(visit: VisitFacts, subject: Mapping[str, str], names: Names) -> JSON:
    held = visit.status == "held"
    clinic = Participant(ParticipantKind.LOCATION, visit.location_name)
    return {
        "resourceType": "Appointment",
        "id": names.resource_id("Appointment", visit.public_id),
        "identifier": [{"system": URI_IDENTIFIER, "value": f"urn:uuid:{visit.public_id}"}],
        "status": APPOINTMENT_STATUS[visit.status],
        "serviceType": [
            {
                "coding": [
                    {
                        "system": names.services,
                        "code": visit.service_slug,
                        "display": text(visit.service_name) or visit.service_slug,
                    }
                ],
                "text": text(visit.service_name) or visit.service_slug,
            }
        ],
        "description": ", ".join(
            part for part in (text(visit.service_name) or visit.service_slug, visit.session) if part
        ),
        "start": instant(visit.start, visit.zone),
        "end": instant(visit.end, visit.zone),
        "minutesDuration": round((visit.end - visit.start).total_seconds() / 60),
        "created": instant(visit.created_at),
        "participant": [
            {
                "actor": dict(subject),
                "required": "required",
                "status": "tentative" if held else "accepted",
            },
            *(_participant(p) for p in (clinic, *visit.participants)),
        ],
    }


def _coding(value: str, label: str) -> JSON:
    """A choice of a question: the clinic's value as its code, the label people read."""
    return {"code": value, **({"display": text(label)} if text(label) else {})}


def _question_item(question: QuestionFacts) -> JSON:
    item: JSON = {
        "linkId": question.key,
        "text": text(question.text) or question.key,
        "type": QUESTION_TYPES[question.answer_type],
        "required": question.required,
    }
    if question.answer_type is AnswerType.CHOICE:
        item["answerOption"] = [
            {"valueCoding": _coding(value, label)} for value, label in question.choices
        ]
    return item


def questionnaire_resource(questionnaire: QuestionnaireFacts, names: Names, site_name: str) -> JSON:
    return {
        "resourceType": "Questionnaire",
        "id": names.resource_id("Questionnaire", questionnaire.version),
        "url": names.screening,
        "version": str(questionnaire.version),
        "name": "CandidacyScreening",
        "title": text(questionnaire.title) or "Candidacy screening",
        # An older version still tells what was asked; it is no longer asked.
        "status": "active" if questionnaire.published else "retired",
        "subjectType": ["Patient"],
        "date": instant(questionnaire.created_at),
        "publisher": text(site_name) or "The clinic",
        "item": [_question_item(question) for question in questionnaire.questions],
    }


def _answer_value(question: QuestionFacts, answer: object) -> JSON | None:
    """The answer as FHIR's ``value[x]``; None when the stored value does not fit the question."""
    kind = question.answer_type
    if kind is AnswerType.YES_NO and isinstance(answer, bool):
        return {"valueBoolean": answer}
    if kind is AnswerType.DATE and isinstance(answer, str):
        try:
            return {"valueDate": date.fromisoformat(answer).isoformat()}
        except ValueError:
            return None
    if (
        kind is AnswerType.NUMBER
        and isinstance(answer, int | float)
        and not isinstance(answer, bool)
    ):
        return {"valueDecimal": answer}
    if kind is AnswerType.CHOICE and isinstance(answer, str):
        return {"valueCoding": _coding(answer, dict(question.choices).get(answer, ""))}
    return None


def _answered_items(
    questions: Iterable[QuestionFacts], answers: Mapping[str, object]
) -> list[JSON]:
    items = []
    for question in questions:
        if question.key not in answers:
            continue
        value = _answer_value(question, answers[question.key])
        if value is not None:
            items.append(
                {"linkId": question.key, "text": text(question.text) or question.key,
                 "answer": [value]}
            )  # fmt: skip
    return items


def questionnaire_response_resource(
    screening: ScreeningFacts,
    questionnaire: QuestionnaireFacts,
    subject: Mapping[str, str],
    names: Names,
) -> JSON:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": names.resource_id("QuestionnaireResponse", screening.number),
        "questionnaire": f"{names.screening}|{questionnaire.version}",
        "status": "completed",
        "subject": dict(subject),
        "authored": instant(screening.authored),
        # The patient answered for themselves, online or at the desk.
        "author": dict(subject),
        "source": dict(subject),
        "item": _answered_items(questionnaire.questions, screening.answers),
    }


def consent_scope(kind: str) -> JSON:
    """Treatment for a treatment's consent; privacy for what is recorded of the patient."""
    code, display = (
        ("treatment", "Treatment")
        if kind in TREATMENT_CONSENTS
        else ("patient-privacy", "Privacy Consent")
    )
    return {"coding": [{"system": CONSENT_SCOPE, "code": code, "display": display}]}


def _attachment(consent: ConsentFacts) -> JSON:
    body = consent.body.encode()
    return {
        "contentType": "text/markdown; charset=utf-8",
        "language": "en",
        "data": base64.b64encode(body).decode("ascii"),
        # FHIR's Attachment.hash is the SHA-1 of the data, base64.
        "hash": base64.b64encode(hashlib.sha1(body, usedforsecurity=False).digest()).decode(),
        "title": f"{text(consent.title)} (version {consent.version})".strip(),
    }


def consent_resource(
    consent: ConsentFacts, subject: Mapping[str, str], names: Names, site_name: str
) -> JSON:
    return {
        "resourceType": "Consent",
        "id": names.resource_id("Consent", consent.number),
        # A superseded version is kept as the evidence of what was agreed then.
        "status": "active" if consent.current else "inactive",
        "scope": consent_scope(consent.kind),
        "category": [{"coding": [CONSENT_DOCUMENT]}],
        "patient": dict(subject),
        "dateTime": instant(consent.signed_at),
        "performer": [dict(subject)],
        "organization": [{"display": text(site_name) or "The clinic"}],
        "sourceAttachment": _attachment(consent),
        "policy": [
            {
                "authority": names.base,
                "uri": names.consent_policy(consent.kind, consent.version),
            }
        ],
        "provision": {"type": "permit", "period": {"start": instant(consent.signed_at)}},
    }


def _stage_status(stage: CareStage, now: datetime) -> str:
    """R4's care-plan-activity-status of a stage at ``now``."""
    if now < stage.starts:
        return "not-started"
    if stage.ends is not None and now >= stage.ends:
        return "completed"
    return "in-progress"


def _stage_words(stage: CareStage) -> str:
    parts = [
        ("What is normal", stage.normal),
        ("What to do", stage.do),
        ("What to avoid", stage.avoid),
    ]
    return "\n".join(
        f"{heading}: " + " ".join(text(item) for item in items) for heading, items in parts if items
    )


def care_plan_resource(
    plan: CarePlanFacts, subject: Mapping[str, str], names: Names, *, now: datetime
) -> JSON:
    """A session's aftercare as a CarePlan: active until its last dated stage ends, each
    stage an activity with its period and words, when to call as a note."""
    timed_ends = [stage.ends for stage in plan.stages if stage.ends is not None]
    over = bool(timed_ends) and now >= max(timed_ends)
    period: JSON = {"start": instant(plan.session_ended, plan.zone)}
    if timed_ends:
        period["end"] = instant(max(timed_ends), plan.zone)
    service = text(plan.service_name) or "the treatment"
    resource: JSON = {
        "resourceType": "CarePlan",
        "id": names.resource_id("CarePlan", plan.number),
        "status": "completed" if over else "active",
        "intent": "plan",
        "title": f"Aftercare after {service}",
        "description": (
            f"What to expect and what to do after the {service} session that ended "
            f"{instant(plan.session_ended, plan.zone)}."
        ),
        "subject": dict(subject),
        "period": period,
        "created": instant(plan.session_ended),
        "supportingInfo": [{"reference": names.full_url("Appointment", plan.visit)}],
        "activity": [
            {
                "detail": {
                    "status": _stage_status(stage, now),
                    "description": f"{text(stage.title)}. {_stage_words(stage)}".strip(),
                    "scheduledPeriod": {
                        "start": instant(stage.starts, plan.zone),
                        **({"end": instant(stage.ends, plan.zone)} if stage.ends else {}),
                    },
                }
            }
            for stage in plan.stages
        ],
        "note": [
            {"text": "Call the clinic if " + "; ".join(text(r) for r in plan.call_us_if) + "."},
            *({"text": text(note)} for note in plan.notes if text(note)),
        ],
    }
    return resource


# Micro-needling has no SNOMED CT concept we could confirm (see docs/decisions.md): the
# procedure is coded in the clinic's own code system, as its Appointment is, and said in text.
PROCEDURE_TEXT = "Micro-needling (collagen induction therapy)"


def _area_line(area: AreaFacts) -> str:
    passes = "pass" if area.passes == 1 else "passes"
    return f"{text(area.label)}: needle depth {area.depth_mm} mm, {area.passes} {passes}"


def procedure_resource(procedure: ProcedureFacts, subject: Mapping[str, str], names: Names) -> JSON:
    """A signed chart as a completed Procedure: the treatment, when, by whom, the areas
    (as body sites in words), and depths, passes, device, lots and response as notes."""
    service = text(procedure.service_name) or procedure.service_slug
    notes = [_area_line(area) for area in procedure.areas]
    notes += [text(lot) for lot in procedure.lots if text(lot)]
    if text(procedure.skin_response):
        notes.append(f"Immediate skin response: {text(procedure.skin_response)}")
    if text(procedure.products_after):
        notes.append(f"Products applied after: {text(procedure.products_after)}")
    resource: JSON = {
        "resourceType": "Procedure",
        "id": names.resource_id("Procedure", procedure.number),
        "identifier": [{"system": names.chart_numbers, "value": str(procedure.number)}],
        "status": "completed",
        "code": {
            "coding": [
                {"system": names.services, "code": procedure.service_slug, "display": service}
            ],
            "text": f"{service}: {PROCEDURE_TEXT}" if service != PROCEDURE_TEXT else service,
        },
        "subject": dict(subject),
        "performedPeriod": {
            "start": instant(procedure.start, procedure.zone),
            "end": instant(procedure.end, procedure.zone),
        },
        "performer": [
            {"actor": {"type": "Practitioner", "display": text(procedure.clinician) or "Clinician"}}
        ],
        "bodySite": [{"text": text(area.label)} for area in procedure.areas if text(area.label)],
        "note": [{"time": instant(procedure.signed_at), "text": line} for line in notes],
    }
    if text(procedure.device):
        resource["focalDevice"] = [
            {"manipulated": {"type": "Device", "display": text(procedure.device)}}
        ]
    if procedure.amended:
        resource["note"].append(
            {"text": "The chart was amended after signing; the clinic keeps every version."}
        )
    return resource
