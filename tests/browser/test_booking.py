"""The patient's booking path in a real Chromium on a phone, with JavaScript on and off.

Each walk goes through the steps as a patient does: clicking the first day with free times
and its first time, typing details, answering the health questions, signing, confirming.
With JavaScript and axe, every step is audited; with JavaScript and the site's own
Content-Security-Policy in force, the page must log no error (htmx runs without eval or
injected styles). Set ``BOOKING_SCREENSHOTS`` to a folder to keep a picture of each step.
"""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Error, expect

from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Allocation, Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.queries import available_slots, series_proposal
from dermadesk.scheduling.services import booking_create, series_book
from dermadesk.scheduling.tests.conftest import course_of, link_token
from dermadesk.waitlist.models import EntryStatus, WaitlistEntry
from dermadesk.waitlist.services import confirm_token
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

# How each walk runs: JavaScript on with axe at every step; on with the CSP enforced and
# no console error allowed; off (plain forms and redirects).
MODES = ["javascript-axe", "javascript-csp", "no-javascript"]
EXPECTED_STATUS = re.compile(r"^Failed to load resource: .* status of (400|409) ")


class Walk:
    """One patient's browser, and what to check after each step."""

    def __init__(self, new_context: ContextFactory, mode: str, name: str) -> None:
        self.mode = mode
        self.javascript = mode != "no-javascript"
        context = new_context(
            java_script_enabled=self.javascript, bypass_csp=mode == "javascript-axe"
        )
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        folder = os.environ.get("BOOKING_SCREENSHOTS")
        self.shots = Path(folder) if folder else None
        self.name = name
        self.step = 0

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium logs every 4xx answer; a form to correct (400) or a time taken (409) is
        # the page telling the patient so, not a fault.
        if EXPECTED_STATUS.search(message.text):
            return
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"{self.page.url}: {error}")

    def check(self, heading: str | re.Pattern[str]) -> None:
        """The step shows ``heading``, passes axe (where audited) and logs no error."""
        expect(self.page.locator("h1")).to_have_text(heading)
        if self.javascript:
            self.page.wait_for_load_state("networkidle")
            width = self.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], f"{self.page.url} is wider than the phone: {width}"
        if self.mode == "javascript-axe":
            assert_no_axe_violations(self.page)
        assert not self.errors, "\n".join(self.errors)
        if self.shots is not None:
            self.step += 1
            self.shots.mkdir(parents=True, exist_ok=True)
            path = self.shots / f"{self.name}-{self.mode}-{self.step:02}.png"
            self.page.screenshot(path=path, full_page=True)

    def pick_first_day_and_time(self) -> None:
        self.page.locator(".day-list a").first.click()
        self.check("Choose a time")
        self.page.locator("main form .time-list button").first.click()

    def only_the_first_visit(self) -> None:
        """The course step of PRP: book the first session alone."""
        self.check("Your course of sessions")
        self.page.get_by_label("Only this first visit for now").check()
        self.page.get_by_role("button", name="Show the dates").click()
        self.check("Your course of sessions")
        self.page.get_by_role("button", name="Continue with the first visit only").click()

    def give_details(self) -> None:
        self.check("Your details")
        self.page.get_by_label("First name").fill("Ada")
        self.page.get_by_label("Last name").fill("Lovelace")
        self.page.get_by_label("Email").fill("ada@example.com")
        self.page.get_by_label("Mobile or phone number").fill("(217) 555-0199")
        self.page.get_by_label("Date of birth").fill("1990-04-21")
        self.page.get_by_role("button", name="Continue").click()
        self.type_the_code()

    def type_the_code(self) -> None:
        """The code the clinic emailed, typed as the patient reads it in their inbox."""
        self.check("Confirm your email address")
        self.page.get_by_label("Code from the email").fill(latest_code("ada@example.com"))
        self.page.get_by_role("button", name="Continue").click()

    def answer_health_questions(self, *, yes_to: str = "") -> None:
        """'No' to every yes/no question (``yes_to`` excepted), the first of other choices."""
        self.check("A few health questions")
        groups = self.page.locator("main fieldset")
        for index in range(groups.count()):
            group = groups.nth(index)
            no = group.locator('input[type="radio"][value="no"]')
            if yes_to and group.locator(f'input[name="{yes_to}"]').count():
                group.locator('input[type="radio"][value="yes"]').check()
            elif no.count():
                no.check()
            else:
                group.locator('input[type="radio"]').first.check()
        self.page.get_by_role("button", name="Continue").click()

    def sign_and_confirm(self) -> None:
        self.check("Policies and consent")
        self.page.get_by_label("Type your full name to sign").fill("Ada Lovelace")
        self.page.get_by_label("I have read the visit and cancellation policies above.").check()
        self.page.get_by_role("button", name="Sign and continue").click()
        self.check("Check and confirm")
        self.page.get_by_role("button", name="Confirm my booking").click()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_patient_books_micro_needling_on_a_phone(new_context: ContextFactory, mode: str) -> None:
    walk = Walk(new_context, mode, "book")
    walk.page.goto("/book/")
    walk.check("Choose a treatment")
    if walk.javascript:
        walk.page.evaluate("window.sameDocument = true")
    plain = re.compile(r"^\s*Micro-Needling(?! with PRP)")
    walk.page.locator("main a.choice", has_text=plain).click()
    walk.check("Choose a day")
    walk.pick_first_day_and_time()
    walk.give_details()
    if walk.javascript:
        # The step replaced the content in place; focus went to its heading, which was said.
        assert walk.page.evaluate("window.sameDocument") is True
        expect(walk.page.locator("h1")).to_be_focused()
        expect(walk.page.locator("[data-booking-announcer]")).to_have_text(
            "Step 5 of 7: A few health questions"
        )
    walk.answer_health_questions()
    walk.sign_and_confirm()
    walk.check("You are booked")
    expect(walk.page.get_by_text("Signed", exact=True)).to_be_visible()
    booking = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert booking.patient is not None
    assert booking.patient.email == "ada@example.com"
    assert booking.service.slug == "micro-needling"


def test_details_with_mistakes_are_listed_and_kept(new_context: ContextFactory, mode: str) -> None:
    walk = Walk(new_context, mode, "mistakes")
    walk.page.goto("/book/micro-needling/")
    walk.pick_first_day_and_time()
    walk.check("Your details")
    walk.page.get_by_label("First name").fill("Ada")
    walk.page.get_by_label("Mobile or phone number").fill("12")
    walk.page.get_by_role("button", name="Continue").click()
    walk.check("Your details")
    summary = walk.page.locator("#error-summary")
    expect(summary).to_contain_text("Please check")
    if walk.javascript:
        expect(summary).to_be_focused()
    expect(walk.page.get_by_label("First name")).to_have_value("Ada")
    summary.get_by_role("link", name=re.compile("^Last name")).click()
    expect(walk.page.get_by_label("Last name")).to_be_focused()


def expire_hold_and_give_the_time_away(location: Location) -> None:
    """Another patient books the held time once its hold has run out."""
    held = Booking.objects.get(status=BookingStatus.HELD)
    past = timezone.now() - timedelta(minutes=1)
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=past)
    Allocation.objects.filter(booking=held).update(hold_expires_at=past)
    booking_create(
        service=held.service,
        location=location,
        start=held.starts_at,
        now=timezone.now(),
        channel=BookingChannel.STAFF,
    )


def test_a_time_taken_meanwhile_offers_the_nearest_and_keeps_the_details(
    new_context: ContextFactory, mode: str
) -> None:
    walk = Walk(new_context, mode, "taken")
    walk.page.goto("/book/micro-needling-prp/")
    walk.pick_first_day_and_time()
    walk.only_the_first_visit()
    walk.give_details()
    walk.answer_health_questions()
    expire_hold_and_give_the_time_away(Location.objects.get())
    walk.sign_and_confirm()
    walk.check("Choose a time")
    notice = walk.page.locator("#problem")
    expect(notice).to_contain_text("Sorry, that time has just been taken.")
    if walk.javascript:
        expect(notice).to_be_focused()
    notice.locator(".time-list button").first.click()
    walk.only_the_first_visit()
    walk.check("Your details")
    expect(walk.page.get_by_label("Email")).to_have_value("ada@example.com")
    walk.page.get_by_role("button", name="Continue").click()
    # The answers given a minute ago still hold, and the consent is signed already.
    walk.check("Policies and consent")
    expect(walk.page.get_by_text("You have already signed")).to_be_visible()


def test_a_condition_needing_a_talk_first_offers_a_consultation(
    new_context: ContextFactory, mode: str
) -> None:
    walk = Walk(new_context, mode, "consult")
    walk.page.goto("/book/micro-needling/")
    walk.pick_first_day_and_time()
    walk.give_details()
    walk.answer_health_questions(yes_to="eczema")
    walk.check("Let's talk first")
    expect(walk.page.locator(".reasons li")).not_to_have_count(0)
    walk.page.get_by_role("link", name="Book a consultation instead").click()
    walk.check("Choose a day")
    expect(walk.page.get_by_text("Consultation at")).to_be_visible()
    assert not Booking.objects.filter(status=BookingStatus.HELD).exists()


def booked_visit(days_ahead: int = 3, service_slug: str = "micro-needling") -> Booking:
    """A confirmed visit for Ada (Micro-Needling unless told), a few days ahead."""
    location = Location.objects.get()
    service = Service.objects.get(slug=service_slug)
    now = timezone.now()
    midnight = now.astimezone(location.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight + timedelta(days=days_ahead)
    slot = available_slots(
        service=service, location=location, start=start, end=start + timedelta(days=1), now=now
    )[0]
    patient = Patient.objects.create(
        given_name="Ada",
        family_name="Lovelace",
        email="ada@example.com",
        phone="+12175550199",
        date_of_birth=date(1990, 4, 21),
    )
    return booking_create(
        service=service,
        location=location,
        start=slot.start,
        now=now,
        channel=BookingChannel.WEB,
        patient_id=patient.pk,
    )


def booked_course(days_ahead: int = 3) -> list[Booking]:
    """A course of four PRP sessions for Ada, the first a few days ahead, 4 weeks apart."""
    location = Location.objects.get()
    service = Service.objects.get(slug="micro-needling-prp")
    now = timezone.now()
    midnight = now.astimezone(location.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight + timedelta(days=days_ahead)
    first = available_slots(
        service=service, location=location, start=start, end=start + timedelta(days=1), now=now
    )[0]
    plan = series_proposal(service=service, location=location, first=first, count=4, now=now)
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550199", date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    series = course_of(series_book(
        service=service, location=location, sessions=[s.slot for s in plan.sessions if s.slot],
        now=now, channel=BookingChannel.WEB, patient_id=patient.pk,
    ))  # fmt: skip
    return list(series.bookings.order_by("series_number"))


def manage_path(booking: Booking) -> str:
    return f"/book/manage/{link_token(booking)}/"


def test_a_patient_moves_and_then_cancels_by_the_link(
    new_context: ContextFactory, mode: str
) -> None:
    booking = booked_visit()
    walk = Walk(new_context, mode, "manage")
    walk.page.goto(manage_path(booking))
    walk.check("Your visit")
    walk.page.get_by_role("link", name="Move to another time").click()
    walk.check("Choose a new day")
    walk.page.locator(".day-list a").last.click()
    walk.check("Choose a new time")
    walk.page.locator("main form .time-list button").last.click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("Your visit has moved.")).to_be_visible()
    moved = Booking.objects.get(pk=booking.pk)
    assert moved.starts_at != booking.starts_at
    walk.page.get_by_role("link", name="Cancel this visit").click()
    walk.check("Cancel your visit?")
    walk.page.get_by_role("button", name="Yes, cancel my visit").click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("Your visit is cancelled.")).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_moving_one_session_of_a_course_moves_the_later_ones_too(
    new_context: ContextFactory, mode: str
) -> None:
    sessions = booked_course()
    second = sessions[1]
    walk = Walk(new_context, mode, "move-later")
    walk.page.goto(manage_path(second))
    walk.check("Your visit")
    walk.page.get_by_role("link", name="Move to another time").click()
    walk.check("Choose a new day")
    walk.page.locator(".day-list a").last.click()
    walk.check("Choose a new time")
    walk.page.locator("main form .time-list button").first.click()
    walk.check("Move your later sessions too?")
    expect(walk.page.locator(".course-shift tbody tr")).to_have_count(2)
    walk.page.get_by_role("button", name="Move my later sessions to these times").click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("2 later sessions have moved.")).to_be_visible()
    moved = Booking.objects.get(pk=second.pk)
    zone = moved.location.zone
    for number, later in ((3, 28), (4, 56)):
        session = Booking.objects.get(series=moved.series, series_number=number)
        gap = session.starts_at.astimezone(zone).date() - moved.starts_at.astimezone(zone).date()
        assert abs(gap.days - later) <= moved.service.series_flex_days


def test_a_first_prp_visit_booked_alone_grows_into_a_course(
    new_context: ContextFactory, mode: str
) -> None:
    visit = booked_visit(service_slug="micro-needling-prp")
    walk = Walk(new_context, mode, "add-course")
    walk.page.goto(manage_path(visit))
    walk.check("Your visit")
    walk.page.get_by_role("link", name="Plan and book the rest of your course").click()
    walk.check("Book the rest of your course")
    expect(walk.page.locator(".course-list li")).to_have_count(4)
    walk.page.get_by_label("6 sessions").check()
    walk.page.get_by_role("button", name="Show the dates").click()
    walk.check("Book the rest of your course")
    expect(walk.page.locator(".course-list li")).to_have_count(6)
    walk.page.get_by_role("button", name="Book these 6 sessions").click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("Your course of 6 sessions is booked.")).to_be_visible()
    expect(walk.page.locator(".course-list li")).to_have_count(6)
    assert Booking.objects.get(pk=visit.pk).series_number == 1


def test_within_the_notice_the_patient_asks_and_the_visit_stays(
    new_context: ContextFactory, mode: str
) -> None:
    local_hour = timezone.now().astimezone(Location.objects.get().zone).hour
    booking = booked_visit(days_ahead=0 if local_hour < 12 else 1)
    if booking.starts_at - timezone.now() > timedelta(hours=24):
        pytest.skip("no free time within the next 24 hours today")
    walk = Walk(new_context, mode, "late")
    walk.page.goto(manage_path(booking))
    walk.check("Your visit")
    expect(walk.page.get_by_text("can no longer be changed online")).to_be_visible()
    walk.page.get_by_role("button", name="Ask to cancel my visit").click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("we have told the team")).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_a_visit_booked_by_phone_has_its_consent_signed_by_the_link(
    new_context: ContextFactory, mode: str
) -> None:
    booking = booked_visit()
    walk = Walk(new_context, mode, "consent-later")
    walk.page.goto(manage_path(booking))
    walk.check("Your visit")
    walk.page.get_by_role("link", name="read and sign it before your visit").click()
    walk.check("Sign your consent")
    walk.page.get_by_label("Type your full name to sign").fill("Ada Lovelace")
    walk.page.get_by_label("I have read the visit and cancellation policies above.").check()
    walk.page.get_by_role("button", name="Sign", exact=True).click()
    walk.check("Your visit")
    expect(walk.page.get_by_text("your consent is signed")).to_be_visible()
    expect(walk.page.get_by_text("Signed", exact=True)).to_be_visible()


def test_a_patient_books_a_course_of_prp_sessions(new_context: ContextFactory, mode: str) -> None:
    walk = Walk(new_context, mode, "course")
    walk.page.goto("/book/micro-needling-prp/")
    walk.pick_first_day_and_time()
    walk.check("Your course of sessions")
    expect(walk.page.locator(".course-list li")).to_have_count(4)
    walk.page.get_by_label("5 sessions").check()
    walk.page.get_by_role("button", name="Show the dates").click()
    walk.check("Your course of sessions")
    expect(walk.page.locator(".course-list li")).to_have_count(5)
    walk.page.get_by_role("button", name="Book these 5 dates").click()
    walk.give_details()
    walk.answer_health_questions()
    walk.check("Policies and consent")
    walk.page.get_by_label("Type your full name to sign").fill("Ada Lovelace")
    walk.page.get_by_label("I have read the visit and cancellation policies above.").check()
    walk.page.get_by_role("button", name="Sign and continue").click()
    walk.check("Check and confirm")
    walk.page.get_by_role("button", name="Confirm my 5 sessions").click()
    walk.check("You are booked")
    expect(walk.page.locator(".course-list li")).to_have_count(5)
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, series__isnull=False).count() == 5


def test_a_patient_joins_the_waitlist(new_context: ContextFactory, mode: str) -> None:
    walk = Walk(new_context, mode, "waitlist")
    walk.page.goto("/book/micro-needling-prp/")
    walk.check("Choose a day")
    walk.page.get_by_role("link", name="Join the waitlist").click()
    walk.check("Join the waitlist")
    today = timezone.now().astimezone(Location.objects.get().zone).date()
    walk.page.get_by_label("From").fill((today + timedelta(days=7)).isoformat())
    walk.page.get_by_label("Until").fill((today + timedelta(days=14)).isoformat())
    walk.page.get_by_label("Morning").check()
    walk.page.get_by_label("First name").fill("Ada")
    walk.page.get_by_label("Last name").fill("Lovelace")
    walk.page.get_by_label("Email").fill("ada@example.com")
    walk.page.get_by_label("Mobile or phone number").fill("(217) 555-0199")
    walk.page.get_by_role("button", name="Join the waitlist").click()
    walk.check("Please confirm your email address")
    entry = WaitlistEntry.objects.get()
    walk.page.goto(f"/book/waitlist/confirm/{confirm_token(entry)}/")
    walk.check("Confirm your waitlist place")
    walk.page.get_by_role("button", name="Confirm my place").click()
    walk.check("Your waitlist place is confirmed")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING
