"""Selectors: the questionnaire patients are asked, its rules, and valid screenings."""

from dataclasses import dataclass
from datetime import date, datetime

from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.screening import rules
from dermadesk.screening.models import Question, Questionnaire, ScreeningResponse


def current_questionnaire() -> Questionnaire | None:
    """The published version: the one patients are asked now."""
    return Questionnaire.objects.filter(published=True).first()


@dataclass(frozen=True)
class QuestionnaireRules:
    """One version's questions and rules as the pure ``rules`` module takes them."""

    questions: list[Question]
    specs: list[rules.Question]
    rules: list[rules.Rule]

    def questions_for(self, service: Service) -> list[Question]:
        """The questions to ask someone booking ``service``, in order."""
        wanted = {q.key for q in rules.relevant_questions(self.specs, self.rules, service.slug)}
        return [question for question in self.questions if question.key in wanted]


def questionnaire_rules(questionnaire: Questionnaire) -> QuestionnaireRules:
    """Read one version's questions and rules, in three queries.

    ``rules.RuleError`` if a stored rule cannot be used (publishing checks they all can).
    """
    questions = list(questionnaire.questions.order_by("order", "pk"))
    stored_rules = questionnaire.rules.order_by("order", "pk").prefetch_related("services")
    return QuestionnaireRules(
        questions=questions,
        specs=[question.to_spec() for question in questions],
        rules=[
            rule.to_rule(frozenset(service.slug for service in rule.services.all()))
            for rule in stored_rules
        ],
    )


def questions_for(*, questionnaire: Questionnaire, service: Service) -> list[Question]:
    """The questions of ``questionnaire`` to ask someone booking ``service``, in order.

    Questions that only rules for other treatments read (e.g. PRP's blood and platelet
    question for plain micro-needling) are left out.
    """
    return questionnaire_rules(questionnaire).questions_for(service)


def judge(
    response_rules: QuestionnaireRules,
    *,
    answers: rules.Answers,
    patient: Patient,
    service: Service,
    treatment_date: date,
) -> rules.ScreeningResult:
    """The pure evaluation, with the date of birth taken from the patient's record."""
    return rules.evaluate(
        response_rules.rules,
        {**answers, rules.DATE_OF_BIRTH_KEY: patient.date_of_birth},
        treatment_date=treatment_date,
        service=service.slug,
    )


def valid_screening(
    *, patient: Patient, service: Service, treatment_date: date, now: datetime
) -> ScreeningResponse | None:
    """The patient's latest screening for ``service`` that is valid on ``treatment_date``.

    Valid means: given by ``now``, and ``treatment_date`` is no later than its
    ``valid_until``. When it was judged for another date, its answers are judged again for
    this one (time windows depend on the date); if the outcome or reasons would change, it
    no longer stands and this returns None: the patient answers again. A screening a
    clinician has reviewed stands as reviewed. Whatever the outcome, it is returned: the
    caller decides what a "consultation first" means for the page.
    """
    response = (
        ScreeningResponse.objects.filter(
            patient=patient,
            service=service,
            created_at__lte=now,
            valid_until__gte=treatment_date,
        )
        .select_related("questionnaire", "patient", "service")
        .prefetch_related("overrides")
        .order_by("-created_at", "-pk")
        .first()
    )
    if response is None or response.treatment_date == treatment_date:
        return response
    if response.latest_override is not None:
        return response
    loaded = questionnaire_rules(response.questionnaire)
    result = judge(
        loaded,
        answers=rules.answers_from_json(loaded.specs, response.answers),
        patient=patient,
        service=service,
        treatment_date=treatment_date,
    )
    if result.outcome.value != response.outcome or list(result.reasons) != response.reasons:
        return None
    return response
