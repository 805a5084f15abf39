"""Requests no view could safely read are refused first: a plain page, or a problem for the API.

PostgreSQL raises ``DataError`` on text holding NUL, so on it these were 500s; on SQLite
the same requests must be refused the same way.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.contact.models import ContactMessage
from dermadesk.input_guard import unstorable
from dermadesk.scheduling.models import Booking

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
HOLD = {
    "service": "micro-needling",
    "location": "springfield",
    "start": "2026-11-27T10:00:00-06:00",
}


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def problem(response: object) -> dict[str, object]:
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    return json.loads(response.content)  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "path",
    [
        "/api/services/micro%00needling/availability?start=2026-12-01&end=2026-12-02",
        "/api/services/micro-needling/availability?start=2026-12-01&end=2026-12-02&location=a%00",
        "/api/bookings/abc%00",
    ],
)
def test_a_nul_in_an_api_path_or_query_is_a_400_problem(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert problem(response)["title"] == "Invalid characters"


@pytest.mark.parametrize("field", ["service", "location"])
def test_a_nul_in_a_json_body_is_a_400_problem_and_nothing_is_held(
    client: Client, field: str
) -> None:
    body = HOLD | {field: HOLD[field] + "\x00"}
    response = client.post("/api/holds", body, content_type="application/json")
    assert response.status_code == 400
    assert "invisible “null” character" in str(problem(response)["detail"])
    assert not Booking.objects.exists()


def test_a_lone_surrogate_in_a_json_body_is_refused_like_a_nul(client: Client) -> None:
    body = json.dumps(HOLD | {"location": "spring\ud800field"})  # sent as the escape \ud800
    response = client.post("/api/holds", body, content_type="application/json")
    assert response.status_code == 400
    assert problem(response)["title"] == "Invalid characters"


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client: Client) -> None:
    response = client.post(
        "/api/holds", HOLD | {"location": "\\u0000"}, content_type="application/json"
    )
    assert response.status_code == 404  # no such location, said as usual
    assert problem(response)["title"] == "Not found"


def test_three_megabytes_of_json_get_a_413_problem_not_an_html_page(client: Client) -> None:
    body = json.dumps(HOLD | {"service": "x" * 3_000_000})
    response = client.post("/api/holds", body, content_type="application/json")
    assert response.status_code == 413
    assert problem(response)["title"] == "Too much sent at once"


def test_a_nul_in_a_form_gets_a_plain_page_and_nothing_is_stored(client: Client) -> None:
    response = client.post(
        "/contact/send/",
        {"name": "Ada\x00", "email": "ada@example.com", "topic": "general", "message": "Hello"},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "We could not read what was sent" in response.text
    assert "Nothing has been saved or changed." in response.text
    assert not ContactMessage.objects.exists()


def test_a_nul_in_a_header_is_refused_before_any_view_reads_it(client: Client) -> None:
    response = client.get("/book/", headers={"User-Agent": "probe\x00"})
    assert response.status_code == 400


def test_a_form_too_large_gets_a_413_page(client: Client) -> None:
    response = client.post("/contact/send/", {"name": "Ada", "message": "x" * 3_000_000})
    assert response.status_code == 413
    assert "larger than we accept at once" in response.text


def test_a_form_with_thousands_of_fields_gets_a_400_page(client: Client) -> None:
    response = client.post("/contact/send/", {f"f{i}": "x" for i in range(2000)})
    assert response.status_code == 400
    assert "far more parts than any of our forms" in response.text


def test_ordinary_requests_pass_untouched(client: Client) -> None:
    assert client.get("/book/?note=Zoë+Ångström").status_code == 200
    held = client.post("/api/holds", HOLD, content_type="application/json")
    assert held.status_code == 201


@given(text=st.text())
def test_text_is_unstorable_exactly_when_it_has_a_nul(text: str) -> None:
    # Text from a form or a URL is always valid UTF-8: only NUL stands in the way.
    assert unstorable(text) == ("\x00" in text)


@given(text=st.text(alphabet=st.characters(categories=["Cs"]), min_size=1))
def test_text_with_a_lone_surrogate_is_unstorable(text: str) -> None:
    assert unstorable(text)


def test_an_api_address_that_does_not_exist_is_a_404_problem(client: Client) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert "/api/docs" in str(problem(response)["detail"])


def test_a_method_an_operation_does_not_take_is_a_405_problem_saying_which_it_takes(
    client: Client,
) -> None:
    response = client.put("/api/holds", {}, content_type="application/json")
    assert response.status_code == 405
    assert problem(response)["title"] == "Method Not Allowed"
    assert response["Allow"] == "POST"


def test_a_multipart_form_sent_to_the_api_is_refused_as_a_problem(client: Client) -> None:
    response = client.post("/api/holds", HOLD)  # the test client sends multipart by default
    assert 400 <= response.status_code < 500
    problem(response)


def test_json_nested_too_deep_to_read_is_a_problem_not_a_failure(client: Client) -> None:
    body = b"[" * 100_000 + b'"\\u0000"' + b"]" * 100_000
    response = client.post("/api/holds", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    problem(response)
