"""The pure FHIR mapping: any record the database can hold becomes a Bundle the FHIR models
accept, every coded value from its value set; each booking status and consent kind has its
code."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.interop.fhir import (
    APPOINTMENT_STATUS,
    TREATMENT_CONSENTS,
    ConsentFacts,
    Participant,
    ParticipantKind,
    PatientFacts,
    PatientRecord,
    QuestionFacts,
    QuestionnaireFacts,
    ScreeningFacts,
    VisitFacts,
    instant,
    patient_bundle,
    text,
)
from dermadesk.interop.tests.fhir_models import (
    APPOINTMENT_STATUS as R4_APPOINTMENT_STATUS,
)
from dermadesk.interop.tests.fhir_models import (
    CONSENT_SCOPE,
    CONSENT_STATE,
    parsed,
    references,
    resources,
)
from dermadesk.patients.models import ConsentKind
from dermadesk.scheduling.models import BookingStatus
from dermadesk.screening.rules import AnswerType
from dermadesk.tests.awkward import PROPERTY

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
CHICAGO = ZoneInfo("America/Chicago")

# What the store holds: names with their whitespace collapsed, never blank (Patient.clean).
stored_text = (
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
    .map(lambda value: " ".join(value.split()))
    .filter(bool)
)
# Hypothesis takes naive bounds and adds the zone itself.
moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
keys = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@st.composite
def questions(draw: st.DrawFn) -> tuple[QuestionFacts, ...]:
    chosen = draw(st.lists(keys, min_size=1, max_size=6, unique=True))
    made = []
    for key in chosen:
        kind = draw(st.sampled_from(AnswerType))
        choices: tuple[tuple[str, str], ...] = ()
        if kind is AnswerType.CHOICE:
            values = draw(st.lists(keys, min_size=1, max_size=4, unique=True))
            choices = tuple((value, draw(stored_text)) for value in values)
        made.append(
            QuestionFacts(
                key=key,
                text=draw(stored_text),
                answer_type=kind,
                required=draw(st.booleans()),
                choices=choices,
            )
        )
    return tuple(made)


def answer_to(draw: st.DrawFn, question: QuestionFacts) -> object:
    if question.answer_type is AnswerType.YES_NO:
        return draw(st.booleans())
    if question.answer_type is AnswerType.DATE:
        return draw(st.dates(min_value=date(1900, 1, 1))).isoformat()
    if question.answer_type is AnswerType.NUMBER:
        return draw(st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False))
    return draw(st.sampled_from([value for value, _ in question.choices]))


@st.composite
def records(draw: st.DrawFn) -> PatientRecord:
    questionnaire = QuestionnaireFacts(
        version=draw(st.integers(1, 50)), title=draw(stored_text), published=draw(st.booleans()),
        created_at=draw(moments), questions=draw(questions()),
    )  # fmt: skip
    answered = draw(st.lists(st.sampled_from(questionnaire.questions), unique=True))
    starts = draw(st.lists(moments, max_size=4))
    return PatientRecord(
        patient=PatientFacts(
            number=draw(st.integers(1, 10**9)),
            given_name=draw(stored_text),
            family_name=draw(stored_text),
            email="someone@example.com",
            phone=draw(st.sampled_from(["", "+12175550142"])),
            birth_date=draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2010, 1, 1))),
            updated_at=draw(moments),
        ),
        visits=tuple(
            VisitFacts(
                public_id=uuid.UUID(int=draw(st.integers(0, 2**128 - 1))),
                status=draw(st.sampled_from(sorted(APPOINTMENT_STATUS))),
                start=start,
                end=start + timedelta(minutes=draw(st.integers(15, 240))),
                zone=CHICAGO,
                service_slug="micro-needling",
                service_name=draw(stored_text),
                location_name=draw(stored_text),
                created_at=start - timedelta(days=3),
                session=draw(st.sampled_from(["", "session 2 of 4"])),
                participants=tuple(
                    Participant(kind, draw(stored_text))
                    for kind in draw(st.lists(st.sampled_from(ParticipantKind), max_size=4))
                ),
            )
            for start in starts
        ),
        questionnaires=(questionnaire,),
        screenings=(
            ScreeningFacts(
                number=1,
                questionnaire_version=questionnaire.version,
                authored=draw(moments),
                answers={question.key: answer_to(draw, question) for question in answered},
            ),
        ),
        consents=tuple(
            ConsentFacts(
                number=number,
                kind=draw(st.sampled_from(ConsentKind.values)),
                title=draw(stored_text),
                version=draw(st.integers(1, 9)),
                body=draw(st.text(min_size=1)),
                current=draw(st.booleans()),
                signed_at=draw(moments),
            )
            for number in range(draw(st.integers(0, 3)))
        ),
    )


@PROPERTY
@given(record=records())
def test_any_record_maps_to_a_bundle_the_fhir_models_accept(record: PatientRecord) -> None:
    bundle = patient_bundle(record, base_url="https://clinic.example", now=NOW, site_name="Clinic")
    parsed(bundle)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert set(references(bundle)) <= full_urls
    assert {a["status"] for a in resources(bundle, "Appointment")} <= R4_APPOINTMENT_STATUS
    for consent in resources(bundle, "Consent"):
        assert consent["status"] in CONSENT_STATE
        assert consent["scope"]["coding"][0]["code"] in CONSENT_SCOPE


@PROPERTY
@given(record=records())
def test_every_answer_stored_is_exported_once_under_its_question(record: PatientRecord) -> None:
    bundle = patient_bundle(record, base_url="https://clinic.example", now=NOW, site_name="Clinic")
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert [item["linkId"] for item in response["item"]] == [
        question.key
        for question in record.questionnaires[0].questions
        if question.key in record.screenings[0].answers
    ]


def test_every_booking_status_but_an_expired_hold_has_an_appointment_status() -> None:
    assert set(APPOINTMENT_STATUS) == set(BookingStatus.values) - {BookingStatus.EXPIRED}
    assert set(APPOINTMENT_STATUS.values()) <= R4_APPOINTMENT_STATUS


def test_each_treatment_consent_kind_is_named_and_photographs_are_privacy() -> None:
    assert set(ConsentKind.values) - TREATMENT_CONSENTS == {ConsentKind.PHOTOS}


def test_times_without_an_offset_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        instant(datetime(2026, 11, 25, 20, 0))  # noqa: DTZ001 -- the point of the test


def test_fhir_strings_lose_control_characters_but_keep_line_breaks() -> None:
    assert text(" Ada\x01\x1f Love\tlace\r\n ") == "Ada Love\tlace"
    assert text("first\nsecond") == "first\nsecond"
