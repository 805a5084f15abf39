from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dermadesk.clinic.models import Location
from dermadesk.clinic.presentation import location_hours
from dermadesk.website import accessibility, structured_data
from dermadesk.website.models import Page, PageKind


def _render_page(request: HttpRequest, page: Page) -> HttpResponse:
    url = request.build_absolute_uri(page.get_absolute_url())
    context: dict[str, Any] = {"page": page, "canonical_url": url, "json_ld": []}
    if page.kind in (PageKind.HOME, PageKind.OFFICE, PageKind.CONTACT):
        hours = [location_hours(loc, timezone.now()) for loc in Location.objects.all()]
        context["locations"] = hours
        if page.kind != PageKind.CONTACT:
            home_url = request.build_absolute_uri(reverse("website:home"))
            context["json_ld"] = [
                structured_data.medical_clinic(h.location, h.weekly, settings.SITE_NAME, home_url)
                for h in hours
            ]
    if page.kind == PageKind.TREATMENT:
        context["json_ld"] = [structured_data.medical_procedure(page, url)]
    return render(request, f"website/page_{page.kind}.html", context)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render_page(request, get_object_or_404(Page, slug="home", published=True))


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug == "home":
        return redirect("website:home", permanent=True)
    return _render_page(request, get_object_or_404(Page, slug=slug, published=True))


@require_POST
def accessibility_update(request: HttpRequest) -> HttpResponse:
    """The toolbar without JavaScript: apply one button, remember it, go back to the page."""
    action = request.POST.get("action", "")
    if action not in accessibility.ACTIONS:
        return HttpResponse("Unknown accessibility option.", status=400, content_type="text/plain")
    prefs = accessibility.parse(request.COOKIES.get(accessibility.COOKIE_NAME)).apply(action)
    back = request.POST.get("next", "").partition("#")[0]
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("website:home")
    response = HttpResponseRedirect(f"{back}#accessibility-toolbar", status=303)
    if prefs.is_default:
        response.delete_cookie(accessibility.COOKIE_NAME, samesite="Lax")
        return response
    response.set_cookie(
        accessibility.COOKIE_NAME,
        prefs.serialize(),
        max_age=accessibility.COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,  # The toolbar's script updates it in place when JavaScript is on.
    )
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accessibility/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("favicon.svg"), permanent=True)
