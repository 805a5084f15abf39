"""Static files as production serves them: collected, hashed, compressed, served by WhiteNoise."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parents[2]

# Collect the static files with the production settings (only the site's own: the admin's and
# the API reader's take half a minute to compress), then ask for the stylesheet as browsers
# do; prints what came back.
FETCH_THE_STYLESHEET = """
import json, django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
only_ours = ["admin", "ninja", "django_*"]
call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=only_ours)
url = static("css/site.css")
answers = {}
for accept in ("gzip, deflate, br, zstd", "gzip", ""):
    response = Client().get(url, headers={"Accept-Encoding": accept})
    body = b"".join(response.streaming_content)
    answers[accept] = [response.status_code, response.get("Content-Encoding"), body.hex()]
print(json.dumps({"url": url, "answers": answers}))
"""


def _in_production(tmp_path: Path, script: str) -> dict[str, Any]:
    """What ``script`` printed last (JSON), run with the production settings."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "dermadesk.settings",
        "DEBUG": "0",
        "SECRET_KEY": "tests-only",
        "STATIC_MANIFEST": "1",
        "DERMADESK_VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DATABASE_URL", None)
    env.pop("STATIC_ROOT", None)
    result = subprocess.run(  # noqa: S603 -- our own settings, in a throw-away folder
        [sys.executable, "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    answer: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return answer


# The booking module as collected: its import of the shared announcer names the hashed file.
READ_THE_BOOKING_MODULE = """
import json, django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
only_ours = ["admin", "ninja", "django_*"]
call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=only_ours)
with staticfiles_storage.open(staticfiles_storage.stored_name("js/booking.js")) as module:
    text = module.read().decode()
print(json.dumps({"announce": staticfiles_storage.stored_name("js/announce.js"), "text": text}))
"""


def test_javascript_modules_import_the_hashed_names(tmp_path: Path) -> None:
    collected = _in_production(tmp_path, READ_THE_BOOKING_MODULE)
    hashed = collected["announce"].rsplit("/", 1)[-1]
    assert hashed != "announce.js"
    assert f'from "./{hashed}"' in collected["text"]


def test_static_files_go_out_brotli_compressed_to_browsers_that_accept_it(
    tmp_path: Path,
) -> None:
    fetched = _in_production(tmp_path, FETCH_THE_STYLESHEET)
    assert fetched["url"] != "/static/css/site.css"  # the hashed name, cached for a year

    status, encoding, body = fetched["answers"][""]
    assert (status, encoding) == (200, None)
    plain = bytes.fromhex(body)
    assert plain.startswith(b"/* dermadesk")

    status, encoding, body = fetched["answers"]["gzip, deflate, br, zstd"]
    assert (status, encoding) == (200, "br")
    assert brotli.decompress(bytes.fromhex(body)) == plain
    assert len(bytes.fromhex(body)) < len(plain) / 3

    assert fetched["answers"]["gzip"][:2] == [200, "gzip"]
