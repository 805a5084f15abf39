"""The access log in the portal: which staff role looked at or changed the record, and
when, from the audit trail; never the staff member's name, never another record's."""

from datetime import date

import time_machine
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.portal.tests.conftest import NOW, patient, portal_client
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member


def test_a_staff_view_shows_in_the_portal_by_role_not_by_name(clinic: Location) -> None:
    ada = patient()
    ben = patient(email="ben@example.com", given="Ben", born=date(1980, 1, 1))
    desk = staff_member("frontdesk1", Role.FRONT_DESK)
    desk.first_name, desk.last_name = "Dora", "Desk"
    desk.save()
    with time_machine.travel(NOW, tick=False):
        staff = signed_in(Client(), desk)
        assert staff.get(f"/staff/patients/{ada.pk}/").status_code == 200
        assert staff.get(f"/staff/patients/{ben.pk}/edit/").status_code == 200
        page = portal_client("ada@example.com").get("/portal/data/").text
    log = page.split("Who looked at or changed your record")[1]
    assert "<td>Front desk</td><td>looked at record</td>" in log
    assert "Wednesday 25 November 2026, 2:00 p.m. (Springfield clinic time, CST)" in log
    assert "Dora" not in page and "Desk</td>" not in page and "frontdesk1" not in page
    assert log.count("<tr>") == 2  # the header and Ada's one view; Ben's edit page is Ben's


def test_the_patients_own_downloads_show_as_theirs(clinic: Location) -> None:
    ada = patient()
    client = portal_client("ada@example.com")
    with time_machine.travel(NOW, tick=False):
        client.post("/portal/data/request/", {"patient": ada.pk})
        client.get(f"/portal/data/{ada.pk}/copy.json")
        page = client.get("/portal/data/").text
    assert "<td>You, in the portal</td><td>downloaded data copy (JSON)</td>" in page
