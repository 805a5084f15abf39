"""A booking storm: 200 patients choosing times at once, many the same, over real HTTP."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from pytest_django.fixtures import Settings

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
ATTEMPTS = 200
WORKERS = 32


class PooledWSGIServer(ThreadedWSGIServer):
    """The test server, sized like a production one: a pool of workers and a deep queue.

    Django's test server starts a thread (and a database connection) per request, so 200
    patients at once would ask PostgreSQL for 200 connections (it allows 100) and the
    socket's default backlog of 5 would turn most of them away. gunicorn queues them
    (backlog 2048) for a fixed number of workers; so does this.
    """

    request_queue_size = 512
    workers = threading.BoundedSemaphore(WORKERS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.workers.acquire()
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.workers.release()


LiveServerThread.server_class = PooledWSGIServer
OVERLAPS_SQL = """
    SELECT COUNT(*) FROM scheduling_allocation a
    JOIN scheduling_allocation b
      ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def clinic(transactional_db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def attempt(base: str, slug: str, start: datetime, barrier: threading.Barrier, address: str) -> str:
    """One patient: open the day's times (for the form token), wait for all, pick a time.

    Each patient comes from an address of their own, as our proxy would tell (one client
    may hold only a few times at once).
    """
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), NoRedirect())
    opener.addheaders = [("X-Forwarded-For", address)]
    day = start.date().isoformat()
    with opener.open(f"{base}/book/{slug}/{day}/", timeout=60) as page:
        html = page.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        return "error: no form"
    barrier.wait()
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "start": start.isoformat()}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 -- our own live test server
        f"{base}/book/{slug}/hold/", data=body, headers={"Referer": f"{base}/book/"}
    )
    try:
        with opener.open(request, timeout=120) as response:
            return f"unexpected {response.status}"
    except urllib.error.HTTPError as answer:
        text = answer.read().decode()
        if answer.code == 302 and answer.headers["Location"] in ("/book/details/", "/book/course/"):
            return "held"
        if (
            answer.code == 409
            and "just been taken" in text
            and "close to the one you chose" in text
        ):
            return "taken, with alternatives"
        if answer.code == 409:
            return "taken, no alternatives"
        return f"error {answer.code}"


def test_a_storm_of_bookings_leaves_no_overlap_and_no_error(
    clinic: Location, live_server: object, settings: Settings
) -> None:
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 1
    base = str(live_server)
    zone = clinic.zone
    # Twenty patients on each of ten popular times on a Friday with two clinicians; PRP
    # (one centrifuge) is asked for at every one of them, beside the other treatments.
    starts = [datetime(2026, 11, 27, 9, tzinfo=zone) + timedelta(minutes=30 * i) for i in range(10)]
    slugs = ["micro-needling-prp", "micro-needling", "consultation", "micro-needling-prp"]
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            address = f"198.51.{100 + i // 250}.{i % 250 + 1}"
            result = attempt(base, slugs[i % len(slugs)], starts[i % len(starts)], barrier, address)
        except Exception as error:  # any other outcome fails the test below
            result = f"error {type(error).__name__}"
        with lock:
            outcomes[result] += 1

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"\nStorm on {connection.vendor}: {dict(outcomes)}, bookings {Booking.objects.count()}")
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        overlaps = cursor.fetchone()[0]
    assert overlaps == 0
    assert sum(outcomes.values()) == ATTEMPTS
    assert set(outcomes) <= {"held", "taken, with alternatives"}, outcomes
    assert outcomes["held"] == Booking.objects.count() > 0
