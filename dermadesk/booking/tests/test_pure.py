"""The booking pages' plain-Python rules: calendar layout, change policy, .ics, tokens."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.checkout.calendar import month_days, month_start, parts_of_day
from dermadesk.checkout.ics import CalendarVisit, visit_ics
from dermadesk.checkout.policy import change_allowed_online, notice_in_words

CHICAGO = ZoneInfo("America/Chicago")


def test_parts_of_day_split_at_noon_and_five_in_clinic_time() -> None:
    starts = [datetime(2026, 11, 26, h, tzinfo=CHICAGO) for h in (8, 11, 12, 16, 17, 18)]
    parts = parts_of_day([s.astimezone(UTC) for s in starts], CHICAGO)
    assert [(p.name, [s.hour for s in p.starts]) for p in parts] == [
        ("Morning", [8, 11]),
        ("Afternoon", [12, 16]),
        ("Evening", [17, 18]),
    ]


def test_month_lists_every_day_with_its_count() -> None:
    starts = [datetime(2026, 11, 26, 9, tzinfo=CHICAGO), datetime(2026, 11, 26, 10, tzinfo=CHICAGO)]
    days = month_days(date(2026, 11, 1), starts, CHICAGO, date(2026, 11, 25), date(2027, 2, 1))
    assert [d.day.day for d in days] == list(range(25, 31))  # from today to the month's end
    assert days[1].starts == 2
    assert all(d.bookable for d in days)


def test_a_malformed_month_is_refused() -> None:
    with pytest.raises(ValueError):
        month_start("2026-13", date(2026, 11, 25))


@given(minutes=st.integers(min_value=-10_000, max_value=10_000))
def test_online_changes_stop_exactly_at_the_notice(minutes: int) -> None:
    start = datetime(2026, 12, 1, 15, tzinfo=UTC)
    now = start - timedelta(hours=24) + timedelta(minutes=minutes)
    assert change_allowed_online(starts_at=start, now=now, notice=timedelta(hours=24)) == (
        minutes <= 0
    )


@pytest.mark.parametrize(
    ("notice", "words"),
    [(timedelta(hours=24), "24 hours"), (timedelta(hours=1), "1 hour"),
     (timedelta(days=2), "2 days"), (timedelta(minutes=90), "90 minutes")],
)  # fmt: skip
def test_notice_is_said_in_plain_words(notice: timedelta, words: str) -> None:
    assert notice_in_words(notice) == words


def visit(**changes: object) -> CalendarVisit:
    values: dict[str, object] = {
        "uid": "b1@dermadesk",
        "sequence": 0,
        "start": datetime(2026, 11, 26, 14, tzinfo=UTC),
        "end": datetime(2026, 11, 26, 15, 50, tzinfo=UTC),
        "zone": CHICAGO,
        "summary": "Micro-Needling with PRP",
        "location": "100 Example Avenue, Springfield",
        "description": "Please arrive 10 minutes early.",
    }
    values.update(changes)
    return CalendarVisit(**values)  # type: ignore[arg-type]


def test_ics_carries_the_clinic_time_zone_and_a_stable_uid() -> None:
    stamp = datetime(2026, 11, 25, 20, tzinfo=UTC)
    parsed = icalendar.Calendar.from_ical(visit_ics(visit(), stamp=stamp))
    [event] = parsed.walk("VEVENT")
    assert event.get("dtstart").params["TZID"] == "America/Chicago"
    assert event.decoded("dtstart") == datetime(2026, 11, 26, 8, tzinfo=CHICAGO)
    assert str(event.get("uid")) == "b1@dermadesk"
    assert [tz.get("tzid") for tz in parsed.walk("VTIMEZONE")] == ["America/Chicago"]


def test_a_moved_visit_keeps_its_uid_and_raises_the_sequence() -> None:
    stamp = datetime(2026, 11, 25, 20, tzinfo=UTC)
    moved = visit(sequence=1, start=datetime(2026, 11, 27, 14, tzinfo=UTC),
                  end=datetime(2026, 11, 27, 15, 50, tzinfo=UTC))  # fmt: skip
    [event] = icalendar.Calendar.from_ical(visit_ics(moved, stamp=stamp)).walk("VEVENT")
    assert (str(event.get("uid")), event.get("sequence")) == ("b1@dermadesk", 1)


def test_a_cancelled_visit_is_sent_as_a_cancellation() -> None:
    stamp = datetime(2026, 11, 25, 20, tzinfo=UTC)
    parsed = icalendar.Calendar.from_ical(visit_ics(visit(cancelled=True), stamp=stamp))
    assert str(parsed.get("method")) == "CANCEL"
    assert str(parsed.walk("VEVENT")[0].get("status")) == "CANCELLED"


@pytest.mark.parametrize(
    "value", ["99999999999-1", "0000-01", "2026-1-1", "2026", "٢٠٢٦-١١", "+2026-11"]
)
def test_a_month_that_is_no_month_is_refused_rather_than_overflowing(value: str) -> None:
    with pytest.raises(ValueError):
        month_start(value, date(2026, 11, 25))


@given(text=st.text(max_size=20))
def test_any_month_text_is_read_or_refused_with_a_value_error(text: str) -> None:
    try:
        first = month_start(text, date(2026, 11, 25))
    except ValueError:
        return
    assert first.day == 1
