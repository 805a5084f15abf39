"""The waitlist: joining it when no time suits, and taking a time it offers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dermadesk.booking.draft import Draft
from dermadesk.booking.forms import WaitlistForm
from dermadesk.booking.pages import (
    hold_context,
    location_from,
    online_service,
    problem,
    zone_context,
)
from dermadesk.limits.client import address_digest
from dermadesk.limits.pages import rate_limited
from dermadesk.scheduling.models import (
    BookingStatus,
    Resource,
    ResourceKind,
)
from dermadesk.waitlist.models import EntryStatus as WaitlistStatus
from dermadesk.waitlist.services import WaitlistError, entry_from_token, waitlist_join


@require_http_methods(["GET", "POST"])
@rate_limited("waitlist", setting="WAITLIST_RATE_LIMIT")
def waitlist_join_page(request: HttpRequest, service: str) -> HttpResponse:
    """Join the waitlist: dates, parts of the day, perhaps a clinician, and how to reach you."""
    chosen = online_service(service)
    location = location_from(request)
    now = timezone.now()
    today = now.astimezone(location.zone).date()
    clinicians = list(
        Resource.objects.filter(location=location, kind=ResourceKind.PROVIDER, active=True)
    )
    form = WaitlistForm(
        request.POST if request.method == "POST" else None,
        region=location.country, today=today, clinicians=clinicians,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waitlist_join(
                service=chosen, location=location, given_name=data["given_name"],
                family_name=data["family_name"], email=data["email"], phone=data["phone"],
                first_day=data["first_day"], last_day=data["last_day"],
                parts_of_day=list(data["parts_of_day"]),
                clinician_id=int(data["clinician"]) if data["clinician"] else None, now=now,
                client=address_digest(request),
            )  # fmt: skip
        except WaitlistError as refused:
            form.add_error(None, str(refused))
        else:
            return render(
                request, "booking/waitlist_joined.html",
                {"service": chosen, "location": location, "email": data["email"]},
            )  # fmt: skip
    return render(
        request,
        "booking/waitlist_join.html",
        {"form": form, "service": chosen, **zone_context(location, now)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def waitlist_offer_page(request: HttpRequest, token: str) -> HttpResponse:
    """A time the waitlist offers: shown, and taken into the usual booking steps."""
    entry = entry_from_token(token)
    now = timezone.now()
    held = entry.offered if entry is not None else None
    live = (
        entry is not None
        and entry.status == WaitlistStatus.OFFERED
        and held is not None
        and held.status == BookingStatus.HELD
        and held.hold_expires_at is not None
        and held.hold_expires_at > now
    )
    if entry is None or held is None or not live:
        return problem(
            request,
            "This offer has ended: the time was held for a limited while and has gone to "
            "someone else, or was booked already. You are welcome to choose another time.",
            status=410,
        )
    if request.method == "GET":
        return render(
            request, "booking/waitlist_offer.html",
            {"entry": entry, "token": token, **hold_context(held, now)},
        )  # fmt: skip
    draft = Draft(
        hold=str(held.public_id),
        details={
            "given_name": entry.given_name, "family_name": entry.family_name,
            "email": entry.email, "phone": entry.phone,
        },
    )  # fmt: skip
    draft.save(request.session)
    return redirect("booking:course" if held.service.offers_series else "booking:details")
