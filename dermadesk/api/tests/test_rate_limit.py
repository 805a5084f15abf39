"""The API's rate limit: one count per client address, which no header can forge, in one
store every worker process shares."""

import random
import urllib.error
import urllib.request

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from dermadesk.api.tests.calls import NOW, hold
from dermadesk.clinic.models import Location
from dermadesk.limits.tests.processes import environment, gunicorn
from dermadesk.scheduling.models import Booking, BookingStatus


def forged() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


@pytest.mark.django_db
def test_130_requests_with_made_up_forwarded_addresses_meet_429s(
    client: Client, settings: Settings
) -> None:
    settings.API_RATE_LIMIT = "120/m"
    statuses = [
        client.get("/api/services", headers={"X-Forwarded-For": forged()}).status_code
        for _ in range(130)
    ]
    assert statuses.count(200) == 120
    assert statuses[120:] == [429] * 10


@pytest.mark.django_db
def test_behind_a_proxy_only_the_address_it_appended_counts(
    client: Client, settings: Settings
) -> None:
    settings.API_RATE_LIMIT = "5/m"
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 1

    def from_client(address: str) -> int:
        header = f"{forged()}, {forged()}, {address}"  # the client's inventions, then the proxy's
        return client.get(
            "/api/services", headers={"X-Forwarded-For": header}, REMOTE_ADDR="10.0.0.2"
        ).status_code

    assert [from_client("198.51.100.7") for _ in range(6)] == [200] * 5 + [429]
    assert from_client("198.51.100.8") == 200  # another patient behind the same proxy


@pytest.mark.django_db
def test_a_refused_request_says_when_to_come_back(client: Client, settings: Settings) -> None:
    settings.API_RATE_LIMIT = "1/h"
    client.get("/api/services")
    refused = client.get("/api/services")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 3600


@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_one_limit() -> None:
    """Two gunicorn servers on one database, requests alternating: 20 pass in all, not 40."""
    env = environment(API_RATE_LIMIT="20/h")
    statuses = []
    with gunicorn(env) as first, gunicorn(env) as second:
        for index in range(30):
            base = (first, second)[index % 2]
            request = urllib.request.Request(  # noqa: S310 -- our own test servers
                f"{base}/api/locations", headers={"X-Forwarded-For": forged()}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    statuses.append(response.status)
            except urllib.error.HTTPError as refused:
                statuses.append(refused.code)
    assert statuses.count(200) == 20
    assert statuses.count(429) == 10


def at_quarter_past(hour: int) -> str:
    return f"2026-11-27T{hour:02d}:15:00-06:00"


def test_one_address_holds_at_most_the_limit_through_the_api(
    client: Client, frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 3
    with time_machine.travel(NOW, tick=False):
        answers = [hold(client, "consultation", at_quarter_past(hour)) for hour in range(9, 14)]
    assert [answer.status_code for answer in answers] == [201, 201, 201, 429, 429]
    problem = answers[3].json()
    assert answers[3]["Content-Type"] == "application/problem+json"
    assert problem["title"] == "Too many times held"
    assert "Please finish booking a time you are holding" in problem["detail"]
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 3


def test_api_holds_count_in_the_hold_rate_of_the_pages(
    client: Client, frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLD_RATE_LIMIT = "2/h"
    with time_machine.travel(NOW, tick=False):
        page = client.post("/book/consultation/hold/", {"start": at_quarter_past(9)})
        answers = [hold(client, "consultation", at_quarter_past(hour)) for hour in (10, 11)]
    assert page.status_code == 302
    assert [answer.status_code for answer in answers] == [201, 429]
    assert answers[1].json()["title"] == "Too many requests"
