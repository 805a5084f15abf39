"""Bearer-token authentication of the staff endpoints, and their permission checks.

A request carries ``Authorization: Bearer <secret>`` of an ``ApiToken``; the token acts for
its owner, an active staff member, with exactly the Django permissions they have. No token
or a dead one: 401 with ``WWW-Authenticate: Bearer``. A live token whose owner lacks the
operation's permissions: 403.
"""

import math

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer

from dermadesk.api.models import ApiToken
from dermadesk.api.problems import ApiProblem
from dermadesk.api.services import api_token_authenticate
from dermadesk.api.throttle import ClientThrottle


class StaffToken(HttpBearer):
    """A staff member's API token, whose owner holds ``permissions`` (``app.codename``)."""

    def __init__(self, *permissions: str) -> None:
        super().__init__()
        self.permissions = permissions

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(secret=token, now=timezone.now())
        if found is None:
            # ninja throttles only after authenticating: count refused tokens here, so
            # guessing costs the same budget as any other request.
            throttle = ClientThrottle()
            if not throttle.allow_request(request):
                wait = throttle.wait()
                raise Throttled(wait=math.ceil(wait) if wait is not None else None)
            return None
        missing = [name for name in self.permissions if not found.user.has_perm(name)]
        if missing:
            raise ApiProblem(
                403, "Not permitted",
                f"The owner of this token lacks a permission this needs ({', '.join(missing)}).",
            )  # fmt: skip
        return found


def staff_user(request: HttpRequest) -> User:
    """The staff member whose token signed the request (after ``StaffToken``)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user
