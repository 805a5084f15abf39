"""Signing staff in through the real pages: password, then a code computed from their
authenticator device's key, as their phone would."""

import base64
import re

from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from dermadesk.staff.tests.people import PASSWORD


def code_for_key(key: bytes) -> str:
    return f"{totp(key):06d}"


def staff_sign_in(page: Page, username: str, next_path: str = "/staff/") -> None:
    """Sign ``username`` in (their authenticator app already set up)."""
    page.goto(f"/staff/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    device = TOTPDevice.objects.get(user=User.objects.get(username=username), confirmed=True)
    page.get_by_label("Code").fill(code_for_key(device.bin_key))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/staff/login/"))
    # The page the sign-in led to, loaded with its scripts, as a person would see it before
    # they act (a click before then is a plain form post, which the tests of in-place
    # updates would mistake for a failure).
    page.wait_for_load_state()


def key_from_setup_page(page: Page) -> bytes:
    """The secret shown for typing by hand on the set-up page."""
    text = page.locator("code.key").inner_text().replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))
