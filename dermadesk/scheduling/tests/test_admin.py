from datetime import datetime

from django.contrib.auth.models import User
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, BookingChannel, BookingStatus, Service
from dermadesk.scheduling.services import booking_create
from dermadesk.scheduling.tests.conftest import NOW
from dermadesk.staff.tests.people import signed_in


def test_admin_cancel_action_goes_through_the_booking_service(
    clinic: Location, client: Client
) -> None:
    booking = booking_create(
        service=Service.objects.get(slug="consultation"),
        location=clinic,
        start=datetime(2026, 11, 26, 9, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
    )
    signed_in(client, User.objects.create_superuser("manager", "m@example.com", "pw-long-1"))
    response = client.post(
        "/admin/scheduling/booking/",
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
        follow=True,
    )
    assert "1 booking(s) cancelled." in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not booking.allocations.filter(active=True).exists()


def test_admin_booking_list_and_page_show(clinic: Location, client: Client) -> None:
    booking = booking_create(
        service=Service.objects.get(slug="micro-needling"),
        location=clinic,
        start=datetime(2026, 11, 26, 9, tzinfo=clinic.zone),
        now=NOW,
        channel=BookingChannel.STAFF,
    )
    signed_in(client, User.objects.create_superuser("manager", "m@example.com", "pw-long-1"))
    assert client.get("/admin/scheduling/booking/").status_code == 200
    page = client.get(f"/admin/scheduling/booking/{booking.pk}/change/")
    assert page.status_code == 200
    assert "Pen A" in page.text or "Pen B" in page.text
    assert Booking.objects.count() == 1
