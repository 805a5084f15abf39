"""Aftercare's reads: a patient's aftercare with its check-ins and answers, for their
clinician (three queries however many sessions and answers)."""

from dataclasses import dataclass

from django.db.models import Prefetch

from dermadesk.aftercare.checkin import QUESTIONS, Answer, Level
from dermadesk.aftercare.forms import ANSWER_WORDS
from dermadesk.aftercare.models import Aftercare, CheckIn, CheckInAnswer

QUESTION_WORDS = {question.key: question.text for question in QUESTIONS}


@dataclass(frozen=True)
class AnswerShown:
    answer: CheckInAnswer
    level: Level
    lines: list[tuple[str, str]]
    """Each question in words, with the answer in words, in the questionnaire's order."""


def answer_lines(answer: CheckInAnswer) -> list[tuple[str, str]]:
    given = answer.answers
    return [
        (QUESTION_WORDS[key], str(ANSWER_WORDS[Answer(given[key])]))
        for key in QUESTION_WORDS
        if key in given and given[key] in Answer._value2member_map_
    ]


def patient_aftercare(patient_id: int) -> list[Aftercare]:
    """The patient's aftercare, newest session first, each with ``check_ins`` and their
    ``answers`` (newest first) prefetched."""
    return list(
        Aftercare.objects.filter(booking__patient_id=patient_id)
        .select_related("booking__service", "booking__location")
        .prefetch_related(
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.order_by("due_at").prefetch_related(
                    Prefetch("answers", queryset=CheckInAnswer.objects.order_by("-answered_at"))
                ),
            )
        )
        .order_by("-session_ended_at")
    )


def shown(answer: CheckInAnswer) -> AnswerShown:
    return AnswerShown(answer=answer, level=Level(answer.level), lines=answer_lines(answer))
