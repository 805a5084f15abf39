"""The alerts page: open alerts newest first, each resolved with a button, once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.alerts.services import alert_raise
from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def raised(about: str, what: str, minutes: int = 0) -> Alert:
    return alert_raise(
        kind=AlertKind.LATE_CHANGE,
        about=about,
        what=what,
        link="/admin/scheduling/booking/1/change/",
        now=NOW + timedelta(minutes=minutes),
    )


@pytest.fixture
def clinician_client(client: Client, demo_clinic: Location) -> Client:
    return signed_in(client, staff_member("lee", Role.CLINICIAN))


def test_open_alerts_are_listed_newest_first_in_the_clinics_time(
    clinician_client: Client,
) -> None:
    raised("booking:1:0", "Ada Lovelace would like to move.")
    raised("booking:2:0", "Grace Hopper would like to cancel.", minutes=5)
    page = clinician_client.get("/staff/inbox/alerts/").text
    assert page.index("Grace Hopper") < page.index("Ada Lovelace")
    assert "Wed 25 Nov 2026, 2:05 p.m." in page
    assert "Open: 2" in page


def test_an_admin_link_is_shown_only_to_those_the_admin_lets_in(
    clinician_client: Client,
) -> None:
    raised("booking:1:0", "Ada Lovelace would like to move.")
    assert "Open it in the admin" not in clinician_client.get("/staff/inbox/alerts/").text
    boss = staff_member("boss", Role.MANAGER)
    assert "Open it in the admin" not in signed_in(Client(), boss).get("/staff/inbox/alerts/").text
    boss.user_permissions.add(Permission.objects.get(codename="change_booking"))
    boss = User.objects.get(pk=boss.pk)  # permissions are cached per user object
    assert "Open it in the admin" in signed_in(Client(), boss).get("/staff/inbox/alerts/").text


def test_resolving_takes_the_alert_off_the_open_list_and_says_who(
    clinician_client: Client,
) -> None:
    alert = raised("booking:1:0", "Ada Lovelace would like to move.")
    response = clinician_client.post(f"/staff/inbox/alerts/{alert.pk}/resolve/", follow=True)
    assert "Resolved: Late change request." in response.text
    assert "Nothing needs you right now." in response.text
    assert "Resolved lately" in response.text and "by Lee" in response.text
    alert.refresh_from_db()
    assert alert.resolved_by is not None and alert.resolved_by.username == "lee"


def test_resolving_twice_says_it_was_already_resolved(
    clinician_client: Client, client: Client
) -> None:
    alert = raised("booking:1:0", "Ada Lovelace would like to move.")
    clinician_client.post(f"/staff/inbox/alerts/{alert.pk}/resolve/")
    other = signed_in(Client(), staff_member("sam", Role.FRONT_DESK))
    response = other.post(f"/staff/inbox/alerts/{alert.pk}/resolve/", follow=True)
    assert "That alert was already resolved, by Lee." in response.text
    alert.refresh_from_db()
    assert alert.resolved_by is not None and alert.resolved_by.username == "lee"


def test_resolving_an_alert_that_does_not_exist_is_a_404(clinician_client: Client) -> None:
    assert clinician_client.post("/staff/inbox/alerts/999/resolve/").status_code == 404


def test_resolving_is_a_post_only(clinician_client: Client) -> None:
    alert = raised("booking:1:0", "Ada Lovelace would like to move.")
    assert clinician_client.get(f"/staff/inbox/alerts/{alert.pk}/resolve/").status_code == 405
    alert.refresh_from_db()
    assert alert.is_open


def test_showing_an_alert_that_names_a_patient_is_written_in_the_audit_trail(
    clinician_client: Client,
) -> None:
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        date_of_birth=date(1990, 4, 21),
    )  # fmt: skip
    alert_raise(
        kind=AlertKind.LATE_CHANGE, about="booking:1:0", patient_id=ada.pk,
        what="Ada Lovelace would like to move their visit: +12175550199", now=NOW,
    )  # fmt: skip
    raised("waitlist:3", "A waitlist place ended without a time.")  # names no patient
    assert "Ada Lovelace" in clinician_client.get("/staff/inbox/alerts/").text
    [event] = AuditEvent.objects.all()
    assert (event.patient_id, event.action, event.what) == (ada.pk, AuditAction.VIEW, "alerts")
    assert event.actor is not None and event.actor.username == "lee"
    assert event.actor_role == "Clinician"
