"""Every staff URL and staff API operation, asked by anonymous and by two members of each
role, answers exactly as the policy says: the rows are the table (``sweep_*.py``)."""

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dermadesk.api.api import api
from dermadesk.api.services import api_token_create
from dermadesk.clinic.models import Location
from dermadesk.staff.tests import sweep
from dermadesk.staff.tests.people import signed_in
from dermadesk.staff.tests.sweep import NOW, USERS, Row, World, world_build

NAMESPACES = ("staff", "inbox")


def all_rows() -> list[Row]:
    rows: list[Row] = []
    package = importlib.import_module("dermadesk.staff.tests")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("sweep_"):
            rows += importlib.import_module(f"dermadesk.staff.tests.{module.name}").ROWS
    return rows


ROWS = all_rows()


def _names(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{entry.namespace}:" if entry.namespace else prefix
            yield from _names(entry.url_patterns, inner)
        elif entry.name:
            yield prefix + entry.name


def staff_url_names() -> set[str]:
    names: set[str] = set()
    resolver = get_resolver()
    for namespace in NAMESPACES:
        if namespace in resolver.namespace_dict:
            _, inner = resolver.namespace_dict[namespace]
            names |= set(_names(inner.url_patterns, f"{namespace}:"))
    return names


def staff_api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"api:{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith("/api/staff/")
        for method in operations
    }


def test_every_staff_url_and_staff_operation_has_a_row() -> None:
    named = {row.name for row in ROWS}
    assert len(named) == len(ROWS), "two rows share a name"
    missing = (staff_url_names() | staff_api_operations()) - named
    assert not missing, f"no sweep row for {sorted(missing)}"
    unknown = named - staff_url_names() - staff_api_operations()
    assert not unknown, f"rows for URLs that do not exist: {sorted(unknown)}"


@pytest.fixture
def world(clinic: Location) -> Iterator[World]:
    with time_machine.travel(NOW, tick=False):
        yield world_build(clinic)


def ask(client: Client, row: Row, world: World, token: str | None = None) -> tuple[int, str]:
    path = row.path(world)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if row.method == "GET":
        response = client.get(path, headers=headers)
    elif row.api:
        response = client.post(
            path, row.body(world), content_type="application/json", headers=headers
        )
    else:
        response = client.post(path, row.body(world), headers=headers)
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_role_gets_exactly_what_the_policy_says(row: Row, world: World) -> None:
    answers: dict[str, tuple[int, str]] = {}
    with time_machine.travel(NOW, tick=False):
        answers["anonymous"] = ask(Client(), row, world)
        for key in USERS:
            user = world.users[key]
            if row.api:
                token = api_token_create(user=user, name="sweep", now=NOW).secret
                answers[key] = ask(Client(), row, world, token)
            else:
                answers[key] = ask(sweep_client(world, key), row, world)
    wrong = {who: answer for who, answer in answers.items() if not _as_expected(row, who, answer)}
    assert not wrong, f"{row.name}: unexpected answers {wrong}"


def sweep_client(world: World, key: str) -> Client:
    return signed_in(Client(), world.users[key])


def _as_expected(row: Row, who: str, answer: tuple[int, str]) -> bool:
    status, location = answer
    if status >= 500:
        return False
    sent_to_sign_in = status == 302 and location.startswith("/staff/login/")
    if row.public:
        return True
    if who == "anonymous":
        return status == 401 if row.api else sent_to_sign_in
    if who in row.allowed:
        return status not in (401, 403) and not sent_to_sign_in
    return status == 403


def test_the_sweep_covers_two_members_of_each_role() -> None:
    roles = list(USERS.values())
    assert all(roles.count(role) == 2 for role in set(roles))
    assert set(USERS) == sweep.ALL_STAFF
