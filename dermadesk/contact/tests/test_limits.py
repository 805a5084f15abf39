from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.contact.limits import wait_before_next

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_below_the_limit_one_more_is_allowed() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (5, 10)]
    assert wait_before_next(recent, now=NOW, limit=3, window=HOUR) is None


def test_at_the_limit_the_wait_is_until_the_oldest_counted_leaves_the_window() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (50, 10, 5)]
    assert wait_before_next(recent, now=NOW, limit=3, window=HOUR) == timedelta(minutes=10)


def test_messages_older_than_the_window_do_not_count() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (61, 90, 5)]
    assert wait_before_next(recent, now=NOW, limit=2, window=HOUR) is None


def test_a_limit_of_zero_means_no_limit() -> None:
    assert wait_before_next([NOW] * 50, now=NOW, limit=0, window=HOUR) is None


@given(
    st.lists(st.integers(min_value=0, max_value=3600), max_size=12),
    st.integers(min_value=1, max_value=6),
)
def test_after_the_wait_one_more_fits_and_not_a_moment_before(
    seconds_ago: list[int], limit: int
) -> None:
    recent = [NOW - timedelta(seconds=s) for s in seconds_ago]
    wait = wait_before_next(recent, now=NOW, limit=limit, window=HOUR)

    def count_at(moment: datetime) -> int:
        return sum(1 for t in recent if moment - HOUR < t <= moment)

    if wait is None:
        assert count_at(NOW) < limit
    else:
        assert wait > timedelta(0)
        assert count_at(NOW + wait) < limit
        assert count_at(NOW + wait - timedelta(microseconds=1)) >= limit
