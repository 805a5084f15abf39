"""Availability through the HTTP API, and the same reads in the process, on one database.

Run ``make bench`` (or ``.venv/bin/python bench/availability_http.py``); it prints a markdown
table, and with ``--json`` also the figures as JSON on the last line (``bench/peer.py``
reads it).

The clinic and its 5,000 bookings are those of ``bench/availability.py``, placed around the
present hour (the API answers from the clock, so the bookings must lie around today). Then:

- reads + engine: ``availability_inputs`` and ``bookable_starts`` for 31 days, in this
  process, as the API's view calls them;
- the API: ``GET /api/services/{slug}/availability`` for the 31 days from tomorrow, over
  HTTP, one request at a time, each on a new connection, from a production server
  (``DEBUG=0``, the static files collected, the rate limit raised through
  ``API_RATE_LIMIT``): the README's production server by default (``--server``,
  ``--workers``, ``--threads`` for another). The time is from sending the request to the
  last byte of the answer.

SQLite in a temporary folder; set BENCH_DATABASE_URL to measure PostgreSQL instead.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import availability as bench  # sets the environment up and starts Django

from dermadesk.scheduling.models import Booking, Service

sys.path.insert(0, str(bench.ROOT / "scripts"))
from lighthouse import (  # the audit's production-like server, reused
    HOST,
    VENV_BIN,
    free_port,
    server_environment,
    stop_server,
    wait_until_up,
)
from public_load import PRODUCTION, Server  # the README's production server

DAYS = 31
REQUESTS = 200
WARM_UP = 20
RATE_LIMIT = "1000000/m"  # the bench's one client would be refused at the default 120/m


def start_server(server: Server) -> tuple[subprocess.Popen[bytes], int]:
    """A production server on the bench's database (its static files collected first)."""
    env = server_environment(Path(os.environ["DERMADESK_VAR_DIR"]))
    env |= {"API_RATE_LIMIT": RATE_LIMIT, "LOG_LEVEL": "WARNING"}
    if "BENCH_DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=bench.ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(server.command(port), cwd=bench.ROOT, env=env)
    wait_until_up(f"http://{HOST}:{port}", process)
    return process, port


def get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        answer = connection.getresponse()
        body = answer.read()
    finally:
        connection.close()
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}: {body[:300]!r}")
    return body


def timed(function: Callable[[], object], runs: int, warm_up: int) -> list[float]:
    """Milliseconds per call, sorted, after ``warm_up`` calls that are not counted."""
    for _ in range(warm_up):
        function()
    samples = []
    for _ in range(runs):
        began = clock.perf_counter()
        function()
        samples.append((clock.perf_counter() - began) * 1000)
    return sorted(samples)


def figures(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "n": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=["gunicorn", "granian"], default=PRODUCTION.name)
    parser.add_argument("--workers", type=int, default=PRODUCTION.workers)
    parser.add_argument("--threads", type=int, default=PRODUCTION.threads)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--json", action="store_true", help="the figures as JSON, last line")
    options = parser.parse_args()

    location = bench.build_clinic()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    placed = bench.populate(location, 5000, now=now)
    zone = location.zone
    first_day = (now.astimezone(zone) + timedelta(days=1)).date()
    last_day = first_day + timedelta(days=DAYS)
    in_window = Booking.objects.filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=DAYS))
    print(
        f"{placed} bookings placed around {now:%Y-%m-%d %H:%M} UTC, {in_window.count()} in the "
        f"{DAYS} days ahead; the API asked for {first_day} to {last_day} (end excluded).\n"
        f"{options.server}, {options.workers} workers × {options.threads} threads; "
        f"milliseconds.\n"
    )
    results: dict[str, dict[str, object]] = {}
    print("| service | reads + engine | p95 | API over HTTP | p95 | starts |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    server, port = start_server(Server(options.server, options.workers, options.threads))
    try:
        for service in Service.objects.filter(active=True, bookable_online=True):
            path = (
                f"/api/services/{service.slug}/availability"
                f"?start={first_day}&end={last_day}&location={location.slug}"
            )
            starts = len(json.loads(get(port, path))["slots"])
            reads = partial(bench.availability, location, service, DAYS, now)
            in_process = figures(timed(reads, 50, 3))
            over_http = figures(timed(partial(get, port, path), options.requests, WARM_UP))
            results[service.slug] = {"reads_engine": in_process, "api": over_http, "starts": starts}
            print(
                f"| {service.name} | {in_process['median_ms']:.1f} | {in_process['p95_ms']:.1f} "
                f"| {over_http['median_ms']:.1f} | {over_http['p95_ms']:.1f} | {starts} |"
            )
    finally:
        stop_server(server)
    if options.json:
        print(json.dumps({"server": options.server, "days": DAYS, "services": results}))


if __name__ == "__main__":
    main()
