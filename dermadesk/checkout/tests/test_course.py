"""How a proposed course is told to the patient: one plain sentence for each change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dermadesk.checkout.course import SessionView, clock_text, interval_text
from dermadesk.scheduling.series import Reason

CHICAGO = ZoneInfo("America/Chicago")
TARGET = datetime(2026, 12, 24, 10, tzinfo=CHICAGO)


def view(
    reason: Reason | None, start: datetime | None, clinician: str = "Dr. Avery"
) -> SessionView:
    return SessionView(
        number=2, target=TARGET, start=start, clinician=clinician, reason=reason,
        regular_clinician="Dr. Avery", flex_days=3,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "start", "clinician", "notice"),
    [
        (None, TARGET, "Dr. Avery", ""),
        (
            Reason.CLOSED,
            datetime(2026, 12, 25, 10, tzinfo=CHICAGO),
            "Dr. Avery",
            "The clinic is closed on Thursday 24 December, so we moved this session to "
            "Friday 25 December at 10:00 a.m.",
        ),
        (
            Reason.OUTSIDE_HOURS,
            datetime(2026, 12, 24, 14, 30, tzinfo=CHICAGO),
            "Dr. Avery",
            "The clinic keeps shorter hours on Thursday 24 December and is not open at "
            "10:00 a.m., so we moved this session to Thursday 24 December at 2:30 p.m.",
        ),
        (
            Reason.FULLY_BOOKED,
            datetime(2026, 12, 23, 12, tzinfo=CHICAGO),
            "Dr. Avery",
            "Thursday 24 December at 10:00 a.m. is already fully booked, so we moved this "
            "session to Wednesday 23 December at 12:00 p.m.",
        ),
        (
            Reason.PROVIDER_AWAY,
            TARGET,
            "Jordan",
            "Dr. Avery is not available on Thursday 24 December at 10:00 a.m., so this "
            "session is with Jordan at the usual time.",
        ),
        (
            Reason.FULLY_BOOKED,
            None,
            "",
            "Nothing is free within 3 days of Thursday 24 December at 10:00 a.m., so we "
            "cannot book this session online yet. Book fewer sessions now, or call us and "
            "we will find a time together.",
        ),
    ],
)
def test_each_change_is_said_in_one_sentence(
    reason: Reason | None, start: datetime | None, clinician: str, notice: str
) -> None:
    assert view(reason, start, clinician).notice == notice


def test_times_and_intervals_read_as_people_say_them() -> None:
    assert clock_text(datetime(2026, 1, 1, 0, 5)) == "12:05 a.m."  # noqa: DTZ001
    assert clock_text(datetime(2026, 1, 1, 12, 0)) == "12:00 p.m."  # noqa: DTZ001
    assert (interval_text(28), interval_text(7), interval_text(10)) == (
        "4 weeks",
        "1 week",
        "10 days",
    )
