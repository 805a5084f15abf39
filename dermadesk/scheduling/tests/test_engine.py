import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dermadesk.clinic.hours import DateRange, Schedule, Span, open_intervals
from dermadesk.scheduling.engine import (
    Allocation,
    BookingRules,
    Preference,
    ResourceId,
    Role,
    Segment,
    ServiceShape,
    Slot,
    allocations,
    bookable_starts,
    free_intervals,
    is_bookable_time,
    is_feasible,
)
from dermadesk.scheduling.intervals import IntervalSet, normalize, subtract

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 1, 14)  # an ordinary Wednesday, no clock change near
EVERY_5 = BookingRules(granularity=timedelta(minutes=5))
CLINICIANS = ("provider:1", "provider:2")
ROOMS = ("room:1", "room:2", "room:3")
PENS = ("pen:1", "pen:2")
CENTRIFUGES = ("centrifuge:1",)


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def local(day: date, hour: int, minute: int = 0, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def whole_day(day: date = DAY, zone: ZoneInfo = NEW_YORK) -> tuple[datetime, datetime]:
    return local(day, 0, zone=zone), local(day + timedelta(days=1), 0, zone=zone)


def segment(role: str, start: int, end: int) -> Segment:
    return Segment(role, minutes(start), minutes(end))


def prp(
    clinicians: tuple[str, ...] = CLINICIANS,
    rooms: tuple[str, ...] = ROOMS,
    pens: tuple[str, ...] = PENS,
) -> ServiceShape:
    """Micro-Needling with PRP: blood draw, spin during numbing, procedure, turnover."""
    return ServiceShape(
        roles=(
            Role("clinician", clinicians),
            Role("room", rooms),
            Role("centrifuge", CENTRIFUGES),
            Role("pen", pens),
        ),
        segments=(
            segment("clinician", 0, 10),
            segment("room", 0, 10),
            segment("centrifuge", 10, 25),
            segment("room", 10, 40),
            segment("clinician", 40, 100),
            segment("room", 40, 100),
            segment("pen", 40, 100),
            segment("room", 100, 110),
        ),
    )


def consultation(
    clinicians: tuple[str, ...] = CLINICIANS, rooms: tuple[str, ...] = ROOMS
) -> ServiceShape:
    return ServiceShape(
        roles=(Role("clinician", clinicians), Role("room", rooms)),
        segments=(segment("clinician", 0, 30), segment("room", 0, 30)),
    )


def open_8_to_7(day: date = DAY, zone: ZoneInfo = NEW_YORK) -> IntervalSet:
    return normalize([(local(day, 8, zone=zone), local(day, 19, zone=zone))])


def everyone_free(shape: ServiceShape, intervals: IntervalSet) -> dict[ResourceId, IntervalSet]:
    return {resource: intervals for role in shape.roles for resource in role.candidates}


def book(
    free: Mapping[ResourceId, IntervalSet], shape: ServiceShape, slot: Slot
) -> dict[ResourceId, IntervalSet]:
    """The free time left once ``slot`` is booked, as the booking service would see it."""
    left = dict(free)
    for allocation in allocations(shape, slot.start, slot.assignment):
        busy = normalize([(allocation.start, allocation.end)])
        left[allocation.resource] = subtract(left[allocation.resource], busy)
    return left


def slot_at(slots: Sequence[Slot], start: datetime) -> Slot | None:
    return next((slot for slot in slots if slot.start == start), None)


def local_times(slots: Sequence[Slot], zone: ZoneInfo = NEW_YORK) -> list[time]:
    return [slot.start.astimezone(zone).time() for slot in slots]


def search(
    shape: ServiceShape,
    free: Mapping[ResourceId, IntervalSet],
    *,
    rules: BookingRules = EVERY_5,
    day: date = DAY,
    zone: ZoneInfo = NEW_YORK,
    preferences: Sequence[Preference] = (),
    load: Mapping[ResourceId, float] | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """The starts on one local day, asked for the day before unless ``now`` says otherwise."""
    window = whole_day(day, zone)
    return bookable_starts(
        shape,
        free,
        window=window,
        now=window[0] - timedelta(days=1) if now is None else now,
        zone=zone,
        rules=rules,
        preferences=preferences,
        load=load,
    )


# Hand-made clinics.


def test_numbing_time_frees_the_clinician_for_a_second_patient() -> None:
    shape = prp(clinicians=("provider:1",))
    free = everyone_free(shape, open_8_to_7())
    first = slot_at(search(shape, free), local(DAY, 8))
    assert first is not None
    consult = consultation(clinicians=("provider:1",))
    during_numbing = slot_at(search(consult, book(free, shape, first)), local(DAY, 8, 10))
    assert during_numbing is not None
    assert during_numbing.assignment == {"clinician": "provider:1", "room": "room:2"}


def test_one_clinician_cannot_overlap_two_prp_procedures() -> None:
    # Two PRP visits 30 minutes apart would put the second procedure (9:10-10:10) on top of the
    # first one (8:40-9:40): with one clinician the next PRP starts when the first procedure ends.
    shape = prp(clinicians=("provider:1",))
    free = everyone_free(shape, open_8_to_7())
    first = slot_at(search(shape, free), local(DAY, 8))
    assert first is not None
    second = search(shape, book(free, shape, first))
    assert second[0].start == local(DAY, 9, 40)


def test_the_only_centrifuge_serialises_prp_starts() -> None:
    shape = prp()
    free = everyone_free(shape, open_8_to_7())
    first = slot_at(search(shape, free), local(DAY, 8))
    assert first is not None
    after = search(shape, book(free, shape, first))
    # The first blood spins 8:10-8:25; another can only spin from 8:25, so start at 8:15.
    assert [t for t in local_times(after) if t < time(8, 30)] == [
        time(8, 15),
        time(8, 20),
        time(8, 25),
    ]
    assert after[0].assignment["clinician"] == "provider:2"


def test_a_closure_removes_the_day() -> None:
    schedule = Schedule(
        zone=NEW_YORK,
        weekly={weekday: (Span(time(8), time(19)),) for weekday in range(7)},
        closures=(DateRange(DAY, DAY),),
    )
    shape = consultation()
    first_day, last_day = DAY - timedelta(days=1), DAY + timedelta(days=1)
    window = (whole_day(first_day)[0], whole_day(last_day)[1])
    free = everyone_free(shape, normalize(open_intervals(schedule, *window)))
    slots = bookable_starts(
        shape, free, window=window, now=window[0], zone=NEW_YORK, rules=BookingRules()
    )
    days = {slot.start.astimezone(NEW_YORK).date() for slot in slots}
    assert days == {first_day, last_day}


@pytest.mark.parametrize(
    ("granularity", "last"), [(5, time(17, 10)), (15, time(17, 0)), (60, time(17, 0))]
)
def test_the_last_start_leaves_time_to_finish_by_closing(granularity: int, last: time) -> None:
    shape = prp()
    rules = BookingRules(granularity=minutes(granularity))
    slots = search(shape, everyone_free(shape, open_8_to_7()), rules=rules)
    assert local_times(slots)[-1] == last  # 19:00 - 110 minutes = 17:10


def test_minimum_notice_moves_the_first_start_to_the_next_grid_time() -> None:
    shape = consultation()
    rules = BookingRules(granularity=minutes(15), minimum_notice=timedelta(hours=2))
    slots = search(shape, everyone_free(shape, open_8_to_7()), rules=rules, now=local(DAY, 8, 2))
    assert local_times(slots)[0] == time(10, 15)


def test_horizon_ends_the_starts_offered() -> None:
    shape = consultation()
    rules = BookingRules(granularity=minutes(15), horizon=timedelta(hours=24))
    day_before = local(DAY - timedelta(days=1), 12, 5)
    slots = search(shape, everyone_free(shape, open_8_to_7()), rules=rules, now=day_before)
    assert local_times(slots)[-1] == time(12)


def test_preferred_provider_is_chosen_when_free() -> None:
    shape = consultation()
    slots = search(
        shape,
        everyone_free(shape, open_8_to_7()),
        preferences=(Preference("clinician", "provider:2"),),
    )
    assert {slot.assignment["clinician"] for slot in slots} == {"provider:2"}


def test_another_provider_is_offered_when_the_preferred_one_is_busy() -> None:
    shape = consultation()
    free = everyone_free(shape, open_8_to_7())
    free["provider:2"] = normalize([(local(DAY, 13), local(DAY, 19))])
    slots = search(shape, free, preferences=(Preference("clinician", "provider:2"),))
    morning = slot_at(slots, local(DAY, 9))
    afternoon = slot_at(slots, local(DAY, 14))
    assert morning is not None
    assert afternoon is not None
    assert morning.assignment["clinician"] == "provider:1"
    assert afternoon.assignment["clinician"] == "provider:2"


def test_required_provider_gives_only_their_starts() -> None:
    shape = consultation()
    free = everyone_free(shape, open_8_to_7())
    free["provider:2"] = normalize([(local(DAY, 13), local(DAY, 19))])
    slots = search(shape, free, preferences=(Preference("clinician", "provider:2", required=True),))
    assert local_times(slots)[0] == time(13)
    assert {slot.assignment["clinician"] for slot in slots} == {"provider:2"}


def test_requiring_someone_who_cannot_fill_the_role_leaves_no_starts() -> None:
    shape = consultation()
    required = Preference("clinician", "provider:9", required=True)
    assert search(shape, everyone_free(shape, open_8_to_7()), preferences=(required,)) == []


def test_the_least_loaded_resource_is_chosen_among_equals() -> None:
    shape = consultation()
    slots = search(
        shape,
        everyone_free(shape, open_8_to_7()),
        load={"provider:1": 300, "provider:2": 120, "room:1": 60},
    )
    assert slots[0].assignment == {"clinician": "provider:2", "room": "room:2"}


def test_equal_resources_are_chosen_by_id() -> None:
    shape = consultation(clinicians=("provider:2", "provider:1"), rooms=("room:3", "room:1"))
    slots = search(shape, everyone_free(shape, open_8_to_7()))
    assert slots[0].assignment == {"clinician": "provider:1", "room": "room:1"}


def two_room_shape(rooms: tuple[str, ...]) -> ServiceShape:
    return ServiceShape(
        roles=(Role("treatment room", rooms), Role("recovery room", rooms)),
        segments=(segment("treatment room", 0, 60), segment("recovery room", 60, 90)),
    )


def test_two_roles_that_want_rooms_get_different_rooms() -> None:
    shape = two_room_shape(("room:1", "room:2"))
    slots = search(shape, everyone_free(shape, open_8_to_7()))
    assert slots
    assert all(
        slot.assignment == {"treatment room": "room:1", "recovery room": "room:2"} for slot in slots
    )


def test_one_room_cannot_fill_two_roles() -> None:
    shape = two_room_shape(("room:1",))
    assert search(shape, everyone_free(shape, open_8_to_7())) == []


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        (NEW_YORK, date(2026, 3, 8)),  # clocks go forward
        (NEW_YORK, date(2026, 11, 1)),  # clocks go back
        (LONDON, date(2026, 3, 29)),
        (LONDON, date(2026, 10, 25)),
    ],
)
def test_starts_stay_on_local_time_on_clock_change_days(zone: ZoneInfo, day: date) -> None:
    shape = consultation()
    slots = search(
        shape,
        everyone_free(shape, open_8_to_7(day, zone)),
        rules=BookingRules(granularity=minutes(15)),
        day=day,
        zone=zone,
    )
    times = local_times(slots, zone)
    assert times[0] == time(8)
    assert times[-1] == time(18, 30)
    assert len(times) == 43  # 08:00, 08:15, ... 18:30


def test_starts_in_the_skipped_hour_do_not_exist() -> None:
    shape = consultation()
    day = date(2026, 3, 8)
    free = everyone_free(shape, normalize([whole_day(day)]))
    slots = search(shape, free, rules=BookingRules(granularity=minutes(30)), day=day)
    assert local_times(slots)[:4] == [time(0), time(0, 30), time(1), time(1, 30)]
    assert local_times(slots)[4] == time(3)
    assert len(slots) == 46  # 23 hours, less the last half hour for the visit itself


def test_starts_in_the_repeated_hour_are_offered_twice() -> None:
    shape = consultation()
    day = date(2026, 11, 1)
    free = everyone_free(shape, normalize([whole_day(day)]))
    slots = search(shape, free, rules=BookingRules(granularity=minutes(30)), day=day)
    assert local_times(slots)[:6] == [
        time(0),
        time(0, 30),
        time(1),
        time(1, 30),
        time(1),
        time(1, 30),
    ]
    assert slots[4].start - slots[2].start == timedelta(hours=1)


def test_grid_follows_a_half_hour_offset_zone() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    shape = consultation()
    slots = search(
        shape,
        everyone_free(shape, open_8_to_7(DAY, kolkata)),
        rules=BookingRules(granularity=minutes(60)),
        zone=kolkata,
    )
    assert local_times(slots, kolkata)[:2] == [time(8), time(9)]


def test_a_window_that_is_empty_or_past_gives_no_starts() -> None:
    shape = consultation()
    free = everyone_free(shape, open_8_to_7())
    window = whole_day()
    assert bookable_starts(shape, free, window=window, now=window[1], zone=NEW_YORK) == []
    assert (
        bookable_starts(shape, free, window=(window[1], window[0]), now=window[0], zone=NEW_YORK)
        == []
    )


# The booking path.


def test_a_returned_start_is_feasible_until_someone_books_it() -> None:
    shape = prp()
    free = everyone_free(shape, open_8_to_7())
    slot = search(shape, free)[0]
    assert is_feasible(shape, free, slot.start, slot.assignment)
    assert not is_feasible(shape, book(free, shape, slot), slot.start, slot.assignment)


def test_feasibility_refuses_a_resource_that_cannot_fill_the_role() -> None:
    shape = consultation()
    free = everyone_free(shape, open_8_to_7())
    free["pen:1"] = open_8_to_7()
    assert not is_feasible(shape, free, local(DAY, 9), {"clinician": "provider:1", "room": "pen:1"})


def test_feasibility_refuses_one_resource_in_two_roles() -> None:
    shape = two_room_shape(("room:1", "room:2"))
    free = everyone_free(shape, open_8_to_7())
    same = {"treatment room": "room:1", "recovery room": "room:1"}
    assert not is_feasible(shape, free, local(DAY, 9), same)


def test_feasibility_refuses_a_missing_role() -> None:
    shape = consultation()
    free = everyone_free(shape, open_8_to_7())
    assert not is_feasible(shape, free, local(DAY, 9), {"clinician": "provider:1"})


def test_allocations_join_a_resource_s_touching_segments() -> None:
    assignment = {
        "clinician": "provider:1",
        "room": "room:2",
        "centrifuge": "centrifuge:1",
        "pen": "pen:1",
    }
    start = local(DAY, 8)
    assert allocations(prp(), start, assignment) == [
        Allocation(start, start + minutes(10), "provider:1"),
        Allocation(start, start + minutes(110), "room:2"),
        Allocation(start + minutes(10), start + minutes(25), "centrifuge:1"),
        Allocation(start + minutes(40), start + minutes(100), "pen:1"),
        Allocation(start + minutes(40), start + minutes(100), "provider:1"),
    ]


def test_allocations_need_every_role_assigned() -> None:
    with pytest.raises(ValueError, match="room"):
        allocations(consultation(), local(DAY, 9), {"clinician": "provider:1"})


@pytest.mark.parametrize(
    ("start", "bookable"),
    [
        (local(DAY, 10, 15), True),
        (local(DAY, 10, 10), False),  # off the grid
        (local(DAY, 9, 45), False),  # too little notice
        (local(DAY + timedelta(days=30), 10), False),  # beyond the horizon
    ],
)
def test_bookable_time_follows_grid_notice_and_horizon(start: datetime, bookable: bool) -> None:
    rules = BookingRules(
        granularity=minutes(15), minimum_notice=timedelta(hours=2), horizon=timedelta(days=28)
    )
    assert is_bookable_time(start, now=local(DAY, 8), zone=NEW_YORK, rules=rules) is bookable


def test_free_intervals_are_availability_minus_busy_time() -> None:
    available = [(local(DAY, 12), local(DAY, 19)), (local(DAY, 8), local(DAY, 12))]
    busy = [(local(DAY, 9), local(DAY, 10)), (local(DAY, 18), local(DAY, 20))]
    assert free_intervals(available, busy) == (
        (local(DAY, 8), local(DAY, 9)),
        (local(DAY, 10), local(DAY, 18)),
    )


# Bad input.


def test_naive_instants_are_refused() -> None:
    shape = consultation()
    naive = datetime(2026, 1, 14, 8, 0)  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="aware"):
        bookable_starts(
            shape, {}, window=(naive, naive + timedelta(days=1)), now=naive, zone=NEW_YORK
        )


def test_granularity_must_divide_a_day() -> None:
    with pytest.raises(ValueError, match="divide"):
        BookingRules(granularity=minutes(7))


def test_segments_must_name_a_role_of_the_shape() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        ServiceShape(roles=(Role("room", ROOMS),), segments=(segment("pen", 0, 10),))


def test_every_role_needs_a_segment() -> None:
    with pytest.raises(ValueError, match="without a segment"):
        ServiceShape(
            roles=(Role("room", ROOMS), Role("pen", PENS)), segments=(segment("room", 0, 10),)
        )


def test_preferences_must_name_a_role_of_the_shape() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        search(consultation(), {}, preferences=(Preference("pen", "pen:1"),))


# Small random clinics against a minute-by-minute oracle.

# Zones and the days their clocks change (or an ordinary day for those that never do).
ZONE_DAYS = (
    (NEW_YORK, date(2026, 3, 8)),
    (NEW_YORK, date(2026, 11, 1)),
    (LONDON, date(2026, 3, 29)),
    (LONDON, date(2026, 10, 25)),
    (ZoneInfo("Asia/Kolkata"), DAY),
    (ZoneInfo("UTC"), DAY),
)
POOL = ("a", "b", "c", "d")
# The oracle's minute-by-minute record of free time reaches a day either side of the clinic's.
MARGIN = 24 * 60
KNOWN_MINUTES = 5 * 24 * 60


@dataclass(frozen=True)
class Clinic:
    shape: ServiceShape
    free: dict[ResourceId, IntervalSet]
    window: tuple[datetime, datetime]
    now: datetime
    zone: ZoneInfo
    rules: BookingRules
    preferences: tuple[Preference, ...]
    load: dict[ResourceId, float]
    base: datetime
    """Where the clinic's time begins (noon, local); the oracle counts minutes from here."""

    def search(self) -> list[Slot]:
        return bookable_starts(
            self.shape,
            self.free,
            window=self.window,
            now=self.now,
            zone=self.zone,
            rules=self.rules,
            preferences=self.preferences,
            load=self.load,
        )


# Built once: strategies made inside the composite would be rebuilt for every example.
CANDIDATES = st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True)
SEGMENT_STEPS = st.lists(st.tuples(st.integers(-2, 12), st.integers(1, 12)), min_size=1, max_size=2)
FREE_PIECES = {
    days: st.lists(
        st.tuples(st.integers(0, days * 288 - 1), st.integers(1, 144)), min_size=1, max_size=6
    )
    for days in (1, 2)
}
GRANULARITIES = st.sampled_from((5, 10, 15, 30))
LOADS = st.tuples(*[st.sampled_from((0.0, 1.0, 2.0))] * len(POOL))


@st.composite
def clinics(draw: st.DrawFn) -> Clinic:
    """1-3 roles drawing on 1-3 of four resources, free time on a 5-minute grid over 1-2 days."""
    zone, day = draw(st.sampled_from(ZONE_DAYS))
    # From noon the day before, so the clocks change in the middle of the clinic's time.
    base = local(day - timedelta(days=1), 12, zone=zone)
    days = draw(st.integers(1, 2))
    period = days * 24 * 60

    roles = tuple(
        Role(f"role {i}", tuple(draw(CANDIDATES))) for i in range(draw(st.integers(1, 3)))
    )
    shape = ServiceShape(
        roles=roles,
        segments=tuple(
            segment(role.name, start * 5, (start + length) * 5)
            for role in roles
            for start, length in draw(SEGMENT_STEPS)
        ),
    )
    free = {
        resource: normalize(
            (base + minutes(start * 5), base + minutes((start + length) * 5))
            for start, length in draw(FREE_PIECES[days])
        )
        for resource in POOL
    }
    window_start, window_length, now_from_window, notice = draw(
        st.tuples(
            st.integers(-60, period),
            st.integers(60, period + 120),
            st.integers(-600, 120),
            st.integers(0, 180),
        )
    )
    horizon = draw(st.none() | st.integers(60, 2 * period))
    preferences: tuple[Preference, ...] = ()
    if draw(st.booleans()):
        role = draw(st.sampled_from(roles))
        resource, required = draw(st.tuples(st.sampled_from(POOL), st.booleans()))
        preferences = (Preference(role.name, resource, required),)
    return Clinic(
        shape=shape,
        free=free,
        window=(base + minutes(window_start), base + minutes(window_start + window_length)),
        now=base + minutes(window_start + now_from_window),
        zone=zone,
        rules=BookingRules(
            granularity=minutes(draw(GRANULARITIES)),
            minimum_notice=minutes(notice),
            horizon=None if horizon is None else minutes(horizon),
        ),
        preferences=preferences,
        load=dict(zip(POOL, draw(LOADS), strict=True)),
        base=base,
    )


def oracle(clinic: Clinic) -> list[tuple[datetime, dict[str, ResourceId]]]:
    """Every grid minute, every assignment, every minute of every segment: the slow truth."""
    rules, shape = clinic.rules, clinic.shape

    def minute_of(instant: datetime) -> int:
        return (instant - clinic.base) // timedelta(minutes=1)

    free_minutes = {}
    for resource, intervals in clinic.free.items():
        held = bytearray(KNOWN_MINUTES)
        for start, end in intervals:
            held[minute_of(start) + MARGIN : minute_of(end) + MARGIN] = b"\x01" * (
                minute_of(end) - minute_of(start)
            )
        free_minutes[resource] = held

    def fits(resource: ResourceId, role: str, at: int) -> bool:
        return all(
            0
            not in free_minutes[resource][
                at + MARGIN + s.start // minutes(1) : at + MARGIN + s.end // minutes(1)
            ]
            for s in shape.segments
            if s.role == role
        )

    wanted = {p.role: p for p in clinic.preferences}
    ranked = []
    for role in shape.roles:
        preference = wanted.get(role.name)
        candidates = [
            c
            for c in role.candidates
            if preference is None or not preference.required or c == preference.resource
        ]
        first = preference.resource if preference else None
        ranked.append(sorted(candidates, key=lambda c: (c != first, clinic.load.get(c, 0.0), c)))

    earliest = max(clinic.window[0], clinic.now + rules.minimum_notice)
    latest = clinic.window[1]
    if rules.horizon is not None:
        latest = min(latest, clinic.now + rules.horizon)
    found = []
    for at in range(minute_of(clinic.window[0]), minute_of(clinic.window[1])):
        instant = clinic.base + minutes(at)
        wall = instant.astimezone(clinic.zone)
        if not earliest <= instant < latest:
            continue
        if (wall.hour * 60 + wall.minute) % (rules.granularity // minutes(1)):
            continue
        for choice in product(*ranked):
            if len(set(choice)) == len(choice) and all(
                fits(resource, role.name, at)
                for resource, role in zip(choice, shape.roles, strict=True)
            ):
                found.append(
                    (instant, dict(zip((r.name for r in shape.roles), choice, strict=True)))
                )
                break
    return found


def segment_is_free(clinic: Clinic, slot: Slot, segment_: Segment) -> bool:
    intervals = clinic.free[slot.assignment[segment_.role]]
    start, end = slot.start + segment_.start, slot.start + segment_.end
    return any(a <= start and end <= b for a, b in intervals)


@settings(max_examples=300, deadline=None)
@given(clinics())
def test_starts_and_assignments_match_the_oracle(clinic: Clinic) -> None:
    slots = clinic.search()
    expected = oracle(clinic)
    # The grid times at which some distinct assignment fits, then the documented choice at each.
    assert [slot.start for slot in slots] == [start for start, _ in expected]
    assert [dict(slot.assignment) for slot in slots] == [assignment for _, assignment in expected]


@settings(max_examples=200, deadline=None)
@given(clinics())
def test_every_slot_returned_fits_the_free_time_and_passes_the_booking_checks(
    clinic: Clinic,
) -> None:
    for slot in clinic.search():
        assert is_bookable_time(slot.start, now=clinic.now, zone=clinic.zone, rules=clinic.rules)
        assert len(set(slot.assignment.values())) == len(slot.assignment)
        for role in clinic.shape.roles:
            assert slot.assignment[role.name] in role.candidates
        for segment_ in clinic.shape.segments:
            assert segment_is_free(clinic, slot, segment_)
        assert is_feasible(clinic.shape, clinic.free, slot.start, slot.assignment)


@settings(max_examples=100, deadline=None)
@given(clinics(), st.randoms(use_true_random=False))
def test_same_clinic_in_any_order_gives_the_same_answer(
    clinic: Clinic, shuffler: random.Random
) -> None:
    shuffled_roles = []
    for role in clinic.shape.roles:
        candidates = list(role.candidates)
        shuffler.shuffle(candidates)
        shuffled_roles.append(Role(role.name, tuple(candidates)))
    resources = list(clinic.free)
    shuffler.shuffle(resources)
    shuffled = replace(
        clinic,
        shape=replace(clinic.shape, roles=tuple(shuffled_roles)),
        free={resource: clinic.free[resource] for resource in resources},
    )
    assert clinic.search() == clinic.search() == shuffled.search()
