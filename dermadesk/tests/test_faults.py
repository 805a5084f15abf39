"""The database out of reach, produced for real: gunicorn (``DEBUG=0``) pointed at a
PostgreSQL port where nothing listens, asked over HTTP for pages and API operations."""

import json
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dermadesk.tests.servers import (
    HOST,
    free_port,
    production_environment,
    start_gunicorn,
    stop,
    wait_until_up,
)

# Runs once (the PostgreSQL step of `make test`): no test database is involved.
pytestmark = pytest.mark.once


@dataclass(frozen=True)
class Server:
    url: str
    log: Path


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@pytest.fixture(scope="module")
def server_without_database() -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as folder:
        var_dir, port = Path(folder), free_port()
        # Nothing listens on port 1: every connection attempt is refused at once.
        env = production_environment(
            var_dir, DATABASE_URL="postgres://postgres:postgres@127.0.0.1:1/dermadesk"
        )
        log_path = var_dir / "gunicorn.log"
        with log_path.open("wb") as log:
            server = start_gunicorn(env, port, workers=1, log=log)
            try:
                wait_until_up(f"http://{HOST}:{port}", server)
                yield Server(url=f"http://{HOST}:{port}", log=log_path)
            finally:
                stop(server)


def ask(server: Server, path: str, body: dict[str, str] | None = None) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310
        server.url + path, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/micro-needling/",
        "/book/micro-needling/",
        "/contact/",
        "/no-such-page/",  # the 404 page reads the clinic's name from the database
        "/admin/login/",
    ],
)
def test_pages_give_the_friendly_503_when_the_database_is_out_of_reach(
    server_without_database: Server, path: str
) -> None:
    answer = ask(server_without_database, path)
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "60"
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "We will be back shortly" in answer.body
    assert "nothing was saved" in answer.body
    assert "camera=()" in answer.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/services", None),
        ("/api/services/micro-needling/availability?start=2030-01-07&end=2030-01-08", None),
        ("/api/no-such-operation", None),  # the 404 handler reads the database too
        ("/api/holds", {"service": "micro-needling", "location": "springfield",
                        "start": "2030-01-07T10:00:00-06:00"}),
        ("/api/email-codes", {"email": "someone@example.com", "location": "springfield"}),
    ],
)  # fmt: skip
def test_the_api_answers_a_503_problem_when_the_database_is_out_of_reach(
    server_without_database: Server, path: str, body: dict[str, str] | None
) -> None:
    answer = ask(server_without_database, path, body)
    assert answer.status == 503
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["Retry-After"] == "60"
    problem = json.loads(answer.body)
    assert problem["status"] == 503
    assert "try again in a minute or two" in problem["detail"]
    assert "nothing was done or saved" in problem["detail"]


def test_an_unreachable_database_logs_no_traceback_and_no_input(
    server_without_database: Server,
) -> None:
    ask(server_without_database, "/no-such-page/")
    ask(server_without_database, "/api/email-codes", {"email": "hidden@example.com"})
    log = server_without_database.log.read_text()
    assert "Database unavailable (OperationalError)" in log
    assert "Traceback" not in log
    assert "hidden@example.com" not in log


def test_the_server_process_survives_its_database_being_away(
    server_without_database: Server,
) -> None:
    for _ in range(5):
        assert ask(server_without_database, "/").status == 503
    assert ask(server_without_database, "/robots.txt").status == 200
