from datetime import date, time

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client

from dermadesk.clinic.models import Closure, Location, OfficeHours
from dermadesk.clinic.tests.factories import make_location
from dermadesk.staff.tests.people import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client: Client) -> Client:
    user = User.objects.create_superuser("manager", "manager@example.com", "a-long-password-1")
    signed_in(client, user)
    return client


def location_form(location: Location, hours: list[tuple[int, str, str]]) -> dict[str, str]:
    """The admin change form of a location, with the given weekly hours rows."""
    data = {
        "name": location.name,
        "slug": location.slug,
        "display_order": "0",
        "street_address": location.street_address,
        "locality": location.locality,
        "country": location.country,
        "phone": location.phone,
        "email": location.email,
        "time_zone": location.time_zone,
        "office_hours-TOTAL_FORMS": str(len(hours)),
        "office_hours-INITIAL_FORMS": "0",
        "special_hours-TOTAL_FORMS": "0",
        "special_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }
    for index, (weekday, opens, closes) in enumerate(hours):
        data[f"office_hours-{index}-weekday"] = str(weekday)
        data[f"office_hours-{index}-opens"] = opens
        data[f"office_hours-{index}-closes"] = closes
    return data


def test_admin_saves_a_lunch_break_as_two_spans(admin_client_logged_in: Client) -> None:
    location = make_location()
    response = admin_client_logged_in.post(
        f"/admin/clinic/location/{location.pk}/change/",
        location_form(location, [(0, "08:00", "12:00"), (0, "13:00", "19:00")]),
    )
    assert response.status_code == 302
    assert OfficeHours.objects.filter(location=location, weekday=0).count() == 2


def test_admin_refuses_overlapping_hours_on_one_day(admin_client_logged_in: Client) -> None:
    location = make_location()
    response = admin_client_logged_in.post(
        f"/admin/clinic/location/{location.pk}/change/",
        location_form(location, [(0, "08:00", "13:00"), (0, "12:00", "19:00")]),
    )
    assert response.status_code == 200
    assert "Two opening times overlap on Monday" in response.text
    assert not OfficeHours.objects.filter(location=location).exists()


def test_admin_refuses_closing_before_opening(admin_client_logged_in: Client) -> None:
    location = make_location()
    response = admin_client_logged_in.post(
        f"/admin/clinic/location/{location.pk}/change/",
        location_form(location, [(2, "19:00", "08:00")]),
    )
    assert response.status_code == 200
    assert "Closing time must be after opening time." in response.text
    assert not OfficeHours.objects.filter(location=location).exists()


def test_admin_refuses_an_unknown_time_zone(admin_client_logged_in: Client) -> None:
    location = make_location()
    data = location_form(location, []) | {"time_zone": "Mars/Olympus_Mons"}
    response = admin_client_logged_in.post(f"/admin/clinic/location/{location.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text or "not a known time zone" in response.text
    location.refresh_from_db()
    assert location.time_zone == "America/New_York"


def test_database_refuses_hours_that_close_before_they_open() -> None:
    location = make_location()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(location=location, weekday=0, opens=time(19), closes=time(8))


def test_database_refuses_a_closure_ending_before_it_starts() -> None:
    location = make_location()
    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(
            location=location, first_day=date(2026, 12, 26), last_day=date(2026, 12, 25), reason="x"
        )
