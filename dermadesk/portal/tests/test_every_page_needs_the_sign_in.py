"""Every portal address, asked without a patient sign-in (nobody, or a staff login), goes
to the sign-in page and shows nothing: the table below must name each portal URL."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, get_resolver

from dermadesk.clinic.models import Location

OPEN = {"portal:sign_in", "portal:code", "portal:sign_out"}
GUARDED = {
    "portal:messages": "/portal/messages/",
    "portal:preferences": "/portal/preferences/",
    "portal:sms_on": "/portal/preferences/sms/on/",
    "portal:sms_off": "/portal/preferences/sms/off/",
    "portal:data": "/portal/data/",
    "portal:data_request": "/portal/data/request/",
    "portal:copy_json": "/portal/data/1/copy.json",
    "portal:copy_pdf": "/portal/data/1/copy.pdf",
    "portal:visit": "/portal/visits/1/",
    "portal:visit_cancel": "/portal/visits/1/cancel/",
    "portal:visit_cancel_course": "/portal/visits/1/cancel-course/",
    "portal:visit_move_day": "/portal/visits/1/move/",
    "portal:visit_move": "/portal/visits/1/move/to/",
    "portal:visit_move_time": "/portal/visits/1/move/2026-11-28/",
    "portal:visit_ask": "/portal/visits/1/ask/",
    "portal:visit_consent": "/portal/visits/1/consent/",
    "portal:visit_screening": "/portal/visits/1/screening/",
    "portal:visit_course": "/portal/visits/1/course/",
}


def test_every_portal_url_is_in_the_table() -> None:
    _, resolver = get_resolver().namespace_dict["portal"]
    names = {f"portal:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}
    assert names == OPEN | set(GUARDED)


@pytest.mark.parametrize("path", sorted(GUARDED.values()))
@pytest.mark.parametrize("who", ["nobody", "staff"])
def test_without_a_patient_sign_in_every_page_goes_to_the_sign_in(
    clinic: Location, path: str, who: str
) -> None:
    client = Client()
    if who == "staff":
        client.force_login(User.objects.create_user(username="desk", is_staff=True))
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (302, 405), (method, path)
        if response.status_code == 302:
            assert response["Location"] == "/portal/"
