"""What the patient's booking pages share: the problem page, the month of days, a day's times,
the held time. Plain forms and redirects; JavaScript only enhances them."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dermadesk.booking import calendar
from dermadesk.booking.draft import Draft
from dermadesk.booking.forms import ConsentForm, DetailsForm
from dermadesk.checkout.checkout import CheckoutError, Person
from dermadesk.checkout.course import SessionView
from dermadesk.checkout.course_plan import (
    planned_starts,
    session_views,
)
from dermadesk.checkout.courses import sessions_allowed
from dermadesk.clinic.models import Location
from dermadesk.limits.client import client_address
from dermadesk.patients.login import proven_account
from dermadesk.patients.models import PatientAccount
from dermadesk.patients.queries import ConsentStatus
from dermadesk.patients.services import (
    NameMismatch,
    PatientError,
)
from dermadesk.scheduling import reach
from dermadesk.scheduling.models import (
    Booking,
    BookingStatus,
    Service,
)
from dermadesk.scheduling.queries import (
    available_slots,
    service_rules,
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
    zone = location.zone
    today = now.astimezone(zone).date()
    try:
        first = calendar.month_start(request.GET.get("month"), today)
    except ValueError:
        return problem(request, "Please choose a month from the calendar.")
    rules = service_rules(service)
    last_bookable = (now + (rules.horizon or timedelta(days=365))).astimezone(zone).date()
    first = min(max(first, today.replace(day=1)), last_bookable.replace(day=1))
    month_end = calendar.next_month(first)
    slots = available_slots(
        service=service,
        location=location,
        start=datetime.combine(first, time(0), tzinfo=zone),
        end=datetime.combine(month_end, time(0), tzinfo=zone),
        now=now,
        ignoring_booking=ignoring_booking,
    )
    previous = calendar.previous_month(first)
    return render(
        request,
        "booking/choose_day.html",
        {
            "service": service,
            "step": 2,
            "month": first,
            "days": calendar.month_days(
                first, (s.start for s in slots), zone, today, last_bookable
            ),
            "day_link_base": day_link_base,
            "previous_month": previous if previous >= today.replace(day=1) else None,
            "next_month": month_end if month_end <= last_bookable else None,
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
    zone = location.zone
    slots = available_slots(
        service=service,
        location=location,
        start=datetime.combine(day, time(0), tzinfo=zone),
        end=datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
        now=now,
        ignoring_booking=ignoring_booking,
    )
    return render(
        request,
        "booking/choose_time.html",
        {
            "service": service,
            "step": 3,
            "day": day,
            "parts": calendar.parts_of_day((s.start for s in slots), zone),
            "time_action": time_action,
            "day_page": day_page,
            "problem": problem_text,
            "alternatives": [a.astimezone(zone) for a in alternatives or []],
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


def plan_starts(plan: SeriesPlan) -> list[str]:
    """The proposed starts, as the page carries them to compare with a fresh plan."""
    return [start.isoformat() for start in planned_starts(plan)]


def course_count(value: str | None, service: Service, default: int) -> int | None:
    """The number of sessions asked for: 1 (only the first) or within the course's limits."""
    try:
        count = int(value) if value else default
    except ValueError:
        return None
    if count == 1 or sessions_allowed(service, count):
        return count
    return None


def consent_form(
    request: HttpRequest, consents: ConsentStatus, sign: Callable[[str, set[str]], object]
) -> tuple[ConsentForm, bool]:
    """The consent form, and on a valid POST ``sign(typed_name, optional_kinds)`` called.

    Returns the form (with its errors) and whether the documents were signed.
    """
    optional = [(item.document.kind, item.document.title) for item in consents.optional]
    if request.method != "POST":
        return ConsentForm(optional_kinds=optional), False
    form = ConsentForm(request.POST, optional_kinds=optional)
    if not form.is_valid():
        return form, False
    chosen = {
        item.document.kind
        for item in consents.optional
        if form.cleaned_data.get(f"optional_{item.document.kind}")
    }
    try:
        sign(form.cleaned_data["typed_name"], chosen)
    except NameMismatch as mismatch:
        form.add_error("typed_name", str(mismatch))
        return form, False
    except (PatientError, CheckoutError) as refused:
        form.add_error(None, str(refused))
        return form, False
    return form, True


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


def proven_email(request: HttpRequest) -> str | None:
    """The email address this browser proved with a code (its patient sign-in), if any."""
    account = proven_account(request.user)
    return account.email if account is not None else None


def sign_in(request: HttpRequest, account: PatientAccount) -> None:
    """Sign the patient in: this browser has proved the address, for a while.

    The sign-in ends after ``PATIENT_SESSION_MINUTES`` without a step taken.
    """
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.PATIENT_SESSION_MINUTES * 60)
