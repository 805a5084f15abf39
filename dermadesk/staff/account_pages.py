"""The back office's front page and each staff member's own account: roles, second factor,
new recovery codes, a new password. Only ever the signed-in member's own."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dermadesk.staff.middleware import is_signed_in_staff
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
        },
    )


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
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "Your password is changed.")
        return redirect("staff:account")
    return render(
        request, "staff/password_change.html", {"form": form}, status=400 if form.errors else 200
    )
