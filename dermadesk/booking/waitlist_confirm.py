"""The link that confirms a waitlist entry's email address: shown on GET, confirmed on POST.

A GET never changes anything (mail scanners open links), so the page asks for one press.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dermadesk.waitlist.models import EntryStatus
from dermadesk.waitlist.services import WaitlistError, entry_to_confirm, waitlist_confirm

ENDED = (
    "This link has run out or is not complete, so there is nothing to confirm. You are "
    "welcome to join the waitlist again."
)


@require_http_methods(["GET", "POST"])
def confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    entry = entry_to_confirm(token)
    if entry is None:
        return render(request, "booking/problem.html", {"message": ENDED}, status=410)
    context = {"entry": entry, "location": entry.location}
    if request.method == "GET":
        done = entry.status != EntryStatus.PENDING
        return render(request, "booking/waitlist_confirm.html", context | {"done": done})
    try:
        entry = waitlist_confirm(entry=entry, now=timezone.now())
    except WaitlistError as ended:
        return render(request, "booking/problem.html", {"message": str(ended)}, status=410)
    return render(request, "booking/waitlist_confirm.html", context | {"done": True})
