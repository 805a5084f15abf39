"""The questionnaire in the admin (a change makes a new version) and who sees answers."""

import json
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission, User
from django.test import Client

from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.screening.models import (
    Questionnaire,
    ScreeningOutcome,
    ScreeningOverride,
    ScreeningResponse,
)
from dermadesk.screening.services import screening_submit
from dermadesk.screening.tests.conftest import NOW, TREATMENT, no_to_everything
from dermadesk.staff.tests.people import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, password="pw-long-enough-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def manager() -> User:
    return User.objects.create_superuser("manager", "m@example.com", "pw-long-enough-1")


def change_form(questionnaire: Questionnaire) -> dict[str, object]:
    """The admin form of a questionnaire as the browser would post it unchanged."""
    data: dict[str, object] = {"title": questionnaire.title, "introduction": ""}
    questions = list(questionnaire.questions.order_by("order", "pk"))
    rules = list(questionnaire.rules.order_by("order", "pk").prefetch_related("services"))
    for prefix, rows in (("questions", questions), ("rules", rules)):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for i, question in enumerate(questions):
        p = f"questions-{i}-"
        data |= {
            f"{p}id": question.pk,
            f"{p}questionnaire": questionnaire.pk,
            f"{p}key": question.key,
            f"{p}text": question.text,
            f"{p}help_text": question.help_text,
            f"{p}answer_type": question.answer_type,
            f"{p}choices": question.choices,
            f"{p}order": question.order,
        }
        if question.required:
            data[f"{p}required"] = "on"
    for i, rule in enumerate(rules):
        p = f"rules-{i}-"
        data |= {
            f"{p}id": rule.pk,
            f"{p}questionnaire": questionnaire.pk,
            f"{p}key": rule.key,
            f"{p}condition": json.dumps(rule.condition) if rule.condition else "",
            f"{p}window_answer": rule.window_answer,
            f"{p}window_length": rule.window_length or "",
            f"{p}window_unit": rule.window_unit,
            f"{p}outcome": rule.outcome,
            f"{p}reason": rule.reason,
            f"{p}clinician_note": rule.clinician_note,
            f"{p}services": [service.pk for service in rule.services.all()],
            f"{p}order": rule.order,
        }
    return data


def index_of(data: dict[str, object], prefix: str, key: str) -> str:
    return next(k.removesuffix("key") for k, v in data.items() if k.startswith(prefix) and v == key)


def answered(
    questionnaire: Questionnaire, patient: Patient, **changes: object
) -> ScreeningResponse:
    return screening_submit(
        patient=patient,
        questionnaire=questionnaire,
        answers=no_to_everything(questionnaire, service_slug="micro-needling") | changes,
        service=Service.objects.get(slug="micro-needling"),
        treatment_date=TREATMENT,
        now=NOW,
    )


def test_editing_a_published_version_saves_a_new_draft_and_answers_keep_theirs(
    questionnaire: Questionnaire, patient: Patient, client: Client
) -> None:
    response = answered(questionnaire, patient)
    signed_in(client, manager())
    data = change_form(questionnaire)
    pregnant = index_of(data, "questions-", "pregnant")
    data[f"{pregnant}text"] = "Are you pregnant at the moment?"
    isotretinoin = index_of(data, "rules-", "isotretinoin")
    data[f"{isotretinoin}window_length"] = 3
    page = client.post(
        f"/admin/screening/questionnaire/{questionnaire.pk}/change/", data, follow=True
    )
    assert "saved as a new draft, version 2" in page.text

    old, new = Questionnaire.objects.order_by("version")
    assert (old.pk, old.published, new.published) == (questionnaire.pk, True, False)
    assert new.based_on == old
    assert old.questions.get(key="pregnant").text == "Are you pregnant?"
    assert new.questions.get(key="pregnant").text == "Are you pregnant at the moment?"
    assert old.rules.get(key="isotretinoin").window_length == 6
    assert new.rules.get(key="isotretinoin").window_length == 3
    assert new.questions.count() == old.questions.count()
    assert new.rules.count() == old.rules.count()
    assert list(new.rules.get(key="blood_disorder").services.values_list("slug", flat=True)) == [
        "micro-needling-prp"
    ]
    response.refresh_from_db()
    assert response.questionnaire == old


def test_a_row_removed_while_editing_is_left_out_of_the_new_version_only(
    questionnaire: Questionnaire, client: Client
) -> None:
    signed_in(client, manager())
    data = change_form(questionnaire)
    data[index_of(data, "rules-", "cold_sores") + "DELETE"] = "on"
    client.post(f"/admin/screening/questionnaire/{questionnaire.pk}/change/", data)
    old, new = Questionnaire.objects.order_by("version")
    assert old.rules.filter(key="cold_sores").exists()
    assert not new.rules.filter(key="cold_sores").exists()


def test_a_draft_is_edited_in_place(questionnaire: Questionnaire, client: Client) -> None:
    signed_in(client, manager())
    client.post(
        f"/admin/screening/questionnaire/{questionnaire.pk}/change/", change_form(questionnaire)
    )
    draft = Questionnaire.objects.get(version=2)
    data = change_form(draft) | {"title": "Better title"}
    client.post(f"/admin/screening/questionnaire/{draft.pk}/change/", data)
    assert Questionnaire.objects.count() == 2
    draft.refresh_from_db()
    assert draft.title == "Better title"


def test_the_publish_action_makes_the_draft_the_one_patients_are_asked(
    questionnaire: Questionnaire, client: Client
) -> None:
    signed_in(client, manager())
    client.post(
        f"/admin/screening/questionnaire/{questionnaire.pk}/change/", change_form(questionnaire)
    )
    draft = Questionnaire.objects.get(version=2)
    page = client.post(
        "/admin/screening/questionnaire/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Version 2 is published." in page.text
    assert list(Questionnaire.objects.filter(published=True)) == [draft]


def test_the_change_page_lists_what_stops_a_version_from_being_published(
    questionnaire: Questionnaire, client: Client
) -> None:
    questionnaire.rules.filter(key="eczema").update(condition={"answer": "eczma", "is": True})
    signed_in(client, manager())
    page = client.get(f"/admin/screening/questionnaire/{questionnaire.pk}/change/")
    assert "Rule &#x27;eczema&#x27; uses &#x27;eczma&#x27;, which is not a question." in page.text


# Who sees answers -----------------------------------------------------------------------


def test_front_desk_without_the_permission_sees_no_screening(
    questionnaire: Questionnaire, patient: Patient, client: Client
) -> None:
    response = answered(questionnaire, patient, pregnant="yes")
    signed_in(client, staff("desk", "view_patient", "change_patient"))
    assert client.get("/admin/screening/screeningresponse/").status_code == 403
    assert (
        client.get(f"/admin/screening/screeningresponse/{response.pk}/change/").status_code == 403
    )
    page = client.get(f"/admin/patients/patient/{patient.pk}/change/")
    assert page.status_code == 200
    assert "Anna" in page.text
    assert "Screening" not in page.text and "Not suitable" not in page.text
    assert "screening" not in client.get("/admin/").text.lower()


def test_a_clinician_with_the_permission_sees_the_answers(
    questionnaire: Questionnaire, patient: Patient, client: Client
) -> None:
    response = answered(questionnaire, patient, eczema="yes")
    signed_in(client, staff("clinician", "view_patient", "view_screeningresponse"))
    page = client.get(f"/admin/screening/screeningresponse/{response.pk}/change/")
    assert page.status_code == 200
    assert "Have you ever had eczema?" in page.text
    assert "You told us you have had eczema." in page.text
    assert "Consultation needed first" in page.text
    patient_page = client.get(f"/admin/patients/patient/{patient.pk}/change/")
    assert "Consultation needed first" in patient_page.text


def post_review(client: Client, response: ScreeningResponse, reason: str) -> "TestResponse":
    """The response's admin page posted with a review: "suitable", for ``reason``."""
    return client.post(
        f"/admin/screening/screeningresponse/{response.pk}/change/",
        {
            "overrides-TOTAL_FORMS": 1,
            "overrides-INITIAL_FORMS": 0,
            "overrides-MIN_NUM_FORMS": 0,
            "overrides-MAX_NUM_FORMS": 1000,
            "overrides-0-response": response.pk,
            "overrides-0-outcome": ScreeningOutcome.SUITABLE,
            "overrides-0-reason": reason,
        },
    )


def test_a_clinician_records_a_review_through_the_admin(
    questionnaire: Questionnaire, patient: Patient, client: Client
) -> None:
    response = answered(questionnaire, patient, eczema="yes")
    user = staff("clinician", "view_screeningresponse", "add_screeningoverride")
    signed_in(client, user)
    page = post_review(client, response, "Seen in clinic: no eczema for ten years.")
    assert page.status_code == 302
    override = ScreeningOverride.objects.get()
    assert (override.user, override.outcome) == (user, ScreeningOutcome.SUITABLE)
    assert override.reason == "Seen in clinic: no eczema for ten years."


def test_a_review_without_a_reason_is_refused_in_the_admin(
    questionnaire: Questionnaire, patient: Patient, client: Client
) -> None:
    response = answered(questionnaire, patient, eczema="yes")
    signed_in(client, staff("clinician", "view_screeningresponse", "add_screeningoverride"))
    page = post_review(client, response, "")
    assert page.status_code == 200
    assert "This field is required." in page.text
    assert not ScreeningOverride.objects.exists()
