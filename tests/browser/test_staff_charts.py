"""The treatment record in a real Chromium, on a tablet: a clinician checks a patient in from
the day's calendar, takes a before photo, charts a PRP session with two areas and signs,
takes an after photo (the stored files read back with Pillow carry no EXIF); amends a depth
with a reason and sees the difference; the medical director finds the chart in the review queue and
signs the review. axe on every page.

The clock is 11 a.m. of today in the clinic's zone (and runs on). Set ``CHART_SCREENSHOTS``
to a folder to keep a picture of each page.
"""

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from dermadesk.charting.models import Chart, ChartStatus, Lot, LotKind
from dermadesk.charting.services import AreaEntry, chart_open, chart_save
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import ConsentDocument, Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import consent_sign
from dermadesk.photos.models import ClinicalPhoto, ConsentChannel, PhotoPurpose
from dermadesk.photos.services import photo_consent_give
from dermadesk.photos.tests import images
from dermadesk.scheduling.models import BookingChannel, ResourceKind, Service
from dermadesk.scheduling.services import booking_check_in, booking_create
from dermadesk.screening.models import Questionnaire, ScreeningOutcome, ScreeningResponse
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in
from tests.browser.test_staff_photos import loaded, upload

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def clinic_morning(site_url: str) -> Iterator[Location]:
    clinic = Location.objects.get(slug="springfield")
    today = timezone.now().astimezone(clinic.zone).date()
    # The consents were published when the demo was made: make them older than the morning.
    ConsentDocument.objects.update(published_at=timezone.now() - timedelta(days=30))
    with time_machine.travel(datetime.combine(today, time(11), tzinfo=clinic.zone), tick=True):
        yield clinic


def checked(page: Page, name: str) -> None:
    assert_no_axe_violations(page)
    folder = os.environ.get("CHART_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _ready_patient(clinic: Location) -> Patient:
    """Ada, booked for PRP at 11:30 today, her consent signed and screening valid today."""
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550100", date_of_birth=date(1980, 1, 2),
    )  # fmt: skip
    service = Service.objects.get(slug="micro-needling-prp")
    now = timezone.now()
    today = now.astimezone(clinic.zone).date()
    booking = booking_create(
        service=service, location=clinic, now=now - timedelta(days=2),
        start=datetime.combine(today, time(11, 30), tzinfo=clinic.zone),
        channel=BookingChannel.STAFF, patient_id=ada.pk, by_staff=True,
    )  # fmt: skip
    for item in consent_status(patient=ada, service=service, now=now).pending:
        consent_sign(
            patient=ada, document=item.document, typed_name="Ada Lovelace",
            now=now - timedelta(days=1), ip_address="127.0.0.1", user_agent="test",
        )  # fmt: skip
    ScreeningResponse.objects.create(
        patient=ada, questionnaire=Questionnaire.objects.get(published=True), service=service,
        answers={}, treatment_date=today, outcome=ScreeningOutcome.SUITABLE,
        created_at=now - timedelta(days=1), valid_until=today + timedelta(days=60),
    )  # fmt: skip
    photo_consent_give(
        patient_id=ada.pk, purpose=PhotoPurpose.CHART, channel=ConsentChannel.PORTAL, by=None,
        roles=[], address=None, now=now - timedelta(days=1),
    )  # fmt: skip
    provider = booking.allocations.filter(resource__kind=ResourceKind.PROVIDER)[0].resource
    staff_member("clin", Role.CLINICIAN, provider=provider)
    for kind, product, number in (
        (LotKind.CARTRIDGE, "12-pin nano cartridge", "C-2207"),
        (LotKind.PRP_KIT, "PRP kit 10 ml", "K-88"),
    ):
        Lot.objects.create(kind=kind, product=product, lot_number=number,
                           expires_on=today + timedelta(days=300))  # fmt: skip
    return ada


def test_a_clinician_charts_and_amends_a_prp_session_and_the_director_reviews_it(
    clinic_morning: Location, new_context: ContextFactory, settings: Settings, tmp_path: Path
) -> None:
    settings.CHART_REVIEW_SHARE_PERCENT = 100  # this chart goes to the review queue
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    staff_member("director", Role.MANAGER)
    _ready_patient(clinic_morning)
    page = new_context(viewport=TABLET, bypass_csp=True).new_page()
    staff_sign_in(page, "clin", next_path="/staff/calendar/")

    # From the day's calendar to Ada's visit; checked in.
    page.get_by_role("link", name="Ada Lovelace").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Micro-Needling with PRP")
    page.get_by_role("button", name="Check in").click()
    expect(
        page.locator("#main .messages").get_by_text("Ada Lovelace is checked in.")
    ).to_be_visible()
    checked(page, "1-checked-in")
    visit_path = page.url

    # A before photo of the cheeks, from the tablet's camera (GPS and all).
    page.get_by_role("link", name="Photos of this visit").click()
    page.wait_for_load_state()
    upload(page, "Before", images.jpeg_with_gps(640, 480), "IMG_0001.jpg")
    loaded(page, "Cheeks, before the treatment")
    page.goto(visit_path)

    # The chart, started from the visit.
    page.get_by_role("link", name="Open the chart").click()
    page.wait_for_load_state()
    checked(page, "2-start")
    page.get_by_role("button", name="Start the chart").click()
    page.wait_for_load_state()
    checked(page, "3-chart")
    page.get_by_label("Pen", exact=True).select_option(label="Pen A")
    page.get_by_label("Cartridge lot").select_option(index=1)
    page.get_by_label("Numbing cream applied at").fill("11:00")
    page.get_by_label("Numbing cream removed at").fill("11:30")
    page.get_by_label("Blood drawn (ml)").fill("20")
    page.get_by_label("or spin force (× g)").fill("1500")
    page.get_by_label("Spin time (minutes)").fill("10")
    page.get_by_label("PRP used (ml)").fill("6")
    page.get_by_label("PRP kit lot").select_option(index=1)
    page.get_by_label("Cheeks", exact=True).check()
    page.get_by_label("Cheeks: depth (mm)").fill("1.00")
    page.get_by_label("Cheeks: passes").fill("3")
    page.get_by_label("Forehead", exact=True).check()
    page.get_by_label("Forehead: depth (mm)").fill("0.50")
    page.get_by_label("Forehead: passes").fill("2")
    page.get_by_label("Immediate skin response").fill("Even redness, pinpoint bleeding.")
    page.get_by_role("button", name="Save and sign").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The chart is signed and locked.")).to_be_visible()
    checked(page, "4-signed")
    chart = Chart.objects.get(patient__family_name="Lovelace")
    assert chart.status == ChartStatus.SIGNED
    assert chart.areas.count() == 2
    chart_path = page.url

    # The after photo, from the chart; both stored without any metadata.
    page.get_by_role("link", name="Photos of this visit").click()
    page.wait_for_load_state()
    upload(page, "After", images.jpeg_with_gps(640, 480, orientation=6), "IMG_0002.jpg")
    loaded(page, "Cheeks, after the treatment")
    checked(page, "4b-photos")
    before, after = ClinicalPhoto.objects.order_by("pk")
    assert (before.moment, after.moment) == ("before", "after")
    for photo in (before, after):
        with Image.open(Path(settings.PRIVATE_MEDIA_ROOT) / str(photo.image.name)) as stored:
            assert dict(stored.getexif()) == {}
            assert "exif" not in stored.info
    page.goto(chart_path)

    # A depth typed wrong: amended, with the reason; the difference shown.
    page.get_by_role("link", name="Amend the chart").click()
    page.wait_for_load_state()
    checked(page, "5-amend")
    page.get_by_label("Cheeks: depth (mm)").fill("0.75")
    page.get_by_label("Why is the chart being amended?").fill("The pen was set to 0.75 mm.")
    page.get_by_role("button", name="Save the amendment").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The amendment is kept with the chart.")).to_be_visible()
    difference = page.get_by_role("table", name="What this amendment changed")
    expect(difference.get_by_role("row", name="Cheeks: depth (mm) 1.00 0.75")).to_be_visible()
    expect(page.get_by_text("The pen was set to 0.75 mm.")).to_be_visible()
    checked(page, "6-amended")

    # The medical director: the chart in the queue, reviewed and signed.
    director = new_context(viewport=TABLET, bypass_csp=True).new_page()
    staff_sign_in(director, "director", next_path="/staff/charts/review/")
    expect(director.get_by_role("heading", name="Charts to review")).to_be_visible()
    checked(director, "7-queue")
    director.get_by_role("link", name="Ada Lovelace").click()
    director.wait_for_load_state()
    checked(director, "8-chart-for-review")
    director.get_by_label("Appropriate as charted").check()
    director.get_by_role("button", name="Sign the review").click()
    director.wait_for_load_state()
    expect(director.get_by_text("Your review is signed and kept with the chart.")).to_be_visible()
    expect(director.get_by_text("No chart is waiting for a review.")).to_be_visible()
    checked(director, "9-reviewed")
    assert chart.reviews.get().agreed


def test_a_complication_follow_up_and_a_lot_recall(
    clinic_morning: Location, new_context: ContextFactory
) -> None:
    """The medical director records a complication from the visit (its follow-up on the
    alerts), closes it with its outcome, and recalls the cartridge lot used: one letter."""
    staff_member("director", Role.MANAGER)
    ada = _ready_patient(clinic_morning)
    visit = ada.bookings.get()
    clinician = visit.allocations.filter(resource__kind=ResourceKind.PROVIDER)[0]
    user = clinician.resource.staff_member
    assert user is not None
    visit = booking_check_in(booking=visit, by=user, now=timezone.now())
    chart = chart_open(booking=visit, by=user, now=timezone.now())
    lot = Lot.objects.get(lot_number="C-2207")
    chart_save(chart=chart, values={"cartridge_lot": lot}, now=timezone.now(),
               areas=[AreaEntry("chin", Decimal("0.50"), 2)])  # fmt: skip

    page = new_context(viewport=TABLET, bypass_csp=True).new_page()
    staff_sign_in(page, "director", next_path=f"/staff/visits/{visit.pk}/")
    page.get_by_role("link", name="Record a complication").click()
    page.wait_for_load_state()
    checked(page, "c1-new")
    page.get_by_role("button", name="Record the complication").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Please check this")).to_be_visible()
    checked(page, "c2-problems")
    page.get_by_label("What happened").fill("Bruising under the left eye")
    page.get_by_label("Moderate").check()
    tomorrow = timezone.now().astimezone(clinic_morning.zone).date() + timedelta(days=1)
    page.get_by_label("Began on").fill(tomorrow.isoformat())
    page.get_by_label("Follow-up due").fill((tomorrow + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record the complication").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The complication is recorded.")).to_be_visible()
    checked(page, "c3-recorded")
    page.get_by_role("link", name="Alerts").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Follow-up due by")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    page.get_by_label("Outcome").fill("Faded within a week.")
    page.get_by_role("button", name="Save and close it (with the outcome)").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Closed", exact=False).first).to_be_visible()
    checked(page, "c4-closed")

    page.get_by_role("link", name="Stock").click()
    page.wait_for_load_state()
    checked(page, "r1-stock")
    page.get_by_role("link", name="Patients treated with lot C-2207").click()
    page.wait_for_load_state()
    expect(page.locator("#recall-count")).to_have_text(
        "1 patient treated with this lot; 1 without a recall letter yet."
    )
    checked(page, "r2-recall")
    page.get_by_label("Send the recall letter").check()
    page.get_by_role("button", name="Queue the recall letters").click()
    page.wait_for_load_state()
    expect(page.get_by_text("1 recall letter queued.")).to_be_visible()
    checked(page, "r3-queued")
    assert OutboundMessage.objects.filter(template_key="lot-recall").count() == 1
