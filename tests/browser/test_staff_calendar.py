"""A front-desk morning in a real Chromium: sign in with password and app code, today's
calendar, a patient booked by phone, one checked in, one marked not attended, one visit
moved with the keyboard alone; axe on every page.

The clock is set to 11 a.m. of today in the clinic's zone (and runs on), so "today", a
visit already started and one still to come exist whatever the hour the test runs. Set
``CALENDAR_SCREENSHOTS`` to a folder to keep a picture of each page.
"""

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def clinic_morning(site_url: str) -> Iterator[Location]:
    """11 a.m. today at the demo clinic, with the clock running."""
    clinic = Location.objects.get(slug="springfield")
    today = timezone.now().astimezone(clinic.zone).date()
    with time_machine.travel(datetime.combine(today, time(11), tzinfo=clinic.zone), tick=True):
        yield clinic


def _patient(given: str, family: str) -> Patient:
    return Patient.objects.create(
        given_name=given, family_name=family, email=f"{given.lower()}@example.com",
        phone="+12175550100", date_of_birth=date(1980, 1, 2),
    )  # fmt: skip


def _visit(
    clinic: Location, patient: Patient, hour: int, minute: int = 0, slug: str = "consultation"
) -> Booking:
    today = timezone.now().astimezone(clinic.zone).date()
    start = datetime.combine(today, time(hour, minute), tzinfo=clinic.zone)
    return booking_create(
        service=Service.objects.get(slug=slug), location=clinic, start=start,
        now=start - timedelta(hours=2), channel=BookingChannel.STAFF,
        patient_id=patient.pk, by_staff=True,
    )  # fmt: skip


def checked(page: Page, name: str) -> None:
    """axe finds nothing on the page; a picture of it kept when asked for."""
    assert_no_axe_violations(page)
    folder = os.environ.get("CALENDAR_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def message(page: Page, text: str) -> Locator:
    """The page's own message (the live region repeats it for screen readers)."""
    return page.locator("#main .messages").get_by_text(text)


def _tab_to(page: Page, name: str, presses: int = 250) -> None:
    """Press Tab until the focused element's text is ``name`` (as a keyboard user would)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_front_desk_morning_on_the_calendar(
    clinic_morning: Location, new_context: ContextFactory
) -> None:
    clinic = clinic_morning
    staff_member("desk", Role.FRONT_DESK)
    _patient("Ada", "Lovelace")
    grace = _visit(clinic, _patient("Grace", "Hopper"), 9)  # started: did not come
    alan = _visit(clinic, _patient("Alan", "Turing"), 11, 30)  # arriving now
    hedy = _visit(clinic, _patient("Hedy", "Lamarr"), 14)  # asks to come later
    _visit(clinic, _patient("Marie", "Curie"), 15, slug="micro-needling-prp")

    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(page, "desk", next_path="/staff/calendar/")

    # Today's calendar, in the clinic's time.
    expect(page.get_by_role("heading", level=1)).to_contain_text("(today)")
    expect(page.get_by_text("Springfield clinic time")).to_be_visible()
    expect(page.get_by_role("table", name="Who and what is booked")).to_be_visible()
    checked(page, "1-day")
    expect(page.get_by_role("cell", name="Centrifuge 3:10–3:25 p.m.")).to_be_visible()
    page.get_by_role("link", name="Week of").click()
    expect(page.get_by_role("heading", name="Week of")).to_be_visible()
    room_steps = "Blood draw, Numbing cream, Procedure with PRP, Turnover"
    expect(page.get_by_text(room_steps)).to_be_visible()
    checked(page, "1-week")
    page.get_by_role("link", name="Day view").click()

    # A patient on the phone: found, a treatment and the first free time chosen.
    page.get_by_role("link", name="Book a visit").click()
    expect(page.get_by_role("heading", name="Book a visit")).to_be_visible()
    checked(page, "2-find")
    page.get_by_label("Name, email, phone number or date of birth").fill("Lovelace")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="1 patient found")).to_be_visible()
    checked(page, "3-found")
    page.get_by_role("link", name="Book for Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Book a visit for Ada Lovelace")).to_be_visible()
    checked(page, "4-choose")
    page.get_by_label("Treatment").select_option("consultation")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_role("heading", name="Next free times for Consultation")).to_be_visible()
    checked(page, "5-free-times")
    page.locator(".time-list button").first.click()
    expect(message(page, "Booked: Consultation for Ada Lovelace")).to_be_visible()
    checked(page, "6-booked")
    assert Booking.objects.filter(patient__family_name="Lovelace").count() == 1

    # Alan arrives: checked in from his visit's page.
    page.goto(f"/staff/visits/{alan.pk}/")
    page.get_by_role("button", name="Check in").click()
    expect(message(page, "Alan Turing is checked in.")).to_be_visible()
    checked(page, "7-checked-in")

    # Grace did not come to her 9 o'clock visit.
    page.goto(f"/staff/visits/{grace.pk}/")
    page.get_by_role("button", name="Mark as not attended").click()
    expect(message(page, "Marked as not attended.")).to_be_visible()
    checked(page, "9-no-show")

    # Hedy's visit moved with the keyboard alone: from the calendar to her visit, to the
    # move page, to the first free time.
    page.goto("/staff/calendar/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(today)")
    checked(page, "8-day-again")
    _tab_to(page, "Hedy Lamarr")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Consultation for Hedy Lamarr")).to_be_visible()
    checked(page, "8-hedy")
    _tab_to(page, "Move this visit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Move Consultation for Hedy Lamarr")).to_be_visible()
    checked(page, "9-move")
    first_free = page.locator(".time-list button").first.inner_text().strip()
    _tab_to(page, first_free)
    page.keyboard.press("Enter")
    expect(message(page, "Moved to")).to_be_visible()
    checked(page, "10-moved")

    for booking, status in ((alan, BookingStatus.CHECKED_IN), (grace, BookingStatus.NO_SHOW)):
        booking.refresh_from_db()
        assert booking.status == status
    hedy_before = hedy.starts_at
    hedy.refresh_from_db()
    assert hedy.starts_at != hedy_before


def test_without_javascript_every_step_is_a_plain_page(
    clinic_morning: Location, new_context: ContextFactory
) -> None:
    clinic = clinic_morning
    staff_member("desk", Role.FRONT_DESK)
    alan = _visit(clinic, _patient("Alan", "Turing"), 11, 30)
    page = new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    staff_sign_in(page, "desk", next_path="/staff/calendar/")
    page.get_by_role("link", name="Next day").click()
    expect(page.get_by_text("No visits are booked on this day.")).to_be_visible()
    page.get_by_role("link", name="Today").click()
    page.get_by_role("table", name="Who and what is booked").get_by_role(
        "link", name="Alan Turing"
    ).click()
    page.get_by_role("button", name="Check in").click()
    expect(message(page, "Alan Turing is checked in.")).to_be_visible()
    alan.refresh_from_db()
    assert alan.status == BookingStatus.CHECKED_IN


def test_with_the_sites_csp_the_pages_update_in_place_without_an_error(
    clinic_morning: Location, new_context: ContextFactory
) -> None:
    clinic = clinic_morning
    staff_member("desk", Role.FRONT_DESK)
    alan = _visit(clinic, _patient("Alan", "Turing"), 11, 30)
    page = new_context(viewport=DESKTOP).new_page()
    errors: list[str] = []
    page.on("console", lambda note: errors.append(note.text) if note.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    staff_sign_in(page, "desk", next_path="/staff/calendar/")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.headers.get("hx-request", "")))
    page.get_by_role("link", name="Next day").click()
    expect(page.get_by_text("No visits are booked on this day.")).to_be_visible()
    page.get_by_role("link", name="Previous day").click()
    page.get_by_role("table", name="Who and what is booked").get_by_role(
        "link", name="Alan Turing"
    ).click()
    page.get_by_role("button", name="Check in").click()
    expect(message(page, "Alan Turing is checked in.")).to_be_visible()
    # Replaced in place by htmx (its requests say so), and the focus on the new content.
    assert "true" in requests
    # htmx settles the new content a moment after it is shown; the focus moves then.
    expect(page.locator("#main h1")).to_be_focused()
    assert errors == []
    alan.refresh_from_db()
    assert alan.status == BookingStatus.CHECKED_IN
