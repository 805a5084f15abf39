"""Bearer-token authentication of the staff endpoints, and their permission checks.

A request carries ``Authorization: Bearer <secret>`` of an ``ApiToken``; the token acts for
its owner, an active staff member, with exactly what their roles allow (the staff policy,
``dermadesk.staff.policy``, which the back office's pages ask too). No token or a dead one:
401 with ``WWW-Authenticate: Bearer``. A live token whose owner's roles lack the operation's
action: 403.
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
from dermadesk.staff.policy import may
from dermadesk.staff.roles import Action


class StaffToken(HttpBearer):
    """A staff member's API token, whose owner's roles grant every one of ``actions``."""

    def __init__(self, *actions: Action) -> None:
        super().__init__()
        self.actions = actions

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
        missing = [action.value for action in self.actions if not may(found.user, action)]
        if missing:
            raise ApiProblem(
                403, "Not permitted",
                f"The owner of this token has no role that allows this ({', '.join(missing)}).",
            )  # fmt: skip
        return found


def staff_user(request: HttpRequest) -> User:
    """The staff member whose token signed the request (after ``StaffToken``)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user
