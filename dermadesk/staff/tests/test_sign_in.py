"""Staff sign in with a password and a code from their app; a password alone opens nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import PASSWORD, signed_in, staff_member

pytestmark = pytest.mark.django_db


def code_now(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, username: str, password: str = PASSWORD) -> int:
    return client.post("/staff/login/", {"username": username, "password": password}).status_code


def test_password_and_app_code_open_the_back_office(client: Client) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    assert client.get("/staff/").status_code == 302
    response = client.post("/staff/login/", {"username": "desk", "password": PASSWORD})
    assert response["Location"] == "/staff/login/code/"
    response = client.post("/staff/login/code/", {"code": code_now(desk)})
    assert response["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Signed in as Desk (Front desk)" in page.text


@pytest.mark.parametrize("path", ["/staff/", "/staff/account/", "/admin/", "/admin/auth/user/"])
def test_a_password_alone_opens_no_staff_page_nor_the_admin(client: Client, path: str) -> None:
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    staff_member("desk", Role.FRONT_DESK)
    for username in ("desk", "boss"):
        password_step(client, username)
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")


def test_a_wrong_code_is_refused_and_signs_nobody_in(client: Client) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    password_step(client, "desk")
    wrong = f"{(int(code_now(desk)) + 1) % 1_000_000:06d}"
    response = client.post("/staff/login/code/", {"code": wrong})
    assert response.status_code == 400
    assert "That code did not work" in response.text
    assert client.get("/staff/").status_code == 302


def test_the_code_step_needs_a_fresh_password_step(client: Client) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(client, "desk")
        clock.shift(timedelta(minutes=6))
        response = client.post("/staff/login/code/", {"code": code_now(desk)})
    assert response["Location"] == "/staff/login/"
    assert client.get("/staff/").status_code == 302


def test_first_sign_in_sets_up_the_app_with_a_qr_code_and_recovery_codes(client: Client) -> None:
    new = User.objects.create_user("new", password=PASSWORD, is_staff=True)
    new.groups.add(*[])
    response = client.post("/staff/login/", {"username": "new", "password": PASSWORD})
    assert response["Location"] == "/staff/login/setup/"
    setup = client.get("/staff/login/setup/")
    assert "<svg" in setup.text and "otpauth" not in setup.text.split("<svg")[0]
    device = TOTPDevice.objects.get(user=new, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/staff/login/setup/", {"code": code})
    assert done.status_code == 200
    codes = [c.token for c in StaticToken.objects.filter(device__user=new)]
    assert len(codes) == 10
    assert all(c in done.text for c in codes)
    assert TOTPDevice.objects.get(user=new).confirmed
    assert client.get("/staff/").status_code == 200


def test_a_recovery_code_signs_in_once(client: Client) -> None:
    staff_member("desk", Role.FRONT_DESK)
    desk = User.objects.get(username="desk")
    signed_in(client, desk)
    page = client.post("/staff/account/recovery-codes/")
    code = StaticToken.objects.filter(device__user=desk).first()
    assert code is not None and code.token in page.text
    token = code.token
    for expected in ("/staff/", "/staff/login/code/"):
        other = Client()
        password_step(other, "desk")
        response = other.post("/staff/login/code/", {"code": token})
        assert response.status_code in (302, 400)
        if expected == "/staff/":
            assert response["Location"] == "/staff/"
        else:
            assert response.status_code == 400


def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_one(client: Client) -> None:
    staff_member("desk", Role.FRONT_DESK)
    statuses = [password_step(client, "desk", "not the password at all") for _ in range(20)]
    assert statuses[0] == 400
    assert statuses[-1] == 429
    right = Client(REMOTE_ADDR="198.51.100.7")
    response = right.post("/staff/login/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 429
    assert "signing in is paused for this account" in response.text
    assert "code" not in response.get("Location", "")


def test_the_lock_lifts_after_its_time(client: Client, settings: object) -> None:
    staff_member("desk", Role.FRONT_DESK)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(20):
            password_step(client, "desk", "not the password at all")
        clock.shift(timedelta(minutes=31))
        response = client.post("/staff/login/", {"username": "desk", "password": PASSWORD})
    assert response["Location"] == "/staff/login/code/"


def test_a_staff_session_ends_after_thirty_idle_minutes(client: Client) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed_in(client, desk)
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/staff/")
    assert response.status_code == 302
    assert client.get("/staff/login/").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_staff_session_cookie_ends_with_the_browser(client: Client) -> None:
    desk = staff_member("desk", Role.FRONT_DESK)
    password_step(client, "desk")
    response = client.post("/staff/login/code/", {"code": code_now(desk)})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_a_patient_account_cannot_use_the_staff_sign_in(client: Client) -> None:
    User.objects.create_user("patient-abc", password=PASSWORD)
    response = client.post("/staff/login/", {"username": "patient-abc", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_signing_out_ends_the_session(client: Client) -> None:
    signed_in(client, staff_member("desk", Role.FRONT_DESK))
    assert client.post("/staff/logout/")["Location"] == "/staff/login/"
    assert client.get("/staff/").status_code == 302
