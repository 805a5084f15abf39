"""A grouped bar chart laid out for drawing as SVG on the server: where each bar goes, how
tall it is, and the scale's ticks.

Pure: numbers in, positions out (in the SVG's own units). The template draws them with
classes for colours (no inline style), and prints each bar's value above it, so the chart
reads without telling colours apart; a table beside it gives the same numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    series: int
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Group:
    label: str
    x: float
    """The middle of the group, where its label goes."""
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float
    top: float
    bottom: float
    """The y of the baseline (zero)."""
    right: float
    series: tuple[str, ...]
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]


def scale_top(largest: int) -> tuple[int, int]:
    """A round top for the scale at or above ``largest``, and the step between ticks.

    The step is 1, 2 or 5 times a power of ten, giving at most five steps.
    """
    if largest <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            steps = -(-largest // step)  # ceiling division
            if steps <= 5:
                return steps * step, step
        magnitude *= 10


def grouped_bars(
    groups: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[str],
    *,
    width: float = 720,
    height: float = 300,
    left: float = 48,
    top: float = 24,
    bottom_space: float = 48,
) -> Chart:
    """Lay out one group of bars per label (one bar per series, in order) over a shared scale."""
    if any(len(values) != len(series) for _, values in groups):
        raise ValueError("Each group needs one value per series.")
    if any(value < 0 for _, values in groups for value in values):
        raise ValueError("Bars count things: no negative values.")
    bottom = height - bottom_space
    right = width - 8
    largest = max((value for _, values in groups for value in values), default=0)
    top_value, step = scale_top(largest)
    plot_height = bottom - top
    slot = (right - left) / max(len(groups), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    laid_out = []
    for index, (label, values) in enumerate(groups):
        start = left + slot * index + slot * 0.1
        bars = []
        for number, value in enumerate(values):
            bar_height = plot_height * value / top_value
            bars.append(
                Bar(
                    series=number,
                    value=value,
                    x=round(start + bar_width * number, 2),
                    y=round(bottom - bar_height, 2),
                    width=round(bar_width, 2),
                    height=round(bar_height, 2),
                )
            )
        laid_out.append(
            Group(label=label, x=round(left + slot * (index + 0.5), 2), bars=tuple(bars))
        )
    ticks = tuple(
        Tick(value=value, y=round(bottom - plot_height * value / top_value, 2))
        for value in range(0, top_value + 1, step)
    )
    return Chart(
        width=width, height=height, left=left, top=top, bottom=bottom, right=right,
        series=tuple(series), groups=tuple(laid_out), ticks=ticks,
    )  # fmt: skip
