"""The clinic's day and week laid out: resources as columns, time down the side.

Pure: no Django. ``calendar_queries`` reads a location's visits, their allocations and their
services' steps into the plain values here; this module places every step of every visit in
the column of the resource it keeps busy (numbing cream in the room while the clinician sees
someone else, the centrifuge while the cream works), and cuts the day into rows of equal
length in the clinic's time zone for a table.

- ``visit_steps``: each allocation split into the service's steps for its role (the room from
  0 to 110 minutes is a blood draw, numbing cream, a procedure and a turnover).
- ``day_grid``: the rows of one day (the clinic's hours, widened to any visit outside them)
  and, per column, a cell spanning the rows a run of overlapping steps covers.
- ``week_table``: per day and column, the visits in time order, one entry per run of a
  visit's touching steps.

Every instant given must be aware; every instant kept is in UTC, and compared and counted
there (two times of one zone compare by their wall clocks, which the night the clocks go
back gets wrong). Each value knows the clinic's zone and says its times in it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dermadesk.checkout.course import clock_text

KIND_ORDER = ("provider", "room", "device")
KIND_LABELS = {"provider": "Clinician", "room": "Room", "device": "Device"}


@dataclass(frozen=True, slots=True)
class Column:
    """A resource: a clinician, a room or a device."""

    key: int
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "")


@dataclass(frozen=True, slots=True)
class Visit:
    """A booking as the calendar shows it: who, what, when. No health information."""

    key: int
    patient: str
    """The patient's name; empty for a time only held during an online booking."""
    service: str
    service_key: int
    status: str
    start: datetime
    end: datetime
    zone: ZoneInfo
    session: str = ""
    """"session 2 of 4" for a course."""
    status_label: str = ""

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def times(self) -> str:
        return _times(self.start, self.end, self.zone)


@dataclass(frozen=True, slots=True)
class Use:
    """An allocation: a visit keeps a resource busy in one role from ``start`` to ``end``."""

    visit: int
    column: int
    role: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class StepShape:
    """A step of a service: the role it needs, from minute ``start`` to ``end`` of a visit."""

    role: str
    label: str
    start: timedelta
    end: timedelta


@dataclass(frozen=True, slots=True)
class Step:
    """One step of one visit on one resource (``start`` and ``end`` in UTC)."""

    visit: Visit
    column: int
    label: str
    start: datetime
    end: datetime

    @property
    def times(self) -> str:
        return _times(self.start, self.end, self.visit.zone)


def _times(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """'10:00–10:30 a.m.', '11:30 a.m.–12:10 p.m.': from and to in the clinic's zone."""
    first, last = clock_text(start.astimezone(zone)), clock_text(end.astimezone(zone))
    if first[-4:] == last[-4:]:  # both a.m. or both p.m.
        return f"{first[:-5]}–{last}"
    return f"{first}–{last}"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Times must be aware.")
    return moment.astimezone(UTC)


def ordered_columns(columns: Iterable[Column]) -> tuple[Column, ...]:
    """Clinicians first, then rooms, then devices; by name within each."""
    return tuple(
        sorted(
            columns,
            key=lambda c: (
                KIND_ORDER.index(c.kind) if c.kind in KIND_ORDER else len(KIND_ORDER),
                c.name,
                c.key,
            ),
        )
    )


def visit_steps(
    visits: Mapping[int, Visit],
    uses: Iterable[Use],
    shapes: Mapping[int, Sequence[StepShape]],
) -> list[Step]:
    """Every step of every visit on the resource that serves it, sorted by start and column.

    A use is split into the steps of its role that fall inside it (clipped to it); a use
    no step of the service explains (the service's steps changed since it was booked) is
    shown whole, named for the service. ``shapes``: each service's steps, by its key.
    """
    steps: list[Step] = []
    for use in uses:
        visit = visits.get(use.visit)
        if visit is None or use.end <= use.start:
            continue
        pieces = []
        visit_start, use_start, use_end = _utc(visit.start), _utc(use.start), _utc(use.end)
        for shape in shapes.get(visit.service_key, ()):
            if shape.role != use.role:
                continue
            start = max(visit_start + shape.start, use_start)
            end = min(visit_start + shape.end, use_end)
            if start < end:
                pieces.append((start, end, shape.label))
        if not pieces:
            pieces = [(use_start, use_end, visit.service)]
        steps += [Step(visit, use.column, label, start, end) for start, end, label in pieces]
    steps.sort(key=lambda s: (s.start, s.column, s.end, s.visit.key, s.label))
    return steps


# The day, in rows


@dataclass(frozen=True, slots=True)
class CellVisit:
    """The steps of one visit within one cell, in time order."""

    visit: Visit
    steps: tuple[Step, ...]
    anchor: bool
    """The place of the visit's link: its first step in its first column."""


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of the table: ``rows`` rows tall, holding the steps that overlap in it."""

    rows: int
    visits: tuple[CellVisit, ...] = ()

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for visit in self.visits for step in visit.steps)


@dataclass(frozen=True, slots=True)
class Row:
    start: datetime
    zone: ZoneInfo
    cells: tuple[Cell | None, ...]
    """One per column; ``None`` where a cell of a row above reaches down."""

    @property
    def label(self) -> str:
        return clock_text(self.start.astimezone(self.zone))

    @property
    def on_the_hour(self) -> bool:
        return self.start.astimezone(self.zone).minute == 0


@dataclass(frozen=True, slots=True)
class DayGrid:
    day: date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    row_length: timedelta
    steps: tuple[Step, ...] = field(default=())
    """The steps placed, in time order."""

    @property
    def visits(self) -> list[Visit]:
        """The day's visits, each once, in order of their start."""
        seen: dict[int, Visit] = {}
        for step in self.steps:
            seen.setdefault(step.visit.key, step.visit)
        return sorted(seen.values(), key=lambda v: (_utc(v.start), v.key))


def _local_start(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _floor_to_row(moment: datetime, day: date, zone: ZoneInfo, row: timedelta) -> datetime:
    """``moment`` brought down to a row boundary counted from the local day's start."""
    start = _local_start(day, zone)
    steps = (moment - start) // row
    return start + steps * row


def day_bounds(
    day: date,
    zone: ZoneInfo,
    *,
    open_spans: Iterable[tuple[datetime, datetime]],
    steps: Iterable[Step],
    row: timedelta,
) -> tuple[datetime, datetime] | None:
    """The first and last instant the day's rows cover: the clinic's hours that day, widened
    to any step outside them, on row boundaries, within the local day. ``None`` when the
    clinic is closed and nothing is booked."""
    day_start = _local_start(day, zone)
    day_end = _local_start(day + timedelta(days=1), zone)
    edges = [(_utc(s), _utc(e)) for s, e in open_spans] + [(s.start, s.end) for s in steps]
    edges = [(max(s, day_start), min(e, day_end)) for s, e in edges]
    edges = [(s, e) for s, e in edges if s < e]
    if not edges:
        return None
    first = _floor_to_row(min(s for s, _ in edges), day, zone, row)
    last_edge = max(e for _, e in edges)
    last = _floor_to_row(last_edge, day, zone, row)
    if last < last_edge:
        last += row
    return max(first, day_start), min(last, day_end)


def _row_range(step: Step, first: datetime, row: timedelta, count: int) -> tuple[int, int]:
    """The rows ``[top, bottom)`` a step touches: at least one, within the grid."""
    top = (step.start - first) // row
    bottom = -((first - step.end) // row)  # rounded up
    top = min(max(top, 0), count - 1)
    bottom = min(max(bottom, top + 1), count)
    return top, bottom


def _clusters(
    steps: list[Step], first: datetime, row: timedelta, count: int
) -> list[tuple[int, int, list[Step]]]:
    """The steps of one column (sorted by start) grouped where their rows overlap, each
    group with its rows ``[top, bottom)``."""
    clusters: list[tuple[int, int, list[Step]]] = []
    for step in steps:
        top, bottom = _row_range(step, first, row, count)
        if clusters and top < clusters[-1][1]:
            last_top, last_bottom, group = clusters[-1]
            group.append(step)
            clusters[-1] = (last_top, max(last_bottom, bottom), group)
        else:
            clusters.append((top, bottom, [step]))
    return clusters


def _cell(steps: list[Step], rows: int, anchors: set[Step]) -> Cell:
    by_visit: dict[int, list[Step]] = {}
    for step in steps:
        by_visit.setdefault(step.visit.key, []).append(step)
    return Cell(
        rows=rows,
        visits=tuple(
            CellVisit(
                visit=group[0].visit,
                steps=tuple(group),
                anchor=any(step in anchors for step in group),
            )
            for group in by_visit.values()
        ),
    )


def day_grid(
    day: date,
    zone: ZoneInfo,
    columns: Sequence[Column],
    steps: Iterable[Step],
    *,
    open_spans: Iterable[tuple[datetime, datetime]],
    row: timedelta = timedelta(minutes=15),
) -> DayGrid:
    """The table of ``day``: a row every ``row`` down the side, a column per resource.

    Steps of one column whose rows overlap share one cell (spanning all their rows), so no
    step is hidden and no cell sits under another. Steps outside the local day, or of a
    resource that is not a column, are left out.
    """
    if row <= timedelta(0):
        raise ValueError("Rows must have a positive length.")
    columns = tuple(columns)
    known = {column.key for column in columns}
    day_start = _local_start(day, zone)
    day_end = _local_start(day + timedelta(days=1), zone)
    placed = sorted(
        (s for s in steps if s.column in known and s.start < day_end and s.end > day_start),
        key=lambda s: (s.start, s.column, s.end, s.visit.key, s.label),
    )
    bounds = day_bounds(day, zone, open_spans=open_spans, steps=placed, row=row)
    if bounds is None:
        return DayGrid(day, columns, (), row)
    first, last = bounds
    count = max(1, -((first - last) // row))
    starts = [first + i * row for i in range(count)]
    index = {column.key: i for i, column in enumerate(columns)}

    # Each visit's link goes on its first step in its first column.
    firsts: dict[int, Step] = {}
    for step in placed:
        best = firsts.get(step.visit.key)
        if best is None or (index[step.column], step.start) < (index[best.column], best.start):
            firsts[step.visit.key] = step
    anchors = set(firsts.values())

    grid: list[list[Cell | None]] = [[Cell(1) for _ in columns] for _ in range(count)]
    by_column: dict[int, list[Step]] = defaultdict(list)
    for step in placed:
        by_column[step.column].append(step)
    for key, column_steps in by_column.items():
        col = index[key]
        for top, bottom, cluster in _clusters(column_steps, first, row, count):
            grid[top][col] = _cell(cluster, bottom - top, anchors)
            for below in range(top + 1, bottom):
                grid[below][col] = None
    return DayGrid(
        day=day,
        columns=columns,
        rows=tuple(
            Row(start, zone, tuple(cells)) for start, cells in zip(starts, grid, strict=True)
        ),
        row_length=row,
        steps=tuple(placed),
    )


# The week, in lists


@dataclass(frozen=True, slots=True)
class Entry:
    """A run of one visit's touching steps on one resource, for the week's lists."""

    visit: Visit
    start: datetime
    end: datetime
    labels: tuple[str, ...]
    anchor: bool

    @property
    def times(self) -> str:
        return _times(self.start, self.end, self.visit.zone)


@dataclass(frozen=True, slots=True)
class WeekDay:
    day: date
    cells: tuple[tuple[Entry, ...], ...]
    """One per column: the entries of that resource on that day, in time order."""

    @property
    def empty(self) -> bool:
        return not any(self.cells)


@dataclass(frozen=True, slots=True)
class WeekTable:
    columns: tuple[Column, ...]
    days: tuple[WeekDay, ...]


def _runs(steps: list[Step]) -> list[list[Step]]:
    """The steps of one visit on one resource, cut where the resource is free in between."""
    runs: list[list[Step]] = []
    reach = None
    for step in steps:
        if runs and reach is not None and step.start <= reach:
            runs[-1].append(step)
            reach = max(reach, step.end)
        else:
            runs.append([step])
            reach = step.end
    return runs


def week_table(
    days: Sequence[date], zone: ZoneInfo, columns: Sequence[Column], steps: Iterable[Step]
) -> WeekTable:
    """Per day (local) and column, the runs of each visit's steps, in time order.

    A run belongs to the local day it starts on. A visit's link goes on its first run in
    its first column (clinicians before rooms before devices, as the columns are ordered).
    """
    columns = tuple(columns)
    index = {column.key: i for i, column in enumerate(columns)}
    wanted = set(days)
    grouped: dict[tuple[int, int], list[Step]] = defaultdict(list)
    for step in sorted(steps, key=lambda s: (s.start, s.end, s.label)):
        if step.column in index:
            grouped[(step.visit.key, step.column)].append(step)
    entries: list[tuple[int, Entry]] = []
    first_place: dict[int, tuple[int, datetime]] = {}
    for (visit_key, column), column_steps in grouped.items():
        for run in _runs(column_steps):
            start = run[0].start
            entry = Entry(
                visit=run[0].visit,
                start=start,
                end=max(step.end for step in run),
                labels=tuple(dict.fromkeys(step.label for step in run)),
                anchor=False,
            )
            entries.append((column, entry))
            place = (index[column], start)
            if visit_key not in first_place or place < first_place[visit_key]:
                first_place[visit_key] = place
    cells: dict[tuple[date, int], list[Entry]] = defaultdict(list)
    for column, entry in entries:
        day = entry.start.astimezone(zone).date()
        if day not in wanted:
            continue
        is_anchor = first_place[entry.visit.key] == (index[column], entry.start)
        if is_anchor:
            entry = Entry(entry.visit, entry.start, entry.end, entry.labels, anchor=True)
        cells[(day, column)].append(entry)
    return WeekTable(
        columns=columns,
        days=tuple(
            WeekDay(
                day=day,
                cells=tuple(
                    tuple(sorted(cells[(day, c.key)], key=lambda e: (e.start, e.visit.key)))
                    for c in columns
                ),
            )
            for day in days
        ),
    )
