"""Signing in to the portal with a code sent by email, and signing out.

No account enumeration: whatever address is typed, the answer is the same page ("we have
sent a code if ..."): the code goes to the address itself, so only its owner learns
whether anything is held under it. The address typed is kept in the session between the
two steps, never in the page's address. Both steps count against the client address's
``PORTAL_SIGN_IN_RATE_LIMIT``; the code itself is limited per email address (one a minute,
doubling waits after wrong tries) by ``patients.login``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.checkout.forms import CodeForm
from dermadesk.checkout.signin import sign_in, sign_in_code_check, sign_in_code_send
from dermadesk.clinic.models import Location
from dermadesk.limits.pages import rate_limited
from dermadesk.patients.login import CodeRefused, proven_account
from dermadesk.patients.services import InvalidPatientDetails
from dermadesk.portal.forms import EmailForm
from dermadesk.portal.home_pages import home

EMAIL_KEY = "portal-sign-in-email"


def _clinic() -> Location:
    location = Location.objects.order_by("pk").first()
    if location is None:
        raise Location.DoesNotExist("No clinic location is set up yet.")
    return location


def _page(request: HttpRequest, template: str, context: dict[str, object],
          status: int = 200) -> HttpResponse:  # fmt: skip
    response = render(
        request,
        template,
        {"idle_minutes": settings.PATIENT_SESSION_MINUTES, **context},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@rate_limited("portal-sign-in", setting="PORTAL_SIGN_IN_RATE_LIMIT")
def sign_in_page(request: HttpRequest) -> HttpResponse:
    """The portal's front door: the home page when signed in, else the email form."""
    if proven_account(request.user) is not None:
        if request.method == "POST":
            return redirect("portal:sign_in")
        return home(request)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            sign_in_code_send(email=email, location=_clinic(), now=timezone.now())
        except CodeRefused as refused:
            messages.info(request, str(refused))
        except InvalidPatientDetails as invalid:
            form.add_error("email", invalid.errors.get("email", str(invalid)))
        if form.is_valid():
            request.session[EMAIL_KEY] = email
            return redirect("portal:code")
    return _page(request, "portal/sign_in.html", {"form": form}, 400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("portal-sign-in", setting="PORTAL_SIGN_IN_RATE_LIMIT")
def code_page(request: HttpRequest) -> HttpResponse:
    """The code from the email; right, and the browser is signed in."""
    email = request.session.get(EMAIL_KEY)
    if not isinstance(email, str) or not email:
        return redirect("portal:sign_in")
    now = timezone.now()
    if request.method == "POST" and "resend" in request.POST:
        try:
            sign_in_code_send(email=email, location=_clinic(), now=now)
            messages.success(request, "We have sent a new code. The one before no longer works.")
        except CodeRefused as refused:
            messages.info(request, str(refused))
        return redirect("portal:code")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account = sign_in_code_check(email=email, code=form.cleaned_data["code"], now=now)
        except CodeRefused as refused:
            form.add_error("code", str(refused))
            status = 429 if refused.wait_seconds else 400
        else:
            sign_in(request, account)  # a new session key; the address typed is dropped
            request.session.pop(EMAIL_KEY, None)
            return redirect("portal:sign_in")
    elif form.is_bound:
        status = 400
    context = {"form": form, "email": email, "minutes": settings.PATIENT_CODE_MINUTES}
    return _page(request, "portal/code.html", context, status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the sign-in (and the whole session) in this browser."""
    logout(request)
    messages.success(request, "You are signed out. Thank you for visiting.")
    return redirect("portal:sign_in")
