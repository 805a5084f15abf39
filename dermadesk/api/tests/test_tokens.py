"""API tokens: made, shown once, kept as a digest only, recognised, recorded, revoked."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from dermadesk.api.credentials import digest_of, new_secret, prefix_of
from dermadesk.api.models import ApiToken
from dermadesk.api.services import (
    TokenRefused,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from dermadesk.staff.tests.people import signed_in

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def staff_member(username: str = "desk") -> User:
    return User.objects.create_user(username, password="pw-long-enough-1", is_staff=True)


def test_a_secret_is_recognised_by_its_shape_and_its_prefix_is_not_the_key() -> None:
    secret = new_secret()
    prefix = prefix_of(secret)
    assert prefix is not None and secret.startswith(prefix + "_")
    assert len(secret) - len(prefix) > 40  # 32 random bytes after it
    assert new_secret() != secret
    for other in ("", "dd_", secret + "x", secret[:-1], "xx" + secret[2:], "Bearer " + secret):
        assert prefix_of(other) is None


def test_what_is_stored_of_a_secret_is_its_sha256() -> None:
    secret = new_secret()
    assert digest_of(secret) == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.django_db
def test_a_token_keeps_only_the_digest_of_its_secret() -> None:
    issued = api_token_create(user=staff_member(), name="front desk", now=NOW)
    row = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert issued.secret not in {str(value) for value in row.values()}
    assert not any(issued.secret[12:] in str(value) for value in row.values())
    assert row["digest"] == digest_of(issued.secret)
    assert api_token_authenticate(secret=issued.secret, now=NOW) == issued.token


@pytest.mark.django_db
def test_only_active_staff_get_a_token() -> None:
    patient_user = User.objects.create_user("someone", password="pw-long-enough-1")
    with pytest.raises(TokenRefused):
        api_token_create(user=patient_user, name="x", now=NOW)
    with pytest.raises(TokenRefused):
        api_token_create(user=staff_member(), name="x", now=NOW, expires_at=NOW)


@pytest.mark.django_db
def test_use_is_recorded_at_most_once_a_minute() -> None:
    issued = api_token_create(user=staff_member(), name="front desk", now=NOW)

    def last_used() -> datetime | None:
        return ApiToken.objects.get(pk=issued.token.pk).last_used_at

    api_token_authenticate(secret=issued.secret, now=NOW)
    assert last_used() == NOW
    api_token_authenticate(secret=issued.secret, now=NOW + timedelta(seconds=59))
    assert last_used() == NOW
    api_token_authenticate(secret=issued.secret, now=NOW + timedelta(seconds=61))
    assert last_used() == NOW + timedelta(seconds=61)


@pytest.mark.django_db
def test_a_revoked_token_is_not_recognised() -> None:
    issued = api_token_create(user=staff_member(), name="front desk", now=NOW)
    api_token_revoke(token=issued.token)
    assert api_token_authenticate(secret=issued.secret, now=NOW) is None


@pytest.mark.django_db
def test_a_secret_one_character_off_is_not_recognised() -> None:
    issued = api_token_create(user=staff_member(), name="front desk", now=NOW)
    last = "A" if issued.secret[-1] != "A" else "B"
    assert api_token_authenticate(secret=issued.secret[:-1] + last, now=NOW) is None


# The admin


@pytest.fixture
def manager(db: None, client: Client) -> User:
    user = User.objects.create_superuser("manager", "m@example.com", "pw-long-enough-1")
    signed_in(client, user)
    return user


def test_the_admin_shows_a_new_tokens_secret_once(client: Client, manager: User) -> None:
    desk = staff_member()
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/admin/api/apitoken/add/", {"user": desk.pk, "name": "front desk tablet"}, follow=True
        )
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get()
    [secret] = re.findall(r"dd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.text)
    assert digest_of(secret) == token.digest
    assert (token.user, token.name, token.created_at) == (desk, "front desk tablet", NOW)
    signed_in(client, manager)  # a new staff session: the one above was idle since NOW
    listing = client.get("/admin/api/apitoken/")
    assert token.prefix in listing.text and "desk" in listing.text
    assert secret not in listing.text
    assert secret not in client.get(f"/admin/api/apitoken/{token.pk}/change/").text


def test_the_admin_refuses_an_expiry_in_the_past(client: Client, manager: User) -> None:
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": staff_member().pk, "name": "x", "expires_at_0": "2001-01-01",
         "expires_at_1": "10:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The expiry must lie in the future." in response.text
    assert not ApiToken.objects.exists()


def test_the_admin_revokes_tokens(client: Client, manager: User) -> None:
    issued = api_token_create(user=staff_member(), name="old tablet", now=NOW)
    response = client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked
    assert api_token_authenticate(secret=issued.secret, now=NOW) is None


# The command


@pytest.mark.django_db
def test_the_command_prints_the_secret_once() -> None:
    staff_member()
    out, err = StringIO(), StringIO()
    call_command("api_token_create", "desk", "--name", "tablet", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert digest_of(secret) == token.digest
    assert secret not in err.getvalue()
    assert token.prefix in err.getvalue()
    assert token.expires_at is None


@pytest.mark.django_db
def test_the_command_gives_a_token_an_expiry() -> None:
    staff_member()
    with time_machine.travel(NOW, tick=False):
        call_command("api_token_create", "desk", "--name", "tablet", "--expires-in-days", "30",
                     stdout=StringIO(), stderr=StringIO())  # fmt: skip
    assert ApiToken.objects.get().expires_at == NOW + timedelta(days=30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "options"),
    [("nobody", []), ("patient", []), ("desk", ["--expires-in-days", "0"])],
)
def test_the_command_refuses_what_it_cannot_do(username: str, options: list[str]) -> None:
    staff_member()
    User.objects.create_user("patient", password="pw-long-enough-1")
    with pytest.raises(CommandError):
        call_command("api_token_create", username, "--name", "tablet", *options,
                     stdout=StringIO(), stderr=StringIO())  # fmt: skip
    assert not ApiToken.objects.exists()
