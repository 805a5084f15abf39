"""The check-in rules, one by one, and how they combine."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.aftercare.checkin import (
    QUESTIONS,
    RULES,
    Answer,
    Level,
    judge,
)

DAY_ONE = timedelta(hours=24)
DAY_THREE = timedelta(hours=72)
NOTHING_WRONG = {q.key: Answer.NO for q in QUESTIONS}


def test_nothing_wrong_raises_nothing() -> None:
    for since in (DAY_ONE, DAY_THREE):
        assert judge(NOTHING_WRONG, since).level == Level.FINE


def test_redness_on_the_first_day_is_expected() -> None:
    assert judge(NOTHING_WRONG | {"redness": Answer.YES}, DAY_ONE).level == Level.FINE


@pytest.mark.parametrize("redness", [Answer.A_LITTLE, Answer.YES])
def test_still_red_after_three_days_needs_a_call(redness: Answer) -> None:
    verdict = judge(NOTHING_WRONG | {"redness": redness}, DAY_THREE)
    assert verdict.level == Level.CALL
    assert verdict.reasons == ("Still red three days after the session",)


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("spreading", Level.URGENT),
        ("fever", Level.URGENT),
        ("pus", Level.URGENT),
        ("blisters", Level.CALL),
        ("rash", Level.CALL),
        ("marks", Level.CALL),
    ],
)
def test_each_warning_sign_raises_its_level_on_any_day(question: str, level: Level) -> None:
    for since in (DAY_ONE, DAY_THREE):
        assert judge(NOTHING_WRONG | {question: Answer.YES}, since).level == level


def test_still_red_and_swelling_is_urgent_with_both_reasons() -> None:
    verdict = judge(NOTHING_WRONG | {"redness": Answer.YES, "spreading": Answer.YES}, DAY_THREE)
    assert verdict.level == Level.URGENT
    assert len(verdict.reasons) == 2
    assert "call the clinic now" in verdict.advice


def test_every_rule_names_a_question_and_an_answer_it_offers() -> None:
    offered = {q.key: set(q.choices) for q in QUESTIONS}
    for rule in RULES:
        assert rule.answers <= offered[rule.question]


@given(
    st.fixed_dictionaries({q.key: st.sampled_from(q.choices) for q in QUESTIONS}),
    st.integers(min_value=0, max_value=10 * 24 * 60),
)
def test_the_level_is_the_most_urgent_rule_that_fires(
    answers: dict[str, Answer], minutes: int
) -> None:
    since = timedelta(minutes=minutes)
    verdict = judge(answers, since)
    fired = [r for r in RULES if answers[r.question] in r.answers and since >= r.counts_after]
    assert verdict.level == max((r.level for r in fired), default=Level.FINE)
    assert bool(verdict.reasons) == (verdict.level > Level.FINE)
