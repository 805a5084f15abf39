"""The admin behind the staff sign-in: no password-only way in."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from dermadesk.staff.middleware import is_signed_in_staff


def staff_sign_in_first(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Replaces the admin's own login page."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('staff:login')}?{urlencode({'next': next_url})}")


def staff_may_use_admin(request: HttpRequest) -> bool:
    return is_signed_in_staff(request)
