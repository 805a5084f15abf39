"""The front desk answers a contact message, everyone sees the alerts, a manager reads a
report: in a real Chromium, signed in with password and authenticator code, axe on every page.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise
from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage, ContactStatus
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def staff_page(new_context: ContextFactory) -> Page:
    return new_context(viewport=DESKTOP, bypass_csp=True).new_page()


def test_the_front_desk_answers_a_contact_message(new_context: ContextFactory) -> None:
    message = ContactMessage.objects.create(
        name="Rosalind Franklin", email="rosalind@example.com", topic="directions",
        message="Is there parking near the clinic?", created_at=timezone.now(),
    )  # fmt: skip
    staff_member("sam", Role.FRONT_DESK)
    page = staff_page(new_context)
    staff_sign_in(page, "sam", next_path="/staff/inbox/")

    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Inbox")).to_have_attribute("aria-current", "page")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Rosalind Franklin").click()

    expect(page.get_by_role("heading", name="Message from Rosalind Franklin")).to_be_visible()
    expect(page.get_by_text("Is there parking near the clinic?")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the reply").click()  # empty: refused, focus on errors
    expect(page.get_by_role("alert")).to_contain_text("Please write the reply first.")
    assert_no_axe_violations(page)

    reply = "Yes: free parking behind the building.\n\nSee you soon!"
    page.get_by_role("textbox", name="Reply").fill(reply)
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your reply is on its way to rosalind@example.com"
    )
    history = page.locator("ol.thread")
    expect(history).to_contain_text("Reply sent by Sam")
    expect(history).to_contain_text("Yes: free parking behind the building.")
    expect(page.locator(".facts")).to_contain_text("Answered")
    assert_no_axe_violations(page)

    email = OutboundMessage.objects.get(template_key="contact-reply")
    assert email.recipient == "rosalind@example.com"
    assert "Yes: free parking behind the building." in email.text_body
    message.refresh_from_db()
    assert message.status == ContactStatus.ANSWERED

    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.get_by_text("There are no messages here.")).to_be_visible()
    page.get_by_label("Show").select_option("answered")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Rosalind Franklin")).to_be_visible()
    assert_no_axe_violations(page)


def test_an_alert_is_read_and_resolved(new_context: ContextFactory) -> None:
    alert_raise(
        kind=AlertKind.LATE_CHANGE, about="booking:1:0",
        what="Ada Lovelace would like to cancel their Micro-Needling visit tomorrow at 10:00 "
        "a.m.; please call them back: +12175550199, ada@example.com.",
        link="/admin/scheduling/booking/1/change/",
    )  # fmt: skip
    staff_member("lee", Role.CLINICIAN)
    page = staff_page(new_context)
    staff_sign_in(page, "lee", next_path="/staff/inbox/alerts/")
    expect(page.get_by_role("heading", name="Late change request")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.get_by_text("Nothing needs you right now.")).to_be_visible()
    expect(page.get_by_text("Resolved lately")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_manager_reads_a_report_and_downloads_it(new_context: ContextFactory) -> None:
    springfield = Location.objects.get(slug="springfield")
    patient = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth="1990-01-01",
    )  # fmt: skip
    start = timezone.now() - timedelta(days=1)
    for status in (BookingStatus.COMPLETED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
        Booking.objects.create(
            location=springfield, service=Service.objects.get(slug="micro-needling"),
            patient=patient, status=status, starts_at=start, ends_at=start + timedelta(hours=1),
            channel=BookingChannel.STAFF,
        )  # fmt: skip
    staff_member("mia", Role.MANAGER)
    page = staff_page(new_context)
    staff_sign_in(page, "mia", next_path="/staff/reports/")

    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("Bar chart of visits completed"))
    ).to_be_visible()
    visits = page.get_by_role("table").first
    expect(visits).to_contain_text("Visits completed")
    assert_no_axe_violations(page)

    page.get_by_label("Location").select_option("springfield")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", name=re.compile("Springfield"))).to_be_visible()
    all_figures = page.get_by_role("region", name="All figures")
    expect(all_figures).to_contain_text("1 (33%)")  # one no-show of three visits due
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as a spreadsheet (CSV)").click()
    assert re.fullmatch(r"dermadesk-report-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv",
                        download.value.suggested_filename)  # fmt: skip

    page.get_by_role("textbox", name="From").fill("2026-11")
    page.get_by_role("textbox", name="To").fill("2026-10")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("alert")).to_contain_text("on or after the first")
    assert_no_axe_violations(page)


def test_with_the_sites_own_csp_a_note_is_added_in_place_and_focus_moves_to_it(
    new_context: ContextFactory,
) -> None:
    message = ContactMessage.objects.create(
        name="Rosalind Franklin", email="rosalind@example.com", topic="directions",
        message="Is there parking near the clinic?", created_at=timezone.now(),
    )  # fmt: skip
    staff_member("sam", Role.FRONT_DESK)
    page = new_context(viewport=DESKTOP).new_page()  # the CSP in force: no eval, no inline
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and
            "status of 400" not in m.text else None)  # fmt: skip
    staff_sign_in(page, "sam", next_path=f"/staff/inbox/{message.pk}/")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("#form-errors")).to_be_focused()
    page.get_by_role("textbox", name="Internal note").fill("Wants a call after 5pm.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".messages")).to_be_focused()
    expect(page.locator(".messages")).to_contain_text("Your note is added.")
    expect(page.locator("ol.thread")).to_contain_text("Wants a call after 5pm.")
    assert errors == []
