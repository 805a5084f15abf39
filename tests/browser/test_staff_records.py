"""A clinician finds and opens a patient's record and screening; a manager reads that look in
the audit trail. axe on every page."""

import pytest
import time_machine
from playwright.sync_api import expect

from dermadesk.clinic.models import Location
from dermadesk.staff.tests.sweep import NOW, world_build
from tests.browser.axe import axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def test_a_clinicians_look_at_a_record_shows_in_the_managers_trail(
    new_context: ContextFactory,
) -> None:
    with time_machine.travel(NOW, tick=False):
        world = world_build(Location.objects.get(slug="springfield"))
    ada = world.patient_of_clin1
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(page, "clin1", next_path="/staff/patients/")
    assert axe_violations(page) == []
    page.get_by_label("Name, email, phone number or date of birth").fill("Lovelace")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Lovelace, Ada").click()
    expect(page.get_by_role("heading", name="Ada Lovelace", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Screening answers and reviews").click()
    expect(page.get_by_role("heading", name="Screening answers of Ada Lovelace")).to_be_visible()
    assert axe_violations(page) == []

    manager = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(manager, "mgr1", next_path=f"/staff/audit/?patient={ada.pk}")
    expect(manager.get_by_role("cell", name="Viewed screening")).to_be_visible()
    expect(manager.get_by_role("cell", name="Viewed record")).to_be_visible()
    assert axe_violations(manager) == []
