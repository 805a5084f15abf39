"""How the tests call the API, as a clinic's own website or a staff program would."""

from datetime import UTC, datetime
from typing import Any

from django.test import Client

from dermadesk.checkout.signin import email_proof_issue
from dermadesk.patients.models import PatientAccount
from dermadesk.scheduling.models import Service
from dermadesk.screening.models import AnswerType
from dermadesk.screening.queries import current_questionnaire, questions_for

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield
PATIENT = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}


def answers_for(slug: str, **overrides: str) -> dict[str, str]:
    """'No' to every yes/no question and the first of each choice: a suitable patient."""
    questionnaire = current_questionnaire()
    assert questionnaire is not None
    service = Service.objects.get(slug=slug)
    answers = {}
    for question in questions_for(questionnaire=questionnaire, service=service):
        if question.answer_type == AnswerType.YES_NO:
            answers[question.key] = "no"
        elif question.answer_type == AnswerType.CHOICE:
            answers[question.key] = question.choice_pairs[0][0]
    return answers | overrides


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def hold(
    client: Client, slug: str = "micro-needling", start: str = "2026-11-27T10:00:00-06:00"
) -> Any:
    return post(client, "/api/holds", {"service": slug, "location": "springfield", "start": start})


def proof_for(email: str) -> str:
    """An email proof as ``POST /email-proofs`` gives it once the patient typed their code."""
    return email_proof_issue(PatientAccount(email=email))


def book(client: Client, hold_id: str, slug: str = "micro-needling", **overrides: Any) -> Any:
    """Book the hold for Ada, whose email is proven (``email_proof`` may be overridden)."""
    patient = overrides.get("patient", PATIENT)
    body = {
        "hold_id": hold_id,
        "email_proof": proof_for(patient["email"]),
        "patient": PATIENT,
        "answers": answers_for(slug),
        "consent": {"typed_name": "Ada Lovelace", "accept_policies": True},
    } | overrides
    return post(client, "/api/bookings", body)
