"""The patient's booking pages. Plain forms and redirects; JavaScript only enhances them.

Every rule lives elsewhere: availability in scheduling, the change policy in
``booking.policy``; these views parse the request, call one service, render.
"""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dermadesk.booking import calendar
from dermadesk.booking.course import SessionView, interval_text
from dermadesk.booking.course_plan import (
    course_plan_from,
    planned_starts,
    session_views,
    sessions_allowed,
)
from dermadesk.booking.draft import Draft
from dermadesk.booking.emails import booking_ics, late_change_request_send
from dermadesk.booking.forms import ConsentForm, DetailsForm, ScreeningForm, WaitlistForm
from dermadesk.booking.manage import (
    change_notice,
    changeable_online,
    course_sessions,
    managed_booking,
)
from dermadesk.booking.policy import notice_in_words
from dermadesk.booking.tokens import manage_token
from dermadesk.clinic.models import Location
from dermadesk.limits.client import address_digest, client_address, hold_holder
from dermadesk.limits.pages import rate_limited
from dermadesk.limits.pages import refused as limits_refused
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import ConsentStatus, consent_status
from dermadesk.patients.services import (
    NameMismatch,
    PatientError,
    patient_find_or_create,
    visit_consents_sign,
)
from dermadesk.scheduling.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    Resource,
    ResourceKind,
    Service,
)
from dermadesk.scheduling.queries import (
    CourseShift,
    available_slots,
    course_shift,
    nearest_alternatives,
    service_rules,
)
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import (
    NotBookable,
    SchedulingError,
    SeriesSessionTaken,
    SlotTaken,
    TooManyHolds,
    booking_cancel,
    booking_confirm,
    booking_extend_hold,
    booking_hold,
    booking_hold_claim_email,
    booking_reschedule,
    series_book,
    series_cancel,
    series_shift,
)
from dermadesk.screening.models import ScreeningOutcome, ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, questions_for, valid_screening
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError, screening_submit
from dermadesk.waitlist.models import EntryStatus as WaitlistStatus
from dermadesk.waitlist.services import WaitlistError, entry_from_token, waitlist_join

# After the details: the screening questionnaire.
NEXT_AFTER_DETAILS = "booking:screening"


def problem(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A 4xx page that says plainly what went wrong and where to go next."""
    return render(request, "booking/problem.html", {"message": message}, status=status)


def _location(request: HttpRequest) -> Location:
    slug = request.GET.get("location") or request.POST.get("location")
    if slug:
        return get_object_or_404(Location, slug=slug)
    location = Location.objects.first()
    if location is None:
        raise Location.DoesNotExist("No clinic location is set up yet.")
    return location


def _service(slug: str) -> Service:
    return get_object_or_404(Service, slug=slug, active=True, bookable_online=True)


def _zone_context(location: Location, now: datetime) -> dict[str, Any]:
    return {
        "location": location,
        "zone_label": now.astimezone(location.zone).strftime("%Z"),
    }


def _parse_start(value: str) -> datetime | None:
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def _day_page(
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
            **_zone_context(location, now),
            **(extra or {}),
        },
    )


def _times_page(
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
            **_zone_context(location, now),
            **(extra or {}),
        },
        status=status,
    )


# Step 1 to 3: treatment, day, time.


@require_GET
def choose_treatment(request: HttpRequest) -> HttpResponse:
    location = _location(request)
    return render(
        request,
        "booking/choose_treatment.html",
        {
            "services": Service.objects.filter(active=True, bookable_online=True),
            "step": 1,
            **_zone_context(location, timezone.now()),
        },
    )


@require_GET
def choose_day(request: HttpRequest, service: str) -> HttpResponse:
    chosen = _service(service)
    return _day_page(
        request,
        service=chosen,
        location=_location(request),
        day_link_base=reverse("booking:day", args=[chosen.slug]),
    )


@require_GET
def choose_time(request: HttpRequest, service: str, day: str) -> HttpResponse:
    chosen = _service(service)
    location = _location(request)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return problem(request, "Please choose a date from the calendar.")
    return _times_page(
        request,
        service=chosen,
        location=location,
        day=parsed,
        time_action=reverse("booking:hold", args=[chosen.slug]),
        day_page=reverse("booking:day", args=[chosen.slug]),
    )


@require_POST
@rate_limited("holds", setting="BOOKING_HOLD_RATE_LIMIT")
def hold_time(request: HttpRequest, service: str) -> HttpResponse:
    """Hold the chosen start for the patient while they fill in their details."""
    chosen = _service(service)
    location = _location(request)
    now = timezone.now()
    start = _parse_start(request.POST.get("start", ""))
    if start is None:
        return problem(request, "Please choose one of the times shown.")
    draft = Draft.load(request.session)
    previous = draft.held_booking()
    day = start.astimezone(location.zone).date()
    time_action = reverse("booking:hold", args=[chosen.slug])
    day_page = reverse("booking:day", args=[chosen.slug])
    try:
        held = booking_hold(
            service=chosen, location=location, start=start, now=now, channel=BookingChannel.WEB,
            holder=hold_holder(request),
        )  # fmt: skip
    except TooManyHolds as refused:
        return limits_refused(request, str(refused), refused.retry_after)
    except SlotTaken as taken:
        alternatives = nearest_alternatives(
            service=chosen, location=location, around=start, now=now
        )
        return _times_page(
            request, service=chosen, location=location, day=day, status=409,
            problem_text=str(taken), alternatives=[s.start for s in alternatives],
            time_action=time_action, day_page=day_page,
        )  # fmt: skip
    except NotBookable as refused:
        return _times_page(
            request, service=chosen, location=location, day=day, status=400,
            problem_text=str(refused), time_action=time_action, day_page=day_page,
        )  # fmt: skip
    if previous is not None and previous.status == BookingStatus.HELD:
        booking_cancel(booking=previous, now=now)  # one hold per patient: the new time wins
    draft.hold = str(held.public_id)
    draft.series_count, draft.series_starts = 0, []
    draft.save(request.session)
    return redirect("booking:course" if chosen.offers_series else "booking:details")


# Step 3, for a course (Micro-Needling with PRP): how many sessions, and their dates.


def _starts(plan: SeriesPlan) -> list[str]:
    """The proposed starts, as the page carries them to compare with a fresh plan."""
    return [start.isoformat() for start in planned_starts(plan)]


def _session_views(plan: SeriesPlan, first: Booking) -> list[SessionView]:
    return session_views(plan, service=first.service, location=first.location)


def _course_count(value: str | None, service: Service, default: int) -> int | None:
    """The number of sessions asked for: 1 (only the first) or within the course's limits."""
    try:
        count = int(value) if value else default
    except ValueError:
        return None
    if count == 1 or sessions_allowed(service, count):
        return count
    return None


def _course_page(
    request: HttpRequest, held: Booking, count: int, now: datetime, *, status: int = 200,
    problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    service = held.service
    plan = course_plan_from(held, max(count, service.series_min_sessions), now)
    return render(
        request,
        "booking/course.html",
        {
            "step": 3,
            "count": count,
            "choices": range(service.series_min_sessions, service.series_max_sessions + 1),
            "interval": interval_text(service.series_interval_days),
            "sessions": _session_views(plan, held),
            "complete": plan.complete,
            "problem": problem_text,
            **_hold_context(held, now),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def course(request: HttpRequest) -> HttpResponse:
    """A course of sessions: the patient chooses how many and sees every date at once."""
    draft, held = _held(request)
    if held is None:
        return _start_again(request)
    service = held.service
    if not service.offers_series:
        return redirect("booking:details")
    now = timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    default = draft.series_count or service.series_default_sessions
    count = _course_count(source.get("sessions"), service, default)
    if count is None:
        return _course_page(
            request, held, default, now, status=400,
            problem_text=f"Please choose from {service.series_min_sessions} to "
            f"{service.series_max_sessions} sessions, or only this first visit.",
        )  # fmt: skip
    if request.method == "GET":
        return _course_page(request, held, count, now)
    if count == 1:
        draft.series_count, draft.series_starts = 0, []
        draft.save(request.session)
        return redirect("booking:details")
    plan = course_plan_from(held, count, now)
    if not plan.complete:
        return _course_page(
            request, held, count, now, status=409,
            problem_text="We cannot book every session of this course online. Please "
            "choose fewer sessions, or only this first visit, and we will help with the rest.",
        )  # fmt: skip
    draft.series_count = count
    draft.series_starts = _starts(plan)
    draft.save(request.session)
    return redirect("booking:details")


# The waitlist: joining it when no time suits, and taking a time it offers.


@require_http_methods(["GET", "POST"])
@rate_limited("waitlist", setting="WAITLIST_RATE_LIMIT")
def waitlist_join_page(request: HttpRequest, service: str) -> HttpResponse:
    """Join the waitlist: dates, parts of the day, perhaps a clinician, and how to reach you."""
    chosen = _service(service)
    location = _location(request)
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
        {"form": form, "service": chosen, **_zone_context(location, now)},
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
            {"entry": entry, "token": token, **_hold_context(held, now)},
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


# Step 4 onwards: the held time, the patient's details.


def _held(request: HttpRequest) -> tuple[Draft, Booking | None]:
    """The patient's draft and their held booking (None when there is none)."""
    draft = Draft.load(request.session)
    held = draft.held_booking()
    if held is None or held.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
        return draft, None
    return draft, held


def _hold_context(held: Booking, now: datetime) -> dict[str, Any]:
    expires = held.hold_expires_at
    lapsed = held.status == BookingStatus.EXPIRED or (expires is not None and expires <= now)
    return {
        "held": held,
        "held_start": held.starts_at,
        "hold_expires": expires,
        "hold_minutes_left": max(0, int((expires - now).total_seconds() // 60)) if expires else 0,
        "hold_lapsed": lapsed,
        **_zone_context(held.location, now),
    }


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Please choose a time first: we hold it for you while you finish.")
    return redirect("booking:start")


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    """Step 4: who is coming. What was typed is kept in the session, even if a step fails."""
    draft, held = _held(request)
    if held is None:
        return _start_again(request)
    now = timezone.now()
    today = now.astimezone(held.location.zone).date()
    if request.method == "POST":
        form = DetailsForm(request.POST, region=held.location.country, today=today)
        if form.is_valid():
            draft.details = {key: str(value) for key, value in form.cleaned_data.items()}
            draft.save(request.session)
            try:  # the email is known now: the hold counts against it too
                booking_hold_claim_email(booking=held, email=form.cleaned_data["email"], now=now)
            except TooManyHolds as refused:
                return limits_refused(request, str(refused), refused.retry_after)
            return redirect(NEXT_AFTER_DETAILS)
        draft.details = {key: request.POST.get(key, "") for key in form.fields}
        draft.save(request.session)
        status = 400
    else:
        form = DetailsForm(initial=draft.details, region=held.location.country, today=today)
        status = 200
    return render(
        request,
        "booking/details.html",
        {"form": form, "step": 4, **_hold_context(held, now)},
        status=status,
    )


@require_POST
def extend_hold(request: HttpRequest) -> HttpResponse:
    """More time for the form (WCAG 2.2.1): the hold runs for another full period."""
    _, held = _held(request)
    if held is None:
        return _start_again(request)
    try:
        booking_extend_hold(booking=held, now=timezone.now())
        messages.success(request, "Done: we are holding your time for a while longer.")
    except SchedulingError as error:
        messages.warning(request, str(error))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("booking:details")
    return redirect(back)


# Steps 5 to 7: screening, consent and policies, confirmation.


def _patient(draft: Draft, held: Booking) -> Patient | None:
    """The patient the typed details name: found again by email and date of birth, or new."""
    if not draft.details or not all(draft.details.get(key) for key in DetailsForm.base_fields):
        return None  # not given yet, or only prefilled (from a waitlist offer)
    patient, _ = patient_find_or_create(
        given_name=draft.details["given_name"],
        family_name=draft.details["family_name"],
        email=draft.details["email"],
        phone=draft.details["phone"],
        date_of_birth=date.fromisoformat(draft.details["date_of_birth"]),
        today=timezone.now().astimezone(held.location.zone).date(),
    )
    return patient


def _flow(request: HttpRequest) -> tuple[Draft, Booking, Patient] | HttpResponse:
    """The draft, the held booking and the patient, or the redirect to the step missing."""
    draft, held = _held(request)
    if held is None:
        return _start_again(request)
    try:
        patient = _patient(draft, held)
    except PatientError:
        patient = None
    if patient is None:
        return redirect("booking:details")
    return draft, held, patient


def _screened_flow(request: HttpRequest) -> tuple[Draft, Booking, Patient] | HttpResponse:
    """As ``_flow``, and the treatment's health questions answered (where it has them)."""
    flow = _flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    draft, held, _ = flow
    if held.service.requires_screening and draft.screening is None:
        return redirect("booking:screening")
    return flow


@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest) -> HttpResponse:
    """Step 5: is the treatment suitable on that date? Skipped when a valid answer exists."""
    flow = _flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    draft, held, patient = flow
    now = timezone.now()
    treatment_date = held.starts_at.astimezone(held.location.zone).date()
    if not held.service.requires_screening:
        return redirect("booking:consent")
    existing = valid_screening(
        patient=patient, service=held.service, treatment_date=treatment_date, now=now
    )
    if request.method == "GET" and existing is not None and existing.is_bookable:
        draft.screening = existing.pk
        draft.save(request.session)
        return redirect("booking:consent")
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return problem(
            request,
            "Online booking of treatments is paused while we update our health questions. "
            "Please call us to book.",
            status=503,
        )
    questions = questions_for(questionnaire=questionnaire, service=held.service)
    status = 200
    if request.method == "POST":
        form = ScreeningForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                response = screening_submit(
                    patient=patient, questionnaire=questionnaire, answers=form.answers(),
                    service=held.service, treatment_date=treatment_date, now=now,
                )  # fmt: skip
            except InvalidAnswers as invalid:
                for key, message in invalid.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            except ScreeningError as refused:
                form.add_error(None, str(refused))
            else:
                draft.screening = response.pk
                draft.save(request.session)
                if response.is_bookable:
                    return redirect("booking:consent")
                return _screening_outcome(request, held, response, now)
        status = 400
    else:
        form = ScreeningForm(questions=questions)
    return render(
        request,
        "booking/screening.html",
        {"form": form, "questionnaire": questionnaire, "step": 5, **_hold_context(held, now)},
        status=status,
    )


def _screening_outcome(
    request: HttpRequest, held: Booking, response: ScreeningResponse, now: datetime
) -> HttpResponse:
    """Not this time: say why, kindly, free the held time and offer a consultation."""
    booking_cancel(booking=held, now=now)
    Draft.clear(request.session)
    return render(
        request,
        "booking/screening_outcome.html",
        {
            "response": response,
            "consult_first": response.outcome == ScreeningOutcome.CONSULT_FIRST,
            "consultation": Service.objects.filter(
                slug="consultation", active=True, bookable_online=True
            ).first(),
            "location": held.location,
        },
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """Step 6: the clinic's policies and the treatment's consent, signed with the typed name."""
    flow = _screened_flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    _, held, patient = flow
    now = timezone.now()
    status_now = consent_status(patient=patient, service=held.service, now=now)
    form, signed = _consent_form(request, status_now, patient=patient, booking=held, now=now)
    if signed:
        return redirect("booking:confirm")
    return render(
        request,
        "booking/consent.html",
        {
            "form": form,
            "consents": status_now,
            "notice": notice_in_words(change_notice()),
            "step": 6,
            **_hold_context(held, now),
        },
        status=400 if form.is_bound else 200,
    )


def _consent_form(
    request: HttpRequest, consents: ConsentStatus, *, patient: Patient, booking: Booking,
    now: datetime,
) -> tuple[ConsentForm, bool]:  # fmt: skip
    """The consent form, and on a valid POST every required (and chosen) document signed.

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
        visit_consents_sign(
            patient=patient, consents=consents, optional_kinds=chosen,
            typed_name=form.cleaned_data["typed_name"], now=now,
            ip_address=client_address(request),
            user_agent=request.headers.get("User-Agent", ""), booking=booking,
        )  # fmt: skip
    except NameMismatch as mismatch:
        form.add_error("typed_name", str(mismatch))
        return form, False
    except PatientError as refused:
        form.add_error(None, str(refused))
        return form, False
    return form, True


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Step 7: one last look, then the booking is made."""
    flow = _screened_flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    draft, held, patient = flow
    now = timezone.now()
    consents = consent_status(patient=patient, service=held.service, now=now)
    if request.method == "GET":
        return render(
            request,
            "booking/confirm.html",
            {
                "patient": patient,
                "consents": consents,
                "course": [
                    datetime.fromisoformat(start).astimezone(held.location.zone)
                    for start in draft.series_starts
                ],
                "step": 7,
                **_hold_context(held, now),
            },
        )
    if draft.series_count:
        outcome = _confirm_course(request, draft, held, patient, now)
        if isinstance(outcome, HttpResponse):
            return outcome
        booking = outcome
    else:
        try:
            booking = booking_confirm(booking=held, now=now, patient_id=patient.pk)
        except SlotTaken as taken:
            return _taken_at_confirm(request, draft, held, taken, now)
        except SchedulingError as refused:
            return problem(request, str(refused), status=409)
    Draft.clear(request.session)
    return redirect("booking:done", token=manage_token(str(booking.public_id)))


def _taken_at_confirm(
    request: HttpRequest, draft: Draft, held: Booking, taken: SlotTaken, now: datetime
) -> HttpResponse:
    """The held time went meanwhile: the nearest free times; details and answers are kept."""
    alternatives = nearest_alternatives(
        service=held.service, location=held.location, around=held.starts_at, now=now
    )
    draft.hold = ""
    draft.save(request.session)
    return _times_page(
        request, service=held.service, location=held.location,
        day=held.starts_at.astimezone(held.location.zone).date(), status=409,
        problem_text=str(taken), alternatives=[s.start for s in alternatives],
        time_action=reverse("booking:hold", args=[held.service.slug]),
        day_page=reverse("booking:day", args=[held.service.slug]),
    )  # fmt: skip


def _confirm_course(
    request: HttpRequest, draft: Draft, held: Booking, patient: Patient, now: datetime
) -> Booking | HttpResponse:
    """Book the whole course as the patient saw it, or show them what changed."""
    plan = course_plan_from(held, draft.series_count, now)
    if not plan.complete or _starts(plan) != draft.series_starts:
        return _course_page(
            request, held, draft.series_count, now, status=409,
            problem_text="Some dates of your course changed while you were finishing. "
            "Please look at them again: nothing is booked yet.",
        )  # fmt: skip
    try:
        series = series_book(
            service=held.service, location=held.location,
            sessions=[s.slot for s in plan.sessions if s.slot], now=now,
            channel=BookingChannel.WEB, patient_id=patient.pk, first_hold=held,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            return _taken_at_confirm(request, draft, held, taken, now)
        return _course_page(
            request, held, draft.series_count, now, status=409, problem_text=str(taken)
        )
    except SchedulingError as refused:
        return problem(request, str(refused), status=409)
    return series.bookings.get(series_number=1)


@require_GET
def done(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: when and where, what to do before, and the link to manage it."""
    booking = managed_booking(token)
    if booking is None:
        return _link_problem(request)
    return render(request, "booking/done.html", _manage_context(booking, token, timezone.now()))


@require_GET
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    """The visit as an .ics file for the patient's calendar."""
    booking = managed_booking(token)
    if booking is None:
        return _link_problem(request)
    response = HttpResponse(booking_ics(booking, now=timezone.now()), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


# Managing a booking through the link in the confirmation email.


def _manage_context(booking: Booking, token: str, now: datetime) -> dict[str, Any]:
    return {
        "booking": booking,
        "token": token,
        "changeable": changeable_online(booking, now),
        "notice": notice_in_words(change_notice()),
        "upcoming": booking.status == BookingStatus.CONFIRMED and booking.starts_at > now,
        "consents": consent_status(patient=booking.patient, service=booking.service, now=now)
        if booking.patient is not None
        else None,
        "course": _course_sessions(booking),
        **_zone_context(booking.location, now),
    }


def _manage_page_context(booking: Booking, token: str, now: datetime) -> dict[str, Any]:
    """The manage page of a session that was moved offers to move the later ones after it."""
    context = _manage_context(booking, token, now)
    moved = booking.sequence > 0 and booking.series_id is not None
    shift = _course_shift(booking, now) if moved and context["changeable"] else None
    return context | {
        "offer_course": context["changeable"] and _can_add_course(booking),
        "offer_move_later": shift is not None and shift.needed,
        "interval": interval_text(booking.service.series_interval_days),
    }


def _course_sessions(booking: Booking) -> list[tuple[Booking, str]]:
    """The sessions of the booking's course, each with its own manage link; [] for one visit."""
    return [(session, manage_token(str(session.public_id))) for session in course_sessions(booking)]


def _link_problem(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        "This link does not work any more: it may be incomplete or too old. Please use the "
        "link in your latest email from us, or call the clinic.",
        status=404,
    )


@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = managed_booking(token)
    if booking is None:
        return _link_problem(request)
    now = timezone.now()
    return render(request, "booking/manage.html", _manage_page_context(booking, token, now))


def _too_late(request: HttpRequest, booking: Booking, token: str) -> HttpResponse:
    context = _manage_context(booking, token, timezone.now())
    return render(request, "booking/manage.html", context | {"too_late": True}, status=409)


def _changeable(request: HttpRequest, token: str) -> Booking | HttpResponse:
    """The booking the link names, if it may still be changed online; else the page to show."""
    booking = managed_booking(token)
    if booking is None:
        return _link_problem(request)
    if not changeable_online(booking, timezone.now()):
        return _too_late(request, booking, token)
    return booking


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    now = timezone.now()
    if request.method == "GET":
        return render(request, "booking/manage_cancel.html", _manage_context(booking, token, now))
    booking_cancel(booking=booking, now=now)
    messages.success(request, "Your visit is cancelled. We have sent you an email to confirm.")
    return redirect("booking:manage", token=token)


@require_GET
def manage_move_day(request: HttpRequest, token: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    return _day_page(
        request,
        service=booking.service,
        location=booking.location,
        day_link_base=reverse("booking:move", args=[token]),
        ignoring_booking=booking.pk,
        extra={"moving": booking},
    )


def _move_times(
    request: HttpRequest, booking: Booking, token: str, day: date, **more: Any
) -> HttpResponse:
    return _times_page(
        request,
        service=booking.service,
        location=booking.location,
        day=day,
        time_action=reverse("booking:move-to", args=[token]),
        day_page=reverse("booking:move", args=[token]),
        ignoring_booking=booking.pk,
        extra={"moving": booking},
        **more,
    )


@require_GET
def manage_move_time(request: HttpRequest, token: str, day: str) -> HttpResponse:
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return problem(request, "Please choose a date from the calendar.")
    return _move_times(request, booking, token, parsed)


@require_POST
def manage_move(request: HttpRequest, token: str) -> HttpResponse:
    """Move the visit. The old time is given up only once the new one is secured."""
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    now = timezone.now()
    start = _parse_start(request.POST.get("start", ""))
    if start is None:
        return problem(request, "Please choose one of the times shown.")
    day = start.astimezone(booking.location.zone).date()
    try:
        moved = booking_reschedule(booking=booking, start=start, now=now)
    except SlotTaken as taken:
        alternatives = nearest_alternatives(
            service=booking.service, location=booking.location, around=start, now=now,
            ignoring_booking=booking.pk,
        )  # fmt: skip
        return _move_times(
            request, booking, token, day, status=409, problem_text=str(taken),
            alternatives=[s.start for s in alternatives],
        )  # fmt: skip
    except SchedulingError as refused:
        return _move_times(request, booking, token, day, status=400, problem_text=str(refused))
    messages.success(request, "Your visit has moved. We have sent you an email with the new time.")
    shift = _course_shift(moved, now)
    if shift is not None and shift.needed:
        return redirect("booking:move-later", token=token)
    return redirect("booking:manage", token=token)


def _course_shift(booking: Booking, now: datetime) -> CourseShift | None:
    """The later sessions of the booking's course that can still be moved online."""
    if booking.series_id is None or booking.status != BookingStatus.CONFIRMED:
        return None
    return course_shift(booking=booking, now=now, after=now + change_notice())


def _shift_rows(shift: CourseShift) -> list[tuple[Booking, SessionView]]:
    """Each later session with its proposed time, numbered as in the course."""
    views = _session_views(shift.plan, shift.anchor)
    first = shift.anchor.series_number or 1
    return [
        (booking, replace(views[(booking.series_number or 0) - first],
                          number=booking.series_number or 0))
        for booking, _ in shift.proposed()
    ]  # fmt: skip


def _shift_starts(shift: CourseShift) -> list[str]:
    return [planned.slot.start.isoformat() if planned.slot else "" for _, planned in
            shift.proposed()]  # fmt: skip


def _move_later_page(
    request: HttpRequest, booking: Booking, token: str, shift: CourseShift, now: datetime,
    *, status: int = 200, problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    rows = _shift_rows(shift)
    return render(
        request,
        "booking/manage_move_later.html",
        _manage_context(booking, token, now)
        | {
            "rows": rows,
            "complete": all(view.start is not None for _, view in rows),
            "starts": ",".join(_shift_starts(shift)),
            "interval": interval_text(booking.service.series_interval_days),
            "problem": problem_text,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage_move_later(request: HttpRequest, token: str) -> HttpResponse:
    """Move the course's later sessions so they follow this one at the usual interval again."""
    booking = managed_booking(token)
    if booking is None or booking.series is None:
        return _link_problem(request)
    now = timezone.now()
    shift = _course_shift(booking, now)
    if shift is None or not shift.needed:
        messages.info(request, "Your later sessions already follow this visit; nothing to move.")
        return redirect("booking:manage", token=token)
    if request.method == "GET":
        return _move_later_page(request, booking, token, shift, now)
    if not all(planned.slot for _, planned in shift.proposed()):
        return _move_later_page(
            request, booking, token, shift, now, status=409,
            problem_text="We cannot move every later session online. Please call us and we "
            "will find times together.",
        )  # fmt: skip
    if request.POST.get("starts", "") != ",".join(_shift_starts(shift)):
        return _move_later_page(
            request, booking, token, shift, now, status=409,
            problem_text="Some of the new dates changed while you were looking. Please look "
            "at them again: nothing has been moved yet.",
        )  # fmt: skip
    sessions = {
        b.series_number or 0: planned.slot for b, planned in shift.proposed() if planned.slot
    }
    try:
        moved = series_shift(series=booking.series, sessions=sessions, now=now)
    except SeriesSessionTaken as taken:
        fresh = _course_shift(booking, now) or shift
        return _move_later_page(
            request, booking, token, fresh, now, status=409, problem_text=str(taken)
        )
    except SchedulingError as refused:
        return problem(request, str(refused), status=409)
    count = len(moved)
    messages.success(
        request,
        f"{count} later session{'s have' if count != 1 else ' has'} moved. We have sent you "
        f"an email for each, with the new time.",
    )
    return redirect("booking:manage", token=token)


def _can_add_course(booking: Booking) -> bool:
    """A visit booked on its own, of a treatment given as a course, for a known patient."""
    return (
        booking.series_id is None
        and booking.service.offers_series
        and booking.patient_id is not None
    )


def _add_course_page(
    request: HttpRequest, booking: Booking, token: str, count: int, now: datetime,
    *, status: int = 200, problem_text: str = "",
) -> HttpResponse:  # fmt: skip
    service = booking.service
    plan = course_plan_from(booking, count, now)
    return render(
        request,
        "booking/manage_course.html",
        _manage_context(booking, token, now)
        | {
            "count": count,
            "choices": range(service.series_min_sessions, service.series_max_sessions + 1),
            "interval": interval_text(service.series_interval_days),
            "sessions": _session_views(plan, booking),
            "complete": plan.complete,
            "starts": ",".join(_starts(plan)),
            "problem": problem_text,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage_add_course(request: HttpRequest, token: str) -> HttpResponse:
    """Book the rest of a course after a first visit that was booked on its own."""
    booking = _changeable(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    if not _can_add_course(booking):
        return _link_problem(request)
    service, now = booking.service, timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    count = _course_count(source.get("sessions"), service, service.series_default_sessions)
    if count is None or count == 1:
        return _add_course_page(
            request, booking, token, service.series_default_sessions, now, status=400,
            problem_text=f"Please choose from {service.series_min_sessions} to "
            f"{service.series_max_sessions} sessions.",
        )  # fmt: skip
    if request.method == "GET":
        return _add_course_page(request, booking, token, count, now)
    plan = course_plan_from(booking, count, now)
    if not plan.complete or request.POST.get("starts", "") != ",".join(_starts(plan)):
        return _add_course_page(
            request, booking, token, count, now, status=409,
            problem_text="Some dates changed while you were looking. Please look at them "
            "again: nothing is booked yet.",
        )  # fmt: skip
    try:
        series_book(
            service=service, location=booking.location,
            sessions=[s.slot for s in plan.sessions if s.slot], now=now,
            channel=BookingChannel.WEB, patient_id=booking.patient_id, first_booked=booking,
        )  # fmt: skip
    except SeriesSessionTaken as taken:
        return _add_course_page(
            request, booking, token, count, now, status=409, problem_text=str(taken)
        )
    except SchedulingError as refused:
        return problem(request, str(refused), status=409)
    messages.success(
        request,
        f"Your course of {count} sessions is booked. We have sent you an email with every date.",
    )
    return redirect("booking:manage", token=token)


@require_http_methods(["GET", "POST"])
def manage_cancel_course(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel every session of the course that is still far enough ahead to change online."""
    booking = managed_booking(token)
    if booking is None or booking.series is None:
        return _link_problem(request)
    now = timezone.now()
    if not changeable_online(booking, now):
        return _too_late(request, booking, token)
    if request.method == "GET":
        context = _manage_context(booking, token, now)
        return render(request, "booking/manage_cancel_course.html", context)
    # This session and the later ones (all further ahead than the notice, as this one is).
    from_this = booking.starts_at - timedelta(microseconds=1)
    cancelled = series_cancel(series=booking.series, now=now, starting_after=from_this)
    messages.success(
        request,
        f"{cancelled} session{'s' if cancelled != 1 else ''} of your course "
        f"{'are' if cancelled != 1 else 'is'} cancelled. We have sent you an email for each.",
    )
    return redirect("booking:manage", token=token)


@require_http_methods(["GET", "POST"])
def manage_consent(request: HttpRequest, token: str) -> HttpResponse:
    """Consent still to sign for a booked visit (booked by phone, or a document renewed)."""
    booking = managed_booking(token)
    if booking is None or booking.patient is None:
        return _link_problem(request)
    now = timezone.now()
    context = _manage_context(booking, token, now)
    consents = context["consents"]
    if not context["upcoming"] or consents.complete:
        messages.info(request, "There is nothing left to sign for this visit.")
        return redirect("booking:manage", token=token)
    form, signed = _consent_form(request, consents, patient=booking.patient, booking=booking,
                                 now=now)  # fmt: skip
    if signed:
        messages.success(request, "Thank you: your consent is signed.")
        return redirect("booking:manage", token=token)
    return render(
        request,
        "booking/manage_consent.html",
        context | {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
def manage_late_request(request: HttpRequest, token: str) -> HttpResponse:
    """Too close to change online: the patient asks, the front desk is told and calls back."""
    booking = managed_booking(token)
    if booking is None:
        return _link_problem(request)
    now = timezone.now()
    context = _manage_context(booking, token, now)
    wish = request.POST.get("wish", "")
    if wish not in ("move", "cancel"):
        return problem(request, "Please choose whether you would like to move or cancel.")
    if context["changeable"]:
        return redirect("booking:cancel" if wish == "cancel" else "booking:move", token=token)
    if not context["upcoming"] or booking.patient is None:
        return problem(request, "This visit can no longer be changed.", status=409)
    late_change_request_send(booking=booking, wish=wish, now=now)
    messages.success(
        request,
        "Thank you: we have told the team, and someone will contact you soon, during "
        "opening hours. Your visit stays booked until we have spoken with you.",
    )
    return redirect("booking:manage", token=token)
