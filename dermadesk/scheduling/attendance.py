"""Attendance: when the front desk may check a patient in, mark a visit not attended or done.

Pure: no Django. The booking services (``booking_check_in``, ``booking_no_show``,
``booking_complete``) ask ``attendance_refusal`` inside their transaction, with the booking's
status as stored; the values here are those of ``models.BookingStatus`` (a test keeps them
equal).

- Check-in: a confirmed visit, on its own day in the clinic's time zone (early or late that
  day, since patients arrive early for numbing cream and some arrive late).
- Not attended: a confirmed visit whose start has passed (a patient checked in did come).
- Completed: a visit whose patient is checked in.
"""

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

CONFIRMED = "confirmed"
CHECKED_IN = "checked_in"
COMPLETED = "completed"
NO_SHOW = "no_show"


class Step(StrEnum):
    """A change of a visit's attendance, and the status it leads to."""

    CHECK_IN = CHECKED_IN
    NO_SHOW = NO_SHOW
    COMPLETE = COMPLETED


ALREADY = {
    CHECKED_IN: "This patient is already checked in.",
    COMPLETED: "This visit is already marked as completed.",
    NO_SHOW: "This visit is already marked as not attended.",
}
NOT_A_VISIT = (
    "This visit is not booked (it was cancelled or only held), so {doing} is not possible."
)
DOING = {
    Step.CHECK_IN: "checking in",
    Step.NO_SHOW: "marking it as not attended",
    Step.COMPLETE: "marking it as completed",
}


def _day_text(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


def attendance_refusal(
    step: Step, *, status: str, starts_at: datetime, now: datetime, zone: ZoneInfo
) -> str | None:
    """Why ``step`` cannot be taken for a visit with this ``status`` and start, in words for
    staff; ``None`` when it can. ``zone``: the location's, for "the visit's day"."""
    if status == step.value:
        return ALREADY[status]
    if status not in (CONFIRMED, CHECKED_IN):
        return ALREADY.get(status) or NOT_A_VISIT.format(doing=DOING[step])
    if step is Step.COMPLETE:
        if status != CHECKED_IN:
            return "Please check the patient in first: a visit is completed after check-in."
        return None
    if status == CHECKED_IN:
        return (
            "This patient is checked in, so the visit cannot be marked as not attended."
            if step is Step.NO_SHOW
            else ALREADY[CHECKED_IN]
        )
    if step is Step.CHECK_IN:
        day, today = starts_at.astimezone(zone).date(), now.astimezone(zone).date()
        if day != today:
            return (
                "A patient can be checked in only on the day of their visit "
                f"({_day_text(starts_at.astimezone(zone))})."
            )
        return None
    if now < starts_at:
        return "A visit can be marked as not attended only once its start time has passed."
    return None
