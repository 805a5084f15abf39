"""The waitlist: joining, a freed time offered to the first match, offers that lapse."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.services import booking_cancel, booking_create
from dermadesk.waitlist.matching import Candidate, Wish, first_suitable, suits
from dermadesk.waitlist.models import EntryStatus, WaitlistEntry
from dermadesk.waitlist.services import (
    WaitlistError,
    WaitlistFull,
    confirm_token,
    offer_token,
    waitlist_confirm,
    waitlist_join,
    waitlist_offer,
    waitlist_sweep,
)

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wednesday 2pm in Springfield
CHICAGO = ZoneInfo("America/Chicago")
FRIDAY = date(2026, 11, 27)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


# The matching rule, pure.


def test_a_wish_for_mornings_with_one_clinician_takes_only_those() -> None:
    wish = Wish(FRIDAY, FRIDAY, frozenset({"morning"}), clinician="3")
    assert suits(wish, Candidate(at(FRIDAY, 9), ("3", "7")), CHICAGO)
    assert not suits(wish, Candidate(at(FRIDAY, 13), ("3", "7")), CHICAGO)
    assert not suits(wish, Candidate(at(FRIDAY, 9), ("4", "7")), CHICAGO)
    assert not suits(wish, Candidate(at(FRIDAY + timedelta(days=1), 9), ("3",)), CHICAGO)


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(8, 18), st.sampled_from("123")), max_size=30),
    st.frozensets(st.sampled_from(("morning", "afternoon", "evening"))),
)
def test_the_first_suitable_start_is_the_earliest_that_suits(
    raw: list[tuple[int, int, str]], parts: frozenset[str]
) -> None:
    wish = Wish(FRIDAY, FRIDAY + timedelta(days=3), parts, clinician="2")
    candidates = [Candidate(at(FRIDAY + timedelta(days=d), h), (c,)) for d, h, c in raw]
    found = first_suitable(wish, candidates, CHICAGO)
    fitting = sorted(c.start for c in candidates if suits(wish, c, CHICAGO))
    assert (found.start if found else None) == (fitting[0] if fitting else None)


# Through the database.


@pytest.fixture(autouse=True)
def frozen_clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def prp() -> Service:
    return Service.objects.get(slug="micro-needling-prp")


def fill(location: Location, day: date) -> list[Booking]:
    """Book PRP at every free start of ``day`` until none is left."""
    booked = []
    while slots := available_slots(
        service=prp(), location=location, start=at(day, 0), end=at(day + timedelta(days=1), 0),
        now=NOW,
    ):  # fmt: skip
        booked.append(
            booking_create(
                service=prp(),
                location=location,
                start=slots[0].start,
                now=NOW,
                channel=BookingChannel.STAFF,
            )
        )
    return booked


def join(
    location: Location, email: str = "ada@example.com", *, confirm: bool = True, **more: object
) -> WaitlistEntry:
    """A patient on the waitlist, their email address confirmed unless ``confirm=False``."""
    arguments: dict[str, object] = {
        "service": prp(), "location": location, "given_name": "Ada", "family_name": "Lovelace",
        "email": email, "phone": "+12175550199", "first_day": FRIDAY, "last_day": FRIDAY,
        "parts_of_day": [], "clinician_id": None, "now": NOW,
    } | more  # fmt: skip
    entry = waitlist_join(**arguments)  # type: ignore[arg-type]
    return waitlist_confirm(entry=entry, now=NOW) if confirm else entry


def test_joining_asks_to_confirm_the_email_address_and_offers_nothing_before(
    frozen_clinic: Location,
) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic, confirm=False)
    message = OutboundMessage.objects.get(idempotency_key=f"waitlist:{entry.pk}:confirm")
    assert message.subject == "Please confirm your place on our waitlist"
    assert f"/book/waitlist/confirm/{confirm_token(entry)}/" in message.text_body
    assert "within 24 hours" in message.text_body
    booking_cancel(booking=booked[3], now=NOW)
    assert waitlist_offer(location=frozen_clinic, now=NOW) == 0
    assert entry.status == EntryStatus.PENDING


def test_a_confirmed_entry_is_acknowledged_by_email(frozen_clinic: Location) -> None:
    entry = join(frozen_clinic)
    assert entry.confirmed_at == NOW
    message = OutboundMessage.objects.get(idempotency_key=f"waitlist:{entry.pk}:joined")
    assert message.subject == "You are on our waitlist for Micro-Needling with PRP"
    assert "between Friday 27 November 2026 and Friday 27 November 2026" in message.text_body


def test_a_cancelled_time_is_offered_to_the_first_waiting_patient(
    frozen_clinic: Location, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    first = join(frozen_clinic)
    second = join(frozen_clinic, email="grace@example.com")
    assert waitlist_offer(location=frozen_clinic, now=NOW) == 0  # the day is full
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booked[3], now=NOW)
    assert DBTaskResult.objects.filter(task_path__endswith="offer_freed_times").exists()
    assert waitlist_offer(location=frozen_clinic, now=NOW) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EntryStatus.OFFERED, EntryStatus.WAITING)
    assert first.offered is not None
    assert first.offered.status == BookingStatus.HELD
    assert first.offered.hold_expires_at == NOW + timedelta(hours=2)
    offer = OutboundMessage.objects.get(idempotency_key__startswith=f"waitlist:{first.pk}:offer")
    assert f"/book/offer/{offer_token(first)}/" in offer.text_body


def test_an_offer_not_taken_in_time_goes_to_the_next_patient(frozen_clinic: Location) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    first = join(frozen_clinic)
    second = join(frozen_clinic, email="grace@example.com")
    booking_cancel(booking=booked[3], now=NOW)
    waitlist_offer(location=frozen_clinic, now=NOW)
    later = NOW + timedelta(hours=2, minutes=1)
    counts = waitlist_sweep(now=later)
    first.refresh_from_db()
    second.refresh_from_db()
    assert counts["lapsed"] == 1
    assert (first.status, second.status) == (EntryStatus.LAPSED, EntryStatus.OFFERED)


def test_an_offer_not_taken_raises_an_alert_to_call_the_patient(frozen_clinic: Location) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic)
    booking_cancel(booking=booked[3], now=NOW)
    waitlist_offer(location=frozen_clinic, now=NOW)
    waitlist_sweep(now=NOW + timedelta(hours=2, minutes=1))
    waitlist_sweep(now=NOW + timedelta(hours=2, minutes=2))
    [alert] = Alert.objects.all()
    assert alert.kind == AlertKind.WAITLIST_OFFER_LAPSED
    assert alert.what.startswith("Ada Lovelace was offered Micro-Needling with PRP on Friday 27")
    assert "+12175550199, ada@example.com" in alert.what
    assert alert.link == f"/admin/waitlist/waitlistentry/{entry.pk}/change/"


def test_entries_end_after_their_last_day(frozen_clinic: Location) -> None:
    fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic)
    assert waitlist_sweep(now=NOW + timedelta(days=3))["expired"] == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXPIRED


def test_a_confirmed_entry_ending_without_a_time_raises_an_alert(frozen_clinic: Location) -> None:
    fill(frozen_clinic, FRIDAY)
    join(frozen_clinic)
    join(frozen_clinic, email="grace@example.com", confirm=False)
    waitlist_sweep(now=NOW + timedelta(days=3))
    [alert] = Alert.objects.all()  # nobody to call back for the entry never confirmed
    assert alert.kind == AlertKind.WAITLIST_NO_TIME
    assert alert.what == (
        "Ada Lovelace waited for Micro-Needling with PRP on Friday 27 November 2026, and no "
        "time was found. If they still want a visit, please call them: +12175550199, "
        "ada@example.com."
    )


def test_the_join_page_takes_the_wish_and_says_what_happens(
    client: Client, frozen_clinic: Location
) -> None:
    form = client.get("/book/micro-needling-prp/waitlist/")
    assert "Join the waitlist" in form.text
    response = client.post(
        "/book/micro-needling-prp/waitlist/",
        {
            "first_day": "2026-11-27", "last_day": "2026-12-04", "parts_of_day": ["morning"],
            "clinician": "", "given_name": "Ada", "family_name": "Lovelace",
            "email": "ada@example.com", "phone": "(217) 555-0199",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Please confirm your email address" in response.text
    entry = WaitlistEntry.objects.get()
    assert (entry.parts_of_day, entry.phone) == (["morning"], "+12175550199")
    assert entry.status == EntryStatus.PENDING


def test_a_waitlist_wish_with_mistakes_is_refused_and_kept(client: Client) -> None:
    response = client.post(
        "/book/micro-needling-prp/waitlist/",
        {"first_day": "2026-12-04", "last_day": "2026-11-30", "given_name": "Ada"},
    )
    assert response.status_code == 400
    assert "Please choose a last day on or after the first day." in response.text
    assert 'value="Ada"' in response.text
    assert not WaitlistEntry.objects.exists()


def test_taking_an_offer_books_it_through_the_usual_steps(
    client: Client, frozen_clinic: Location
) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic)
    booking_cancel(booking=booked[3], now=NOW)
    waitlist_offer(location=frozen_clinic, now=NOW)
    url = f"/book/offer/{offer_token(entry)}/"
    assert "A time is free for you" in client.get(url).text
    assert client.post(url)["Location"] == "/book/course/"
    details = client.get("/book/details/").text
    assert 'value="ada@example.com"' in details
    assert "Your time is held" in details


def test_an_ended_offer_says_so(client: Client, frozen_clinic: Location) -> None:
    booked = fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic)
    booking_cancel(booking=booked[3], now=NOW)
    waitlist_offer(location=frozen_clinic, now=NOW)
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        response = client.get(f"/book/offer/{offer_token(entry)}/")
    assert response.status_code == 410
    assert "This offer has ended" in response.text
    assert client.get("/book/offer/forged-token/").status_code == 410


def test_days_beyond_the_booking_horizon_are_refused_and_the_sweep_keeps_working(
    client: Client, frozen_clinic: Location
) -> None:
    response = client.post(
        "/book/micro-needling-prp/waitlist/",
        {"first_day": "9999-12-30", "last_day": "9999-12-31", "given_name": "Ada",
         "family_name": "Lovelace", "email": "ada@example.com", "phone": "(217) 555-0199"},
    )  # fmt: skip
    assert response.status_code == 400
    assert f"Please choose days within the next {prp().horizon_days} days." in response.text
    assert not WaitlistEntry.objects.exists()
    join(frozen_clinic)
    assert waitlist_sweep(now=NOW)["offered"] == 1


def test_entries_never_confirmed_lapse_and_are_never_offered(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.WAITLIST_CONFIRM_HOURS = 24
    booked = fill(frozen_clinic, FRIDAY)
    entry = join(frozen_clinic, confirm=False, last_day=FRIDAY + timedelta(days=7))
    assert waitlist_sweep(now=NOW + timedelta(hours=23))["unconfirmed"] == 0
    assert waitlist_sweep(now=NOW + timedelta(hours=24))["unconfirmed"] == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.UNCONFIRMED
    booking_cancel(booking=booked[3], now=NOW)
    assert waitlist_offer(location=frozen_clinic, now=NOW + timedelta(hours=25)) == 0
    with pytest.raises(WaitlistError, match="has ended"):
        waitlist_confirm(entry=entry, now=NOW + timedelta(hours=25))


def test_one_email_address_has_at_most_the_limit_of_open_entries(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.WAITLIST_ENTRIES_PER_CLIENT = 2
    join(frozen_clinic, confirm=False)
    join(frozen_clinic)
    with pytest.raises(WaitlistFull, match="You already have 2 places on our waitlist"):
        join(frozen_clinic, email="ADA@example.com ".strip(), confirm=False)
    assert WaitlistEntry.objects.count() == 2
    assert OutboundMessage.objects.filter(recipient__iexact="ada@example.com").count() == 3


def test_one_address_has_at_most_the_limit_of_open_entries(
    frozen_clinic: Location, settings: Settings
) -> None:
    settings.WAITLIST_ENTRIES_PER_CLIENT = 2
    for number in (1, 2):
        join(frozen_clinic, email=f"person{number}@example.com", client="c" * 64)
    with pytest.raises(WaitlistFull):
        join(frozen_clinic, email="person3@example.com", client="c" * 64)
    join(frozen_clinic, email="person3@example.com", client="d" * 64)  # someone else


def test_the_confirmation_link_asks_first_then_confirms(
    client: Client, frozen_clinic: Location
) -> None:
    entry = join(frozen_clinic, confirm=False)
    url = f"/book/waitlist/confirm/{confirm_token(entry)}/"
    page = client.get(url)
    assert "Confirm your waitlist place" in page.text
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING  # a GET changes nothing
    done = client.post(url)
    assert "Your waitlist place is confirmed" in done.text
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING
    assert "Your waitlist place is confirmed" in client.post(url).text  # again: the same
    assert client.get("/book/waitlist/confirm/forged/").status_code == 410


def test_an_old_confirmation_link_has_run_out(
    client: Client, frozen_clinic: Location, settings: Settings
) -> None:
    settings.WAITLIST_CONFIRM_HOURS = 24
    url = f"/book/waitlist/confirm/{confirm_token(join(frozen_clinic, confirm=False))}/"
    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        response = client.post(url)
    assert response.status_code == 410
    assert "This link has run out" in response.text
