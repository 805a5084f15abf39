"""The gate in front of every staff page and the admin: a password alone opens nothing.

``/staff/…`` and ``/admin/…`` answer only a staff member who signed in with their password
*and* a second factor in this session (django-otp's ``is_verified``); anyone else is sent to
the staff sign-in. A staff session ends after ``STAFF_SESSION_MINUTES`` without a staff page
asked for (and when the browser closes: the sign-in sets a browser-session cookie).
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SEEN_KEY = "staff_seen_at"
GUARDED = ("/staff/", "/admin/")
# The sign-in steps themselves (the code and set-up steps check their own state).
OPEN = ("/staff/login/", "/staff/logout/")


def is_signed_in_staff(request: HttpRequest) -> bool:
    """Signed in as active staff with both the password and a second factor."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and verified and verified()
    )


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return HttpResponseRedirect(reverse("staff:login") + (f"?{query}" if query else ""))


class StaffGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(GUARDED) or path.startswith(OPEN):
            return self.get_response(request)
        if not is_signed_in_staff(request):
            return _to_sign_in(request)
        now = int(time.time())
        seen = request.session.get(SEEN_KEY)
        if isinstance(seen, int) and now - seen > settings.STAFF_SESSION_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                f"You were signed out after {settings.STAFF_SESSION_MINUTES} minutes without "
                "activity. Please sign in again.",
            )
            return _to_sign_in(request)
        request.session[SEEN_KEY] = now
        return self.get_response(request)
