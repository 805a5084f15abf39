"""Staff sign-in: password, then a second factor; set-up of the authenticator app on first
sign-in; sign-out. Nothing is signed in until both steps pass: after the password, the
session only remembers, for a few minutes, whose code it is waiting for.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from dermadesk.staff.forms import SecondFactorForm, SetupCodeForm
from dermadesk.staff.middleware import SEEN_KEY
from dermadesk.staff.two_factor import (
    has_second_factor,
    second_factor_match,
    totp_confirm,
    totp_key_text,
    totp_qr_svg,
    totp_setup_device,
)

PENDING_KEY = "staff_pending"
PENDING_SECONDS = 5 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("staff:home")


def _pending_user(request: HttpRequest) -> User | None:
    """Whose second factor this browser is asked for, while the password step is fresh."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is not None:
        user.backend = pending.get("backend", "")
    return user


def _finish(request: HttpRequest, user: User, device: Device) -> str:
    """Sign in for real (both factors passed); the URL to go on to."""
    pending = request.session.get(PENDING_KEY) or {}
    login(
        request, user, backend=pending.get("backend") or "django.contrib.auth.backends.ModelBackend"
    )
    otp_login(request, device)
    request.session.set_expiry(0)  # ends when the browser closes
    request.session[SEEN_KEY] = int(time.time())
    return _safe_next(request, pending.get("next"))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if user.is_staff:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "at": int(time.time()),
                "backend": getattr(user, "backend", ""),
                "next": _safe_next(request, request.POST.get("next")),
            }
            step = "staff:login_code" if has_second_factor(user) else "staff:login_setup"
            return redirect(step)
        form.add_error(None, "This sign-in is for the clinic's staff.")
    status = 400 if form.errors else 200
    return render(
        request,
        "staff/login.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Please start again with your username and password.")
        return redirect("staff:login")
    if not has_second_factor(user):
        return redirect("staff:login_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_match(user, form.cleaned_data["code"])
        if device is not None:
            return HttpResponseRedirect(_finish(request, user, device))
        form.add_error(
            "code",
            "That code did not work. Codes change every 30 seconds: wait for a new one and "
            "try again. After several wrong codes each try must wait longer.",
        )
    return render(
        request, "staff/login_code.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def sign_in_setup(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Please start again with your username and password.")
        return redirect("staff:login")
    if has_second_factor(user):
        return redirect("staff:login_code")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_confirm(user, form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            next_url = _finish(request, user, device)
            return render(request, "staff/recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error(
            "code", "That code did not match. Check the app's clock and try the newest code."
        )
    device = totp_setup_device(user)
    context: dict[str, Any] = {
        "form": form,
        "qr": totp_qr_svg(device),
        "key": totp_key_text(device),
    }
    return render(request, "staff/login_setup.html", context, status=400 if form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("staff:login")


def locked_out(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer once a username or an address has had too many wrong passwords."""
    answer = render(
        request, "staff/locked.html", {"minutes": settings.STAFF_LOCKOUT_MINUTES}, status=429
    )
    answer["Retry-After"] = str(settings.STAFF_LOCKOUT_MINUTES * 60)
    return answer
