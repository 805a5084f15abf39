"""Every rule of the demo questionnaire: the outcome it leads to and what the patient reads.

Each case answers "no" to everything except one answer, through the same service the
booking pages use, for a treatment on 10 December 2026 (answered on 25 November 2026).
"""

from datetime import date

import pytest

from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.screening.demo import RULES
from dermadesk.screening.models import Questionnaire, ScreeningOutcome, ScreeningResponse
from dermadesk.screening.queries import questions_for
from dermadesk.screening.services import screening_submit
from dermadesk.screening.tests.conftest import NOW, TREATMENT, no_to_everything

MN = "micro-needling"
PRP = "micro-needling-prp"
WAIT = "this would no longer be a reason to wait."

# rule key: (answers changed, service, outcome, reason shown to the patient)
CASES: dict[str, tuple[dict[str, object], str, ScreeningOutcome, str]] = {
    "under_18": (
        {},  # the patient's date of birth makes them 17 on the treatment date
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "Our treatments are for adults, and you would be under 18 on the day of this "
        "treatment, so it cannot be booked online.",
    ),
    "keloid_scars": (
        {"keloid_scars": "yes"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you have had a keloid scar. Micro-needling makes many tiny wounds, and "
        "in people who form keloids these can heal as raised scars that last, so we do not "
        "recommend it for you.",
    ),
    "scleroderma": (
        {"scleroderma": "yes"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you have scleroderma. It changes how your skin makes collagen and "
        "heals, so micro-needling is not recommended for you.",
    ),
    "collagen_vascular_disease": (
        {"collagen_vascular_disease": "yes"},
        PRP,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you have a collagen vascular disease. These conditions affect the "
        "skin's connective tissue and how it heals, so micro-needling is not recommended "
        "for you.",
    ),
    "immunosuppressed": (
        {"immunosuppressed": "yes"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us your immune system is weakened by an illness or a medicine. That makes "
        "an infection after micro-needling more likely and healing slower, so we do not "
        "recommend the treatment for you at present.",
    ),
    "pregnant": (
        {"pregnant": "yes"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you are pregnant. We do not offer micro-needling during pregnancy, and "
        "we would be glad to see you after your baby is born.",
    ),
    "nursing": (
        {"nursing": "yes"},
        PRP,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you are breastfeeding. We do not offer micro-needling while you are "
        "breastfeeding; you are welcome to answer these questions again once you have "
        "stopped.",
    ),
    "blood_disorder": (
        {"blood_disorder": "yes"},
        PRP,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you have a blood or platelet disorder. PRP is made from your own "
        "platelets, so it may not be safe or work well for you. Micro-needling without PRP "
        "may still be possible: a clinician can talk it through with you.",
    ),
    "isotretinoin": (
        {"isotretinoin_last_dose": "2026-07-01"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you took isotretinoin less than 6 months before the treatment date. It "
        "slows the skin's healing, so we wait at least 6 months after the last dose. "
        f"From 1 January 2027 {WAIT}",
    ),
    "recent_toxin": (
        {"toxin_last_date": "2026-12-01"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you had anti-wrinkle injections in this area less than 2 weeks before "
        "the treatment date. We wait at least 2 weeks, so the injections can settle where "
        f"they were placed. From 15 December 2026 {WAIT}",
    ),
    "recent_filler": (
        {"filler_last_date": "2026-11-30"},
        PRP,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you had dermal filler in this area less than 2 weeks before the "
        "treatment date. We wait at least 2 weeks, so the filler can settle undisturbed. "
        f"From 14 December 2026 {WAIT}",
    ),
    "recent_peel": (
        {"peel_last_date": "2026-12-03"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you had a chemical peel on this area less than 2 weeks before the "
        "treatment date. Your skin needs at least 2 weeks to recover from a peel before "
        f"micro-needling. From 17 December 2026 {WAIT}",
    ),
    "recent_laser": (
        {"laser_last_date": "2026-11-20"},
        MN,
        ScreeningOutcome.NOT_SUITABLE,
        "You told us you had laser or IPL treatment on this area less than 4 weeks before "
        "the treatment date. Your skin needs at least 4 weeks to recover from it before "
        f"micro-needling. From 18 December 2026 {WAIT}",
    ),
    "eczema": (
        {"eczema": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have had eczema. Micro-needling can irritate the skin and set off "
        "a flare, so a clinician would like to talk with you and look at your skin before "
        "you book a treatment.",
    ),
    "psoriasis": (
        {"psoriasis": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have had psoriasis. Small injuries to the skin can bring on new "
        "psoriasis patches, so a clinician would like to talk with you before you book a "
        "treatment.",
    ),
    "fungal_infection": (
        {"fungal_infection": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have a fungal skin infection. Micro-needling could spread it, so a "
        "clinician would like to see you first; once it has cleared, treatment may well be "
        "possible.",
    ),
    "active_infection": (
        {"active_infection": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have a skin infection in the area you would like treated. We never "
        "treat skin with an active infection, so a clinician would like to see you once it "
        "has cleared.",
    ),
    "active_acne": (
        {"active_acne": "yes"},
        PRP,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have active acne in the area you would like treated. Needling "
        "through active spots can spread bacteria, so a clinician would like to look at "
        "your skin first. Acne scars on their own are no problem.",
    ),
    "trouble_healing": (
        {"trouble_healing": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us your skin tends to heal slowly or badly. Micro-needling relies on your "
        "skin healing well over the following days, so a clinician would like to talk with "
        "you first.",
    ),
    "chronic_condition": (
        {"chronic_condition": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have a long-term skin or health condition. Please talk it over "
        "with your doctor too; a clinician here would like to discuss it with you before "
        "your treatment.",
    ),
    "blood_thinners": (
        {"blood_thinners": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you take a medicine that thins your blood. It can make bleeding and "
        "bruising more likely, so a clinician would like to talk with you first. Please do "
        "not stop or change any medicine without asking the doctor who prescribed it.",
    ),
    "bleeding_disorder": (
        {"bleeding_disorder": "yes"},
        PRP,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have a bleeding disorder or bleed or bruise easily. Micro-needling "
        "causes tiny points of bleeding, so a clinician would like to talk with you about "
        "whether it is safe for you.",
    ),
    "radiation_to_area": (
        {"radiation_to_area": "yes"},
        MN,
        ScreeningOutcome.CONSULT_FIRST,
        "You told us you have had radiation therapy to the area you would like treated. "
        "Skin that has had radiation can heal differently, so a clinician would like to see "
        "you first.",
    ),
    "cold_sores": (
        {"cold_sores": "yes"},
        MN,
        ScreeningOutcome.SUITABLE_WITH_NOTES,
        "You told us you have had cold sores. Treatment near the mouth can set off an "
        "outbreak, so your clinician may suggest an antiviral medicine to take before your "
        "visit.",
    ),
}


def submit(
    questionnaire: Questionnaire,
    patient: Patient,
    slug: str,
    changes: dict[str, object],
    treatment_date: date = TREATMENT,
) -> ScreeningResponse:
    """Answers "no" to everything but ``changes``, for ``slug`` on ``treatment_date``."""
    return screening_submit(
        patient=patient,
        questionnaire=questionnaire,
        answers=no_to_everything(questionnaire, service_slug=slug) | changes,
        service=Service.objects.get(slug=slug),
        treatment_date=treatment_date,
        now=NOW,
    )


def test_every_demo_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(spec["key"] for spec in RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_demo_rule_outcome_and_reason(
    rule: str, questionnaire: Questionnaire, patient: Patient
) -> None:
    changes, slug, outcome, reason = CASES[rule]
    if rule == "under_18":
        patient.date_of_birth = date(2008, 12, 11)  # 18 the day after the treatment
        patient.save()
    response = submit(questionnaire, patient, slug, changes)
    assert (response.outcome, response.reasons) == (outcome, [reason])


def test_no_to_everything_is_suitable(questionnaire: Questionnaire, patient: Patient) -> None:
    for slug in (MN, PRP):
        response = submit(questionnaire, patient, slug, {})
        assert (response.outcome, response.reasons) == (ScreeningOutcome.SUITABLE, [])


def test_cold_sores_leave_a_note_about_antiviral_prophylaxis_for_the_clinician(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, MN, {"cold_sores": "yes"})
    assert response.clinician_notes == [
        "History of cold sores (HSV): consider antiviral prophylaxis before treatment, "
        "especially around the mouth."
    ]


def test_isotretinoin_is_judged_against_the_treatment_date_not_today(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    # Less than 6 months before today, but more than 6 months before a visit in February.
    response = submit(
        questionnaire, patient, MN, {"isotretinoin_last_dose": "2026-07-01"}, date(2027, 2, 1)
    )
    assert response.outcome == ScreeningOutcome.SUITABLE


def test_the_earliest_good_date_is_stored_for_a_wait(
    questionnaire: Questionnaire, patient: Patient
) -> None:
    changes, slug, _, _ = CASES["isotretinoin"]
    response = submit(questionnaire, patient, slug, changes)
    assert response.earliest_ok_date == date(2027, 1, 1)


@pytest.mark.parametrize("skin_type", ["I", "II", "III", "IV", "V", "VI", "unsure"])
def test_every_skin_type_is_suitable(
    skin_type: str, questionnaire: Questionnaire, patient: Patient
) -> None:
    response = submit(questionnaire, patient, MN, {"skin_type": skin_type})
    assert response.outcome == ScreeningOutcome.SUITABLE


def test_the_prp_blood_question_is_asked_only_for_prp(questionnaire: Questionnaire) -> None:
    def keys(slug: str) -> set[str]:
        service = Service.objects.get(slug=slug)
        return {q.key for q in questions_for(questionnaire=questionnaire, service=service)}

    assert keys(PRP) - keys(MN) == {"blood_disorder"}
    assert "skin_type" in keys(MN)
