"""How a proposed course of sessions is told to the patient: one plain sentence per change.

Pure: no Django. The planner (``scheduling.series``) says why a session could not keep its
regular time; this module says it in the clinic's words, with times in the clinic's zone.
"""

from dataclasses import dataclass
from datetime import datetime

from dermadesk.scheduling.series import Reason


@dataclass(frozen=True, slots=True)
class SessionView:
    """One session of a proposed course, ready to show."""

    number: int
    target: datetime
    """The regular time, in the clinic's zone."""
    start: datetime | None
    """The proposed time, in the clinic's zone; None when nothing is free near it."""
    clinician: str
    reason: Reason | None
    regular_clinician: str
    flex_days: int

    @property
    def notice(self) -> str:
        """Why this session differs from the regular plan; empty when it does not."""
        return session_notice(self)


def session_label(number: int, of: int) -> str:
    """'session 2 of 4': which session of a course a visit is."""
    return f"session {number} of {of}"


def interval_text(days: int) -> str:
    """'4 weeks', '10 days', '1 week': the time between sessions as people say it."""
    if days % 7 == 0:
        weeks = days // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if days == 1 else f"{days} days"


def day_text(moment: datetime) -> str:
    """'Thursday 24 December'."""
    return f"{moment:%A} {moment.day} {moment:%B}"


def clock_text(moment: datetime) -> str:
    """'10:00 a.m.', '2:30 p.m.': how the booking pages write a time."""
    hour = moment.hour % 12 or 12
    half = "a.m." if moment.hour < 12 else "p.m."
    return f"{hour}:{moment.minute:02} {half}"


def session_notice(session: SessionView) -> str:
    if session.reason is None:
        return ""
    regular = f"{day_text(session.target)} at {clock_text(session.target)}"
    if session.start is None:
        days = "day" if session.flex_days == 1 else "days"
        return (
            f"Nothing is free within {session.flex_days} {days} of {regular}, so we cannot "
            "book this session online yet. Book fewer sessions now, or call us and we will "
            "find a time together."
        )
    proposed = f"{day_text(session.start)} at {clock_text(session.start)}"
    if session.reason is Reason.PROVIDER_AWAY:
        return (
            f"{session.regular_clinician} is not available on {regular}, so this session is "
            f"with {session.clinician} at the usual time."
        )
    why = {
        Reason.CLOSED: f"The clinic is closed on {day_text(session.target)}",
        Reason.OUTSIDE_HOURS: (
            f"The clinic keeps shorter hours on {day_text(session.target)} and is not open "
            f"at {clock_text(session.target)}"
        ),
        Reason.FULLY_BOOKED: f"{regular} is already fully booked",
    }[session.reason]
    sentence = f"{why}, so we moved this session to {proposed}"
    return sentence if sentence.endswith(".") else sentence + "."
