"""A clinician makes their calendar feed on their account page, a calendar app reads it, and
stopping it closes the address: in a real browser, with axe on each page."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from dermadesk.clinic.models import Location
from dermadesk.patients.tests.factories import make_patient
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import BookingChannel, Resource, Service
from dermadesk.scheduling.queries import available_slots
from dermadesk.scheduling.services import booking_create
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import staff_member
from tests.browser.axe import axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import staff_sign_in

pytestmark = pytest.mark.browser


def test_a_clinician_subscribes_to_their_visits_and_can_stop_it(
    new_context: ContextFactory,
) -> None:
    clinic = Location.objects.get(slug="springfield")
    avery = Resource.objects.get(location=clinic, name="Dr. Avery Demo")
    staff_member("avery", Role.CLINICIAN, provider=avery)
    now = timezone.now()
    service = Service.objects.get(slug="consultation")
    with_avery = [Preference(role="clinician", resource=str(avery.pk), required=True)]
    slot = available_slots(
        service=service, location=clinic, start=now + timedelta(days=1),
        end=now + timedelta(days=8), now=now, preferences=with_avery,
    )[0]  # fmt: skip
    booking_create(
        service=service, location=clinic, start=slot.start, now=now,
        channel=BookingChannel.STAFF, patient_id=make_patient().pk, by_staff=True,
        preferences=with_avery,
    )  # fmt: skip
    context = new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    staff_sign_in(page, "avery", next_path="/staff/account/")

    expect(page.get_by_role("heading", name="Your calendar feed")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Make my calendar feed").click()
    expect(page.get_by_role("heading", name="Your calendar feed's address")).to_be_visible()
    assert axe_violations(page) == []
    path = urlsplit(page.get_by_label("Your feed's address").input_value()).path

    fetched = context.request.get(path)  # as a calendar app would: the address is the key
    assert fetched.status == 200
    (event,) = Calendar.from_ical(fetched.body()).walk("VEVENT")
    assert event["SUMMARY"] == "Consultation · A. S."

    page.get_by_role("link", name="I have added it: back to my account").click()
    expect(page.get_by_text("Your feed is on.")).to_be_visible()
    page.get_by_role("button", name="Stop the feed").click()
    expect(page.get_by_text("Your calendar feed is stopped")).to_be_visible()
    assert axe_violations(page) == []
    assert context.request.get(path).status == 404
