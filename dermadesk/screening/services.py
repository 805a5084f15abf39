"""Services that change screening data: answers, clinicians' reviews, publishing versions."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from dermadesk.patients.models import Patient, SkinType
from dermadesk.scheduling.models import Service
from dermadesk.screening import rules
from dermadesk.screening.models import (
    Questionnaire,
    ScreeningOutcome,
    ScreeningOverride,
    ScreeningResponse,
)
from dermadesk.screening.queries import judge, questionnaire_rules

InvalidAnswers = rules.InvalidAnswers
"""Raised by ``screening_submit``: ``errors`` maps a question key to a message."""

OVERRIDE_PERMISSION = "screening.add_screeningoverride"
SKIN_TYPES = {label: value for value, label in SkinType.choices}
"""Skin-type answers ("I"-"VI") as the patient record stores them; "unsure" records nothing."""


class ScreeningError(Exception):
    """A screening request that cannot be carried out; the message fits the person asking."""


class QuestionnaireNotCurrent(ScreeningError):
    def __init__(self) -> None:
        super().__init__(
            "The questions have just been updated. Please answer the new version; it only "
            "takes a minute."
        )


class InvalidTreatmentDate(ScreeningError):
    pass


class QuestionnaireInvalid(ScreeningError):
    """The version cannot be published; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("This version cannot be published yet: " + " ".join(problems))


class OverrideRefused(ScreeningError):
    pass


def screening_submit(
    *,
    patient: Patient,
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    service: Service,
    treatment_date: date,
    now: datetime,
) -> ScreeningResponse:
    """Judge a patient's answers for ``service`` on ``treatment_date`` and store them once.

    ``answers`` maps question keys to what was answered (form strings such as "yes",
    "2027-01-31", or typed values). Only the questions for ``service`` are accepted
    (``queries.questions_for``); ``InvalidAnswers`` lists every problem at once. The
    questionnaire must be the published version (``QuestionnaireNotCurrent``). A skin
    type answered is copied to the patient's record.
    """
    if treatment_date < (now - timedelta(days=1)).date():
        raise InvalidTreatmentDate("The treatment date has already passed.")
    with transaction.atomic():
        if not Questionnaire.objects.filter(pk=questionnaire.pk, published=True).exists():
            raise QuestionnaireNotCurrent
        loaded = questionnaire_rules(questionnaire)
        asked = rules.relevant_questions(loaded.specs, loaded.rules, service.slug)
        cleaned = rules.clean_answers(asked, answers)
        result = judge(
            loaded, answers=cleaned, patient=patient, service=service, treatment_date=treatment_date
        )
        response = ScreeningResponse.objects.create(
            patient=patient,
            questionnaire=questionnaire,
            service=service,
            answers=rules.answers_to_json(cleaned),
            treatment_date=treatment_date,
            outcome=result.outcome.value,
            reasons=list(result.reasons),
            clinician_notes=list(result.clinician_notes),
            earliest_ok_date=result.earliest_ok_date,
            created_at=now,
            valid_until=now.date() + timedelta(days=settings.SCREENING_VALID_DAYS),
        )
        skin_type = SKIN_TYPES.get(str(cleaned.get(rules.SKIN_TYPE_KEY, "")))
        if skin_type is not None and patient.skin_type != skin_type:
            patient.skin_type = skin_type
            patient.save(update_fields=["skin_type", "updated_at"])
    return response


def screening_override(
    *,
    response: ScreeningResponse,
    user: User,
    outcome: str,
    reason: str,
    now: datetime,
) -> ScreeningOverride:
    """A clinician's review: the outcome that now counts for ``response``, and why.

    Needs the ``screening.add_screeningoverride`` permission and a written reason. The
    rules' own outcome stays stored beside it. Not durable: the admin calls it while it
    saves the review form, inside its own transaction.
    """
    if not user.has_perm(OVERRIDE_PERMISSION):
        raise OverrideRefused("Only clinicians with permission can review a screening.")
    if outcome not in ScreeningOutcome.values:
        raise OverrideRefused("Choose one of the outcomes offered.")
    text = reason.strip()
    if not text:
        raise OverrideRefused("Please write why you are changing the outcome.")
    with transaction.atomic():
        locked = ScreeningResponse.objects.select_for_update().get(pk=response.pk)
        return ScreeningOverride.objects.create(
            response=locked, user=user, outcome=outcome, reason=text, created_at=now
        )


def questionnaire_problems(questionnaire: Questionnaire) -> list[str]:
    """What stops this version from being published (empty when nothing does)."""
    questions = list(questionnaire.questions.all())
    problems: list[str] = []
    pure_rules: list[rules.Rule] = []
    for rule in questionnaire.rules.prefetch_related("services"):
        try:
            pure_rules.append(rule.to_rule(frozenset(s.slug for s in rule.services.all())))
        except rules.RuleError as error:
            problems.append(f"Rule {rule.key!r}: {error}")
    return problems + rules.questionnaire_problems(
        [question.to_spec() for question in questions], pure_rules
    )


def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Make this version the one patients are asked; the previous one is retired, and the
    answers given to it keep pointing to it. ``QuestionnaireInvalid`` if it has problems."""
    with transaction.atomic(durable=True):
        list(Questionnaire.objects.select_for_update().order_by("pk").values_list("pk"))
        current = Questionnaire.objects.get(pk=questionnaire.pk)
        problems = questionnaire_problems(current)
        if problems:
            raise QuestionnaireInvalid(problems)
        Questionnaire.objects.filter(published=True).exclude(pk=current.pk).update(published=False)
        current.published = True
        current.save(update_fields=["published"])
    return current
