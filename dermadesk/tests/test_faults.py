"""Faults of the world around the app, produced for real in a separate process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REQUEST_A_PAGE = """
import django
django.setup()
from django.test import Client
response = Client().get("/micro-needling/")
print(response.status_code, response.get("Retry-After"))
print(response.content.decode())
"""


def test_unreachable_database_gives_a_friendly_503() -> None:
    env = os.environ | {
        # Nothing listens on port 1: every connection attempt is refused at once.
        "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:1/dermadesk",
        "DJANGO_SETTINGS_MODULE": "dermadesk.settings",
        "SECRET_KEY": "tests-only",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REQUEST_A_PAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status_line, _, body = result.stdout.partition("\n")
    assert status_line == "503 60"
    assert "We will be back shortly" in body
    assert "Traceback" not in result.stderr
