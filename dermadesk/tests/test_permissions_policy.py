"""Every response tells the browser which powerful features our pages never use."""

import pytest
from django.core.management import call_command
from django.test import Client

from dermadesk.middleware import permissions_policy_header

ANSWERS = [
    "/",  # a public page
    "/book/",  # the booking's first step
    "/contact/",  # a form
    "/api/services",  # the JSON API
    "/api/no-such-thing",  # an API problem
    "/no-such-page/",  # the 404 page
    "/static/css/site.css",  # a static file (served by WhiteNoise, before any view)
    "/admin/login/",  # the back office
    "/robots.txt",
]


@pytest.fixture
def demo_clinic(db: None) -> None:
    call_command("demo", verbosity=0)


@pytest.mark.parametrize("path", ANSWERS)
@pytest.mark.usefixtures("demo_clinic")
def test_every_response_switches_off_camera_microphone_and_location(
    client: Client, path: str
) -> None:
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    policy = response.headers["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in policy.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


@pytest.mark.usefixtures("demo_clinic")
def test_a_refused_post_carries_the_policy_too(client: Client) -> None:
    response = Client(enforce_csrf_checks=True).post("/contact/", {"name": "x"})
    assert response.status_code == 403
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_header_lists_allowed_origins_in_its_own_syntax() -> None:
    header = permissions_policy_header({"camera": [], "fullscreen": ["self"]})
    assert header == "camera=(), fullscreen=(self)"
