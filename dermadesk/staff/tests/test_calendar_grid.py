"""The calendar's layout (pure): every step in its resource's column, in the rows it covers,
once; the rows tile each column; one link per visit."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dermadesk.staff.calendar_grid import (
    Cell,
    Column,
    DayGrid,
    Step,
    StepShape,
    Use,
    Visit,
    day_grid,
    ordered_columns,
    visit_steps,
    week_table,
)

CHICAGO = ZoneInfo("America/Chicago")
ZONES = [CHICAGO, ZoneInfo("Europe/London"), ZoneInfo("Australia/Lord_Howe"), ZoneInfo("UTC")]
# Ordinary days and the days the clocks change in those zones.
DAYS = [
    date(2026, 11, 26),
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 4, 5),
    date(2026, 10, 4),
]
COLUMNS = [
    Column(1, "Dr. Avery Demo", "provider"),
    Column(2, "Jordan Demo, RN", "provider"),
    Column(3, "Treatment room 1", "room"),
    Column(4, "Pen A", "device"),
]


def _visit(
    key: int, start: datetime, minutes: int, zone: ZoneInfo = CHICAGO, patient: str = "Ada"
) -> Visit:
    start = start.astimezone(UTC)
    return Visit(
        key=key, patient=patient, service="Micro-Needling", service_key=1, status="confirmed",
        start=start, end=start + timedelta(minutes=minutes), zone=zone,
    )  # fmt: skip


@st.composite
def days_of_steps(draw: st.DrawFn) -> tuple[date, ZoneInfo, list[Step], int]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(DAYS))
    row = draw(st.sampled_from([5, 10, 15, 30, 60]))
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    steps = []
    for key in range(draw(st.integers(min_value=0, max_value=12))):
        offset = draw(st.integers(min_value=-120, max_value=26 * 60))
        start = (midnight + timedelta(minutes=offset)).astimezone(UTC)
        visit = _visit(key, start, 120, zone)
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            column = draw(st.sampled_from(COLUMNS)).key
            begin = draw(st.integers(min_value=0, max_value=110))
            length = draw(st.integers(min_value=1, max_value=90))
            steps.append(
                Step(
                    visit,
                    column,
                    "Procedure",
                    start + timedelta(minutes=begin),
                    start + timedelta(minutes=begin + length),
                )
            )
    return day, zone, steps, row


def _cells_by_column(grid: DayGrid) -> list[list[tuple[int, Cell]]]:
    """Per column, each cell with the row it starts on."""
    columns: list[list[tuple[int, Cell]]] = [[] for _ in grid.columns]
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row.cells):
            if cell is not None:
                columns[c].append((r, cell))
    return columns


def _open_spans(day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    return [
        (
            datetime.combine(day, time(8), tzinfo=zone),
            datetime.combine(day, time(19), tzinfo=zone),
        )
    ]


@settings(max_examples=300)
@given(days_of_steps())
def test_the_cells_of_each_column_tile_its_rows(
    case: tuple[date, ZoneInfo, list[Step], int],
) -> None:
    day, zone, steps, minutes = case
    grid = day_grid(day, zone, COLUMNS, steps, open_spans=_open_spans(day, zone),
                    row=timedelta(minutes=minutes))  # fmt: skip
    for column in _cells_by_column(grid):
        covered = 0
        for top, cell in column:
            assert top == covered, "a cell starts where the one above it ends"
            assert cell.rows >= 1
            covered += cell.rows
        assert covered == len(grid.rows)


@settings(max_examples=300)
@given(days_of_steps())
def test_every_step_of_the_day_is_shown_once_in_the_rows_it_covers(
    case: tuple[date, ZoneInfo, list[Step], int],
) -> None:
    day, zone, steps, minutes = case
    row = timedelta(minutes=minutes)
    grid = day_grid(day, zone, COLUMNS, steps, open_spans=_open_spans(day, zone), row=row)
    day_start = datetime.combine(day, time(0), tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    on_the_day = [s for s in steps if s.start < day_end and s.end > day_start]
    shown: Counter[Step] = Counter()
    index = {column.key: i for i, column in enumerate(COLUMNS)}
    for c, column in enumerate(_cells_by_column(grid)):
        for top, cell in column:
            first = grid.rows[top].start
            end = first + cell.rows * row
            for step in cell.steps:
                shown[step] += 1
                assert index[step.column] == c
                # The cell reaches over the part of the step within the day's rows.
                assert max(step.start, grid.rows[0].start) < end
                assert min(step.end, grid.rows[-1].start + row) > first
    assert shown == Counter(on_the_day)


@settings(max_examples=200)
@given(days_of_steps())
def test_the_rows_reach_from_opening_to_closing_and_any_visit_beyond(
    case: tuple[date, ZoneInfo, list[Step], int],
) -> None:
    day, zone, steps, minutes = case
    row = timedelta(minutes=minutes)
    grid = day_grid(day, zone, COLUMNS, steps, open_spans=_open_spans(day, zone), row=row)
    first, last = grid.rows[0].start, grid.rows[-1].start + row
    day_start = datetime.combine(day, time(0), tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    assert all(b.start - a.start == row for a, b in zip(grid.rows, grid.rows[1:], strict=False))
    assert first <= datetime.combine(day, time(8), tzinfo=zone)
    assert last >= datetime.combine(day, time(19), tzinfo=zone)
    assert day_start <= first and last <= day_end + row
    for step in steps:
        if step.start < day_end and step.end > day_start:
            assert first <= max(step.start, day_start)
            assert last >= min(step.end, day_end)


@settings(max_examples=200)
@given(days_of_steps())
def test_each_visit_of_the_day_has_one_link_in_its_first_column(
    case: tuple[date, ZoneInfo, list[Step], int],
) -> None:
    day, zone, steps, minutes = case
    grid = day_grid(day, zone, COLUMNS, steps, open_spans=_open_spans(day, zone),
                    row=timedelta(minutes=minutes))  # fmt: skip
    anchors: Counter[int] = Counter()
    first_column: dict[int, int] = {}
    index = {column.key: i for i, column in enumerate(COLUMNS)}
    for step in grid.steps:
        first_column[step.visit.key] = min(
            first_column.get(step.visit.key, len(COLUMNS)), index[step.column]
        )
    for c, column in enumerate(_cells_by_column(grid)):
        for _, cell in column:
            for visit in cell.visits:
                if visit.anchor:
                    anchors[visit.visit.key] += 1
                    assert c == first_column[visit.visit.key]
    assert anchors == Counter(dict.fromkeys(first_column, 1))


def test_a_closed_day_with_nothing_booked_has_no_rows() -> None:
    grid = day_grid(date(2026, 12, 25), CHICAGO, COLUMNS, [], open_spans=[])
    assert grid.rows == ()


def test_rows_are_labelled_in_the_clinics_time_from_opening() -> None:
    day = date(2026, 11, 26)
    grid = day_grid(day, CHICAGO, COLUMNS, [], open_spans=_open_spans(day, CHICAGO))
    assert [row.label for row in grid.rows[:3]] == ["8:00 a.m.", "8:15 a.m.", "8:30 a.m."]
    assert grid.rows[-1].label == "6:45 p.m."
    assert len(grid.rows) == 44


def _prp_room_cells(minutes: int) -> list[Cell]:
    day = date(2026, 11, 26)
    start = datetime(2026, 11, 26, 10, 0, tzinfo=CHICAGO)
    visit = _visit(1, start, 110)
    shapes = {
        1: [
            StepShape("room", "Blood draw", timedelta(0), timedelta(minutes=10)),
            StepShape("room", "Numbing cream", timedelta(minutes=10), timedelta(minutes=40)),
            StepShape("room", "Procedure", timedelta(minutes=40), timedelta(minutes=100)),
            StepShape("room", "Turnover", timedelta(minutes=100), timedelta(minutes=110)),
        ]
    }
    use = Use(1, 3, "room", start, start + timedelta(minutes=110))
    steps = visit_steps({1: visit}, [use], shapes)
    grid = day_grid(day, CHICAGO, COLUMNS, steps, open_spans=_open_spans(day, CHICAGO),
                    row=timedelta(minutes=minutes))  # fmt: skip
    return [cell for _, cell in _cells_by_column(grid)[2] if cell.steps]


def test_steps_that_share_a_row_share_a_cell() -> None:
    # 10:10, 10:40 and 11:40 fall inside quarter-hour rows: one cell lists the four steps.
    [room] = _prp_room_cells(15)
    assert [s.label for s in room.steps] == ["Blood draw", "Numbing cream", "Procedure", "Turnover"]
    assert [s.times for s in room.steps][:2] == ["10:00–10:10 a.m.", "10:10–10:40 a.m."]
    assert room.rows == 8
    assert room.visits[0].anchor


def test_steps_on_row_boundaries_get_cells_of_their_own() -> None:
    cells = _prp_room_cells(5)
    assert [[s.label for s in cell.steps] for cell in cells] == [
        ["Blood draw"],
        ["Numbing cream"],
        ["Procedure"],
        ["Turnover"],
    ]
    assert [cell.rows for cell in cells] == [2, 6, 12, 2]


# Steps from allocations


@st.composite
def visits_with_uses(
    draw: st.DrawFn,
) -> tuple[dict[int, Visit], list[Use], dict[int, list[StepShape]]]:
    shapes: list[StepShape] = []
    for role in ("clinician", "room"):
        minute = 0
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            minute += draw(st.integers(min_value=0, max_value=20))
            length = draw(st.integers(min_value=5, max_value=45))
            shapes.append(StepShape(role, f"{role} {minute}", timedelta(minutes=minute),
                                    timedelta(minutes=minute + length)))  # fmt: skip
            minute += length
    start = datetime(2026, 11, 26, 15, tzinfo=UTC)
    visit = _visit(1, start, 200)
    uses = []
    for role, column in (("clinician", 1), ("room", 3)):
        mine = sorted((s for s in shapes if s.role == role), key=lambda s: s.start)
        # Touching steps make one allocation, as the engine writes them.
        runs: list[list[StepShape]] = []
        for shape in mine:
            if runs and shape.start <= runs[-1][-1].end:
                runs[-1].append(shape)
            else:
                runs.append([shape])
        uses += [
            Use(1, column, role, start + run[0].start, start + max(s.end for s in run))
            for run in runs
        ]
    return {1: visit}, uses, {1: shapes}


@given(visits_with_uses())
def test_each_allocation_is_split_into_exactly_its_steps(
    case: tuple[dict[int, Visit], list[Use], dict[int, list[StepShape]]],
) -> None:
    visits, uses, shapes = case
    steps = visit_steps(visits, uses, shapes)
    start = visits[1].start
    expected = sorted(
        (start + s.start, start + s.end, s.label, 1 if s.role == "clinician" else 3)
        for s in shapes[1]
    )
    assert sorted((s.start, s.end, s.label, s.column) for s in steps) == expected
    assert all(s.start.tzinfo == UTC for s in steps)


def test_an_allocation_no_step_explains_is_shown_whole_under_the_service() -> None:
    start = datetime(2026, 11, 26, 15, tzinfo=UTC)
    visit = _visit(1, start, 30)
    use = Use(1, 4, "pen", start, start + timedelta(minutes=30))
    [step] = visit_steps({1: visit}, [use], {1: []})
    assert (step.label, step.start, step.end) == ("Micro-Needling", start, use.end)


def test_clinicians_come_first_then_rooms_then_devices() -> None:
    shuffled = [COLUMNS[3], COLUMNS[2], COLUMNS[1], COLUMNS[0]]
    assert ordered_columns(shuffled) == tuple(COLUMNS)


# The week


@settings(max_examples=200)
@given(days_of_steps())
def test_the_week_lists_every_step_once_under_its_day_and_resource(
    case: tuple[date, ZoneInfo, list[Step], int],
) -> None:
    day, zone, steps, _ = case
    days = [day + timedelta(days=i) for i in range(-1, 6)]
    table = week_table(days, zone, COLUMNS, steps)
    listed: Counter[Step] = Counter()
    anchors: Counter[int] = Counter()
    for week_day in table.days:
        for column, entries in zip(COLUMNS, week_day.cells, strict=True):
            assert [e.start for e in entries] == sorted(e.start for e in entries)
            for entry in entries:
                assert entry.start.astimezone(zone).date() == week_day.day
                anchors[entry.visit.key] += entry.anchor
                for step in steps:
                    if (
                        step.visit == entry.visit
                        and step.column == column.key
                        and entry.start <= step.start < entry.end
                    ):
                        listed[step] += 1
    in_week = [s for s in steps if _run_day(s, steps, zone) in days]
    assert listed == Counter(in_week)
    assert all(count <= 1 for count in anchors.values())


def _run_day(step: Step, steps: list[Step], zone: ZoneInfo) -> date:
    """The local day the run holding ``step`` starts on (a run: touching steps of one visit
    on one resource)."""
    mine = sorted(
        (s for s in steps if s.visit == step.visit and s.column == step.column),
        key=lambda s: (s.start, s.end),
    )
    start, end = mine[0].start, mine[0].end
    for other in mine:
        if other.start > end:
            if other.start > step.start:
                break
            start, end = other.start, other.end
        else:
            end = max(end, other.end)
    return start.astimezone(zone).date()


def test_times_across_noon_say_both_halves_of_the_day() -> None:
    start = datetime(2026, 11, 26, 11, 30, tzinfo=CHICAGO)
    visit = _visit(1, start, 40)
    assert visit.times == "11:30 a.m.–12:10 p.m."
    assert _visit(2, start + timedelta(hours=2), 30).times == "1:30–2:00 p.m."
