"""Public pages under load: gunicorn with production settings, 50 connections from wrk.

Run ``make bench`` (or ``.venv/bin/python bench/public_load.py``); needs Debian's ``wrk``.
The bar (brief §4): at least 1,000 requests/s with p99 at most 100 ms on 2 cores. The load
generator runs on the same two cores, so the figures are a lower bound.
"""

import re
import subprocess
import sys
import tempfile
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

WORKERS = 3
CONNECTIONS = 50
SECONDS = 10


def measure(url: str) -> tuple[float, str, str]:
    """Requests per second, p99 latency and the count of non-2xx answers for one page."""
    result = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    output = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p99, errors.group(1) if errors else "0"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dermadesk-load-") as folder:
        env = server_environment(Path(folder)) | {"LOG_LEVEL": "WARNING"}
        prepare_site(env)
        port = free_port()
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "dermadesk.wsgi", "-b", f"{HOST}:{port}",
             "-w", str(WORKERS), "--no-control-socket", "--log-level=warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            base = f"http://{HOST}:{port}"
            wait_until_up(base, server)
            print(f"{WORKERS} gunicorn workers, {CONNECTIONS} connections, {SECONDS} s a page.\n")
            print("| page | requests/s | p99 | non-2xx |")
            print("| --- | ---: | ---: | ---: |")
            for url in sitemap_urls(base):
                rate, p99, errors = measure(url)
                print(f"| {urlsplit(url).path} | {rate:.0f} | {p99} | {errors} |")
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
