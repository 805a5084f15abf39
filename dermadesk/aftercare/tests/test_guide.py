"""The aftercare timeline placed after a session, in the clinic's time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.aftercare.guide import Treatment, dated, stage_at, timeline_for

CHICAGO = ZoneInfo("America/Chicago")


def test_the_stages_follow_the_clinics_facts() -> None:
    first, middle, after = timeline_for(Treatment.MICRO_NEEDLING).stages
    assert "within 24 hours" in first.normal[0]
    assert middle.title == "Days two and three"
    assert "largely healed" in after.normal[0]


def test_prp_has_its_own_notes() -> None:
    assert timeline_for(Treatment.MICRO_NEEDLING_PRP).notes
    assert not timeline_for(Treatment.MICRO_NEEDLING).notes


def test_stages_are_placed_in_the_clinics_zone_across_the_clock_change() -> None:
    # Saturday 31 October 2026, 17:00 in Springfield; the clocks go back on 1 November.
    end = datetime(2026, 10, 31, 17, 0, tzinfo=CHICAGO)
    stages = dated(timeline_for(Treatment.MICRO_NEEDLING), end, CHICAGO)
    assert stages[1].starts == datetime(2026, 11, 1, 16, 0, tzinfo=CHICAGO)  # 24 hours later
    assert stages[-1].ends is None


@given(st.integers(min_value=0, max_value=30 * 24 * 60))
def test_every_moment_after_the_session_is_in_exactly_one_stage(minutes: int) -> None:
    timeline = timeline_for(Treatment.MICRO_NEEDLING_PRP)
    end = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    now = end + timedelta(minutes=minutes)
    stage = stage_at(timeline, end, now)
    containing = [
        s
        for s in timeline.stages
        if s.starts_after <= now - end and (s.ends_after is None or now - end < s.ends_after)
    ]
    assert containing == [stage]


def test_before_the_session_ends_there_is_no_stage() -> None:
    end = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert stage_at(timeline_for(Treatment.MICRO_NEEDLING), end, end - timedelta(seconds=1)) is None
