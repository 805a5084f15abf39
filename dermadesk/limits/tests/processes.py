"""Other processes on the test database: what "shared by every worker process" must survive."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    """The test database as a DATABASE_URL, for processes that must share it."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


def environment(**more: str) -> dict[str, str]:
    """A production-like environment (DEBUG off) on the test database."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "dermadesk.settings",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": "tests-only-not-secret",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
        **more,
    }


def python(code: str, env: Mapping[str, str]) -> "subprocess.Popen[str]":
    """Run ``code`` in a new Python process with Django set up on the test database."""
    prelude = "import django; django.setup()\n"
    return subprocess.Popen(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", prelude + code], cwd=ROOT, env=dict(env), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(env: Mapping[str, str]) -> Iterator[str]:
    """A gunicorn server of its own (one worker process) on the test database; its base URL."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 -- our own virtual environment's gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "dermadesk.wsgi", "-b",
         f"127.0.0.1:{port}", "--workers", "1", "--log-level", "error"],
        cwd=ROOT, env=dict(env),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/robots.txt", timeout=5):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
