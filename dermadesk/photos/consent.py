"""Whether a photo may be used for a purpose: the patient's photo consents, read at a moment.

Pure: no Django, no clock (``at`` comes in). A consent is given for one purpose (the chart
only, teaching, marketing), from a moment, until it is withdrawn; each purpose stands on its
own (consent to marketing says nothing of teaching). ``services.photo_use`` asks
``use_refusal`` before any use, and refuses when it answers.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Purpose(StrEnum):
    CHART = "chart"
    TEACHING = "teaching"
    MARKETING = "marketing"


PURPOSE_WORDS: dict[Purpose, str] = {
    Purpose.CHART: "the treatment record only",
    Purpose.TEACHING: "teaching",
    Purpose.MARKETING: "marketing",
}


@dataclass(frozen=True, slots=True)
class ConsentSpan:
    """One photo consent: given at ``given_at``, for ``purpose``, until ``withdrawn_at``."""

    purpose: Purpose
    given_at: datetime
    withdrawn_at: datetime | None = None

    def holds_at(self, at: datetime) -> bool:
        return self.given_at <= at and (self.withdrawn_at is None or at < self.withdrawn_at)


def consented(spans: Iterable[ConsentSpan], purpose: Purpose, at: datetime) -> bool:
    """Whether a consent for ``purpose`` holds at ``at``."""
    return any(span.purpose is purpose and span.holds_at(at) for span in spans)


def use_refusal(spans: Iterable[ConsentSpan], purpose: Purpose, at: datetime) -> str | None:
    """Why photos may not be used for ``purpose`` at ``at`` (None: they may), for staff."""
    mine = [span for span in spans if span.purpose is purpose]
    if any(span.holds_at(at) for span in mine):
        return None
    words = PURPOSE_WORDS[purpose]
    if any(span.withdrawn_at is not None and span.withdrawn_at <= at for span in mine):
        return f"The patient has withdrawn their consent to photos for {words}."
    return f"The patient has not consented to photos for {words}."
