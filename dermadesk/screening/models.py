"""The candidacy questionnaire, its rules, and the answers patients give.

A questionnaire is versioned: once a version is published or has been answered, it is
never changed again. Editing it in the admin saves a new version (a draft), and answers
given earlier keep pointing to the version they answered. At most one version is
published at a time: the one patients are asked.

Screening answers are health information. Nothing here logs them, and ``__str__`` of a
response says nothing about them (it appears in the admin's history and in messages).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.screening import rules

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    "Use lower-case letters, digits and underscores, starting with a letter (e.g. keloid_scars).",
)


class ScreeningOutcome(models.TextChoices):
    SUITABLE = rules.Outcome.SUITABLE.value, "Suitable"
    SUITABLE_WITH_NOTES = rules.Outcome.SUITABLE_WITH_NOTES.value, "Suitable, with notes"
    CONSULT_FIRST = rules.Outcome.CONSULT_FIRST.value, "Consultation needed first"
    NOT_SUITABLE = rules.Outcome.NOT_SUITABLE.value, "Not suitable"


class AnswerType(models.TextChoices):
    YES_NO = rules.AnswerType.YES_NO.value, "Yes or no"
    CHOICE = rules.AnswerType.CHOICE.value, "One of a list"
    DATE = rules.AnswerType.DATE.value, "Date"
    NUMBER = rules.AnswerType.NUMBER.value, "Number"


class WindowUnit(models.TextChoices):
    DAYS = rules.WindowUnit.DAYS.value, "days"
    WEEKS = rules.WindowUnit.WEEKS.value, "weeks"
    MONTHS = rules.WindowUnit.MONTHS.value, "months"


class Questionnaire(models.Model):
    version = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, help_text="Shown above the questions.")
    published = models.BooleanField(
        default=False,
        editable=False,
        help_text="The version patients are asked. Publish with the action in the list.",
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(
                fields=["published"],
                condition=Q(published=True),
                name="questionnaire_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.version is None:
            self.version = Questionnaire.next_version()
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        """Published or answered: changes go into a new version."""
        if self.pk is None:
            return False
        stored = Questionnaire.objects.filter(pk=self.pk).values_list("published", flat=True)
        return bool(stored.first()) or self.responses.exists()

    @classmethod
    def next_version(cls) -> int:
        latest = cls.objects.aggregate(latest=models.Max("version"))["latest"]
        return (latest or 0) + 1


def parse_choices(text: str) -> list[tuple[str, str]]:
    """Choice lines "value | Label shown to the patient" as (value, label) pairs."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, _, label = line.partition("|")
        pairs.append((value.strip(), label.strip() or value.strip()))
    return pairs


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.CharField(
        max_length=60,
        validators=[key_validator],
        help_text="Names the answer in rules, e.g. keloid_scars. skin_type records the skin type.",
    )
    text = models.CharField(max_length=300)
    help_text = models.TextField(blank=True)
    answer_type = models.CharField(max_length=10, choices=AnswerType.choices)
    choices = models.TextField(
        blank=True,
        help_text="For a choice question: one per line, as 'value | Label shown to the patient'.",
    )
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ("questionnaire", "order", "pk")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        super().clean()
        if self.key == rules.DATE_OF_BIRTH_KEY:
            raise ValidationError(
                {"key": "The date of birth comes from the patient's details; do not ask it again."}
            )
        if self.answer_type == AnswerType.CHOICE and not parse_choices(self.choices):
            raise ValidationError({"choices": "A choice question needs at least one choice."})
        if self.answer_type != AnswerType.CHOICE and self.choices.strip():
            raise ValidationError({"choices": "Only choice questions have choices."})

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        return parse_choices(self.choices)

    def to_spec(self) -> rules.Question:
        return rules.Question(
            key=self.key,
            text=self.text,
            answer_type=rules.AnswerType(self.answer_type),
            required=self.required,
            choices=tuple(value for value, _ in self.choice_pairs),
        )


CONDITION_HELP = (
    'JSON. A yes/no answer: {"answer": "pregnant", "is": true}. A choice: '
    '{"answer": "area", "equals": "face"} or {"answer": "area", "one_of": ["face", "neck"]}. '
    'A number: {"answer": "key", "at_least": 2} or "below". Age on the treatment date: '
    '{"age_under": 18}. Combine with {"all": [...]}, {"any": [...]}, {"not": {...}}. '
    "Leave empty for a rule that only has a time window. Skin type can never be used."
)


class Rule(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(max_length=60, validators=[key_validator])
    condition = models.JSONField(null=True, blank=True, help_text=CONDITION_HELP)
    window_answer = models.CharField(
        "time window counts from",
        max_length=60,
        blank=True,
        help_text="Key of a date question, e.g. isotretinoin_last_dose. Empty: no time window.",
    )
    window_length = models.PositiveSmallIntegerField(null=True, blank=True)
    window_unit = models.CharField(max_length=6, choices=WindowUnit.choices, blank=True)
    outcome = models.CharField(
        max_length=20,
        choices=[c for c in ScreeningOutcome.choices if c[0] != ScreeningOutcome.SUITABLE],
    )
    reason = models.TextField(
        help_text="Shown to the patient: plain, kind and specific. In a time-window rule, "
        "{window} is replaced by its length (e.g. '6 months'), and the first date it would "
        "be fine is added."
    )
    clinician_note = models.TextField(blank=True, help_text="Shown to clinicians only.")
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="screening_rules",
        help_text="The treatments it applies to; none selected means every treatment.",
    )
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ("questionnaire", "order", "pk")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="rule_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key

    def window(self) -> rules.Window | None:
        if not self.window_answer:
            return None
        return rules.Window(
            key=self.window_answer,
            length=self.window_length or 0,
            unit=rules.WindowUnit(self.window_unit or WindowUnit.DAYS),
        )

    def to_rule(self, services: frozenset[str] = frozenset()) -> rules.Rule:
        """The pure rule; ``RuleError`` when the data cannot make one."""
        condition = None
        if self.condition not in (None, {}, ""):
            condition = rules.parse_condition(self.condition)
        return rules.Rule(
            key=self.key,
            outcome=rules.Outcome(self.outcome),
            reason=self.reason,
            condition=condition,
            window=self.window(),
            clinician_note=self.clinician_note,
            services=services,
        )

    def clean(self) -> None:
        super().clean()
        window_fields = (
            bool(self.window_answer),
            self.window_length is not None,
            bool(self.window_unit),
        )
        if any(window_fields) and not all(window_fields):
            raise ValidationError(
                "A time window needs all three: the date question it counts from, "
                "its length and its unit."
            )
        if self.condition not in (None, {}, ""):
            try:
                rules.parse_condition(self.condition)
            except rules.RuleError as error:
                raise ValidationError({"condition": str(error)}) from error
        try:
            self.to_rule()
        except rules.RuleError as error:
            raise ValidationError(str(error)) from error


class ScreeningResponse(models.Model):
    """One patient's answers, judged for one treatment on one date. Health information."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="screening_responses"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="screening_responses"
    )
    answers = models.JSONField(help_text="Question key → answer; dates as YYYY-MM-DD.")
    treatment_date = models.DateField(help_text="The date the answers were judged for.")
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices)
    reasons = models.JSONField(default=list, help_text="Shown to the patient, worst first.")
    clinician_notes = models.JSONField(default=list)
    earliest_ok_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    valid_until = models.DateField(
        help_text="The last treatment date these answers cover (SCREENING_VALID_DAYS)."
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["patient", "service", "-created_at"])]

    def __str__(self) -> str:
        # No outcome, no answers: this text shows up in the admin's history.
        return f"Screening #{self.pk}"

    @property
    def latest_override(self) -> "ScreeningOverride | None":
        overrides = sorted(self.overrides.all(), key=lambda o: (o.created_at, o.pk))
        return overrides[-1] if overrides else None

    @property
    def effective_outcome(self) -> rules.Outcome:
        """The clinician's latest decision if there is one, else the rules' outcome."""
        override = self.latest_override
        return rules.Outcome(override.outcome if override else self.outcome)

    @property
    def is_bookable(self) -> bool:
        return self.effective_outcome.bookable


class ScreeningOverride(models.Model):
    """A clinician's review of a screening: the outcome they decided, and why."""

    response = models.ForeignKey(
        ScreeningResponse, on_delete=models.CASCADE, related_name="overrides"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_overrides"
    )
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices)
    reason = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Review of screening #{self.response_id}"
