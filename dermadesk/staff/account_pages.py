"""The back office's front page and each staff member's own account: roles, second factor,
new recovery codes, a new password, their calendar feed. Only ever the signed-in member's own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dermadesk.staff.calendar_feed import (
    FeedRefused,
    calendar_feed_issue,
    calendar_feed_stop,
    feed_provider,
)
from dermadesk.staff.forms import StaffPasswordChangeForm
from dermadesk.staff.middleware import is_signed_in_staff
from dermadesk.staff.models import CalendarFeed
from dermadesk.staff.pages import nav_items, not_allowed, staff_user
from dermadesk.staff.policy import roles_of
from dermadesk.staff.two_factor import recovery_codes_new


def home(request: HttpRequest) -> HttpResponse:
    if not is_signed_in_staff(request):
        return not_allowed(request)
    user = staff_user(request)
    return render(
        request,
        "staff/home.html",
        {"roles": sorted(r.value for r in roles_of(user)), "sections": nav_items(request)},
    )


def account(request: HttpRequest) -> HttpResponse:
    if not is_signed_in_staff(request):
        return not_allowed(request)
    user = staff_user(request)
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery_left = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "staff/account.html",
        {
            "roles": sorted(r.value for r in roles_of(user)),
            "app": app,
            "recovery_left": recovery_left,
            "provider": feed_provider(user),
            "feed": CalendarFeed.objects.filter(user=user).first(),
            **_feed_terms(),
        },
    )


def _feed_terms() -> dict[str, object]:
    return {
        "feed_past_days": settings.CALENDAR_FEED_PAST_DAYS,
        "feed_ahead_days": settings.CALENDAR_FEED_AHEAD_DAYS,
        "feed_initials": settings.CALENDAR_FEED_INITIALS,
    }


@require_POST
def feed_make(request: HttpRequest) -> HttpResponse:
    """Make the member's calendar feed, or give it a new address, and show the address once."""
    if not is_signed_in_staff(request):
        return not_allowed(request)
    try:
        secret = calendar_feed_issue(user=staff_user(request), now=timezone.now())
    except FeedRefused as refused:
        messages.error(request, str(refused))
        return redirect("staff:account")
    address = settings.SITE_URL + reverse("feeds:calendar", args=[secret])
    _, _, rest = address.partition("://")
    response = render(
        request,
        "staff/calendar_feed_made.html",
        {"feed_url": address, "webcal_url": f"webcal://{rest}", **_feed_terms()},
    )
    add_never_cache_headers(response)  # the address is shown once; no copy kept anywhere
    return response


@require_POST
def feed_stop(request: HttpRequest) -> HttpResponse:
    if not is_signed_in_staff(request):
        return not_allowed(request)
    if calendar_feed_stop(user=staff_user(request)):
        messages.success(
            request,
            "Your calendar feed is stopped: its address no longer works. You can remove the "
            "calendar from your calendar app.",
        )
    else:
        messages.info(request, "You had no calendar feed, so there was nothing to stop.")
    return redirect("staff:account")


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not is_signed_in_staff(request):
        return not_allowed(request)
    codes = recovery_codes_new(staff_user(request))
    return render(request, "staff/recovery_codes.html", {"codes": codes, "next": "/staff/account/"})


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    if not is_signed_in_staff(request):
        return not_allowed(request)
    user = staff_user(request)
    form = StaffPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "Your password is changed.")
        return redirect("staff:account")
    return render(
        request, "staff/password_change.html", {"form": form}, status=400 if form.errors else 200
    )
