"""Candidacy screening: answers judged against rules that are data, not code.

Pure: no Django, no clock, no database. The caller passes the questions, the rules, the
answers and the date of the treatment being booked; every time window is judged against
that date, never against today.

A rule is a condition over the answers (and optionally a time window before the treatment
date), the outcome it leads to, a reason written for the patient, an optional note for the
clinician, and the services it applies to. The outcome of a screening is the worst outcome
of the rules that fire: SUITABLE < SUITABLE_WITH_NOTES < CONSULT_FIRST < NOT_SUITABLE.

Conditions, as JSON (what the admin stores):

- ``{"answer": "pregnant", "is": true}``: a yes/no answer is yes (or no);
- ``{"answer": "area", "equals": "face"}`` and ``{"answer": "area", "one_of": ["face", "neck"]}``;
- ``{"answer": "cups_of_coffee", "at_least": 3}`` and ``{"answer": "...", "below": 3}``;
- ``{"age_under": 18}``: the patient is younger than 18 on the treatment date (the date of
  birth comes from the patient's record, under the key ``date_of_birth``);
- ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``.

A time window (``Window``) fires while the treatment date is less than a length of days,
weeks or months after a date answered by the patient ("the last dose of isotretinoin");
the first date from which it no longer fires is told to the patient.

Skin type (Fitzpatrick I-VI) is recorded and is never a reason to refuse: no condition or
window may refer to it, and evaluation ignores it.
"""

import calendar
import enum
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeGuard

from dermadesk.patients.identity import age_on

SKIN_TYPE_KEY = "skin_type"
"""The answer that records the Fitzpatrick skin type. No rule may look at it."""
DATE_OF_BIRTH_KEY = "date_of_birth"
"""Filled in from the patient's record, not asked in the questionnaire."""
WINDOW_PLACEHOLDER = "{window}"
"""May appear in a window rule's reason; replaced by the window's length in words."""

SKIN_TYPE_MESSAGE = (
    "Skin type is recorded for the clinician and is never a reason to refuse or delay "
    "treatment: micro-needling suits every skin type."
)

Answer = bool | str | int | float | date
Answers = Mapping[str, Answer]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class RuleError(ValueError):
    """A rule or condition that cannot be used; the message says what to change."""


@functools.total_ordering
class Outcome(enum.Enum):
    """Where a screening leaves the patient; later members are worse."""

    SUITABLE = "suitable"
    SUITABLE_WITH_NOTES = "suitable_with_notes"
    CONSULT_FIRST = "consult_first"
    NOT_SUITABLE = "not_suitable"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def bookable(self) -> bool:
        """Whether the treatment can be booked online with this outcome."""
        return self.severity <= _SEVERITY[Outcome.SUITABLE_WITH_NOTES]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.severity < other.severity


_SEVERITY = {outcome: rank for rank, outcome in enumerate(Outcome)}


class AnswerType(enum.Enum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    DATE = "date"
    NUMBER = "number"


class WindowUnit(enum.Enum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


def format_date(day: date) -> str:
    """A date as patients read it: 14 May 2027 (the same in every locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan → 28 Feb).

    Past either end of the calendar it stops there (``date.min``, ``date.max``): a window
    counted from a date typed as 9999-12-31 never ends, rather than failing.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# Conditions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Is:
    key: str
    value: bool

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        answer = answers.get(self.key)
        return isinstance(answer, bool) and answer is self.value


@dataclass(frozen=True, slots=True)
class Equals:
    key: str
    value: Answer

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        return self.key in answers and answers[self.key] == self.value


@dataclass(frozen=True, slots=True)
class OneOf:
    key: str
    values: tuple[Answer, ...]

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        return self.key in answers and answers[self.key] in self.values


@dataclass(frozen=True, slots=True)
class AtLeast:
    key: str
    value: float

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        answer = answers.get(self.key)
        return _is_number(answer) and float(answer) >= self.value


@dataclass(frozen=True, slots=True)
class Below:
    key: str
    value: float

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        answer = answers.get(self.key)
        return _is_number(answer) and float(answer) < self.value


@dataclass(frozen=True, slots=True)
class AgeUnder:
    years: int

    @property
    def key(self) -> str:
        return DATE_OF_BIRTH_KEY

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        born = answers.get(DATE_OF_BIRTH_KEY)
        return isinstance(born, date) and age_on(born, treatment_date) < self.years


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple["Condition", ...]

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        return all(part.holds(answers, treatment_date) for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple["Condition", ...]

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        return any(part.holds(answers, treatment_date) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    part: "Condition"

    def holds(self, answers: Answers, treatment_date: date) -> bool:
        return not self.part.holds(answers, treatment_date)


Condition = Is | Equals | OneOf | AtLeast | Below | AgeUnder | All | AnyOf | Not
AnswerTest = Is | Equals | OneOf | AtLeast | Below | AgeUnder


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def condition_tests(condition: Condition) -> list[AnswerTest]:
    """The tests on single answers inside a condition, in order."""
    if isinstance(condition, All | AnyOf):
        return [test for part in condition.parts for test in condition_tests(part)]
    if isinstance(condition, Not):
        return condition_tests(condition.part)
    return [condition]


def _answer_value(value: object, where: str) -> Answer:
    if isinstance(value, bool | str | int | float):
        return value
    raise RuleError(f"{where}: the value must be text, a number, true or false.")


def _answer_key(data: Mapping[str, object], where: str) -> str:
    key = data.get("answer")
    if not isinstance(key, str) or not key:
        raise RuleError(f'{where}: name the question with "answer", e.g. {{"answer": "pregnant"}}.')
    if key == SKIN_TYPE_KEY:
        raise RuleError(SKIN_TYPE_MESSAGE)
    return key


_ANSWER_TESTS = ("is", "equals", "one_of", "at_least", "below")
_GROUPS = ("all", "any")


def parse_condition(data: object, where: str = "Condition") -> Condition:
    """A condition from its JSON form; ``RuleError`` with a clear message when it is wrong."""
    if not isinstance(data, Mapping):
        raise RuleError(f'{where} must be an object such as {{"answer": "pregnant", "is": true}}.')
    keys = set(data)
    if keys == {"age_under"}:
        years = data["age_under"]
        if not isinstance(years, int) or isinstance(years, bool) or not 0 < years < 150:
            raise RuleError(f'{where}: "age_under" needs a whole number of years, e.g. 18.')
        return AgeUnder(years)
    for group in _GROUPS:
        if keys == {group}:
            items = data[group]
            if not isinstance(items, list) or not items:
                raise RuleError(f'{where}: "{group}" needs a list of one or more conditions.')
            parts = tuple(
                parse_condition(item, f"{where} → {group}[{index}]")
                for index, item in enumerate(items)
            )
            return All(parts) if group == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Not(parse_condition(data["not"], f"{where} → not"))
    tests = keys & set(_ANSWER_TESTS)
    if "answer" not in keys or len(tests) != 1 or keys - {"answer"} != tests:
        raise RuleError(
            f'{where}: use "answer" with exactly one of {", ".join(_ANSWER_TESTS)}; '
            f'or "age_under", "all", "any", "not". Got: {", ".join(sorted(keys)) or "nothing"}.'
        )
    key = _answer_key(data, where)
    test = tests.pop()
    value = data[test]
    if test == "is":
        if not isinstance(value, bool):
            raise RuleError(f'{where}: "is" needs true or false.')
        return Is(key, value)
    if test == "equals":
        return Equals(key, _answer_value(value, where))
    if test == "one_of":
        if not isinstance(value, list) or not value:
            raise RuleError(f'{where}: "one_of" needs a list of one or more values.')
        return OneOf(key, tuple(_answer_value(item, where) for item in value))
    if not _is_number(value) or not math.isfinite(float(value)):
        raise RuleError(f'{where}: "{test}" needs a number.')
    number = float(value)
    return AtLeast(key, number) if test == "at_least" else Below(key, number)


# Windows and rules ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """Fires while the treatment date is less than ``length`` ``unit`` after the answered date."""

    key: str
    length: int
    unit: WindowUnit

    def __post_init__(self) -> None:
        if self.key == SKIN_TYPE_KEY:
            raise RuleError(SKIN_TYPE_MESSAGE)
        if not self.key:
            raise RuleError("A time window needs the question whose date it counts from.")
        if self.length <= 0:
            raise RuleError("A time window needs a length of at least 1.")

    def ends(self, answered: date) -> date:
        """The first treatment date the window no longer covers (``date.max`` when that
        would be past the calendar's last day: the window does not end)."""
        if self.unit is WindowUnit.MONTHS:
            return add_months(answered, self.length)
        days = self.length * (7 if self.unit is WindowUnit.WEEKS else 1)
        if days > (date.max - answered).days:
            return date.max
        return answered + timedelta(days=days)

    def ok_from(self, answers: Answers, treatment_date: date) -> date | None:
        """When the window fires for this treatment date, the first date it would not; else None."""
        answered = answers.get(self.key)
        if not isinstance(answered, date):
            return None
        end = self.ends(answered)
        return end if treatment_date < end else None

    def in_words(self) -> str:
        unit = self.unit.value if self.length != 1 else self.unit.value.removesuffix("s")
        return f"{self.length} {unit}"


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    outcome: Outcome
    reason: str
    """For the patient: plain, kind, specific. May contain ``{window}`` in a window rule."""
    condition: Condition | None = None
    window: Window | None = None
    clinician_note: str = ""
    services: frozenset[str] = frozenset()
    """Slugs of the services it applies to; empty means every service."""

    def __post_init__(self) -> None:
        if self.condition is None and self.window is None:
            raise RuleError(f"Rule {self.key!r} needs a condition, a time window, or both.")
        if self.outcome is Outcome.SUITABLE:
            raise RuleError(
                f"Rule {self.key!r} would change nothing: choose 'suitable with notes' or worse."
            )
        if not self.reason.strip():
            raise RuleError(f"Rule {self.key!r} needs a reason written for the patient.")
        if WINDOW_PLACEHOLDER in self.reason and self.window is None:
            raise RuleError(
                f"Rule {self.key!r}: {WINDOW_PLACEHOLDER} in the reason needs a time window."
            )
        if self.condition is not None:
            for test in condition_tests(self.condition):
                if test.key == SKIN_TYPE_KEY:
                    raise RuleError(SKIN_TYPE_MESSAGE)

    def applies_to(self, service: str) -> bool:
        return not self.services or service in self.services

    def answer_keys(self) -> list[str]:
        """The answers it reads."""
        keys = [test.key for test in condition_tests(self.condition)] if self.condition else []
        if self.window is not None:
            keys.append(self.window.key)
        return keys


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that fired."""

    rule: str
    outcome: Outcome
    reason: str
    """The patient's text, with the window filled in and the first good date added."""
    clinician_note: str
    ok_from: date | None


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    outcome: Outcome
    reasons: tuple[str, ...]
    """For the patient, worst first."""
    clinician_notes: tuple[str, ...]
    earliest_ok_date: date | None
    """When only time windows stand in the way of booking: the first treatment date from
    which none would. None when booking is fine already, or something else stands in the way."""
    findings: tuple[Finding, ...] = field(default=())


def ok_from_sentence(day: date) -> str:
    return f"From {format_date(day)} this would no longer be a reason to wait."


def _finding(rule: Rule, answers: Answers, treatment_date: date) -> Finding | None:
    if rule.condition is not None and not rule.condition.holds(answers, treatment_date):
        return None
    ok_from = None
    reason = rule.reason.strip()
    if rule.window is not None:
        ok_from = rule.window.ok_from(answers, treatment_date)
        if ok_from is None:
            return None
        reason = reason.replace(WINDOW_PLACEHOLDER, rule.window.in_words())
        reason = f"{reason} {ok_from_sentence(ok_from)}"
    return Finding(rule.key, rule.outcome, reason, rule.clinician_note.strip(), ok_from)


def evaluate(
    rules: Iterable[Rule], answers: Answers, *, treatment_date: date, service: str
) -> ScreeningResult:
    """Judge ``answers`` for ``service`` on ``treatment_date``: the worst outcome wins."""
    # Skin type never counts, even if a rule was built around the schema's checks.
    answers = {key: value for key, value in answers.items() if key != SKIN_TYPE_KEY}
    findings = [
        finding
        for rule in rules
        if rule.applies_to(service)
        and (finding := _finding(rule, answers, treatment_date)) is not None
    ]
    # Worst first; equal outcomes keep the order of the rules.
    findings.sort(key=lambda finding: -finding.outcome.severity)
    outcome = max((finding.outcome for finding in findings), default=Outcome.SUITABLE)
    blocking = [finding for finding in findings if not finding.outcome.bookable]
    earliest = None
    if blocking and all(finding.ok_from is not None for finding in blocking):
        earliest = max(finding.ok_from for finding in blocking if finding.ok_from is not None)
    return ScreeningResult(
        outcome=outcome,
        reasons=tuple(finding.reason for finding in findings),
        clinician_notes=tuple(
            finding.clinician_note for finding in findings if finding.clinician_note
        ),
        earliest_ok_date=earliest,
        findings=tuple(findings),
    )


# Questions and answers ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    answer_type: AnswerType
    required: bool = True
    choices: tuple[str, ...] = ()
    """The values a choice question accepts."""


class InvalidAnswers(ValueError):
    """Answers that do not fit the questions. ``errors`` maps a question key to a message.

    Messages never repeat what was answered: answers are health information.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(
            f"{len(self.errors)} answer(s) need attention: {', '.join(sorted(self.errors))}."
        )


_YES = {"yes", "true", "1", "on"}
_NO = {"no", "false", "0", "off"}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise ValueError("Please answer yes or no.")


def _clean_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("Please enter a date, such as 2027-05-14.")


def _clean_number(value: object) -> int | float:
    if _is_number(value):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise ValueError("Please enter a number.") from None
    else:
        raise ValueError("Please enter a number.")
    if not math.isfinite(result):
        raise ValueError("Please enter a number.")
    return int(result) if result.is_integer() else result


def _cleaner(question: Question) -> Callable[[object], Answer]:
    if question.answer_type is AnswerType.YES_NO:
        return _clean_yes_no
    if question.answer_type is AnswerType.DATE:
        return _clean_date
    if question.answer_type is AnswerType.NUMBER:
        return _clean_number

    def clean_choice(value: object) -> str:
        if isinstance(value, str) and value.strip() in question.choices:
            return value.strip()
        raise ValueError("Please choose one of the options given.")

    return clean_choice


def clean_answers(questions: Sequence[Question], raw: Mapping[str, object]) -> dict[str, Answer]:
    """Typed answers to ``questions``; ``InvalidAnswers`` listing every problem at once.

    A blank answer to an optional question is left out. Keys that are not questions are
    refused, so nothing unasked is ever stored.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Answer] = {}
    known = {question.key for question in questions}
    for key in raw:
        if key not in known:
            errors[key] = "This is not one of the questions."
    for question in questions:
        value = raw.get(question.key)
        if _blank(value):
            if question.required:
                errors[question.key] = "Please answer this question."
            continue
        try:
            cleaned[question.key] = _cleaner(question)(value)
        except ValueError as error:
            errors[question.key] = str(error)
    if errors:
        raise InvalidAnswers(errors)
    return cleaned


def answers_to_json(answers: Answers) -> dict[str, bool | str | int | float]:
    """Answers as JSON values: dates become ISO strings."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in answers.items()
    }


def answers_from_json(
    questions: Sequence[Question], stored: Mapping[str, object]
) -> dict[str, Answer]:
    """Stored answers typed again by their questions (answers to unknown keys are dropped)."""
    by_key = {question.key: question for question in questions}
    return {
        key: _cleaner(by_key[key])(value)
        for key, value in stored.items()
        if key in by_key and not _blank(value)
    }


# Checks of a whole questionnaire ---------------------------------------------------------


def _test_problem(test: AnswerTest, question: Question) -> str | None:
    kind = question.answer_type
    if isinstance(test, Is):
        if kind is not AnswerType.YES_NO:
            return f'"is" needs a yes/no question, and {question.key!r} is not one.'
        return None
    if isinstance(test, AtLeast | Below):
        if kind is not AnswerType.NUMBER:
            return f"a number comparison needs a number question; {question.key!r} is not one."
        return None
    if not isinstance(test, Equals | OneOf):
        return None
    values = (test.value,) if isinstance(test, Equals) else test.values
    if kind is AnswerType.YES_NO:
        return f'{question.key!r} is a yes/no question: use "is": true or false.'
    if kind is AnswerType.DATE:
        return f"{question.key!r} is a date question: use a time window instead."
    if kind is AnswerType.NUMBER and not all(_is_number(value) for value in values):
        return f"{question.key!r} is a number question: compare it with numbers."
    if kind is AnswerType.CHOICE:
        unknown = [repr(value) for value in values if value not in question.choices]
        if unknown:
            return f"{question.key!r} has no choice {', '.join(unknown)}."
    return None


def rule_problems(rule: Rule, questions: Sequence[Question]) -> list[str]:
    """What is wrong with ``rule`` given these questions (unknown or mismatched answers)."""
    by_key = {question.key: question for question in questions}
    problems = []
    tests = condition_tests(rule.condition) if rule.condition is not None else []
    for test in tests:
        if isinstance(test, AgeUnder):
            continue
        question = by_key.get(test.key)
        if question is None:
            problems.append(f"Rule {rule.key!r} uses {test.key!r}, which is not a question.")
        elif problem := _test_problem(test, question):
            problems.append(f"Rule {rule.key!r}: {problem}")
    if rule.window is not None:
        question = by_key.get(rule.window.key)
        if question is None:
            problems.append(
                f"Rule {rule.key!r} counts from {rule.window.key!r}, which is not a question."
            )
        elif question.answer_type is not AnswerType.DATE:
            problems.append(
                f"Rule {rule.key!r} counts from {rule.window.key!r}, which is not a date question."
            )
    return problems


def questionnaire_problems(questions: Sequence[Question], rules: Sequence[Rule]) -> list[str]:
    """Everything that would stop this questionnaire from being published."""
    problems: list[str] = []
    if not questions:
        problems.append("There are no questions.")
    keys = [question.key for question in questions]
    problems += [f"Two questions have the key {key!r}." for key in sorted(_repeated(keys))]
    problems += [
        f"Two rules have the key {key!r}." for key in sorted(_repeated(r.key for r in rules))
    ]
    for question in questions:
        if question.key == DATE_OF_BIRTH_KEY:
            problems.append(
                f"{DATE_OF_BIRTH_KEY!r} comes from the patient's details; do not ask it again."
            )
        if question.answer_type is AnswerType.CHOICE and not question.choices:
            problems.append(f"The choice question {question.key!r} has no choices.")
    for rule in rules:
        problems += rule_problems(rule, questions)
    return problems


def _repeated(items: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for item in items:
        (repeated if item in seen else seen).add(item)
    return repeated


def relevant_questions(
    questions: Sequence[Question], rules: Sequence[Rule], service: str
) -> list[Question]:
    """The questions to ask for ``service``: those read by a rule that applies to it, and
    those no rule reads (asked of everyone, e.g. skin type). A PRP-only question is not
    asked of someone booking micro-needling alone."""
    read_by: dict[str, list[Rule]] = {}
    for rule in rules:
        for key in rule.answer_keys():
            read_by.setdefault(key, []).append(rule)
    return [
        question
        for question in questions
        if question.key not in read_by
        or any(rule.applies_to(service) for rule in read_by[question.key])
    ]
