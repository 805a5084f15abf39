"""Rates as counts in fixed windows, and the room left for holds: the arithmetic alone."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.limits.fair_use import has_room, may_extend, wait_for_room, wait_in_words
from dermadesk.limits.windows import Rate, judge, parse_rate, window_start

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "rate"),
    [("120/m", Rate(120, 60)), ("2000/h", Rate(2000, 3600)), ("5/10m", Rate(5, 600)),
     ("1/d", Rate(1, 86400)), (" 3 / s ", Rate(3, 1))],
)  # fmt: skip
def test_rates_are_read_as_requests_per_period(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "120", "0/m", "12/0m", "5/w", "-1/m", "ten/m"])
def test_a_rate_that_says_nothing_sensible_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        parse_rate(text)


def simulate(times: list[float], rate: Rate) -> list[bool]:
    """The shared counter, as the database keeps it: one count per window, refusals too."""
    counts: Counter[int] = Counter()
    verdicts = []
    for at in times:
        start = window_start(at, rate)
        counts[start] += 1
        verdicts.append(judge(counts[start], at=at, rate=rate).allowed)
    return verdicts


requests = st.lists(st.floats(0, 10_000, allow_nan=False), max_size=200).map(sorted)
rates = st.builds(Rate, st.integers(1, 20), st.sampled_from([1, 10, 60, 600]))


@given(requests, rates)
def test_the_first_requests_of_each_window_up_to_the_limit_pass(
    times: list[float], rate: Rate
) -> None:
    verdicts = simulate(times, rate)
    seen: Counter[int] = Counter()
    for at, allowed in zip(times, verdicts, strict=True):
        seen[window_start(at, rate)] += 1
        assert allowed == (seen[window_start(at, rate)] <= rate.limit)


@given(requests, rates)
def test_no_span_of_one_window_lets_more_than_twice_the_limit_through(
    times: list[float], rate: Rate
) -> None:
    passed = [at for at, ok in zip(times, simulate(times, rate), strict=True) if ok]
    for index, first in enumerate(passed):
        inside = [at for at in passed[index:] if at < first + rate.seconds]
        assert len(inside) <= 2 * rate.limit


@given(st.floats(0, 1e9, allow_nan=False), rates, st.integers(1, 50))
def test_a_refused_request_is_told_to_wait_until_the_next_window(
    at: float, rate: Rate, hits: int
) -> None:
    verdict = judge(rate.limit + hits, at=at, rate=rate)
    assert not verdict.allowed
    assert 1 <= verdict.retry_after <= rate.seconds + 1
    assert window_start(at + verdict.retry_after, rate) > window_start(at, rate)


ends = st.lists(st.integers(-30, 30).map(lambda m: NOW + timedelta(minutes=m)), max_size=8)


@given(ends, st.integers(1, 5))
def test_one_more_may_start_exactly_when_fewer_than_the_limit_are_running(
    current: list[datetime], limit: int
) -> None:
    wait = wait_for_room(current, now=NOW, limit=limit)
    running = [end for end in current if end > NOW]
    assert (wait is None) == (len(running) < limit)
    if wait is not None:  # after the wait, one more fits; a moment before, it did not
        later = NOW + wait
        assert wait > timedelta(0)
        assert wait_for_room(current, now=later, limit=limit) is None
        assert wait_for_room(current, now=later - timedelta(seconds=1), limit=limit) is not None


def test_no_limit_when_the_limit_is_zero() -> None:
    assert wait_for_room([NOW + timedelta(hours=1)] * 9, now=NOW, limit=0) is None


@given(st.integers(0, 10), st.integers(0, 10))
def test_one_more_may_open_below_the_limit_or_without_one(running: int, limit: int) -> None:
    assert has_room(running, limit=limit) == (limit == 0 or running < limit)


def test_a_hold_may_be_extended_the_allowed_number_of_times() -> None:
    assert [may_extend(n, allowed=2) for n in range(4)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "a minute"), (60, "a minute"), (61, "2 minutes"), (3600, "60 minutes"),
     (7200, "2 hours"), (7201, "3 hours")],
)  # fmt: skip
def test_waits_are_said_plainly_and_rounded_up(seconds: int, words: str) -> None:
    assert wait_in_words(timedelta(seconds=seconds)) == words
