"""Results over a course: one row per area photographed, one column per session."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.photos.results import Rating, Session, Shot, course_results

START = datetime(2026, 11, 26, 16, tzinfo=UTC)
AREAS = ("forehead", "cheeks", "neck")


def session(booking_id: int, weeks: int, course_id: int | None = 7) -> Session:
    return Session(booking_id, START + timedelta(weeks=weeks), course_id, weeks // 4 + 1)


def shot(photo_id: int, booking_id: int, area: str, moment: str, minute: int = 0) -> Shot:
    return Shot(photo_id, booking_id, area, moment, START + timedelta(minutes=minute))


def test_the_same_area_is_side_by_side_across_the_course_sessions() -> None:
    sessions = [session(2, 4), session(1, 0), session(3, 8)]
    shots = [
        shot(10, 1, "cheeks", "before"),
        shot(11, 1, "cheeks", "after", 30),
        shot(12, 3, "cheeks", "before"),
        shot(13, 2, "forehead", "after"),
    ]
    [course] = course_results(sessions, shots, [], area_order=AREAS)
    assert [s.booking_id for s in course.sessions] == [1, 2, 3]
    assert [row.area for row in course.areas] == ["forehead", "cheeks"]
    cheeks = course.areas[1]
    assert [(c.before, c.after) for c in cheeks.cells] == [((10,), (11,)), ((), ()), ((12,), ())]


def test_each_session_shows_the_patients_and_the_clinicians_rating() -> None:
    sessions = [session(1, 0), session(2, 4)]
    ratings = [Rating(1, "patient", 3), Rating(1, "clinician", 4, "Pores finer")]
    [course] = course_results(sessions, [], ratings, area_order=AREAS)
    first, second = course.ratings
    assert first.patient is not None and first.patient.words == "A little better"
    assert first.clinician is not None and first.clinician.note == "Pores finer"
    assert second.patient is None and second.clinician is None


def test_visits_outside_a_course_are_a_group_of_their_own() -> None:
    sessions = [session(1, 0), session(5, 1, course_id=None)]
    found = course_results(sessions, [shot(1, 5, "neck", "before")], [], area_order=AREAS)
    assert [(c.course_id, [s.booking_id for s in c.sessions]) for c in found] == [
        (7, [1]),
        (None, [5]),
    ]
    assert found[0].areas == ()


ids = st.integers(min_value=1, max_value=6)


@given(
    booking_ids=st.sets(ids, max_size=6),
    shots=st.lists(
        st.tuples(ids, st.sampled_from(AREAS), st.sampled_from(["before", "after"])),
        max_size=20,
    ),
)
def test_every_photo_of_a_session_given_appears_exactly_once(
    booking_ids: set[int], shots: list[tuple[int, str, str]]
) -> None:
    sessions = [session(b, b, course_id=b % 2) for b in booking_ids]
    made = [shot(i, b, area, moment, i) for i, (b, area, moment) in enumerate(shots)]
    courses = course_results(sessions, made, [], area_order=AREAS)
    shown = [
        photo
        for course in courses
        for row in course.areas
        for cell in row.cells
        for photo in cell.before + cell.after
    ]
    assert sorted(shown) == sorted(s.photo_id for s in made if s.booking_id in booking_ids)
    for course in courses:
        for row in course.areas:
            assert len(row.cells) == len(course.sessions)
            assert any(not cell.empty for cell in row.cells)
