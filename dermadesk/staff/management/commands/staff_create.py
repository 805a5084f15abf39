"""Create a staff member with a role: ``manage.py staff_create USERNAME --role manager``.

The first manager is made this way. The password is asked for twice (or read from
``--password-stdin`` for scripts) and checked by the same rules as any staff password; the
authenticator app is set up by the member at their first sign-in.
"""

import getpass
import sys
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dermadesk.scheduling.models import Resource, ResourceKind
from dermadesk.staff.groups import role_group, role_groups_sync
from dermadesk.staff.roles import Role

ROLE_NAMES = {"front-desk": Role.FRONT_DESK, "clinician": Role.CLINICIAN, "manager": Role.MANAGER}


class Command(BaseCommand):
    help = (
        "Create a staff member with a role; they set up their authenticator app at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_NAMES))
        parser.add_argument("--name", default="", help='Full name, e.g. "Ada Lovelace".')
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--provider", default="", help="For a clinician: the name of their provider resource."
        )
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f'There is already a user "{username}".')
        provider = None
        if options["provider"]:
            provider = Resource.objects.filter(
                kind=ResourceKind.PROVIDER, name=options["provider"], staff_member__isnull=True
            ).first()
            if provider is None:
                raise CommandError(
                    f'No provider named "{options["provider"]}" without a login was found.'
                )
        given, _, family = options["name"].partition(" ")
        user = User(username=username, email=options["email"], first_name=given, last_name=family)
        password = self._password(options["password_stdin"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            role_groups_sync()
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(role_group(ROLE_NAMES[options["role"]]))
            if provider is not None:
                provider.staff_member = user
                provider.save(update_fields=["staff_member"])
        self.stdout.write(
            f"Created {username} ({ROLE_NAMES[options['role']].value}). At their first sign-in "
            "at /staff/login/ they will set up an authenticator app and get recovery codes."
        )

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password (12 characters or more): ")
        if first != getpass.getpass("The same password again: "):
            raise CommandError("The two passwords differ.")
        return first
