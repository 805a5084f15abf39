"""Rules and questions are checked when staff save them, with messages that say what to fix."""

import pytest
from django.core.exceptions import ValidationError

from dermadesk.screening.models import Question, Questionnaire, Rule, ScreeningResponse


def rule(questionnaire: Questionnaire, **fields: object) -> Rule:
    values: dict[str, object] = {
        "questionnaire": questionnaire,
        "key": "pregnant",
        "condition": {"answer": "pregnant", "is": True},
        "outcome": "not_suitable",
        "reason": "You told us you are pregnant.",
    }
    return Rule(**(values | fields))


def messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.fixture
def draft(db: None) -> Questionnaire:
    return Questionnaire.objects.create(title="Draft")


def test_a_valid_rule_passes(draft: Questionnaire) -> None:
    rule(draft).full_clean()


def test_a_malformed_condition_is_refused_on_the_condition_field(draft: Questionnaire) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(draft, condition={"answer": "pregnant", "is": "yes"}).full_clean()
    assert caught.value.message_dict["condition"] == ['Condition: "is" needs true or false.']


def test_a_rule_on_the_skin_type_is_refused(draft: Questionnaire) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(draft, condition={"answer": "skin_type", "one_of": ["V", "VI"]}).full_clean()
    assert "never a reason to refuse" in caught.value.message_dict["condition"][0]


def test_a_time_window_on_the_skin_type_is_refused(draft: Questionnaire) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(
            draft, condition=None, window_answer="skin_type", window_length=1, window_unit="weeks"
        ).full_clean()
    assert "never a reason to refuse" in messages(caught.value)[0]


def test_a_time_window_needs_all_three_fields(draft: Questionnaire) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(draft, condition=None, window_answer="toxin_last_date").full_clean()
    assert messages(caught.value) == [
        "A time window needs all three: the date question it counts from, its length and its unit."
    ]


def test_a_rule_needs_a_condition_or_a_window(draft: Questionnaire) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(draft, condition=None).full_clean()
    assert messages(caught.value) == ["Rule 'pregnant' needs a condition, a time window, or both."]


def test_a_choice_question_needs_choices(draft: Questionnaire) -> None:
    question = Question(questionnaire=draft, key="area", text="Where?", answer_type="choice")
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert caught.value.message_dict["choices"] == ["A choice question needs at least one choice."]


def test_the_date_of_birth_is_not_asked_again(draft: Questionnaire) -> None:
    question = Question(questionnaire=draft, key="date_of_birth", text="Born?", answer_type="date")
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "comes from the patient's details" in caught.value.message_dict["key"][0]


def test_choices_are_read_as_value_and_label() -> None:
    question = Question(answer_type="choice", choices="face | Face\n\nneck\n")
    assert question.choice_pairs == [("face", "Face"), ("neck", "neck")]


def test_a_response_says_nothing_of_its_answers_in_its_name(draft: Questionnaire) -> None:
    assert str(ScreeningResponse(pk=7, outcome="not_suitable")) == "Screening #7"
