"""``manage.py staff_create``: the first manager, and passwords that are long and uncommon."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from dermadesk.staff.policy import roles_of
from dermadesk.staff.roles import Role

pytestmark = pytest.mark.django_db


def create(username: str, password: str, *args: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    import sys

    real, sys.stdin = sys.stdin, stdin
    try:
        call_command("staff_create", username, *args, "--password-stdin", stdout=out)
    finally:
        sys.stdin = real
    return out.getvalue()


def test_the_first_manager_is_created_with_the_role() -> None:
    out = create("ada", "correct horse battery staple", "--role", "manager", "--name", "Ada Lo")
    user = User.objects.get(username="ada")
    assert user.is_staff and not user.is_superuser
    assert roles_of(user) == {Role.MANAGER}
    assert "authenticator app" in out


@pytest.mark.parametrize("password", ["short-pw-1", "password1234", "123456789012345"])
def test_short_common_or_numeric_passwords_are_refused(password: str) -> None:
    with pytest.raises(CommandError):
        create("ada", password, "--role", "front-desk")
    assert not User.objects.filter(username="ada").exists()
