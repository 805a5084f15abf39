from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.notifications.retry import gives_up, next_attempt_at, retry_delay, stale_before

BASE = timedelta(seconds=30)
CAP = timedelta(hours=1)


def test_waits_double_after_each_failed_attempt_up_to_the_cap() -> None:
    delays = [retry_delay(n, base=BASE, cap=CAP).total_seconds() for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


@given(st.integers(min_value=1, max_value=10_000))
def test_the_wait_never_exceeds_the_cap_nor_shrinks(attempts: int) -> None:
    delay = retry_delay(attempts, base=BASE, cap=CAP)
    assert BASE <= delay <= CAP
    assert retry_delay(attempts + 1, base=BASE, cap=CAP) >= delay


def test_attempts_are_counted_from_one() -> None:
    with pytest.raises(ValueError):
        retry_delay(0, base=BASE, cap=CAP)


def test_next_attempt_is_the_delay_after_now() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_attempt_at(2, now=now, base=BASE, cap=CAP) == now + timedelta(seconds=60)


def test_gives_up_only_at_the_last_attempt() -> None:
    assert not gives_up(11, max_attempts=12)
    assert gives_up(12, max_attempts=12)


def test_sending_for_longer_than_the_timeout_is_stale() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert stale_before(now, sending_timeout=timedelta(minutes=10)) == datetime(
        2026, 1, 1, 11, 50, tzinfo=UTC
    )
