"""Staff's second factor: an authenticator app (TOTP) and ten recovery codes (django-otp).

Wrong codes are throttled per device by django-otp in the database (each wrong try doubles
the wait before the next is looked at), so guessing is slow in every worker process.
"""

import base64

import segno
from django.contrib.auth.models import User
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has set up their authenticator app."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_setup_device(user: User) -> TOTPDevice:
    """The authenticator device being set up (not yet confirmed), made on first ask."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's set-up link as an inline SVG QR code (no script, no image request)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR code to scan with your authenticator app"
    )


def totp_key_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recovery_codes_new(user: User) -> list[str]:
    """Ten new recovery codes (each works once); the ones before stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def totp_confirm(user: User, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Finish set-up with a code the app shows: the confirmed device and recovery codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(_digits(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    return device, recovery_codes_new(user)


def second_factor_match(user: User, code: str) -> Device | None:
    """The device ``code`` belongs to: a code from the app, or an unused recovery code."""
    cleaned = code.strip().replace(" ", "").replace("-", "")
    if cleaned.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(cleaned):
                return device
        return None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(cleaned.lower()):
            return static
    return None


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())[:8]
