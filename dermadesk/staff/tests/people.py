"""Staff members for tests: with roles, and signed in with both factors."""

import time

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dermadesk.scheduling.models import Resource
from dermadesk.staff.groups import role_group
from dermadesk.staff.middleware import SEEN_KEY
from dermadesk.staff.roles import Role

PASSWORD = "a long staff password 42"


def staff_member(username: str, *roles: Role, provider: Resource | None = None) -> User:
    """An active staff member with ``roles`` and a set-up authenticator app."""
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=username.title()
    )
    for role in roles:
        user.groups.add(role_group(role))
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    if provider is not None:
        provider.staff_member = user
        provider.save(update_fields=["staff_member"])
    return user


def signed_in(client: Client, user: User) -> Client:
    """``client`` signed in as ``user`` with password and second factor passed (an
    authenticator app is set up for ``user`` if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SEEN_KEY] = int(time.time())
    session.save()
    return client
