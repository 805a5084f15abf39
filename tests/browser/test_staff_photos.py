"""A clinician records Ada's consent to photos, uploads a before and an after photo of her
cheeks at her checked-in visit (as a phone's camera would hand them over, GPS and all), sees
both, and compares them on the results page; the stored files carry no EXIF. axe on every
page."""

import re
from pathlib import Path

import pytest
import time_machine
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.fixtures import Settings

from dermadesk.clinic.models import Location
from dermadesk.photos.models import ClinicalPhoto
from dermadesk.photos.tests import images
from dermadesk.photos.tests.conftest import THURSDAY_8_AM
from dermadesk.scheduling.services import booking_check_in
from dermadesk.staff.tests.sweep import NOW, World, world_build
from tests.browser.axe import axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}


def ada_checked_in() -> World:
    with time_machine.travel(NOW, tick=False):
        world = world_build(Location.objects.get(slug="springfield"))
    booking_check_in(booking=world.visit_of_clin1, by=world.users["clin1"], now=THURSDAY_8_AM)
    return world


def no_violations(page: Page) -> None:
    assert axe_violations(page) == []


def upload(page: Page, moment: str, data: bytes, name: str) -> None:
    page.get_by_label("Area").select_option("cheeks")
    page.get_by_label(f"{moment} the treatment").check()
    payload: FilePayload = {"name": name, "mimeType": "image/jpeg", "buffer": data}
    page.get_by_label("Photo").set_input_files(files=[payload])
    page.get_by_role("button", name="Keep this photo").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"The photo of the cheeks, {moment.lower()}, is kept.")).to_be_visible()


def loaded(page: Page, name: str) -> None:
    """The thumbnail is shown: its image arrived through the staff view and was decoded."""
    image = page.get_by_role("img", name=re.compile(name))
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def test_a_clinician_uploads_before_and_after_photos_of_a_checked_in_visit(
    new_context: ContextFactory, settings: Settings, tmp_path: Path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    world = ada_checked_in()
    ada, visit = world.patient_of_clin1, world.visit_of_clin1
    page = new_context(viewport=TABLET, bypass_csp=True).new_page()
    staff_sign_in(page, "clin1", next_path=f"/staff/patients/{ada.pk}/")

    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Record consent for treatment record only").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Consent to photos for treatment record only is recorded.")
    ).to_be_visible()
    expect(
        page.get_by_role("button", name="Withdraw consent for treatment record only")
    ).to_be_visible()

    page.goto(f"/staff/visits/{visit.pk}/photos/")
    expect(page.get_by_role("heading", name="Add a photo")).to_be_visible()
    expect(page.get_by_text("No photos of this session yet.")).to_be_visible()
    no_violations(page)

    upload(page, "Before", images.jpeg_with_gps(640, 480, orientation=6), "IMG_0001.jpg")
    upload(page, "After", images.jpeg_with_gps(640, 480), "IMG_0002.jpg")
    expect(page.get_by_role("heading", name="Cheeks", level=3)).to_be_visible()
    loaded(page, "Cheeks, before the treatment")
    loaded(page, "Cheeks, after the treatment")
    no_violations(page)

    before, after = ClinicalPhoto.objects.order_by("pk")
    assert (before.moment, after.moment) == ("before", "after")
    assert (before.width, before.height) == (480, 640)  # turned upright by its EXIF
    for photo in (before, after):
        path = Path(settings.PRIVATE_MEDIA_ROOT) / str(photo.image.name)
        with Image.open(path) as stored:
            assert dict(stored.getexif()) == {}
            assert "exif" not in stored.info

    page.get_by_label("The patient's, as they told you").check()
    page.get_by_label("4: Clearly better").check()
    page.get_by_role("button", name="Save the rating").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The rating is saved with this session.")).to_be_visible()
    no_violations(page)

    page.get_by_role("link", name="Results over the course").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What results depend on")).to_be_visible()
    expect(page.get_by_role("table", name="Cheeks")).to_be_visible()
    loaded(page, "Cheeks after")
    no_violations(page)
