"""How fast the availability engine is on its own: no Django, no database, no queries.

Run ``.venv/bin/python bench/engine.py``; it prints markdown tables.

The clinic: open 08:00-19:00 every day (America/New_York), 4 providers (3 of them do PRP)
working 08:00-19:00 five days a week (three of them on any day), 3 rooms, 2 pens,
1 centrifuge (cleaned on Monday mornings). Existing bookings (60 % Consultation, 25 %
Micro-Needling, 15 % Micro-Needling with PRP) are carved out of the resources' free time
over six months, at random starts with a fixed seed, so the free time is as fragmented as a
busy clinic's; 5,000 of them keep the rooms about 80 % busy, and 10,000 do not fit (the
table says how many did). The engine gets each resource's free time for the whole six
months and must find what it needs in it; the windows start on 1 March, so they cross the
change to summer time on 8 March.
"""

import gc
import random
import statistics
import sys
import time as clock
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# A plain script: make the project importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dermadesk.clinic.hours import Schedule, Span, open_intervals
from dermadesk.scheduling.engine import (
    Assignment,
    BookingRules,
    ResourceId,
    Role,
    Segment,
    ServiceShape,
    allocations,
    bookable_starts,
    free_intervals,
    is_feasible,
)
from dermadesk.scheduling.intervals import (
    Interval,
    IntervalSet,
    clip,
    intersect,
    normalize,
    total,
)

SEED = 20260301
ZONE = ZoneInfo("America/New_York")
HISTORY = (date(2026, 1, 1), date(2026, 6, 30))  # about six months, both days included
WINDOW_START = date(2026, 3, 1)  # the clocks change on 8 March, inside every window
NOW = datetime(2026, 2, 28, 9, 0, tzinfo=ZONE).astimezone(UTC)
RULES = BookingRules(
    granularity=timedelta(minutes=15),
    minimum_notice=timedelta(hours=12),
    horizon=timedelta(days=120),
)
RUNS = 50
BOOKINGS = 5_000
SCALING = (0, 1_250, 2_500, 5_000, 10_000)
ATTEMPTS_PER_BOOKING = 100

PROVIDERS = ("provider:1", "provider:2", "provider:3", "provider:4")
PRP_PROVIDERS = PROVIDERS[:3]
ROOMS = ("room:1", "room:2", "room:3")
PENS = ("pen:1", "pen:2")
CENTRIFUGE = "centrifuge:1"
# Weekdays off (0 = Monday) and shift hours of each provider: three of them on any day.
SHIFTS = {
    "provider:1": ((5, 6), time(8), time(19)),
    "provider:2": ((0, 1), time(8), time(19)),
    "provider:3": ((2, 3), time(8), time(19)),
    "provider:4": ((4, 5), time(8), time(19)),
}
OFFICE = Schedule(zone=ZONE, weekly={day: (Span(time(8), time(19)),) for day in range(7)})


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def segment(role: str, start: int, end: int) -> Segment:
    return Segment(role, minutes(start), minutes(end))


CONSULTATION = ServiceShape(
    roles=(Role("clinician", PROVIDERS), Role("room", ROOMS)),
    segments=(segment("clinician", 0, 30), segment("room", 0, 30)),
)
MICRO_NEEDLING = ServiceShape(
    roles=(Role("clinician", PROVIDERS), Role("room", ROOMS), Role("pen", PENS)),
    segments=(
        segment("room", 0, 30),  # numbing cream: the clinician is with someone else
        segment("clinician", 30, 90),
        segment("room", 30, 90),
        segment("pen", 30, 90),
        segment("room", 90, 100),  # turnover
    ),
)
PRP = ServiceShape(
    roles=(
        Role("clinician", PRP_PROVIDERS),
        Role("room", ROOMS),
        Role("centrifuge", (CENTRIFUGE,)),
        Role("pen", PENS),
    ),
    segments=(
        segment("clinician", 0, 10),  # blood draw
        segment("room", 0, 10),
        segment("centrifuge", 10, 25),  # spin, while the numbing cream works
        segment("room", 10, 40),
        segment("clinician", 40, 100),  # procedure
        segment("room", 40, 100),
        segment("pen", 40, 100),
        segment("room", 100, 110),  # turnover
    ),
)
SERVICES = {"Consultation": CONSULTATION, "Micro-Needling": MICRO_NEEDLING, "PRP": PRP}
# Mostly consultations: with 3 rooms open 11 hours a day, 5,000 visits in six months are
# already about all that fits.
MIX_SHAPES = (CONSULTATION, MICRO_NEEDLING, PRP)
MIX_WEIGHTS = (60, 25, 15)


def local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZONE).astimezone(UTC)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass
class Clinic:
    """The synthetic clinic once its bookings are placed: what the engine is given."""

    free: dict[ResourceId, IntervalSet]
    placed: int
    busy: dict[ResourceId, list[Interval]]


def available_time() -> dict[ResourceId, IntervalSet]:
    """Each resource's working time over the history, before any booking."""
    start, end = local(HISTORY[0], time(0)), local(HISTORY[1] + timedelta(days=1), time(0))
    open_time = normalize(open_intervals(OFFICE, start, end))
    available = dict.fromkeys((*ROOMS, *PENS, CENTRIFUGE), open_time)
    for provider, (days_off, starts, ends) in SHIFTS.items():
        weekly = {day: (Span(starts, ends),) for day in range(7) if day not in days_off}
        shift = Schedule(zone=ZONE, weekly=weekly)
        available[provider] = intersect(open_time, normalize(open_intervals(shift, start, end)))
    return available


def build_clinic(bookings: int, seed: int = SEED) -> Clinic:
    """Place ``bookings`` visits at random free starts (as many as fit), then derive free time."""
    rng = random.Random(seed)  # noqa: S311 - invented bookings, nothing secret
    available = available_time()
    busy: dict[ResourceId, list[Interval]] = defaultdict(list)
    for day in days(*HISTORY):
        if day.weekday() == 0:  # the centrifuge is cleaned on Monday mornings
            busy[CENTRIFUGE].append((local(day, time(8)), local(day, time(8, 30))))
    # Per resource and day, what is taken so far: a cheap overlap check while placing.
    taken: dict[tuple[ResourceId, date], list[Interval]] = defaultdict(list)
    history_days = days(*HISTORY)
    placed = 0
    for _ in range(bookings):
        for _attempt in range(ATTEMPTS_PER_BOOKING):
            shape = rng.choices(MIX_SHAPES, MIX_WEIGHTS)[0]
            day = rng.choice(history_days)
            latest = (11 * 60 - shape.duration // minutes(1)) // 15
            start = local(day, time(8)) + minutes(15 * rng.randint(0, latest))
            assignment = {role.name: rng.choice(role.candidates) for role in shape.roles}
            held = allocations(shape, start, assignment)
            if all(_fits(a.resource, a.start, a.end, day, available, taken) for a in held):
                for a in held:
                    taken[(a.resource, day)].append((a.start, a.end))
                    busy[a.resource].append((a.start, a.end))
                placed += 1
                break
    free = {
        resource: free_intervals(intervals, busy[resource])
        for resource, intervals in available.items()
    }
    return Clinic(free=free, placed=placed, busy=busy)


def _fits(
    resource: ResourceId,
    start: datetime,
    end: datetime,
    day: date,
    available: Mapping[ResourceId, IntervalSet],
    taken: Mapping[tuple[ResourceId, date], list[Interval]],
) -> bool:
    if not any(a <= start and end <= b for a, b in clip(available[resource], start, end)):
        return False
    return all(end <= a or b <= start for a, b in taken.get((resource, day), ()))


def measure(run: Callable[[], object]) -> tuple[float, float]:
    """Median and 95th percentile of ``RUNS`` timed calls, in milliseconds."""
    run()  # warm up
    gc.collect()  # start every row from the same clean heap, whatever was built before
    times = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        run()
        times.append((clock.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def window(length_days: int) -> tuple[datetime, datetime]:
    return local(WINDOW_START, time(0)), local(WINDOW_START + timedelta(days=length_days), time(0))


def load_in(clinic: Clinic, span: tuple[datetime, datetime]) -> dict[ResourceId, float]:
    """Minutes each resource is booked in the window: the engine's tie-break."""
    return {
        resource: total(clip(normalize(intervals), *span)) / minutes(1)
        for resource, intervals in clinic.busy.items()
    }


def availability(
    clinic: Clinic, shape: ServiceShape, length_days: int
) -> Callable[[], list[object]]:
    span = window(length_days)
    load = load_in(clinic, span)

    def run() -> list[object]:
        return list(
            bookable_starts(
                shape, clinic.free, window=span, now=NOW, zone=ZONE, rules=RULES, load=load
            )
        )

    return run


def free_pieces(clinic: Clinic, length_days: int) -> int:
    """How fragmented the window is: free intervals of all resources inside it."""
    span = window(length_days)
    return sum(len(clip(intervals, *span)) for intervals in clinic.free.values())


def timed(run: Callable[[], list[object]]) -> str:
    starts = len(run())
    median, p95 = measure(run)
    return f"{median:.2f} / {p95:.2f} ({starts:,})"


def main() -> None:
    built = clock.perf_counter()
    clinic = build_clinic(BOOKINGS)
    print(
        f"{clinic.placed:,} bookings placed (of {BOOKINGS:,} asked) in "
        f"{clock.perf_counter() - built:.1f} s; {free_pieces(clinic, 31):,} free intervals "
        f"in the 31 days. {RUNS} runs per figure; Python {sys.version.split()[0]}.\n"
    )
    print("Median / p95 in milliseconds (bookable starts found):\n")
    print("| service | 31 days | 60 days |")
    print("| --- | ---: | ---: |")
    for name, shape in SERVICES.items():
        print(
            f"| {name} | {timed(availability(clinic, shape, 31))} "
            f"| {timed(availability(clinic, shape, 60))} |"
        )
    slots = bookable_starts(PRP, clinic.free, window=window(31), now=NOW, zone=ZONE, rules=RULES)
    middle = slots[len(slots) // 2]
    assignment: Assignment = middle.assignment
    if not is_feasible(PRP, clinic.free, middle.start, assignment):
        raise SystemExit("The engine offered a PRP start that is_feasible refuses.")
    median, p95 = measure(lambda: is_feasible(PRP, clinic.free, middle.start, assignment))
    print(
        f"\nis_feasible, one PRP start: median {median * 1000:.1f} µs, p95 {p95 * 1000:.1f} µs.\n"
    )

    print("As bookings double, 31 days, median / p95 ms (starts):\n")
    print("| bookings asked | placed | free intervals | " + " | ".join(SERVICES) + " |")
    print("| ---: | ---: | ---: | " + " | ".join("---:" for _ in SERVICES) + " |")
    for bookings in SCALING:
        scaled = clinic if bookings == BOOKINGS else build_clinic(bookings)
        figures = " | ".join(timed(availability(scaled, shape, 31)) for shape in SERVICES.values())
        print(f"| {bookings:,} | {scaled.placed:,} | {free_pieces(scaled, 31):,} | {figures} |")


if __name__ == "__main__":
    main()
