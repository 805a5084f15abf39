"""Staff sign in with a password and an authenticator app, set up on the first sign-in."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import PASSWORD, staff_member
from tests.browser.axe import axe_violations
from tests.browser.conftest import ContextFactory
from tests.browser.staff import code_for_key, key_from_setup_page, staff_sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def test_first_sign_in_sets_up_the_app_then_the_back_office_opens(
    new_context: ContextFactory,
) -> None:
    User.objects.create_user("sam", password=PASSWORD, is_staff=True, first_name="Sam")
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    page.goto("/staff/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Set up your second step")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    assert axe_violations(page) == []
    key = key_from_setup_page(page)
    page.get_by_label("Code from the app").fill(code_for_key(key))
    page.get_by_role("button", name="Finish set-up").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_text("Signed in as Sam")).to_be_visible()
    assert axe_violations(page) == []


def test_a_password_alone_never_reaches_the_admin(new_context: ContextFactory) -> None:
    staff_member("desk", Role.FRONT_DESK)
    page = new_context(viewport=DESKTOP).new_page()
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your code")).to_be_visible()
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()


def test_signed_in_staff_reach_the_admin_and_sign_out(new_context: ContextFactory) -> None:
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    TOTPDevice.objects.create(user=User.objects.get(username="boss"), name="app", confirmed=True)
    page = new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    staff_sign_in(page, "boss", next_path="/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/staff/account/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
