"""The demo clinic's candidacy questionnaire: its questions and its rules.

Which outcome each answer leads to, and why:

- **Not suitable** where the source page says micro-needling is not recommended and the
  reason lasts: a history of keloid scars (every micro-channel could heal as a raised
  scar), scleroderma and collagen vascular disease (the skin's collagen and healing are
  themselves affected), a weakened immune system (infection, slow healing), pregnancy and
  breastfeeding (not treated during either; the patient is welcome back afterwards), and
  being under 18 on the treatment date (adults only). For PRP only: a blood or platelet
  disorder (PRP is made of the patient's own platelets; plain micro-needling may still be
  possible, which a consultation can settle).
- **Not suitable for that date**, with the first date that would be fine: isotretinoin
  within 6 months before the treatment date; anti-wrinkle injections, dermal filler or a
  chemical peel in the area within 2 weeks; laser or IPL in the area within 4 weeks. The
  windows are rule data, editable in the admin, and always counted back from the date of
  the treatment being booked.
- **Consultation first** where a clinician has to look or ask before deciding, because the
  answer covers mild and severe cases or a condition that passes: eczema and psoriasis
  (the source advises against treatment with a history of either; a flare can be set off
  by the needling, and whether it applies depends on how active it is and where),
  a fungal infection, an active skin infection or active acne in the area (treated once
  cleared), trouble healing, any other long-term skin or health condition (the source: talk
  to your doctor), blood thinners and bleeding disorders (more bleeding and bruising;
  nobody should stop a medicine without their prescriber), and radiation to the area.
- **Suitable, with a note for the clinician**: a history of cold sores. Needling near the
  mouth can set off an outbreak, so the clinician considers antiviral medicine beforehand;
  it is never a reason to refuse.
- **Recorded only**: the area to treat and the Fitzpatrick skin type. Micro-needling
  suits every skin type, and the rules cannot refer to it.
"""

from typing import TypedDict

from dermadesk.scheduling.models import Service
from dermadesk.screening.models import (
    AnswerType,
    Question,
    Questionnaire,
    Rule,
    ScreeningOutcome,
    WindowUnit,
)
from dermadesk.screening.services import questionnaire_problems

TITLE = "Is micro-needling right for you?"
INTRODUCTION = (
    "A few questions about your health and your skin, so we can check that the treatment "
    "is safe for you. Your answers are private: only you and our clinical team can see them."
)
PRP = "micro-needling-prp"
AREA = "the area you would like treated"

YES_NO = AnswerType.YES_NO
DATE = AnswerType.DATE

# key, text, help text, answer type, required, choices
QUESTIONS: list[tuple[str, str, str, AnswerType, bool, str]] = [
    (
        "treatment_area",
        "Which area would you like treated?",
        "",
        AnswerType.CHOICE,
        True,
        "face | Face\nneck | Neck\nchest | Chest\nhands | Backs of the hands\n"
        "body | Scars or stretch marks on the body",
    ),
    (
        "skin_type",
        "Which of these best describes how your skin reacts to the sun?",
        "This is your skin type on the Fitzpatrick scale, which helps your clinician plan "
        "your treatment. Micro-needling suits every skin type, so this answer never stops "
        "you from booking.",
        AnswerType.CHOICE,
        False,
        "I | Always burns, never tans\nII | Usually burns, tans a little\n"
        "III | Sometimes burns, tans gradually\nIV | Rarely burns, tans easily\n"
        "V | Very rarely burns, tans deeply\nVI | Never burns\nunsure | I'm not sure",
    ),
    (
        "keloid_scars",
        "Have you ever had a keloid scar?",
        "A keloid is a raised, firm scar that grows beyond the edges of the original wound.",
        YES_NO,
        True,
        "",
    ),
    (
        "scleroderma",
        "Do you have scleroderma?",
        "Also called systemic sclerosis: a condition that makes the skin hard and tight.",
        YES_NO,
        True,
        "",
    ),
    (
        "collagen_vascular_disease",
        "Do you have a collagen vascular disease, such as lupus or dermatomyositis?",
        "Also called connective tissue diseases: conditions in which the immune system "
        "affects the skin, joints or blood vessels.",
        YES_NO,
        True,
        "",
    ),
    (
        "fungal_infection",
        "Do you have a fungal skin infection at the moment?",
        "For example ringworm, athlete's foot or a yeast infection of the skin.",
        YES_NO,
        True,
        "",
    ),
    (
        "eczema",
        "Have you ever had eczema?",
        "Also called atopic dermatitis: patches of dry, itchy, inflamed skin.",
        YES_NO,
        True,
        "",
    ),
    (
        "psoriasis",
        "Have you ever had psoriasis?",
        "Raised, scaly patches of skin that come and go.",
        YES_NO,
        True,
        "",
    ),
    (
        "immunosuppressed",
        "Is your immune system weakened by an illness or by a medicine?",
        "For example during chemotherapy, after an organ transplant, or while taking steroid "
        "tablets or other medicines that suppress the immune system.",
        YES_NO,
        True,
        "",
    ),
    ("pregnant", "Are you pregnant?", "", YES_NO, True, ""),
    ("nursing", "Are you breastfeeding?", "", YES_NO, True, ""),
    (
        "trouble_healing",
        "Do cuts and grazes usually take a long time to heal, or heal badly?",
        "For example because of diabetes or poor circulation.",
        YES_NO,
        True,
        "",
    ),
    (
        "chronic_condition",
        "Do you have any other long-term skin or health condition?",
        "Something that lasts months or years, such as diabetes, rosacea or a heart "
        "condition. If you are not sure, answer yes and we will talk it over.",
        YES_NO,
        True,
        "",
    ),
    (
        "active_infection",
        f"Do you have a skin infection in {AREA} right now?",
        "Any sore, weeping or crusted patch, such as impetigo or an open cold sore.",
        YES_NO,
        True,
        "",
    ),
    (
        "active_acne",
        f"Do you have active acne in {AREA}?",
        "Red, swollen or pus-filled spots. Acne scars on their own do not count.",
        YES_NO,
        True,
        "",
    ),
    (
        "isotretinoin_last_dose",
        "If you have ever taken isotretinoin, when did you take your last dose?",
        "Isotretinoin is an acne medicine, sold as Accutane, Absorica, Claravis and other "
        "names. Leave this empty if you have never taken it.",
        DATE,
        False,
        "",
    ),
    (
        "cold_sores",
        "Have you ever had cold sores?",
        "Small blisters on or around the lips, caused by the herpes simplex virus.",
        YES_NO,
        True,
        "",
    ),
    (
        "blood_thinners",
        "Do you take a medicine that thins your blood?",
        "For example warfarin, apixaban, rivaroxaban, dabigatran, clopidogrel, or aspirin "
        "every day.",
        YES_NO,
        True,
        "",
    ),
    (
        "bleeding_disorder",
        "Do you have a bleeding disorder, or do you bleed or bruise very easily?",
        "For example hemophilia or von Willebrand disease.",
        YES_NO,
        True,
        "",
    ),
    (
        "radiation_to_area",
        f"Have you ever had radiation therapy to {AREA}?",
        "",
        YES_NO,
        True,
        "",
    ),
    (
        "toxin_last_date",
        f"If you have had anti-wrinkle injections (such as Botox) in {AREA}, when was the "
        "most recent?",
        "Leave this empty if you never have.",
        DATE,
        False,
        "",
    ),
    (
        "filler_last_date",
        f"If you have had dermal filler in {AREA}, when was the most recent?",
        "Leave this empty if you never have.",
        DATE,
        False,
        "",
    ),
    (
        "peel_last_date",
        f"If you have had a chemical peel on {AREA}, when was the most recent?",
        "Leave this empty if you never have.",
        DATE,
        False,
        "",
    ),
    (
        "laser_last_date",
        f"If you have had laser or IPL (intense pulsed light) treatment on {AREA}, when was "
        "the most recent?",
        "Leave this empty if you never have.",
        DATE,
        False,
        "",
    ),
    (
        "blood_disorder",
        "Do you have a blood or platelet disorder?",
        "For example a low platelet count, platelets that do not work properly, anemia, or a "
        "cancer of the blood. We ask because PRP is made from your own platelets.",
        YES_NO,
        True,
        "",
    ),
]


class RuleSpec(TypedDict, total=False):
    key: str
    condition: dict[str, object]
    window: tuple[str, int, WindowUnit]
    outcome: ScreeningOutcome
    reason: str
    clinician_note: str
    services: list[str]


NOT_SUITABLE = ScreeningOutcome.NOT_SUITABLE
CONSULT_FIRST = ScreeningOutcome.CONSULT_FIRST


def _yes(key: str) -> dict[str, object]:
    return {"answer": key, "is": True}


RULES: list[RuleSpec] = [
    {
        "key": "under_18",
        "condition": {"age_under": 18},
        "outcome": NOT_SUITABLE,
        "reason": "Our treatments are for adults, and you would be under 18 on the day of "
        "this treatment, so it cannot be booked online.",
    },
    {
        "key": "keloid_scars",
        "condition": _yes("keloid_scars"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you have had a keloid scar. Micro-needling makes many tiny "
        "wounds, and in people who form keloids these can heal as raised scars that last, "
        "so we do not recommend it for you.",
    },
    {
        "key": "scleroderma",
        "condition": _yes("scleroderma"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you have scleroderma. It changes how your skin makes "
        "collagen and heals, so micro-needling is not recommended for you.",
    },
    {
        "key": "collagen_vascular_disease",
        "condition": _yes("collagen_vascular_disease"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you have a collagen vascular disease. These conditions "
        "affect the skin's connective tissue and how it heals, so micro-needling is not "
        "recommended for you.",
    },
    {
        "key": "immunosuppressed",
        "condition": _yes("immunosuppressed"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us your immune system is weakened by an illness or a medicine. "
        "That makes an infection after micro-needling more likely and healing slower, so "
        "we do not recommend the treatment for you at present.",
    },
    {
        "key": "pregnant",
        "condition": _yes("pregnant"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you are pregnant. We do not offer micro-needling during "
        "pregnancy, and we would be glad to see you after your baby is born.",
    },
    {
        "key": "nursing",
        "condition": _yes("nursing"),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you are breastfeeding. We do not offer micro-needling while "
        "you are breastfeeding; you are welcome to answer these questions again once you "
        "have stopped.",
    },
    {
        "key": "blood_disorder",
        "condition": _yes("blood_disorder"),
        "outcome": NOT_SUITABLE,
        "services": [PRP],
        "reason": "You told us you have a blood or platelet disorder. PRP is made from your "
        "own platelets, so it may not be safe or work well for you. Micro-needling without "
        "PRP may still be possible: a clinician can talk it through with you.",
        "clinician_note": "Blood or platelet disorder: PRP contraindicated; consider plain "
        "micro-needling after review.",
    },
    {
        "key": "isotretinoin",
        "window": ("isotretinoin_last_dose", 6, WindowUnit.MONTHS),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you took isotretinoin less than {window} before the "
        "treatment date. It slows the skin's healing, so we wait at least {window} after "
        "the last dose.",
        "clinician_note": "Isotretinoin within the waiting period: confirm the date of the "
        "last dose.",
    },
    {
        "key": "recent_toxin",
        "window": ("toxin_last_date", 2, WindowUnit.WEEKS),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you had anti-wrinkle injections in this area less than "
        "{window} before the treatment date. We wait at least {window}, so the injections "
        "can settle where they were placed.",
    },
    {
        "key": "recent_filler",
        "window": ("filler_last_date", 2, WindowUnit.WEEKS),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you had dermal filler in this area less than {window} before "
        "the treatment date. We wait at least {window}, so the filler can settle "
        "undisturbed.",
    },
    {
        "key": "recent_peel",
        "window": ("peel_last_date", 2, WindowUnit.WEEKS),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you had a chemical peel on this area less than {window} "
        "before the treatment date. Your skin needs at least {window} to recover from a "
        "peel before micro-needling.",
    },
    {
        "key": "recent_laser",
        "window": ("laser_last_date", 4, WindowUnit.WEEKS),
        "outcome": NOT_SUITABLE,
        "reason": "You told us you had laser or IPL treatment on this area less than "
        "{window} before the treatment date. Your skin needs at least {window} to recover "
        "from it before micro-needling.",
    },
    {
        "key": "eczema",
        "condition": _yes("eczema"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have had eczema. Micro-needling can irritate the skin "
        "and set off a flare, so a clinician would like to talk with you and look at your "
        "skin before you book a treatment.",
        "clinician_note": "History of eczema: check for active disease in or near the area.",
    },
    {
        "key": "psoriasis",
        "condition": _yes("psoriasis"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have had psoriasis. Small injuries to the skin can bring "
        "on new psoriasis patches, so a clinician would like to talk with you before you "
        "book a treatment.",
        "clinician_note": "History of psoriasis: risk of Koebner response; check activity.",
    },
    {
        "key": "fungal_infection",
        "condition": _yes("fungal_infection"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have a fungal skin infection. Micro-needling could spread "
        "it, so a clinician would like to see you first; once it has cleared, treatment may "
        "well be possible.",
    },
    {
        "key": "active_infection",
        "condition": _yes("active_infection"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have a skin infection in the area you would like "
        "treated. We never treat skin with an active infection, so a clinician would like "
        "to see you once it has cleared.",
    },
    {
        "key": "active_acne",
        "condition": _yes("active_acne"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have active acne in the area you would like treated. "
        "Needling through active spots can spread bacteria, so a clinician would like to "
        "look at your skin first. Acne scars on their own are no problem.",
    },
    {
        "key": "trouble_healing",
        "condition": _yes("trouble_healing"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us your skin tends to heal slowly or badly. Micro-needling "
        "relies on your skin healing well over the following days, so a clinician would "
        "like to talk with you first.",
    },
    {
        "key": "chronic_condition",
        "condition": _yes("chronic_condition"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have a long-term skin or health condition. Please talk "
        "it over with your doctor too; a clinician here would like to discuss it with you "
        "before your treatment.",
    },
    {
        "key": "blood_thinners",
        "condition": _yes("blood_thinners"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you take a medicine that thins your blood. It can make "
        "bleeding and bruising more likely, so a clinician would like to talk with you "
        "first. Please do not stop or change any medicine without asking the doctor who "
        "prescribed it.",
        "clinician_note": "On anticoagulant or antiplatelet medicine: review with the "
        "prescriber; do not advise stopping.",
    },
    {
        "key": "bleeding_disorder",
        "condition": _yes("bleeding_disorder"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have a bleeding disorder or bleed or bruise easily. "
        "Micro-needling causes tiny points of bleeding, so a clinician would like to talk "
        "with you about whether it is safe for you.",
    },
    {
        "key": "radiation_to_area",
        "condition": _yes("radiation_to_area"),
        "outcome": CONSULT_FIRST,
        "reason": "You told us you have had radiation therapy to the area you would like "
        "treated. Skin that has had radiation can heal differently, so a clinician would "
        "like to see you first.",
    },
    {
        "key": "cold_sores",
        "condition": _yes("cold_sores"),
        "outcome": ScreeningOutcome.SUITABLE_WITH_NOTES,
        "reason": "You told us you have had cold sores. Treatment near the mouth can set off "
        "an outbreak, so your clinician may suggest an antiviral medicine to take before "
        "your visit.",
        "clinician_note": "History of cold sores (HSV): consider antiviral prophylaxis "
        "before treatment, especially around the mouth.",
    },
]


def create_demo_questionnaire() -> int:
    """Version 1 of the questionnaire, published; returns how many rows it created.

    Nothing happens when a questionnaire exists already (staff edits are kept). Needs the
    demo services (the PRP-only rule names its service).
    """
    if Questionnaire.objects.exists():
        return 0
    questionnaire = Questionnaire.objects.create(title=TITLE, introduction=INTRODUCTION)
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            key=key,
            text=text,
            help_text=help_text,
            answer_type=answer_type,
            required=required,
            choices=choices,
            order=index * 10,
        )
        for index, (key, text, help_text, answer_type, required, choices) in enumerate(
            QUESTIONS, start=1
        )
    )
    services = {service.slug: service for service in Service.objects.all()}
    for index, spec in enumerate(RULES, start=1):
        window_answer, window_length, window_unit = spec.get("window", ("", None, ""))
        rule = Rule(
            questionnaire=questionnaire,
            key=spec["key"],
            condition=spec.get("condition"),
            window_answer=window_answer,
            window_length=window_length,
            window_unit=window_unit,
            outcome=spec["outcome"],
            reason=spec["reason"],
            clinician_note=spec.get("clinician_note", ""),
            order=index * 10,
        )
        rule.full_clean()
        rule.save()
        rule.services.set([services[slug] for slug in spec.get("services", [])])
    problems = questionnaire_problems(questionnaire)
    if problems:  # a mistake in the data above; never publish it
        raise ValueError(" ".join(problems))
    questionnaire.published = True
    questionnaire.save(update_fields=["published"])
    return 1 + len(QUESTIONS) + len(RULES)
