"""A clinician finds and opens a patient's record and screening and reviews it; the front desk
merges a second record of the same person and changes a phone number; a manager reads those
looks in the audit trail. axe on every page."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Page, expect

from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.screening.models import Questionnaire, ScreeningOverride
from dermadesk.screening.services import screening_submit
from dermadesk.screening.tests.conftest import no_to_everything
from dermadesk.staff.tests.sweep import NOW, World, world_build
from tests.browser.axe import axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def ada_screened() -> World:
    with time_machine.travel(NOW, tick=False):
        world = world_build(Location.objects.get(slug="springfield"))
        questionnaire = Questionnaire.objects.get(published=True)
        screening_submit(
            patient=world.patient_of_clin1,
            questionnaire=questionnaire,
            answers=no_to_everything(questionnaire, service_slug="micro-needling"),
            service=Service.objects.get(slug="micro-needling"),
            treatment_date=date(2026, 11, 27),
            now=NOW,
        )
    return world


def no_violations(page: Page) -> None:
    assert axe_violations(page) == []


def test_a_clinicians_look_at_a_record_shows_in_the_managers_trail(
    new_context: ContextFactory,
) -> None:
    world = ada_screened()
    ada = world.patient_of_clin1
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(page, "clin1", next_path="/staff/patients/")
    no_violations(page)
    page.get_by_label("Name, email, phone number or date of birth").fill("Lovelace")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 found")).to_be_visible()
    assert "Lovelace" not in page.url
    no_violations(page)
    page.get_by_role("link", name="Lovelace, Ada").click()
    expect(page.get_by_role("heading", name="Ada Lovelace", exact=True)).to_be_visible()
    expect(page.get_by_text("Times in Springfield clinic time (America/Chicago).")).to_be_visible()
    no_violations(page)
    page.get_by_role("link", name="Screening answers and reviews").click()
    expect(page.get_by_role("heading", name="Screening answers of Ada Lovelace")).to_be_visible()
    no_violations(page)
    page.get_by_label("Consultation needed first").check()
    page.get_by_label("Why").fill("A scar on the cheek: I want to see it first.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Your review is saved with the screening.")).to_be_visible()
    no_violations(page)
    assert ScreeningOverride.objects.get().reason == "A scar on the cheek: I want to see it first."

    manager = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(manager, "mgr1", next_path=f"/staff/audit/?patient={ada.pk}")
    expect(manager.get_by_role("cell", name="Viewed screening").first).to_be_visible()
    expect(manager.get_by_role("cell", name="Viewed record")).to_be_visible()
    expect(manager.get_by_role("cell", name="Changed screening review")).to_be_visible()
    no_violations(manager)


def test_the_front_desk_merges_a_second_record_then_changes_the_phone(
    new_context: ContextFactory,
) -> None:
    world = ada_screened()
    ada = world.patient_of_clin1
    second = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada.l@example.org",
        date_of_birth=ada.date_of_birth,
    )  # fmt: skip
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(page, "desk1", next_path=f"/staff/patients/{ada.pk}/")
    expect(page.get_by_role("heading", name="Possibly the same person")).to_be_visible()
    page.get_by_role("link", name=f"Compare and merge with record {second.pk}").click()
    expect(page.get_by_role("heading", name="Merge two records of one person")).to_be_visible()
    no_violations(page)
    page.get_by_label(f"Record {ada.pk} (ada@example.com)").check()
    page.get_by_role("button", name="Merge the two records").click()
    expect(page.get_by_text(f"Record {second.pk} is merged into this one")).to_be_visible()
    expect(page.get_by_role("heading", name="Possibly the same person")).to_have_count(0)
    no_violations(page)
    assert not Patient.objects.filter(pk=second.pk).exists()
    page.get_by_role("link", name="Change contact details").click()
    no_violations(page)
    page.get_by_label("Phone number").fill("(217) 555-0199")
    page.get_by_role("button", name="Save the contact details").click()
    expect(page.get_by_text("The contact details are saved.")).to_be_visible()
    expect(page.get_by_text("+12175550101 → +12175550199")).to_be_visible()
