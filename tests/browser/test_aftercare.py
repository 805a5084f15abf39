"""Aftercare in a real Chromium: a completed visit's instructions page (axe clean) and its
PDF (downloaded, its text read); the three-day check-in answered "still red and swelling"
puts an alert on the staff's alerts list; a check-in with nothing wrong raises none."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dermadesk.aftercare.checkin import QUESTIONS
from dermadesk.aftercare.links import Purpose, guide_path, token_for
from dermadesk.aftercare.models import Aftercare
from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    Service,
)
from dermadesk.scheduling.services import booking_complete
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def completed_prp_visit(days_ago: float, patient: Patient | None = None) -> Aftercare:
    """A PRP visit of ``patient`` (else a new Ada) that started ``days_ago`` days ago with a
    PRP clinician (checked in), marked completed now by the front desk: its aftercare
    starts."""
    springfield = Location.objects.get(slug="springfield")
    if patient is None:
        patient = Patient.objects.create(
            given_name="Ada", family_name="Lovelace", email="ada@example.com",
            phone="+12175550199", date_of_birth="1990-01-01",
        )  # fmt: skip
    start = timezone.now() - timedelta(days=days_ago)
    booking = Booking.objects.create(
        location=springfield, service=Service.objects.get(slug="micro-needling-prp"),
        patient=patient, status=BookingStatus.CHECKED_IN, starts_at=start,
        ends_at=start + timedelta(minutes=110), channel=BookingChannel.STAFF,
    )  # fmt: skip
    provider = Resource.objects.filter(location=springfield, kind="provider", skills__code="prp")[0]
    Allocation.objects.create(
        booking=booking, resource=provider, role="clinician", starts_at=start,
        ends_at=start + timedelta(minutes=90), active=True,
    )  # fmt: skip
    desk = User.objects.create_user("desk-test", is_staff=True)
    booking_complete(booking=booking, by=desk, now=timezone.now())
    return Aftercare.objects.get(booking=booking)


def check_in_path(aftercare: Aftercare, kind: str) -> str:
    check_in = aftercare.check_ins.get(kind=kind)
    return f"/aftercare/check-in/{token_for(Purpose.CHECK_IN, check_in.pk)}/"


def answer(page: Page, yes: tuple[str, ...]) -> None:
    for question in QUESTIONS:
        choice = "Yes" if question.key in yes else "No"
        page.get_by_role("group", name=question.text).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()


def test_the_instructions_page_and_its_pdf(new_context: ContextFactory, tmp_path: Path) -> None:
    aftercare = completed_prp_visit(days_ago=1)
    page = new_context(bypass_csp=True, accept_downloads=True).new_page()
    page.goto(guide_path(aftercare))
    expect(
        page.get_by_role("heading", name="Caring for your skin after your session")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="When to call us")).to_be_visible()
    expect(page.get_by_role("heading", name="About the plasma (PRP)")).to_be_visible()
    expect(page.get_by_text("Springfield clinic time").first).to_be_visible()
    expect(page.get_by_role("link", name="(217) 555-0142").first).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download these instructions (PDF)").click()
    download = downloading.value
    assert download.suggested_filename == "aftercare-instructions.pdf"
    saved = tmp_path / "instructions.pdf"
    download.save_as(saved)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(saved).pages).split())
    assert "Caring for your skin after your session" in text
    assert "Micro-Needling with PRP" in text
    assert "Springfield clinic time" in text
    assert "(217) 555-0142" in text
    assert "It usually settles within 24 hours" in text
    assert "About the plasma (PRP)" in text


def test_still_red_and_swelling_after_three_days_reaches_the_staff_alerts(
    new_context: ContextFactory,
) -> None:
    aftercare = completed_prp_visit(days_ago=3)
    patient_page = new_context(bypass_csp=True).new_page()
    patient_page.goto(check_in_path(aftercare, "day3"))
    expect(patient_page.get_by_role("heading", name="How is your skin?")).to_be_visible()
    assert_no_axe_violations(patient_page)
    answer(patient_page, yes=("redness", "spreading"))
    expect(patient_page.get_by_role("heading", name="Please read this now")).to_be_visible()
    expect(patient_page.get_by_role("alert")).to_contain_text("Please call the clinic now")
    expect(patient_page.get_by_role("alert")).to_contain_text("(217) 555-0142")
    assert_no_axe_violations(patient_page)

    alert = Alert.objects.get(kind=AlertKind.CHECK_IN)
    provider = Resource.objects.get(allocations__booking=aftercare.booking)
    staff_member("rivera", Role.CLINICIAN, provider=provider)
    staff = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(staff, "rivera", next_path="/staff/inbox/alerts/")
    expect(staff.get_by_role("heading", name="Aftercare check-in: needs a call")).to_be_visible()
    expect(staff.get_by_text("Ada Lovelace answered the check-in")).to_be_visible()
    assert "still red" not in alert.what.lower()
    assert_no_axe_violations(staff)
    staff.goto(alert.link)
    expect(staff.get_by_role("heading", name="Aftercare of Ada Lovelace")).to_be_visible()
    expect(staff.get_by_text("Still red three days after the session").first).to_be_visible()
    assert_no_axe_violations(staff)


def test_a_check_in_with_nothing_wrong_raises_no_alert(new_context: ContextFactory) -> None:
    aftercare = completed_prp_visit(days_ago=1)
    page = new_context(bypass_csp=True).new_page()
    page.goto(check_in_path(aftercare, "day1"))
    answer(page, yes=())
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("That is how healing usually goes")).to_be_visible()
    assert_no_axe_violations(page)
    assert not Alert.objects.exists()


def test_a_question_left_out_is_said_and_focusable(new_context: ContextFactory) -> None:
    aftercare = completed_prp_visit(days_ago=1)
    page = new_context(bypass_csp=True).new_page()
    page.goto(check_in_path(aftercare, "day1"))
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Please answer every question")).to_be_visible()
    assert_no_axe_violations(page)
