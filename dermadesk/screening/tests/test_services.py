from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import override_settings

from dermadesk.patients.models import Patient, SkinType
from dermadesk.scheduling.models import Service
from dermadesk.screening.models import (
    Questionnaire,
    ScreeningOutcome,
    ScreeningOverride,
    ScreeningResponse,
)
from dermadesk.screening.queries import current_questionnaire, valid_screening
from dermadesk.screening.rules import Outcome
from dermadesk.screening.services import (
    InvalidAnswers,
    InvalidTreatmentDate,
    OverrideRefused,
    QuestionnaireInvalid,
    QuestionnaireNotCurrent,
    questionnaire_publish,
    screening_override,
    screening_submit,
)
from dermadesk.screening.tests.conftest import NOW, TREATMENT, no_to_everything


def micro_needling() -> Service:
    return Service.objects.get(slug="micro-needling")


def submit(
    questionnaire: Questionnaire,
    patient: Patient,
    changes: dict[str, object] | None = None,
    *,
    treatment_date: date = TREATMENT,
    now: object = NOW,
) -> ScreeningResponse:
    return screening_submit(
        patient=patient,
        questionnaire=questionnaire,
        answers=no_to_everything(questionnaire, service_slug="micro-needling") | (changes or {}),
        service=micro_needling(),
        treatment_date=treatment_date,
        now=now,  # type: ignore[arg-type]
    )


def clinician() -> User:
    user = User.objects.create_user("clinician", password="pw-long-enough-1", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_screeningresponse", "add_screeningoverride"])
    )
    return User.objects.get(pk=user.pk)  # fresh: permissions are cached per instance


# Submitting -----------------------------------------------------------------------------


def test_answers_are_stored_once_with_their_version_and_judgement(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, {"eczema": "yes", "isotretinoin_last_dose": ""})
    stored = ScreeningResponse.objects.get()
    assert stored.questionnaire == questionnaire
    assert stored.answers["eczema"] is True
    assert "isotretinoin_last_dose" not in stored.answers
    assert stored.outcome == ScreeningOutcome.CONSULT_FIRST
    assert (stored.treatment_date, stored.created_at) == (TREATMENT, NOW)
    assert response.pk == stored.pk


def test_a_screening_is_valid_for_90_days_by_default(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    assert submit(questionnaire, patient).valid_until == date(2027, 2, 23)


@override_settings(SCREENING_VALID_DAYS=30)
def test_the_validity_period_is_a_setting(questionnaire: Questionnaire, patient: Patient) -> None:
    assert submit(questionnaire, patient).valid_until == NOW.date() + timedelta(days=30)


def test_invalid_answers_list_every_problem_and_store_nothing(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    answers = no_to_everything(questionnaire, service_slug="micro-needling")
    del answers["pregnant"]
    answers |= {"treatment_area": "elbow", "toxin_last_date": "soon", "blood_disorder": "no"}
    with pytest.raises(InvalidAnswers) as caught:
        screening_submit(
            patient=patient,
            questionnaire=questionnaire,
            answers=answers,
            service=micro_needling(),
            treatment_date=TREATMENT,
            now=NOW,
        )
    assert caught.value.errors == {
        "pregnant": "Please answer this question.",
        "treatment_area": "Please choose one of the options given.",
        "toxin_last_date": "Please enter a date, such as 2027-05-14.",
        "blood_disorder": "This is not one of the questions.",  # PRP only
    }
    assert not ScreeningResponse.objects.exists()


def test_an_unpublished_version_cannot_be_answered(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    Questionnaire.objects.filter(pk=questionnaire.pk).update(published=False)
    with pytest.raises(QuestionnaireNotCurrent):
        submit(questionnaire, patient)


def test_a_treatment_date_in_the_past_is_refused(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    with pytest.raises(InvalidTreatmentDate, match="already passed"):
        submit(questionnaire, patient, treatment_date=date(2026, 11, 1))


def test_the_skin_type_answered_is_copied_to_the_patient_record(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    submit(questionnaire, patient, {"skin_type": "V"})
    patient.refresh_from_db()
    assert patient.skin_type == SkinType.V


def test_not_sure_of_the_skin_type_records_nothing(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    submit(questionnaire, patient, {"skin_type": "unsure"})
    patient.refresh_from_db()
    assert patient.skin_type is None


# Validity -------------------------------------------------------------------------------


def test_the_latest_screening_is_valid_up_to_its_last_day(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    submit(questionnaire, patient, {"eczema": "yes"})
    latest = submit(questionnaire, patient, now=NOW + timedelta(hours=1))
    found = valid_screening(
        patient=patient,
        service=micro_needling(),
        treatment_date=TREATMENT,
        now=NOW + timedelta(hours=2),
    )
    assert found == latest


def test_a_screening_does_not_cover_a_treatment_after_valid_until(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient)

    def found(day: date) -> ScreeningResponse | None:
        return valid_screening(
            patient=patient, service=micro_needling(), treatment_date=day, now=NOW
        )

    assert found(response.valid_until) == response
    assert found(response.valid_until + timedelta(days=1)) is None


def test_a_screening_for_one_treatment_does_not_cover_another(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    submit(questionnaire, patient)
    prp = Service.objects.get(slug="micro-needling-prp")
    assert valid_screening(patient=patient, service=prp, treatment_date=TREATMENT, now=NOW) is None


def test_a_screening_stands_for_another_date_when_the_judgement_is_the_same(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, {"cold_sores": "yes"})
    later = valid_screening(
        patient=patient, service=micro_needling(), treatment_date=date(2027, 1, 20), now=NOW
    )
    assert later == response


def test_a_screening_does_not_stand_for_a_date_where_a_time_window_judges_differently(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    submit(questionnaire, patient, {"toxin_last_date": "2026-11-20"})  # waits until 4 December
    earlier = valid_screening(
        patient=patient, service=micro_needling(), treatment_date=date(2026, 12, 1), now=NOW
    )
    assert earlier is None


def test_a_screening_reviewed_by_a_clinician_stands_for_another_date(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, {"toxin_last_date": "2026-11-20"})
    screening_override(
        response=response,
        user=clinician(),
        outcome=ScreeningOutcome.SUITABLE,
        reason="Toxin was on the forehead; we treat the cheeks only.",
        now=NOW,
    )
    found = valid_screening(
        patient=patient, service=micro_needling(), treatment_date=date(2026, 12, 1), now=NOW
    )
    assert found == response
    assert found.effective_outcome is Outcome.SUITABLE


# Clinician's review ---------------------------------------------------------------------


def test_an_override_is_recorded_with_who_why_and_when(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, {"eczema": "yes"})
    user = clinician()
    override = screening_override(
        response=response,
        user=user,
        outcome=ScreeningOutcome.SUITABLE_WITH_NOTES,
        reason="  Eczema only on the hands, settled for years.  ",
        now=NOW + timedelta(days=1),
    )
    stored = ScreeningOverride.objects.get()
    assert stored == override
    assert (stored.user, stored.outcome) == (user, ScreeningOutcome.SUITABLE_WITH_NOTES)
    assert stored.reason == "Eczema only on the hands, settled for years."
    assert stored.created_at == NOW + timedelta(days=1)
    response.refresh_from_db()
    assert response.outcome == ScreeningOutcome.CONSULT_FIRST  # the rules' own judgement stays
    assert response.effective_outcome is Outcome.SUITABLE_WITH_NOTES
    assert response.is_bookable


def test_an_override_needs_permission(questionnaire: Questionnaire, patient: Patient) -> None:
    response = submit(questionnaire, patient, {"eczema": "yes"})
    front_desk = User.objects.create_user("desk", password="pw-long-enough-1", is_staff=True)
    with pytest.raises(OverrideRefused, match="permission"):
        screening_override(
            response=response, user=front_desk, outcome="suitable", reason="x", now=NOW
        )
    assert not ScreeningOverride.objects.exists()


def test_an_override_needs_a_reason(questionnaire: Questionnaire, patient: Patient) -> None:
    response = submit(questionnaire, patient, {"eczema": "yes"})
    with pytest.raises(OverrideRefused, match="write why"):
        screening_override(
            response=response, user=clinician(), outcome="suitable", reason="  ", now=NOW
        )


# Versions -------------------------------------------------------------------------------


def test_publishing_a_version_retires_the_previous_one_and_answers_keep_theirs(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient)
    draft = Questionnaire.objects.create(title="New")
    draft.questions.create(key="pregnant", text="Are you pregnant?", answer_type="yes_no")
    questionnaire_publish(questionnaire=draft)
    assert current_questionnaire() == draft
    assert draft.version == questionnaire.version + 1
    response.refresh_from_db()
    assert response.questionnaire == questionnaire
    assert not Questionnaire.objects.get(pk=questionnaire.pk).published


def test_a_version_with_problems_cannot_be_published(questionnaire: Questionnaire) -> None:
    draft = Questionnaire.objects.create(title="New")
    draft.rules.create(
        key="pregnant",
        condition={"answer": "pregnant", "is": True},
        outcome="not_suitable",
        reason="Pregnant.",
    )
    with pytest.raises(QuestionnaireInvalid) as caught:
        questionnaire_publish(questionnaire=draft)
    assert caught.value.problems == [
        "There are no questions.",
        "Rule 'pregnant' uses 'pregnant', which is not a question.",
    ]
    assert current_questionnaire() == questionnaire
