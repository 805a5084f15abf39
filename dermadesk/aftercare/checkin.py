"""The check-in a patient answers about a day and about three days after a session, and the
rules that decide whether the answers need a clinician (pure).

The rules are data (``RULES``): each names a question, the answers that trigger it, how long
after the session it starts to count, how urgent it is, the reason staff see and what the
patient is told at once. ``judge`` applies them all; the most urgent wins.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum, StrEnum


class Level(IntEnum):
    FINE = 0
    CALL = 1
    """A clinician calls the patient the same day."""
    URGENT = 2
    """The patient should call the clinic now."""


class Answer(StrEnum):
    NO = "no"
    A_LITTLE = "a_little"
    YES = "yes"


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    choices: tuple[Answer, ...] = (Answer.NO, Answer.YES)


QUESTIONS: tuple[Question, ...] = (
    Question("redness", "Is the treated skin still red?", (Answer.NO, Answer.A_LITTLE, Answer.YES)),
    Question("spreading", "Is there swelling or pain that is spreading or getting worse?"),
    Question("fever", "Have you had a fever (38 °C or 100.4 °F or higher), or felt unwell?"),
    Question("pus", "Is there pus, a yellow crust or a bad smell from the treated skin?"),
    Question("blisters", "Have blisters appeared on the treated skin?"),
    Question("rash", "Is there a rash or hives?"),
    Question("marks", "Have dark or raised marks appeared where the skin was treated?"),
)


@dataclass(frozen=True, slots=True)
class Rule:
    question: str
    answers: frozenset[Answer]
    level: Level
    reason: str
    """For staff, in the alert."""
    advice: str
    """For the patient, shown at once."""
    counts_after: timedelta = timedelta(0)


CALL_ADVICE = "A clinician will call you today. Keep the skin clean and leave it alone until then."
URGENT_ADVICE = (
    "Please call the clinic now. If the clinic is closed and you feel very unwell, or the "
    "swelling or redness is spreading fast, go to an urgent care clinic or emergency department."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "redness", frozenset({Answer.A_LITTLE, Answer.YES}), Level.CALL,
        "Still red three days after the session", CALL_ADVICE,
        # The three-day check-in goes out about 72 hours after: a few hours' slack.
        counts_after=timedelta(hours=60),
    ),
    Rule(
        "spreading", frozenset({Answer.YES}), Level.URGENT,
        "Swelling or pain spreading or getting worse", URGENT_ADVICE,
    ),
    Rule("fever", frozenset({Answer.YES}), Level.URGENT, "Fever or feeling unwell", URGENT_ADVICE),
    Rule(
        "pus", frozenset({Answer.YES}), Level.URGENT,
        "Pus, a yellow crust or a bad smell (possible infection)", URGENT_ADVICE,
    ),
    Rule("blisters", frozenset({Answer.YES}), Level.CALL, "Blisters", CALL_ADVICE),
    Rule("rash", frozenset({Answer.YES}), Level.CALL, "A rash or hives", CALL_ADVICE),
    Rule(
        "marks", frozenset({Answer.YES}), Level.CALL,
        "Dark or raised marks appearing (possible scarring or pigment change)", CALL_ADVICE,
    ),
)  # fmt: skip

ALL_WELL = (
    "Thank you. That is how healing usually goes. If anything changes, answer again or call us."
)


@dataclass(frozen=True, slots=True)
class Judgement:
    level: Level
    reasons: tuple[str, ...]
    advice: str


def judge(
    answers: dict[str, Answer], since_session: timedelta, rules: tuple[Rule, ...] = RULES
) -> Judgement:
    """What the answers, given ``since_session`` after the session ended, call for."""
    fired = [
        rule
        for rule in rules
        if answers.get(rule.question) in rule.answers and since_session >= rule.counts_after
    ]
    if not fired:
        return Judgement(Level.FINE, (), ALL_WELL)
    level = max(rule.level for rule in fired)
    advice = next(rule.advice for rule in fired if rule.level == level)
    return Judgement(level, tuple(rule.reason for rule in fired), advice)
