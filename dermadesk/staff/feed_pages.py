"""The calendar feed a clinician's calendar app fetches: ``/feeds/<secret>.ics``.

Outside ``/staff/`` on purpose: a phone's calendar app cannot sign in with a password and a
code, so the secret in the address is the key. Rate-limited per client address like the
other public pages; an unknown, replaced or stopped address is a plain 404.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dermadesk.limits.pages import rate_limited
from dermadesk.staff.calendar_feed import calendar_feed_owner, feed_ics


@require_http_methods(["GET", "HEAD"])
@rate_limited("calendar-feed", setting="CALENDAR_FEED_RATE_LIMIT", methods=("GET", "HEAD"))
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    now = timezone.now()
    provider = calendar_feed_owner(secret=secret, now=now)
    if provider is None:
        raise Http404("No calendar feed has this address; it may have been replaced or stopped.")
    response = HttpResponse(
        feed_ics(provider=provider, now=now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    # Patients' initials and times: for the clinician's own device, not a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
