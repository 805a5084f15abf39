"""Public pages and the availability endpoint under load: production settings, 50 connections.

Run ``make bench`` (or ``.venv/bin/python bench/public_load.py``); needs Debian's ``wrk``.
It serves a throw-away clinic (SQLite, the demo data, static files collected and compressed,
5,000 bookings placed as in ``bench/availability.py``) with the production server of the
README (``PRODUCTION`` below), and loads every page of the sitemap, then
``GET /api/services/consultation/availability`` for 31 days, for ``--seconds`` each.

``--compare`` tries gunicorn and granian with several worker and thread settings instead,
on three pages and the endpoint, ``--rounds`` times in turn, and prints the median of the
rounds for each setting.

The bar (brief §4): at least 1,000 requests/s with p99 at most 100 ms on 2 cores (the goal
of issue 17: 2,000 and 50 ms). The load generator runs on the same two cores, so the
figures are a lower bound.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from lighthouse import (  # noqa: E402 -- the audit's production-like server, reused
    HOST,
    VENV_BIN,
    free_port,
    prepare_site,
    server_environment,
    sitemap_urls,
    stop_server,
    wait_until_up,
)

CONNECTIONS = 50
SECONDS = 10
WARM_UP_SECONDS = 1
# The bench's one address would be refused at the default 120 requests a minute.
RATE_LIMIT = "100000000/m"
DAYS = 31


@dataclass(frozen=True)
class Server:
    name: str
    workers: int
    threads: int = 1

    def __str__(self) -> str:
        return f"{self.name} {self.workers}×{self.threads}"

    def command(self, port: int) -> list[str]:
        """The command line that serves dermadesk, as the README's production section has it."""
        if self.name == "granian":
            return [
                str(VENV_BIN / "granian"), "--interface", "wsgi", "dermadesk.wsgi:application",
                "--host", HOST, "--port", str(port), "--workers", str(self.workers),
                "--blocking-threads", str(self.threads), "--no-ws", "--log-level", "warning",
            ]  # fmt: skip
        return [
            str(VENV_BIN / "gunicorn"), "dermadesk.wsgi", "-b", f"{HOST}:{port}",
            "-w", str(self.workers), "--threads", str(self.threads),
            "--no-control-socket", "--log-level=warning",
        ]  # fmt: skip


# What the README's production section runs: the winner of ``--compare`` (docs/performance.md).
PRODUCTION = Server("gunicorn", workers=2, threads=1)
CANDIDATES = [
    Server("gunicorn", 2),
    Server("gunicorn", 3),
    Server("gunicorn", 4),
    Server("gunicorn", 2, threads=4),
    Server("granian", 1),
    Server("granian", 2),
    Server("granian", 3),
    Server("granian", 2, threads=2),
]
COMPARED_PAGES = ["/", "/micro-needling/", "/contact/"]


@dataclass(frozen=True)
class Load:
    rate: float
    p99_ms: float
    errors: int


def milliseconds(text: str) -> float:
    """wrk's latency ("812.00us", "41.3ms", "1.02s", "1.10m") in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if found is None:
        raise ValueError(f"wrk wrote a latency this script cannot read: {text!r}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
    return float(found.group(1)) * scale[found.group(2)]


def measure(url: str, seconds: int) -> Load:
    """Requests per second, p99 latency and the count of failed or non-2xx answers."""
    result = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    output = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    tail = re.search(r"^\s+99%\s+(\S+)\s*$", output, re.MULTILINE)
    if tail is None:
        raise RuntimeError(f"wrk gave no latency distribution for {url}:\n{output}")
    p99 = milliseconds(tail.group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if failed:
        errors += sum(int(count) for count in failed.groups())
    return Load(rate, p99, errors)


def prepare(folder: Path) -> dict[str, str]:
    """The site with the demo data and 5,000 bookings; the environment its server gets."""
    env = server_environment(folder) | {"LOG_LEVEL": "WARNING", "API_RATE_LIMIT": RATE_LIMIT}
    prepare_site(env)
    subprocess.run(
        [str(VENV_BIN / "python"), "-c",
         "import availability as b; from datetime import datetime, UTC; "
         "b.populate(b.build_clinic(), 5000, "
         "now=datetime.now(UTC).replace(minute=0, second=0, microsecond=0))"],
        cwd=ROOT / "bench", env=env, check=True,
    )  # fmt: skip
    return env


def availability_path() -> str:
    first = datetime.now(UTC).date() + timedelta(days=1)
    return f"/api/services/consultation/availability?start={first}&end={first + timedelta(DAYS)}"


def serve(
    server: Server, env: dict[str, str], paths: list[str]
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server, then warm it up: every worker reads the clinic's setup and keeps
    the pages, as after a minute in production (else the first page measured pays it)."""
    port = free_port()
    process = subprocess.Popen(server.command(port), cwd=ROOT, env=env)
    base = f"http://{HOST}:{port}"
    wait_until_up(base, process)
    warm_up(base, paths)
    return process, base


def warm_up(base: str, paths: list[str]) -> None:
    for path in paths:
        measure(f"{base}{path}", WARM_UP_SECONDS)
    # wrk stops sending, but the server still answers what is queued (slow availability
    # answers, up to 50 of them): let it finish, or the first page measured waits for them.
    time.sleep(2)


def every_page(server: Server, env: dict[str, str], seconds: int) -> None:
    process, base = serve(server, env, [])
    try:
        paths = [urlsplit(url).path for url in sitemap_urls(base)] + [availability_path()]
        warm_up(base, paths)
        print(f"{server}, {CONNECTIONS} connections, {seconds} s a page.\n")
        print("| page | requests/s | p99 ms | errors |")
        print("| --- | ---: | ---: | ---: |")
        for path in paths:
            load = measure(f"{base}{path}", seconds)
            shown = urlsplit(path).path
            print(f"| {shown} | {load.rate:.0f} | {load.p99_ms:.1f} | {load.errors} |")
    finally:
        stop_server(process)


def compare(env: dict[str, str], seconds: int, rounds: int) -> None:
    paths = [*COMPARED_PAGES, availability_path()]
    names = [*COMPARED_PAGES, "availability, 31 days"]
    loads: dict[tuple[Server, str], list[Load]] = {}
    for done in range(rounds):
        print(f"round {done + 1}: load average {os.getloadavg()}", file=sys.stderr)
        for server in CANDIDATES:
            process, base = serve(server, env, paths)
            try:
                for path, name in zip(paths, names, strict=True):
                    try:
                        load = measure(f"{base}{path}", seconds)
                    except (RuntimeError, ValueError) as refused:
                        print(f"round {done + 1}: {server}: {name}: {refused}", file=sys.stderr)
                        continue
                    loads.setdefault((server, name), []).append(load)
                    print(
                        f"round {done + 1}: {server}: {name}: {load.rate:.0f}/s, "
                        f"p99 {load.p99_ms:.1f} ms, {load.errors} errors",
                        file=sys.stderr,
                    )
            finally:
                stop_server(process)
    print(f"\nMedians of {rounds} rounds, {CONNECTIONS} connections, {seconds} s each.\n")
    print("| server | " + " | ".join(f"{name} req/s | p99 ms" for name in names) + " |")
    print("| --- |" + " ---: | ---: |" * len(names))
    for server in CANDIDATES:
        cells = []
        for name in names:
            measured = loads.get((server, name), [])
            if not measured:
                cells.append("– | –")
                continue
            rate = statistics.median(load.rate for load in measured)
            p99 = statistics.median(load.p99_ms for load in measured)
            failed = sum(load.errors for load in measured)
            cells.append(f"{rate:.0f} | {p99:.1f}{f' ({failed} errors)' if failed else ''}")
        print(f"| {server} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", action="store_true", help="both servers, several settings")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dermadesk-load-") as folder:
        env = prepare(Path(folder))
        if options.compare:
            compare(env, options.seconds, options.rounds)
        else:
            every_page(PRODUCTION, env, options.seconds)


if __name__ == "__main__":
    main()
