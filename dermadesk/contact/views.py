"""The contact form's POST: plain HTML, no JavaScript needed.

A valid message is stored and the browser is sent back to the Contact page with a thank-you
(post/redirect/get). Anything else re-renders the Contact page with the form as typed, the
problems listed at the top and a 4xx status.
"""

import math
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dermadesk.clinic.models import Location
from dermadesk.clinic.presentation import location_hours
from dermadesk.contact.forms import ContactForm
from dermadesk.contact.services import (
    ContactSubmission,
    RateLimited,
    contact_message_submit,
    hash_client_address,
)
from dermadesk.limits.client import client_group
from dermadesk.website.models import Page, PageKind


def _contact_page(request: HttpRequest) -> Page:
    page = Page.objects.filter(kind=PageKind.CONTACT, published=True).order_by("pk").first()
    if page is None:
        raise Http404("There is no contact page.")
    return page


def _render_with_form(
    request: HttpRequest, page: Page, form: ContactForm, *, status: int
) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {
        "page": page,
        "canonical_url": request.build_absolute_uri(page.get_absolute_url()),
        "json_ld": [],
        "locations": [location_hours(location, now) for location in Location.objects.all()],
        "contact_form": form,
    }
    return render(request, "website/page_contact.html", context, status=status)


def _wait_in_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


@require_POST
def send(request: HttpRequest) -> HttpResponse:
    page = _contact_page(request)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render_with_form(request, page, form, status=400)
    location = Location.objects.first()
    if location is None:
        raise Http404("No clinic location is set up yet.")
    data = form.cleaned_data
    try:
        contact_message_submit(
            submission=ContactSubmission(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                topic=data["topic"],
                message=data["message"],
            ),
            ip_hash=hash_client_address(client_group(request)),
            location=location,
            staff_emails=settings.CONTACT_STAFF_EMAILS or [location.email],
            site_url=request.build_absolute_uri("/"),
            now=timezone.now(),
        )
    except RateLimited as limited:
        seconds = math.ceil(limited.retry_after.total_seconds())
        form.add_error(
            None,
            "You have sent us several messages in a short time, so we cannot take another "
            f"just yet. Please try again in {_wait_in_words(seconds)}, or call us on "
            f"{location.phone}. Your message is still below.",
        )
        response = _render_with_form(request, page, form, status=429)
        response["Retry-After"] = str(seconds)
        return response
    return HttpResponseRedirect(f"{page.get_absolute_url()}?sent=1#contact-form", status=303)
