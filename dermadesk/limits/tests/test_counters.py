"""Rate limits counted in the database: exact, per client, and shared by every process."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from dermadesk.limits.counters import rate_hit
from dermadesk.limits.models import RateCounter
from dermadesk.limits.tests.processes import environment, python
from dermadesk.limits.windows import Rate, parse_rate

NOW = datetime(2026, 11, 25, 20, 0, 30, tzinfo=UTC)
THREE_A_MINUTE = Rate(limit=3, seconds=60)


def hits(
    client: str, count: int, *, now: datetime = NOW, rate: Rate = THREE_A_MINUTE
) -> list[bool]:
    return [rate_hit(scope="test", client=client, rate=rate, now=now).allowed for _ in range(count)]


@pytest.mark.django_db
def test_a_client_gets_the_limit_then_is_refused_until_the_next_window() -> None:
    assert hits("198.51.100.7", 5) == [True, True, True, False, False]
    refused = rate_hit(scope="test", client="198.51.100.7", rate=THREE_A_MINUTE, now=NOW)
    assert refused.retry_after == 30
    assert hits("198.51.100.7", 1, now=NOW + timedelta(seconds=30)) == [True]


@pytest.mark.django_db
def test_each_client_and_each_limit_counts_on_its_own() -> None:
    assert hits("198.51.100.7", 4) == [True, True, True, False]
    assert hits("198.51.100.8", 1) == [True]
    assert rate_hit(scope="other", client="198.51.100.7", rate=THREE_A_MINUTE, now=NOW).allowed


@pytest.mark.django_db
def test_a_late_request_from_a_slower_clock_counts_in_the_newer_window() -> None:
    hits("198.51.100.7", 3, now=NOW + timedelta(minutes=1))
    assert hits("198.51.100.7", 1, now=NOW) == [False]


@pytest.mark.django_db
def test_the_client_is_kept_only_as_a_digest_and_old_windows_are_forgotten() -> None:
    hits("198.51.100.7", 1)
    assert not RateCounter.objects.filter(key__contains="198.51.100.7").exists()
    hits("198.51.100.8", 1, now=NOW + timedelta(minutes=5))  # a new window: old ones go
    assert RateCounter.objects.count() == 1


COUNT_IN_A_PROCESS = """
import time
from datetime import datetime, UTC
from dermadesk.limits.counters import rate_hit
from dermadesk.limits.windows import parse_rate
now = datetime(2026, 11, 25, 20, 0, 30, tzinfo=UTC)
time.sleep(max(0, {start_at} - time.time()))  # both processes start counting together
allowed = sum(
    rate_hit(scope="shared", client="198.51.100.7", rate=parse_rate("{rate}"), now=now).allowed
    for _ in range({hits})
)
print(allowed)
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_counting_at_once_share_one_limit() -> None:
    """Each of two processes tries 150 times at once; together they get exactly 200."""
    env = environment()
    start_at = time.time() + 4  # once both have set Django up
    code = COUNT_IN_A_PROCESS.format(rate="200/m", hits=150, start_at=start_at)
    processes = [python(code, env) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    allowed = [int(out) for out, _ in outputs]
    print(f"\nallowed per process: {allowed}")
    assert sum(allowed) == 200
    assert min(allowed) > 0  # they did count at the same time
    with time_machine.travel(NOW, tick=False):
        assert not rate_hit(
            scope="shared", client="198.51.100.7", rate=parse_rate("200/m"), now=NOW
        ).allowed
