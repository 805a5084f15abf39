"""The patient portal in a real Chromium on a 390 px phone: a patient signs in with the code
from their email, sees their visit and course, books the rest of the course, turns text
messages on, opens the aftercare of a session three days ago from the portal and downloads
its PDF (its text read), answers the three-day check-in "still red and swelling", and the
alert is on the staff's alerts list; every portal page passes axe and fits the phone."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient, SmsConsent
from dermadesk.scheduling.models import Booking, BookingChannel, Resource, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE_VIEWPORT, ContextFactory
from tests.browser.staff import staff_sign_in
from tests.browser.test_aftercare import answer, check_in_path, completed_prp_visit

pytestmark = pytest.mark.browser

EMAIL = "ada@example.com"


def first_prp_visit(days_ahead: int = 5) -> Booking:
    """Ada's PRP visit, booked on its own a few days ahead: session 1 of a course to be."""
    location = Location.objects.get(slug="springfield")
    service = Service.objects.get(slug="micro-needling-prp")
    now = timezone.now()
    midnight = now.astimezone(location.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight + timedelta(days=days_ahead)
    slot = available_slots(
        service=service, location=location, start=start, end=start + timedelta(days=1), now=now
    )[0]
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email=EMAIL, phone="+12175550142",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    return booking_create(
        service=service, location=location, start=slot.start, now=now,
        channel=BookingChannel.STAFF, patient_id=ada.pk,
    )  # fmt: skip


def check(page: Page, heading: str) -> None:
    """The page shows ``heading``, fits the phone and passes axe (set ``PORTAL_SCREENSHOTS``
    to a folder to keep a picture of each page)."""
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(heading)
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1] == PHONE_VIEWPORT["width"], f"{page.url} is too wide: {width}"
    assert_no_axe_violations(page)
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        shots = Path(folder)
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shots / f"{len(list(shots.iterdir())):02}.png", full_page=True)


def test_a_patient_signs_in_by_code_books_the_rest_of_the_course_and_opts_in_to_texts(
    new_context: ContextFactory, tmp_path: Path
) -> None:
    first = first_prp_visit()
    page = new_context(bypass_csp=True, accept_downloads=True).new_page()

    page.goto("/portal/")
    check(page, "Sign in to see your visits")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_role("button", name="Email me a code").click()
    check(page, "Type the code from your email")
    page.get_by_label("Code from the email").fill(latest_code(EMAIL))
    page.get_by_role("button", name="Sign in").click()

    check(page, "Your visits")
    expect(page.get_by_text("Micro-Needling with PRP works best as a course")).to_be_visible()
    expect(page.get_by_text("clinic time, C")).not_to_have_count(0)  # the zone, named
    page.get_by_role("link", name="Book the rest of your course").click()
    check(page, "Book the rest of your course")
    page.get_by_role("button", name="Book these 4 sessions").click()

    check(page, "Your visits")
    expect(page.get_by_text("Your course of 4 sessions is booked.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Micro-Needling with PRP: session 1 of 4")
    ).to_be_visible()
    first.refresh_from_db()
    assert first.series is not None and first.series.bookings.count() == 4

    page.get_by_role("link", name="See, move or cancel this visit").first.click()
    check(page, "Your visit")
    page.get_by_role("link", name="Move to another time").click()
    check(page, "Choose a new day")
    page.get_by_role("link", name="Preferences").click()
    check(page, "How we contact you")
    page.get_by_label("I agree to receive text messages").check()
    page.get_by_role("button", name="Turn on text messages").click()
    check(page, "How we contact you")
    expect(page.get_by_text("Text messages are on for +12175550142.")).to_be_visible()
    assert SmsConsent.objects.filter(patient__email=EMAIL, ended_at=None).count() == 1

    # A session three days ago, completed: its aftercare, from the portal's home.
    aftercare = completed_prp_visit(days_ago=3, patient=first.patient)
    page.get_by_role("link", name="Your visits").first.click()
    check(page, "Your visits")
    page.get_by_role("link", name=re.compile("What to expect and what to do after")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="When to call us")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download these instructions (PDF)").click()
    saved = tmp_path / "instructions.pdf"
    downloading.value.save_as(saved)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(saved).pages).split())
    assert "Caring for your skin after your session" in text
    assert "(217) 555-0142" in text
    assert "About the plasma (PRP)" in text

    # The three-day check-in (its link comes by email and text): still red, and swelling.
    page.goto(check_in_path(aftercare, "day3"))
    expect(page.get_by_role("heading", name="How is your skin?")).to_be_visible()
    answer(page, yes=("redness", "spreading"))
    expect(page.get_by_role("alert")).to_contain_text("Please call the clinic now")
    assert_no_axe_violations(page)
    provider = Resource.objects.get(allocations__booking=aftercare.booking)
    staff_member("rivera", Role.CLINICIAN, provider=provider)
    staff = new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    staff_sign_in(staff, "rivera", next_path="/staff/inbox/alerts/")
    expect(staff.get_by_role("heading", name="Aftercare check-in: needs a call")).to_be_visible()
    expect(staff.get_by_text("Ada Lovelace answered the check-in")).to_be_visible()
    assert Alert.objects.filter(kind=AlertKind.CHECK_IN).count() == 1
    page.goto("/portal/")

    page.get_by_role("link", name="Messages").click()
    check(page, "Messages we sent you")
    page.get_by_role("link", name="Your data").click()
    check(page, "Your data")
    page.get_by_role("button", name="Ask for a copy of everything you hold").click()
    check(page, "Your data")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    check(page, "Sign in to see your visits")
    page.goto("/portal/messages/")
    check(page, "Sign in to see your visits")
