"""The pure rules module: conditions as data, windows against the treatment date."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dermadesk.screening import rules
from dermadesk.screening.rules import (
    AnswerType,
    InvalidAnswers,
    Outcome,
    Question,
    Rule,
    RuleError,
    Window,
    WindowUnit,
    evaluate,
    parse_condition,
)

TREATMENT = date(2026, 12, 10)
OUTCOMES = [Outcome.SUITABLE_WITH_NOTES, Outcome.CONSULT_FIRST, Outcome.NOT_SUITABLE]


def yes_rule(key: str, outcome: Outcome, **fields: object) -> Rule:
    values: dict[str, object] = {"reason": f"Because of {key}."} | fields
    return Rule(
        key=key,
        outcome=outcome,
        condition=parse_condition({"answer": key, "is": True}),
        **values,  # type: ignore[arg-type]
    )


def window_rule(length: int = 6, unit: WindowUnit = WindowUnit.MONTHS) -> Rule:
    return Rule(
        key="isotretinoin",
        outcome=Outcome.NOT_SUITABLE,
        reason="We wait {window} after the last dose.",
        window=Window("last_dose", length, unit),
    )


# Outcomes -------------------------------------------------------------------------------


def test_outcomes_are_ordered_from_suitable_to_not_suitable() -> None:
    assert (
        Outcome.SUITABLE
        < Outcome.SUITABLE_WITH_NOTES
        < Outcome.CONSULT_FIRST
        < Outcome.NOT_SUITABLE
    )


def test_only_suitable_outcomes_are_bookable() -> None:
    assert [o.bookable for o in Outcome] == [True, True, False, False]


def test_no_rule_firing_is_suitable_with_no_reasons() -> None:
    result = evaluate(
        [yes_rule("pregnant", Outcome.NOT_SUITABLE)],
        {"pregnant": False},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result == rules.ScreeningResult(Outcome.SUITABLE, (), (), None, ())


def test_reasons_are_worst_first_and_notes_are_collected() -> None:
    result = evaluate(
        [
            yes_rule("cold_sores", Outcome.SUITABLE_WITH_NOTES, clinician_note="Antiviral."),
            yes_rule("eczema", Outcome.CONSULT_FIRST),
            yes_rule("keloid", Outcome.NOT_SUITABLE),
        ],
        {"cold_sores": True, "eczema": True, "keloid": True},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result.outcome is Outcome.NOT_SUITABLE
    assert result.reasons == ("Because of keloid.", "Because of eczema.", "Because of cold_sores.")
    assert result.clinician_notes == ("Antiviral.",)


def test_a_rule_for_prp_only_does_not_apply_to_micro_needling() -> None:
    rule = yes_rule("platelets", Outcome.NOT_SUITABLE, services=frozenset({"micro-needling-prp"}))
    answers = {"platelets": True}
    plain = evaluate([rule], answers, treatment_date=TREATMENT, service="micro-needling")
    prp = evaluate([rule], answers, treatment_date=TREATMENT, service="micro-needling-prp")
    assert (plain.outcome, prp.outcome) == (Outcome.SUITABLE, Outcome.NOT_SUITABLE)


# Conditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "answers", "holds"),
    [
        ({"answer": "area", "equals": "face"}, {"area": "face"}, True),
        ({"answer": "area", "equals": "face"}, {"area": "neck"}, False),
        ({"answer": "area", "one_of": ["face", "neck"]}, {"area": "neck"}, True),
        ({"answer": "area", "one_of": ["face", "neck"]}, {}, False),
        ({"answer": "coffee", "at_least": 3}, {"coffee": 3}, True),
        ({"answer": "coffee", "below": 3}, {"coffee": 3}, False),
        ({"answer": "pregnant", "is": False}, {"pregnant": False}, True),
        ({"answer": "pregnant", "is": True}, {}, False),
        ({"all": [{"answer": "a", "is": True}, {"answer": "b", "is": True}]}, {"a": True}, False),
        ({"any": [{"answer": "a", "is": True}, {"answer": "b", "is": True}]}, {"a": True}, True),
        ({"not": {"answer": "a", "is": True}}, {"a": True}, False),
    ],
)
def test_conditions_read_answers(data: object, answers: rules.Answers, holds: bool) -> None:
    assert parse_condition(data).holds(answers, TREATMENT) is holds


def test_age_is_judged_on_the_treatment_date_not_today() -> None:
    under_18 = parse_condition({"age_under": 18})
    born = date(2008, 12, 10)
    assert under_18.holds({"date_of_birth": born}, date(2026, 12, 9))
    assert not under_18.holds({"date_of_birth": born}, date(2026, 12, 10))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "skin_type", "equals": "VI"}, "never a reason to refuse"),
        ({"any": [{"not": {"answer": "skin_type", "one_of": ["V", "VI"]}}]}, "never a reason"),
        ({"answer": "pregnant", "is": "yes"}, '"is" needs true or false'),
        ({"answer": "pregnant"}, "exactly one of"),
        ({"answer": "x", "is": True, "equals": 1}, "exactly one of"),
        ({"all": []}, '"all" needs a list of one or more conditions'),
        ({"age_under": "18"}, "whole number of years"),
        ({"answer": "n", "below": "three"}, '"below" needs a number'),
        ("pregnant", "must be an object"),
        ({"all": [{"answer": "a", "is": 1}]}, "Condition → all[0]"),
    ],
)
def test_bad_conditions_are_refused_with_a_clear_message(data: object, message: str) -> None:
    with pytest.raises(RuleError, match=re.escape(message)):
        parse_condition(data)


def test_a_window_on_the_skin_type_is_refused() -> None:
    with pytest.raises(RuleError, match="never a reason to refuse"):
        Window("skin_type", 2, WindowUnit.WEEKS)


def test_a_rule_that_changes_nothing_is_refused() -> None:
    with pytest.raises(RuleError, match="would change nothing"):
        yes_rule("a", Outcome.SUITABLE)


def test_a_rule_needs_a_reason_for_the_patient() -> None:
    with pytest.raises(RuleError, match="needs a reason"):
        Rule(key="a", outcome=Outcome.CONSULT_FIRST, reason=" ", condition=rules.Is("a", True))


# Time windows ---------------------------------------------------------------------------


def test_a_window_counts_back_from_the_treatment_date_and_names_the_first_good_date() -> None:
    result = evaluate(
        [window_rule()],
        {"last_dose": date(2026, 11, 14)},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result.outcome is Outcome.NOT_SUITABLE
    assert result.reasons == (
        "We wait 6 months after the last dose. "
        "From 14 May 2027 this would no longer be a reason to wait.",
    )
    assert result.earliest_ok_date == date(2027, 5, 14)


def test_a_window_that_has_passed_by_the_treatment_date_does_not_fire() -> None:
    # Less than 6 months before today, but not before a treatment booked in June.
    result = evaluate(
        [window_rule()],
        {"last_dose": date(2026, 11, 14)},
        treatment_date=date(2027, 6, 1),
        service="micro-needling",
    )
    assert result.outcome is Outcome.SUITABLE


def test_months_end_on_the_last_day_of_a_shorter_month() -> None:
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_window_of_one_week_is_written_in_the_singular() -> None:
    assert Window("d", 1, WindowUnit.WEEKS).in_words() == "1 week"


def test_earliest_ok_date_is_the_last_of_several_windows() -> None:
    toxin = Rule(
        key="toxin",
        outcome=Outcome.NOT_SUITABLE,
        reason="Toxin.",
        window=Window("toxin", 2, WindowUnit.WEEKS),
    )
    result = evaluate(
        [window_rule(), toxin],
        {"last_dose": date(2026, 7, 1), "toxin": date(2026, 12, 1)},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result.earliest_ok_date == date(2027, 1, 1)


def test_no_earliest_ok_date_when_something_other_than_time_stands_in_the_way() -> None:
    result = evaluate(
        [window_rule(), yes_rule("keloid", Outcome.NOT_SUITABLE)],
        {"last_dose": date(2026, 11, 14), "keloid": True},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result.earliest_ok_date is None


def test_a_placeholder_needs_a_window() -> None:
    with pytest.raises(RuleError, match="needs a time window"):
        yes_rule("a", Outcome.CONSULT_FIRST, reason="Wait {window}.")


# Answers --------------------------------------------------------------------------------

QUESTIONS = [
    Question("pregnant", "Are you pregnant?", AnswerType.YES_NO),
    Question("area", "Which area?", AnswerType.CHOICE, choices=("face", "neck")),
    Question("last_dose", "Last dose?", AnswerType.DATE, required=False),
    Question("coffee", "Cups a day?", AnswerType.NUMBER, required=False),
]


def test_form_answers_are_typed_by_their_questions() -> None:
    cleaned = rules.clean_answers(
        QUESTIONS, {"pregnant": "no", "area": "face", "last_dose": "2026-05-01", "coffee": "2"}
    )
    assert cleaned == {
        "pregnant": False,
        "area": "face",
        "last_dose": date(2026, 5, 1),
        "coffee": 2,
    }


def test_every_problem_with_the_answers_is_reported_at_once_without_the_answers() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        rules.clean_answers(
            QUESTIONS,
            {"area": "elbow", "last_dose": "last spring", "coffee": "lots", "secret": "x"},
        )
    assert caught.value.errors == {
        "secret": "This is not one of the questions.",
        "pregnant": "Please answer this question.",
        "area": "Please choose one of the options given.",
        "last_dose": "Please enter a date, such as 2027-05-14.",
        "coffee": "Please enter a number.",
    }
    assert "elbow" not in str(caught.value) and "last spring" not in str(caught.value)


def test_a_blank_optional_answer_is_left_out() -> None:
    cleaned = rules.clean_answers(QUESTIONS, {"pregnant": False, "area": "neck", "last_dose": ""})
    assert "last_dose" not in cleaned


def test_answers_survive_a_round_trip_through_json() -> None:
    answers: dict[str, rules.Answer] = {
        "pregnant": True,
        "area": "neck",
        "last_dose": date(2026, 1, 31),
        "coffee": 1.5,
    }
    stored = rules.answers_to_json(answers)
    assert stored["last_dose"] == "2026-01-31"
    assert rules.answers_from_json(QUESTIONS, stored) == answers


def test_problems_of_a_questionnaire_name_the_rule_and_the_question() -> None:
    problems = rules.questionnaire_problems(
        QUESTIONS,
        [
            yes_rule("keloid", Outcome.NOT_SUITABLE),
            Rule(
                key="bad_window",
                outcome=Outcome.NOT_SUITABLE,
                reason="x",
                window=Window("area", 2, WindowUnit.WEEKS),
            ),
            Rule(
                key="bad_choice",
                outcome=Outcome.CONSULT_FIRST,
                reason="x",
                condition=parse_condition({"answer": "area", "equals": "elbow"}),
            ),
            Rule(
                key="is_on_choice",
                outcome=Outcome.CONSULT_FIRST,
                reason="x",
                condition=parse_condition({"answer": "area", "is": True}),
            ),
        ],
    )
    assert problems == [
        "Rule 'keloid' uses 'keloid', which is not a question.",
        "Rule 'bad_window' counts from 'area', which is not a date question.",
        "Rule 'bad_choice': 'area' has no choice 'elbow'.",
        """Rule 'is_on_choice': "is" needs a yes/no question, and 'area' is not one.""",
    ]


def test_a_question_read_only_by_prp_rules_is_not_asked_for_micro_needling() -> None:
    questions = [*QUESTIONS, Question("platelets", "Platelet disorder?", AnswerType.YES_NO)]
    prp_only = yes_rule("platelets", Outcome.NOT_SUITABLE, services=frozenset({"prp"}))
    asked = rules.relevant_questions(questions, [prp_only], "micro-needling")
    assert [q.key for q in asked] == ["pregnant", "area", "last_dose", "coffee"]
    assert len(rules.relevant_questions(questions, [prp_only], "prp")) == 5


# Properties -----------------------------------------------------------------------------

KEYS = ["a", "b", "c", "d", "e"]


@given(
    outcomes=st.lists(st.sampled_from(OUTCOMES), min_size=len(KEYS), max_size=len(KEYS)),
    answers=st.dictionaries(st.sampled_from(KEYS), st.booleans()),
)
def test_the_worst_outcome_of_the_rules_that_fire_wins(
    outcomes: list[Outcome], answers: dict[str, bool]
) -> None:
    rule_set = [yes_rule(key, outcome) for key, outcome in zip(KEYS, outcomes, strict=True)]
    result = evaluate(rule_set, answers, treatment_date=TREATMENT, service="s")
    fired = [outcome for key, outcome in zip(KEYS, outcomes, strict=True) if answers.get(key)]
    assert result.outcome == max(fired, default=Outcome.SUITABLE)
    assert len(result.reasons) == len(fired)


SKIN_TYPES = ["I", "II", "III", "IV", "V", "VI", "unsure"]

leaf = st.one_of(
    st.builds(
        lambda k, v: {"answer": k, "is": v}, st.sampled_from([*KEYS, "skin_type"]), st.booleans()
    ),
    st.builds(
        lambda k, v: {"answer": k, "one_of": v},
        st.sampled_from(["area", "skin_type"]),
        st.lists(st.sampled_from([*SKIN_TYPES, "face"]), min_size=1, max_size=3),
    ),
    st.builds(
        lambda k, v: {"answer": k, "equals": v},
        st.sampled_from(["area", "skin_type"]),
        st.sampled_from([*SKIN_TYPES, "face"]),
    ),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=6,
)


def mentions_skin_type(data: object) -> bool:
    if isinstance(data, dict):
        return data.get("answer") == "skin_type" or any(map(mentions_skin_type, data.values()))
    if isinstance(data, list):
        return any(map(mentions_skin_type, data))
    return False


@given(data=conditions)
def test_no_condition_can_look_at_the_skin_type(data: object) -> None:
    if mentions_skin_type(data):
        with pytest.raises(RuleError, match="never a reason to refuse"):
            parse_condition(data)
    else:
        parse_condition(data)


@given(
    data=st.lists(conditions, min_size=1, max_size=4),
    outcomes=st.lists(st.sampled_from(OUTCOMES), min_size=4, max_size=4),
    answers=st.fixed_dictionaries(
        {key: st.booleans() for key in KEYS}, optional={"area": st.sampled_from(["face", "neck"])}
    ),
    skin_types=st.tuples(st.sampled_from(SKIN_TYPES), st.sampled_from(SKIN_TYPES)),
)
def test_the_skin_type_never_changes_the_outcome(
    data: list[object],
    outcomes: list[Outcome],
    answers: dict[str, rules.Answer],
    skin_types: tuple[str, str],
) -> None:
    usable = [condition for condition in data if not mentions_skin_type(condition)]
    assume(usable)
    rule_set = [
        Rule(key=f"r{i}", outcome=outcome, reason=f"R{i}.", condition=parse_condition(condition))
        for i, (condition, outcome) in enumerate(zip(usable, outcomes, strict=False))
    ]
    first, second = (
        evaluate(rule_set, {**answers, "skin_type": skin}, treatment_date=TREATMENT, service="s")
        for skin in skin_types
    )
    assert first == second


@given(
    answered=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    treatment=st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)),
    length=st.integers(min_value=1, max_value=24),
    unit=st.sampled_from(WindowUnit),
)
def test_a_window_rule_flips_exactly_at_its_earliest_ok_date(
    answered: date, treatment: date, length: int, unit: WindowUnit
) -> None:
    rule_set = [window_rule(length, unit)]

    def judged(day: date) -> rules.ScreeningResult:
        return evaluate(rule_set, {"last_dose": answered}, treatment_date=day, service="s")

    result = judged(treatment)
    if result.outcome is Outcome.SUITABLE:
        # The brute-force oracle: the window has ended by the treatment date.
        assert treatment >= Window("last_dose", length, unit).ends(answered)
        return
    ok = result.earliest_ok_date
    assert ok is not None and ok > treatment
    assert judged(ok - timedelta(days=1)).outcome is Outcome.NOT_SUITABLE
    assert judged(ok).outcome is Outcome.SUITABLE


def test_a_window_counted_from_the_calendars_last_day_never_ends_rather_than_failing() -> None:
    result = evaluate(
        [window_rule(6, WindowUnit.MONTHS)],
        {"last_dose": date(9999, 12, 31)},
        treatment_date=TREATMENT,
        service="micro-needling",
    )
    assert result.outcome is Outcome.NOT_SUITABLE
    assert result.earliest_ok_date == date.max
    assert result.reasons[0].endswith(
        "From 31 December 9999 this would no longer be a reason to wait."
    )


def test_months_added_past_the_calendars_ends_stop_there() -> None:
    assert rules.add_months(date(9999, 12, 31), 1) == date.max
    assert rules.add_months(date(1, 1, 1), -1) == date.min


@given(
    answered=st.dates(),
    treatment=st.dates(),
    length=st.integers(min_value=1, max_value=10**9),
    unit=st.sampled_from(WindowUnit),
)
def test_any_date_answered_is_judged_without_failing_and_names_a_later_good_date(
    answered: date, treatment: date, length: int, unit: WindowUnit
) -> None:
    result = evaluate(
        [window_rule(length, unit)], {"last_dose": answered}, treatment_date=treatment, service="s"
    )
    ends = Window("last_dose", length, unit).ends(answered)
    assert ends >= answered
    if result.outcome is Outcome.SUITABLE:
        assert treatment >= ends
    else:
        assert result.earliest_ok_date == ends > treatment


@given(day=st.dates(), months=st.integers(min_value=-(10**6), max_value=10**6))
def test_adding_months_stays_on_the_calendar_and_keeps_the_order(day: date, months: int) -> None:
    later = rules.add_months(day, months)
    assert (later >= day) if months >= 0 else (later <= day)
