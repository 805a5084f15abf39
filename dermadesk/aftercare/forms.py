"""The check-in's form: one question of ``checkin.QUESTIONS`` per field, answered by a choice."""

from typing import Any

from django import forms

from dermadesk.aftercare.checkin import QUESTIONS, Answer

ANSWER_WORDS = {Answer.NO: "No", Answer.A_LITTLE: "A little", Answer.YES: "Yes"}


class CheckInForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=[(answer.value, ANSWER_WORDS[answer]) for answer in question.choices],
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose an answer to this question."},
            )

    def answers(self) -> dict[str, Answer]:
        """The answers given, once the form is valid."""
        return {question.key: Answer(self.cleaned_data[question.key]) for question in QUESTIONS}
