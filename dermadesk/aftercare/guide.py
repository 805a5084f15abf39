"""What to expect after a micro-needling session, and what to do, day by day (pure).

The clinic's facts (from its own page): redness usually settles within 24 hours; the skin may
be tender to the touch; it may feel tight for a day or two; pinpoint bleeding can leave small
bruises or scabs; the skin usually looks and feels normal within about a day and is largely
healed after about three days; infection and scarring are rare, and keeping the area clean
keeps the risk of infection low. With PRP, the patient's own plasma is used, so rejection or
allergy is very unlikely; the blood draw can leave a small bruise where the needle went in.

``timeline_for`` gives the stages for a treatment; ``dated`` places them after a session's end
in the clinic's zone. Nothing here reads the clock or the database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Treatment(StrEnum):
    MICRO_NEEDLING = "micro-needling"
    MICRO_NEEDLING_PRP = "micro-needling-prp"


@dataclass(frozen=True, slots=True)
class Stage:
    """A stretch of days after the session: what is normal, what to do, what to avoid."""

    title: str
    starts_after: timedelta
    ends_after: timedelta | None
    normal: tuple[str, ...]
    do: tuple[str, ...]
    avoid: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    treatment: Treatment
    stages: tuple[Stage, ...]
    call_us_if: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DatedStage:
    stage: Stage
    starts: datetime
    ends: datetime | None
    """Local (aware) times in the clinic's zone; ``None``: open-ended."""


DAY = timedelta(days=1)

CALL_US_IF = (
    "the redness, swelling or pain is getting worse instead of better after the first day",
    "the skin is still red three days after your session",
    "you have a fever or feel unwell",
    "there is pus, a yellow crust or a bad smell from the treated skin",
    "blisters, a rash or hives appear",
    "dark or raised marks appear where the skin was treated",
)

_FIRST_DAY = Stage(
    title="The first day",
    starts_after=timedelta(0),
    ends_after=DAY,
    normal=(
        "Redness, like a mild sunburn. It usually settles within 24 hours.",
        "Tenderness when you touch the treated skin.",
        "A feeling of tightness.",
        "Tiny spots of bleeding that dry into small scabs, or a small bruise.",
    ),
    do=(
        "Keep the treated skin clean: wash your hands before touching it.",
        "Rinse with lukewarm water and a gentle cleanser tonight, and pat dry with a clean towel.",
        "Use only the products your clinician gave or recommended.",
        "Sleep on a clean pillowcase.",
    ),
    avoid=(
        "Make-up on the treated skin.",
        "Sun on the treated skin, tanning beds, saunas, swimming pools and hard exercise.",
        "Scratching or picking at the skin.",
    ),
)
_DAYS_TWO_THREE = Stage(
    title="Days two and three",
    starts_after=DAY,
    ends_after=3 * DAY,
    normal=(
        "Your skin usually looks and feels normal again after about a day.",
        "Some tightness or dryness for a day or two, and perhaps light flaking.",
        "Small scabs or a bruise fading.",
    ),
    do=(
        "Keep washing gently and moisturising with the recommended products.",
        "Use a broad-spectrum sunscreen (SPF 30 or more) whenever you go out.",
    ),
    avoid=(
        "Retinoids (such as retinol or tretinoin), acids and scrubs.",
        "Picking at flakes or scabs: let them come away by themselves.",
    ),
)
_AFTER = Stage(
    title="From day four",
    starts_after=3 * DAY,
    ends_after=None,
    normal=(
        "Your skin is largely healed by now.",
        "The new collagen builds over the coming weeks, so results keep improving.",
    ),
    do=(
        "Go back to your usual skin care, starting gently with any active products.",
        "Keep using sunscreen every day.",
    ),
    avoid=(),
)

_PRP_NOTES = (
    "The plasma used in your treatment came from your own blood, so a reaction to it is very "
    "unlikely.",
    "Where the blood was drawn you may have a small bruise for a few days; it is harmless.",
    "The plasma can leave your skin feeling slightly sticky for a few hours: leave it on until "
    "the evening if you can, then wash gently.",
)

TIMELINES = {
    Treatment.MICRO_NEEDLING: Timeline(
        treatment=Treatment.MICRO_NEEDLING,
        stages=(_FIRST_DAY, _DAYS_TWO_THREE, _AFTER),
        call_us_if=CALL_US_IF,
    ),
    Treatment.MICRO_NEEDLING_PRP: Timeline(
        treatment=Treatment.MICRO_NEEDLING_PRP,
        stages=(_FIRST_DAY, _DAYS_TWO_THREE, _AFTER),
        call_us_if=CALL_US_IF,
        notes=_PRP_NOTES,
    ),
}


def timeline_for(treatment: Treatment) -> Timeline:
    return TIMELINES[treatment]


def dated(timeline: Timeline, session_end: datetime, zone: ZoneInfo) -> list[DatedStage]:
    """The stages placed after ``session_end`` (aware), in ``zone``'s local time.

    Offsets are elapsed time (24 hours is 24 hours, across a change of the clocks too).
    """
    if session_end.tzinfo is None:
        raise ValueError("session_end must be aware")
    # Python adds to an aware datetime on its wall clock: add in UTC for elapsed time.
    base = session_end.astimezone(UTC)
    out = []
    for stage in timeline.stages:
        starts = (base + stage.starts_after).astimezone(zone)
        ends = (base + stage.ends_after).astimezone(zone) if stage.ends_after else None
        out.append(DatedStage(stage=stage, starts=starts, ends=ends))
    return out


def stage_at(timeline: Timeline, session_end: datetime, now: datetime) -> Stage | None:
    """The stage ``now`` falls in (``None`` before the session has ended)."""
    elapsed = now.astimezone(UTC) - session_end.astimezone(UTC)
    if elapsed < timedelta(0):
        return None
    for stage in timeline.stages:
        if stage.ends_after is None or elapsed < stage.ends_after:
            return stage
    return timeline.stages[-1]
