"""What the patient's booking pages share: the problem page, the month of days, a day's times,
the held time. Plain forms and redirects; JavaScript only enhances them."""

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dermadesk.booking.draft import Draft
from dermadesk.booking.forms import DetailsForm
from dermadesk.checkout.checkout import Person
from dermadesk.checkout.choosing import month_of_days, times_of_day
from dermadesk.checkout.course import SessionView
from dermadesk.checkout.course_plan import session_views
from dermadesk.clinic.models import Location
from dermadesk.limits.client import client_address
from dermadesk.scheduling import reach
from dermadesk.scheduling.models import (
    Booking,
    BookingStatus,
    Service,
)
from dermadesk.scheduling.series import SeriesPlan


def problem(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A 4xx page that says plainly what went wrong and where to go next."""
    return render(request, "booking/problem.html", {"message": message}, status=status)


def location_from(request: HttpRequest) -> Location:
    slug = request.GET.get("location") or request.POST.get("location")
    if slug:
        return get_object_or_404(Location, slug=slug)
    location = Location.objects.first()
    if location is None:
        raise Location.DoesNotExist("No clinic location is set up yet.")
    return location


def online_service(slug: str) -> Service:
    return get_object_or_404(Service, slug=slug, active=True, bookable_online=True)


def zone_context(location: Location, now: datetime) -> dict[str, Any]:
    return {
        "location": location,
        "zone_label": now.astimezone(location.zone).strftime("%Z"),
    }


def parse_start(value: str) -> datetime | None:
    try:
        return reach.parse_instant(value, timezone.now())
    except ValueError:
        return None


def day_page(
    request: HttpRequest,
    *,
    service: Service,
    location: Location,
    day_link_base: str,
    ignoring_booking: int | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The month of days for ``service``: free ones link to their times, full ones say so."""
    now = timezone.now()
    try:
        month = month_of_days(
            service=service, location=location, month=request.GET.get("month"), now=now,
            ignoring_booking=ignoring_booking,
        )  # fmt: skip
    except ValueError:
        return problem(request, "Please choose a month from the calendar.")
    return render(
        request,
        "booking/choose_day.html",
        {
            "service": service,
            "step": 2,
            "month": month.month,
            "days": month.days,
            "day_link_base": day_link_base,
            "previous_month": month.previous_month,
            "next_month": month.next_month,
            **zone_context(location, now),
            **(extra or {}),
        },
    )


def times_page(
    request: HttpRequest,
    *,
    service: Service,
    location: Location,
    day: date,
    time_action: str,
    day_page: str,
    ignoring_booking: int | None = None,
    status: int = 200,
    problem_text: str = "",
    alternatives: list[datetime] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The free start times of one day, grouped by part of day, each a button."""
    now = timezone.now()
    return render(
        request,
        "booking/choose_time.html",
        {
            "service": service,
            "step": 3,
            "day": day,
            "parts": times_of_day(
                service=service,
                location=location,
                day=day,
                now=now,
                ignoring_booking=ignoring_booking,
            ),
            "time_action": time_action,
            "day_page": day_page,
            "problem": problem_text,
            "alternatives": [a.astimezone(location.zone) for a in alternatives or []],
            **zone_context(location, now),
            **(extra or {}),
        },
        status=status,
    )


def hold_context(held: Booking, now: datetime) -> dict[str, Any]:
    expires = held.hold_expires_at
    lapsed = held.status == BookingStatus.EXPIRED or (expires is not None and expires <= now)
    return {
        "held": held,
        "held_start": held.starts_at,
        "hold_expires": expires,
        "hold_minutes_left": max(0, int((expires - now).total_seconds() // 60)) if expires else 0,
        "hold_lapsed": lapsed,
        **zone_context(held.location, now),
    }


def start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Please choose a time first: we hold it for you while you finish.")
    return redirect("booking:start")


def held_draft(request: HttpRequest) -> tuple[Draft, Booking | None]:
    """The patient's draft and their held booking (None when there is none)."""
    draft = Draft.load(request.session)
    held = draft.held_booking()
    if held is None or held.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
        return draft, None
    return draft, held


def link_problem(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        "This link does not work any more: it may be incomplete or too old. Please use the "
        "link in your latest email from us, or call the clinic.",
        status=404,
    )


def course_session_views(plan: SeriesPlan, first: Booking) -> list[SessionView]:
    return session_views(plan, service=first.service, location=first.location)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (behind a trusted proxy, the one it saw), as
    recorded with a signature."""
    return client_address(request)


# Who is booking, and whether they proved their email address in this browser.


def draft_person(draft: Draft) -> Person | None:
    """The details typed at step 4, or None when they are missing or incomplete."""
    details = draft.details
    if not details or not all(details.get(key) for key in DetailsForm.base_fields):
        return None  # not given yet, or only prefilled (from a waitlist offer)
    try:
        born = date.fromisoformat(details["date_of_birth"])
    except ValueError:
        return None
    return Person(
        given_name=details["given_name"], family_name=details["family_name"],
        email=details["email"], phone=details["phone"], date_of_birth=born,
    )  # fmt: skip
