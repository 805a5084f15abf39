"""Results over a course: the same area's photos, session by session, side by side, with
each session's ratings; and what results depend on, as the clinic explains it.

Pure: no Django. ``queries.course_results_of`` reads the sessions, photos and ratings into
the dataclasses below; ``course_results`` lays them out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# A rating of a session's result, 1 to 5, each with its words (patients are asked in words).
SCORE_WORDS: dict[int, str] = {
    1: "Worse",
    2: "No change yet",
    3: "A little better",
    4: "Clearly better",
    5: "Much better",
}

# What results depend on, in the clinic's own words (the treatment's source page names
# needle penetration and size, passes, the number of treatments and the skin's health).
RESULT_FACTORS: tuple[tuple[str, str], ...] = (
    (
        "Needle depth",
        "How deep the needles reach, and the needle length chosen for each area, changes "
        "how the skin responds. Compare sessions treated at similar depths.",
    ),
    (
        "Passes",
        "How many times the pen goes over an area in one session changes how many tiny "
        "channels are made, and so how much repair the skin starts.",
    ),
    (
        "Number of sessions",
        "New collagen builds up over weeks. A course of 4 to 6 sessions about 4 weeks "
        "apart is what we advise; the glow just after one session is not the result yet.",
    ),
    (
        "The skin's own health",
        "Skin that heals well responds best. A skin or health condition, or a slow "
        "healer, can mean slower or smaller changes.",
    ),
    (
        "PRP",
        "With PRP, the growth factors in the patient's own platelets can help the skin "
        "heal faster and can soften pigmentation and acne scars.",
    ),
)


@dataclass(frozen=True, slots=True)
class Session:
    booking_id: int
    starts_at: datetime
    course_id: int | None
    """The course (series) the session belongs to; None for a visit outside a course."""
    number: int | None = None
    """Session k of the course."""


@dataclass(frozen=True, slots=True)
class Shot:
    photo_id: int
    booking_id: int
    area: str
    moment: str
    """"before" or "after"."""
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class Rating:
    booking_id: int
    rater: str
    """"patient" or "clinician"."""
    score: int
    note: str = ""

    @property
    def words(self) -> str:
        return SCORE_WORDS.get(self.score, "")


@dataclass(frozen=True, slots=True)
class Cell:
    """One area at one session: its photos before and after, oldest first."""

    session: Session
    before: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not self.before and not self.after


@dataclass(frozen=True, slots=True)
class AreaRow:
    area: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class SessionRatings:
    session: Session
    patient: Rating | None
    clinician: Rating | None


@dataclass(frozen=True, slots=True)
class CourseResults:
    course_id: int | None
    sessions: tuple[Session, ...]
    areas: tuple[AreaRow, ...]
    """Only the areas photographed at least once in the course, in the clinic's order."""
    ratings: tuple[SessionRatings, ...]


def course_results(
    sessions: Iterable[Session],
    shots: Iterable[Shot],
    ratings: Iterable[Rating],
    *,
    area_order: Sequence[str],
) -> list[CourseResults]:
    """The courses (first session first), each with its sessions in time order, the areas
    photographed in it (``area_order`` first, any other after, by name) and each
    session's two ratings. Photos and ratings of sessions not given are left out."""
    by_course: dict[int | None, list[Session]] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.booking_id)):
        by_course.setdefault(session.course_id, []).append(session)
    known = {s.booking_id for group in by_course.values() for s in group}
    kept = sorted(
        (shot for shot in shots if shot.booking_id in known),
        key=lambda shot: (shot.taken_at, shot.photo_id),
    )
    rated: dict[tuple[int, str], Rating] = {}
    for rating in ratings:
        rated[(rating.booking_id, rating.rater)] = rating
    rank = {area: index for index, area in enumerate(area_order)}
    courses = []
    for course_id, group in by_course.items():
        ids = {s.booking_id for s in group}
        mine = [shot for shot in kept if shot.booking_id in ids]
        areas = sorted({shot.area for shot in mine}, key=lambda a: (rank.get(a, len(rank)), a))
        rows = tuple(
            AreaRow(area=area, cells=tuple(_cell(session, area, mine) for session in group))
            for area in areas
        )
        courses.append(
            CourseResults(
                course_id=course_id,
                sessions=tuple(group),
                areas=rows,
                ratings=tuple(
                    SessionRatings(
                        session=s,
                        patient=rated.get((s.booking_id, "patient")),
                        clinician=rated.get((s.booking_id, "clinician")),
                    )
                    for s in group
                ),
            )
        )
    return courses


def _cell(session: Session, area: str, shots: Sequence[Shot]) -> Cell:
    here = [s for s in shots if s.booking_id == session.booking_id and s.area == area]
    return Cell(
        session=session,
        before=tuple(s.photo_id for s in here if s.moment == "before"),
        after=tuple(s.photo_id for s in here if s.moment == "after"),
    )
