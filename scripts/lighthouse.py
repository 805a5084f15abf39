"""Lighthouse audit of every public page, served the way production serves it.

Sets up a throw-away clinic (SQLite, demo data, collected and compressed static files) in a
temporary directory, runs gunicorn on 127.0.0.1, audits each page listed in /sitemap.xml with
Lighthouse's default mobile profile, prints a table and fails (exit 1) when a page scores
below the bar in any category, weighs too much, or makes a request to another host.
JSON reports go to var/lighthouse/. Needs `npm ci` (Lighthouse) and Debian's Chromium.

Usage: .venv/bin/python scripts/lighthouse.py
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORT_DIR = ROOT / "var" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync"
)
HOST = "127.0.0.1"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MIN_SCORE = 0.98
# The brief's "< 60 KB transferred", read strictly: 60,000 bytes, not 60 KiB.
MAX_PAGE_BYTES = 60_000
SERVER_START_SECONDS = 30
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@dataclass
class PageAudit:
    url: str
    scores: dict[str, float | None] = field(default_factory=dict)
    transferred_bytes: int | None = None
    foreign_requests: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def problems(self) -> list[str]:
        if self.error:
            return [f"{self.path}: Lighthouse failed: {self.error}"]
        found = [
            f"{self.path}: {name} {format_score(score)} < {MIN_SCORE}"
            for name, score in self.scores.items()
            if score is None or score < MIN_SCORE
        ]
        if self.transferred_bytes is None or self.transferred_bytes >= MAX_PAGE_BYTES:
            weight, limit = format_bytes(self.transferred_bytes), format_bytes(MAX_PAGE_BYTES)
            found.append(f"{self.path}: {weight} transferred, must be < {limit}")
        found.extend(f"{self.path}: request to {url}" for url in self.foreign_requests)
        return found


def server_environment(var_dir: Path) -> dict[str, str]:
    """Production settings, except plain HTTP on 127.0.0.1, with everything kept in var_dir."""
    env = dict(os.environ)
    # A database or static root from the caller's environment must not be touched.
    for name in ("DATABASE_URL", "STATIC_ROOT", "MEDIA_ROOT", "BEHIND_PROXY"):
        env.pop(name, None)
    env.update(
        DERMADESK_VAR_DIR=str(var_dir),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS=HOST,
        STATIC_MANIFEST="1",
    )
    return env


def prepare_site(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "--noinput", "--verbosity=0"],
        ["demo", "--verbosity=0"],
        ["collectstatic", "--noinput", "--verbosity=0"],
    ):
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [str(VENV_BIN / "gunicorn"), "dermadesk.wsgi", "-b", f"{HOST}:{port}", "-w", "2"]
    # No control socket: its default path is shared with any other gunicorn on the machine.
    command += ["--no-control-socket", "--log-level=warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/robots.txt", timeout=5):
                return
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"gunicorn answered /robots.txt with {error.code}") from error
        except OSError:  # Not listening yet, or a worker still booting (timeout).
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_SECONDS} s")


def sitemap_urls(base_url: str) -> list[str]:
    """The public pages, as the site lists them for search engines."""
    with urllib.request.urlopen(f"{base_url}/sitemap.xml", timeout=10) as response:
        # Our own server's sitemap, just generated from our own rows.
        tree = ElementTree.fromstring(response.read())  # noqa: S314
    urls = [loc.text.strip() for loc in tree.iterfind("sm:url/sm:loc", SITEMAP_NS) if loc.text]
    if not urls:
        raise RuntimeError("the sitemap lists no pages")
    strangers = [url for url in urls if urlsplit(url).hostname != HOST]
    if strangers:
        raise RuntimeError(f"the sitemap lists pages on other hosts: {strangers}")
    return urls


def report_path(url: str) -> Path:
    name = urlsplit(url).path.strip("/").replace("/", "--") or "home"
    return REPORT_DIR / f"{name}.report.json"


def run_lighthouse(url: str) -> PageAudit:
    output = report_path(url)
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if finished.returncode != 0:
        last_line = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        return PageAudit(url, error=f"exit code {finished.returncode}: {last_line}")
    return read_report(url, json.loads(output.read_text()))


# Lighthouse's own failures to record a trace (not a low score): worth one more go.
TRANSIENT_ERRORS = ("NO_NAVSTART", "NO_FCP", "PROTOCOL_TIMEOUT", "Please run Lighthouse again")
ATTEMPTS = 3


def audit_page(url: str) -> PageAudit:
    """Lighthouse on ``url``, run again (at most twice) when Lighthouse itself fails."""
    for _ in range(ATTEMPTS - 1):
        audit = run_lighthouse(url)
        if audit.error is None or not any(e in audit.error for e in TRANSIENT_ERRORS):
            return audit
        print(f"{urlsplit(url).path}: Lighthouse could not record the page ({audit.error}); "
              "running it again.", file=sys.stderr)  # fmt: skip
    return run_lighthouse(url)


def read_report(url: str, report: dict[str, Any]) -> PageAudit:
    audit = PageAudit(url)
    if runtime_error := report.get("runtimeError"):
        audit.error = f"{runtime_error.get('code')}: {runtime_error.get('message')}"
    audit.scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    audits = report["audits"]
    weight = audits["total-byte-weight"].get("numericValue")
    audit.transferred_bytes = None if weight is None else round(weight)
    requests = (audits["network-requests"].get("details") or {}).get("items", [])
    audit.foreign_requests = [
        item["url"]
        for item in requests
        if urlsplit(item["url"]).scheme not in ("data", "blob")
        and urlsplit(item["url"]).hostname != HOST
    ]
    return audit


def format_score(score: float | None) -> str:
    return "  —  " if score is None else f"{score:.2f}"


def format_bytes(size: int | None) -> str:
    return "unknown" if size is None else f"{size / 1000:.1f} kB"


def print_table(audits: list[PageAudit]) -> None:
    width = max(len("page"), *(len(audit.path) for audit in audits))
    header = [f"{'page':<{width}}", *(f"{name:>14}" for name in CATEGORIES), f"{'transferred':>12}"]
    print("  ".join(header))
    for audit in audits:
        cells = [f"{audit.path:<{width}}"]
        cells.extend(f"{format_score(audit.scores.get(name)):>14}" for name in CATEGORIES)
        cells.append(f"{format_bytes(audit.transferred_bytes):>12}")
        print("  ".join(cells))


def audit_site() -> list[PageAudit]:
    with tempfile.TemporaryDirectory(prefix="dermadesk-lighthouse-") as var_dir:
        env = server_environment(Path(var_dir))
        prepare_site(env)
        port = free_port()
        server = start_server(env, port)
        try:
            base_url = f"http://{HOST}:{port}"
            wait_until_up(base_url, server)
            # One page at a time: the machine has two cores, shared with gunicorn.
            return [audit_page(url) for url in sitemap_urls(base_url)]
        finally:
            stop_server(server)


def main() -> int:
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` first.", file=sys.stderr)
        return 1
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in REPORT_DIR.glob("*.report.json"):
        stale.unlink()
    audits = audit_site()
    print_table(audits)
    problems = [problem for audit in audits for problem in audit.problems()]
    print(f"\nReports: {REPORT_DIR.relative_to(ROOT)}/")
    if problems:
        print(f"\n{len(problems)} problem(s):", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"All {len(audits)} pages: every score ≥ {MIN_SCORE}, each < {MAX_PAGE_BYTES} bytes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
