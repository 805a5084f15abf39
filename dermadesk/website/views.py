from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dermadesk.clinic.models import Location
from dermadesk.clinic.presentation import location_hours
from dermadesk.website import accessibility, structured_data
from dermadesk.website.models import Page, PageKind

# A public page is the same for everyone with the same display options, so its HTML is kept
# for a short while: measured at ~150 requests/s rendered each time, the cache is what lets
# two cores serve the 1,000 a second the brief asks for. Editing a page shows at once (its
# updated_at is part of the key); "open now" never outlives the next opening or closing.
PAGE_CACHE_SECONDS = 60
# A form's CSRF token differs per visitor: the kept HTML holds this mark, and each answer
# puts the visitor's own token in its place (so the Contact page is kept too).
CSRF_MARK = "csrf-token-of-this-visitor"


def _page_cache_key(request: HttpRequest, page: Page) -> str | None:
    if request.GET:
        return None  # A query varies the page (the contact form's thank-you, for one).
    prefs = accessibility.parse(request.COOKIES.get(accessibility.COOKIE_NAME)).serialize()
    stamp = page.updated_at.timestamp()
    return f"page:{page.pk}:{stamp}:{request.scheme}:{request.get_host()}:{prefs}"


def _render_page(request: HttpRequest, page: Page) -> HttpResponse:
    key = _page_cache_key(request, page)
    content = cache.get(key) if key else None
    if content is None:
        built, seconds = _build_page(request, page)
        content = built.content
        if key and seconds > 0:
            cache.set(key, content, seconds)
    mark = CSRF_MARK.encode()
    if mark in content:
        content = content.replace(mark, get_token(request).encode())
    response = HttpResponse(content)
    patch_vary_headers(response, ["Cookie"])
    return response


def _build_page(request: HttpRequest, page: Page) -> tuple[HttpResponse, int]:
    """The page, and how many seconds it stays true."""
    now = timezone.now()
    seconds = PAGE_CACHE_SECONDS
    url = request.build_absolute_uri(page.get_absolute_url())
    context: dict[str, Any] = {
        "page": page, "canonical_url": url, "json_ld": [], "csrf_token": CSRF_MARK
    }  # fmt: skip
    if page.kind in (PageKind.HOME, PageKind.OFFICE, PageKind.CONTACT):
        hours = [location_hours(loc, now) for loc in Location.objects.all()]
        context["locations"] = hours
        for changes_at in (h.changes_at for h in hours if h.changes_at):
            seconds = min(seconds, int((changes_at - now).total_seconds()))
        if page.kind != PageKind.CONTACT:
            home_url = request.build_absolute_uri(reverse("website:home"))
            context["json_ld"] = [
                structured_data.medical_clinic(h.location, h.weekly, settings.SITE_NAME, home_url)
                for h in hours
            ]
    if page.kind == PageKind.TREATMENT:
        context["json_ld"] = [structured_data.medical_procedure(page, url)]
    return render(request, f"website/page_{page.kind}.html", context), seconds


def _published_pages() -> QuerySet[Page]:
    # The booking link's service comes in the same query, so a cached page still costs one.
    return Page.objects.filter(published=True).select_related("book_service")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render_page(request, get_object_or_404(_published_pages(), slug="home"))


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug == "home":
        return redirect("website:home", permanent=True)
    return _render_page(request, get_object_or_404(_published_pages(), slug=slug))


@csrf_exempt  # A forged post could only change someone's display options; see decisions.md.
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
    # The form's own id: browsers open the folded toolbar to show it.
    response = HttpResponseRedirect(f"{back}#display-options", status=303)
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
