from datetime import UTC, date, datetime

import pytest

from dermadesk.clinic.demo import create_demo_location
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.demo import create_demo_scheduling
from dermadesk.scheduling.models import Service
from dermadesk.screening.demo import create_demo_questionnaire
from dermadesk.screening.models import Questionnaire
from dermadesk.screening.queries import questions_for

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
TREATMENT = date(2026, 12, 10)


@pytest.fixture
def questionnaire(db: None) -> Questionnaire:
    """The demo services and the demo questionnaire (version 1, published)."""
    create_demo_location()
    create_demo_scheduling(Location.objects.get(slug="springfield"))
    create_demo_questionnaire()
    return Questionnaire.objects.get(published=True)


@pytest.fixture
def patient(db: None) -> Patient:
    return make_patient()


def no_to_everything(questionnaire: Questionnaire, *, service_slug: str) -> dict[str, object]:
    """Answers that raise nothing: "no" to every yes/no question, the face, no dates."""
    answers: dict[str, object] = {}
    for question in questions_for(
        questionnaire=questionnaire, service=Service.objects.get(slug=service_slug)
    ):
        if question.answer_type == "yes_no":
            answers[question.key] = "no"
        elif question.key == "treatment_area":
            answers[question.key] = "face"
    return answers
