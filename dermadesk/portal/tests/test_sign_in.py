"""Signing in to the portal with an emailed code: the same answer for every address, the
code read from the outbox, sign-out, the idle time, and the rate limit."""

import re
from datetime import timedelta

import time_machine
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.portal.tests.conftest import NOW, patient

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def ask_code(client: Client, email: str) -> tuple[int, str, str]:
    response = client.post("/portal/", {"email": email})
    page = client.get("/portal/code/")
    words = CSRF.sub("", page.text.replace(email, "EMAIL"))  # each browser has its own token
    return response.status_code, response["Location"], words


def sign_in(client: Client, email: str) -> None:
    ask_code(client, email)
    response = client.post("/portal/code/", {"code": latest_code(email)})
    assert response.status_code == 302


def test_a_known_and_an_unknown_address_get_the_same_answer(clinic: Location) -> None:
    patient(email="ada@example.com")
    with time_machine.travel(NOW, tick=False):
        known = ask_code(Client(), "ada@example.com")
        unknown = ask_code(Client(), "nobody@example.com")
    assert known == unknown
    assert known[1] == "/portal/code/"  # the address never enters a URL
    sent = OutboundMessage.objects.filter(template_key=TemplateKey.PATIENT_SIGN_IN_CODE)
    assert {m.recipient for m in sent} == {"ada@example.com", "nobody@example.com"}


def test_the_code_from_the_email_signs_in_and_shows_the_patients_page(clinic: Location) -> None:
    patient(email="ada@example.com")
    client = Client()
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "ada@example.com")
        page = client.get("/portal/")
    assert page.status_code == 200
    assert "<h1>Your visits</h1>" in page.text
    assert "no-store" in page["Cache-Control"]


def test_a_wrong_code_is_refused_and_signs_nobody_in(clinic: Location) -> None:
    client = Client()
    with time_machine.travel(NOW, tick=False):
        ask_code(client, "ada@example.com")
        wrong = "000000" if latest_code("ada@example.com") != "000000" else "111111"
        response = client.post("/portal/code/", {"code": wrong})
        assert response.status_code == 400
        assert "That code is not right" in response.text
        assert "Sign in to see your visits" in client.get("/portal/").text


def test_the_code_page_without_an_address_goes_back_to_the_start(clinic: Location) -> None:
    response = Client().get("/portal/code/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_signing_out_ends_the_sign_in(clinic: Location) -> None:
    client = Client()
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "ada@example.com")
        response = client.post("/portal/sign-out/", follow=True)
    assert "You are signed out" in response.text
    assert "Sign in to see your visits" in response.text


def test_the_sign_in_ends_after_the_idle_time_and_each_page_starts_it_again(
    clinic: Location, settings: Settings
) -> None:
    client = Client()
    idle = timedelta(minutes=settings.PATIENT_SESSION_MINUTES)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "ada@example.com")
    with time_machine.travel(NOW + idle - timedelta(minutes=1), tick=False):
        assert "<h1>Your visits</h1>" in client.get("/portal/").text  # active again here
    with time_machine.travel(NOW + 2 * idle - timedelta(minutes=2), tick=False):
        assert "<h1>Your visits</h1>" in client.get("/portal/").text
    with time_machine.travel(NOW + 3 * idle, tick=False):
        assert "Sign in to see your visits" in client.get("/portal/").text


def test_a_staff_login_does_not_open_the_portal(clinic: Location) -> None:
    staff = User.objects.create_user(username="desk", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert "Sign in to see your visits" in client.get("/portal/").text


def test_asking_for_codes_too_often_from_one_address_is_paused(
    clinic: Location, settings: Settings
) -> None:
    settings.PORTAL_SIGN_IN_RATE_LIMIT = "3/h"
    client = Client()
    with time_machine.travel(NOW, tick=False):
        answers = [
            client.post("/portal/", {"email": f"p{n}@example.com"}).status_code for n in range(4)
        ]
    assert answers == [302, 302, 302, 429]


def test_something_that_is_not_an_address_is_a_clear_400(clinic: Location) -> None:
    response = Client().post("/portal/", {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
