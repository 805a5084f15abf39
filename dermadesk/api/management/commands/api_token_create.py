"""`manage.py api_token_create <username> --name "front desk tablet"`: a token for the staff API.

Prints the secret once; only its digest is kept, so it cannot be shown again.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dermadesk.api.models import NAME_LENGTH
from dermadesk.api.services import TokenRefused, api_token_create


class Command(BaseCommand):
    help = "Create an API token for a staff member and print its secret (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The staff member the token acts for.")
        parser.add_argument("--name", required=True, help='What it is for, e.g. "front desk".')
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Days until it stops working."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        now = timezone.now()
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        name = options["name"].strip()
        if not name or len(name) > NAME_LENGTH:
            raise CommandError(f"--name must be 1 to {NAME_LENGTH} characters.")
        try:
            issued = api_token_create(
                user=user, name=name, now=now,
                expires_at=now + timedelta(days=days) if days is not None else None,
            )  # fmt: skip
        except TokenRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stderr.write(
            f"Token “{issued.token.name}” ({issued.token.prefix}…) for {user.username}. "
            "Copy the secret now; it is not shown again:"
        )
        self.stdout.write(issued.secret)
