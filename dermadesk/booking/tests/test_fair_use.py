"""Fair use on the booking pages: one client cannot hold the calendar, however it tries."""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from dermadesk.booking.tests.test_flow import harmless_answers
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.patients.models import ConsentSignature
from dermadesk.scheduling.models import Booking, BookingStatus, Service
from dermadesk.waitlist.models import OPEN_STATUSES, EntryStatus, WaitlistEntry

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield
DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def start(location: Location, hour: int, minute: int = 0) -> str:
    return datetime(2026, 11, 27, hour, minute, tzinfo=location.zone).isoformat()


def hold(client: Client, location: Location, hour: int, minute: int = 0, **extra: Any) -> int:
    url = "/book/consultation/hold/"
    return client.post(url, {"start": start(location, hour, minute)}, **extra).status_code


def live_holds() -> int:
    return Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__gt=NOW).count()


def test_new_sessions_from_one_address_hold_at_most_the_limit(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 3
    statuses = [hold(Client(), frozen_clinic, hour) for hour in range(8, 14)]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert live_holds() == 3
    refused = Client().post("/book/consultation/hold/", {"start": start(frozen_clinic, 15)})
    assert refused["Retry-After"] == "600"
    assert "We are already holding 3 times for you" in refused.text
    assert "Please finish booking a time you are holding, or try again in 10 minutes" in (
        refused.text
    )


def test_one_session_choosing_again_and_again_keeps_one_time(
    client: Client, frozen_clinic: Location
) -> None:
    statuses = [hold(client, frozen_clinic, 9, minute) for minute in (0, 15, 30, 45)]
    assert statuses == [302] * 4
    assert live_holds() == 1


def test_the_hold_page_is_rate_limited_per_address(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLD_RATE_LIMIT = "3/h"
    client = Client()
    statuses = [hold(client, frozen_clinic, 9, minute) for minute in (0, 15, 30, 45)]
    assert statuses == [302, 302, 302, 429]
    refused = client.post("/book/consultation/hold/", {"start": start(frozen_clinic, 10)})
    assert "paused them for a while" in refused.text
    assert int(refused["Retry-After"]) <= 3600
    assert hold(client, frozen_clinic, 11, REMOTE_ADDR="198.51.100.9") == 302  # someone else


def test_behind_a_proxy_made_up_addresses_do_not_make_new_clients(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 2
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 1
    statuses = [
        hold(Client(), frozen_clinic, hour,
             HTTP_X_FORWARDED_FOR=f"198.51.100.{hour}, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
        for hour in (9, 10, 11)
    ]  # fmt: skip
    assert statuses == [302, 302, 429]


def test_the_same_email_typed_in_other_sessions_holds_at_most_the_limit(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLDS_PER_CLIENT = 2
    statuses = []
    for number, hour in enumerate((9, 10, 11), start=1):
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        hold(client, frozen_clinic, hour)
        statuses.append(client.post("/book/details/", DETAILS).status_code)
    assert statuses == [302, 302, 429]
    # What was typed is kept for when a time is free again.
    assert 'value="ada@example.com"' in client.get("/book/details/").text


def test_more_time_is_given_twice_then_the_page_says_so_kindly(
    client: Client, frozen_clinic: Location, settings: Settings
) -> None:
    settings.BOOKING_HOLD_EXTENSIONS = 2
    hold(client, frozen_clinic, 9)
    held = Booking.objects.get()
    for _ in range(2):
        page = client.post("/book/hold/extend/", follow=True)
        assert "Done: we are holding your time for a while longer." in page.text
    page = client.post("/book/hold/extend/", follow=True)
    assert "We have already given you more time twice" in page.text
    held.refresh_from_db()
    assert held.hold_extensions == 2


def test_a_consent_is_signed_with_the_address_our_proxy_saw(
    client: Client, frozen_clinic: Location, settings: Settings
) -> None:
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 1
    behind: dict[str, Any] = {
        "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.20",
        "REMOTE_ADDR": "10.0.0.2",
    }
    service = Service.objects.get(slug="micro-needling")
    client.post("/book/micro-needling/hold/", {"start": start(frozen_clinic, 9)}, **behind)
    client.post("/book/details/", DETAILS, **behind)
    client.post("/book/verify/", {"code": latest_code(DETAILS["email"])}, **behind)
    client.post("/book/screening/", harmless_answers(service), **behind)
    client.post("/book/consent/", {"typed_name": "Ada Lovelace", "policies": "on"}, **behind)
    signature = ConsentSignature.objects.get()
    assert signature.ip_address == "198.51.100.20"


def test_nothing_of_who_held_is_kept_in_clear(client: Client, frozen_clinic: Location) -> None:
    hold(client, frozen_clinic, 9, REMOTE_ADDR="198.51.100.20")
    client.post("/book/details/", DETAILS)
    held = Booking.objects.get()
    stored = f"{held.holder_session} {held.holder_address} {held.holder_email}"
    assert len(held.holder_address) == len(held.holder_email) == 64
    assert "198.51.100.20" not in stored
    assert "ada@example.com" not in stored
    assert str(client.session.session_key) not in stored
    assert timedelta(0) < held.hold_expires_at - NOW  # type: ignore[operator]


def join_waitlist(client: Client, email: str = "ada@example.com") -> int:
    return client.post(
        "/book/micro-needling-prp/waitlist/",
        {
            "first_day": "2026-11-27", "last_day": "2026-12-04", "clinician": "",
            "given_name": "Ada", "family_name": "Lovelace", "email": email,
            "phone": "(217) 555-0199",
        },
    ).status_code  # fmt: skip


def test_the_waitlist_page_is_rate_limited_and_capped_per_client(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.WAITLIST_ENTRIES_PER_CLIENT = 2
    settings.WAITLIST_RATE_LIMIT = "4/h"
    client = Client()
    statuses = [join_waitlist(client, f"person{n}@example.com") for n in range(5)]
    # Two entries; the third is refused on the page (400, kept as typed); then paused.
    assert statuses == [200, 200, 400, 400, 429]
    assert WaitlistEntry.objects.count() == 2
    refused = Client().get("/book/micro-needling-prp/waitlist/")
    assert refused.status_code == 200  # looking is never limited


def test_one_client_in_a_loop_takes_at_most_the_limits(
    frozen_clinic: Location, settings: Settings
) -> None:
    """One session, one address, one email: holding, asking for more time and joining the
    waitlist thirty times over holds only a few times, briefly, and sends a few emails."""
    settings.BOOKING_HOLDS_PER_CLIENT = 3
    settings.BOOKING_HOLD_EXTENSIONS = 2
    settings.WAITLIST_ENTRIES_PER_CLIENT = 3
    client = Client()
    statuses: Counter[int] = Counter()
    for round_ in range(30):
        hour, minute = 8 + round_ % 10, 15 * (round_ % 4)
        statuses[hold(client, frozen_clinic, hour, minute)] += 1
        statuses[client.post("/book/details/", DETAILS).status_code] += 1
        for _ in range(3):
            client.post("/book/hold/extend/")
        statuses[join_waitlist(client)] += 1
    held = Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__gt=NOW)
    assert held.count() <= 3
    assert max(booking.hold_extensions for booking in Booking.objects.all()) <= 2
    assert not held.filter(hold_expires_at__gt=NOW + timedelta(minutes=10)).exists()
    assert WaitlistEntry.objects.filter(status__in=OPEN_STATUSES).count() <= 3
    assert not WaitlistEntry.objects.exclude(status=EntryStatus.PENDING).exists()
    emails = OutboundMessage.objects.filter(recipient="ada@example.com").exclude(
        template_key=TemplateKey.PATIENT_SIGN_IN_CODE
    )
    assert emails.count() <= 3  # one confirmation link per waitlist place, nothing else
    assert statuses[429] > 0
    print(f"\nOne client, 30 rounds: {dict(statuses)}; live holds {held.count()}, "
          f"waitlist places {WaitlistEntry.objects.count()}, emails {emails.count()}")  # fmt: skip
