"""The production processes, run for real by the fault tests: gunicorn and the task worker.

Each starts in its own process group (``start_new_session``), so a test can kill a gunicorn
master with its workers at once, as a crash or an out-of-memory kill would.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "127.0.0.1"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def production_environment(var_dir: Path, **more: str) -> dict[str, str]:
    """Production settings (``DEBUG=0``) over plain HTTP on 127.0.0.1, files in ``var_dir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "STATIC_ROOT", "MEDIA_ROOT", "BEHIND_PROXY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dermadesk.settings",
        DERMADESK_VAR_DIR=str(var_dir),
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "tests-only-not-secret"),
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="0",
        ALLOWED_HOSTS=HOST,
        PYTHONDEVMODE="0",  # the servers' own warnings are not what these tests look at
    )
    env.update(more)
    return env


def start_gunicorn(
    env: dict[str, str], port: int, *, workers: int = 2, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    command = [GUNICORN, "dermadesk.wsgi", "-b", f"{HOST}:{port}", "-w", str(workers)]
    # No control socket: its default path is shared with any other gunicorn on the machine.
    command += ["--no-control-socket", "--log-level=warning", "--graceful-timeout=2"]
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )


def start_worker(env: dict[str, str], log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """``manage.py db_worker``: the task worker, polling every tenth of a second."""
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "default"]
    command += ["--interval", "0.1", "--no-startup-delay"]
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )


def wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    """Until ``/robots.txt`` answers (it needs no database)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/robots.txt", timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"gunicorn answered /robots.txt with {error.code}") from error
        except OSError:  # not listening yet
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s")


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything in its group (gunicorn's workers): no goodbye."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask politely (SIGTERM to the group), then kill what is left."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill(process)
