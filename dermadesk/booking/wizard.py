"""The booking steps: treatment, day, time, course, details, screening, consent, confirm.

These views parse the request, call the checkout, render; every rule lives below them."""

from datetime import date, datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dermadesk.booking.draft import Draft
from dermadesk.booking.forms import DetailsForm, ScreeningForm
from dermadesk.booking.pages import (
    consent_form,
    course_count,
    course_session_views,
    day_page,
    held_draft,
    hold_context,
    location_from,
    online_service,
    parse_start,
    plan_starts,
    problem,
    start_again,
    times_page,
    zone_context,
)
from dermadesk.checkout.course import interval_text
from dermadesk.checkout.course_plan import (
    course_plan_from,
)
from dermadesk.checkout.manage import (
    change_notice,
)
from dermadesk.checkout.policy import notice_in_words
from dermadesk.checkout.tokens import manage_token
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import consent_status
from dermadesk.patients.services import (
    PatientError,
    patient_find_or_create,
)
from dermadesk.scheduling.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    Service,
)
from dermadesk.scheduling.queries import (
    nearest_alternatives,
)
from dermadesk.scheduling.services import (
    NotBookable,
    SchedulingError,
    SeriesSessionTaken,
    SlotTaken,
    booking_cancel,
    booking_confirm,
    booking_extend_hold,
    booking_hold,
    series_book,
)
from dermadesk.screening.models import ScreeningOutcome, ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, questions_for, valid_screening
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError, screening_submit

NEXT_AFTER_DETAILS = "booking:screening"


@require_GET
def choose_treatment(request: HttpRequest) -> HttpResponse:
    location = location_from(request)
    return render(
        request,
        "booking/choose_treatment.html",
        {
            "services": Service.objects.filter(active=True, bookable_online=True),
            "step": 1,
            **zone_context(location, timezone.now()),
        },
    )


@require_GET
def choose_day(request: HttpRequest, service: str) -> HttpResponse:
    chosen = online_service(service)
    return day_page(
        request,
        service=chosen,
        location=location_from(request),
        day_link_base=reverse("booking:day", args=[chosen.slug]),
    )


@require_GET
def choose_time(request: HttpRequest, service: str, day: str) -> HttpResponse:
    chosen = online_service(service)
    location = location_from(request)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return problem(request, "Please choose a date from the calendar.")
    return times_page(
        request,
        service=chosen,
        location=location,
        day=parsed,
        time_action=reverse("booking:hold", args=[chosen.slug]),
        day_page=reverse("booking:day", args=[chosen.slug]),
    )


@require_POST
def hold_time(request: HttpRequest, service: str) -> HttpResponse:
    """Hold the chosen start for the patient while they fill in their details."""
    chosen = online_service(service)
    location = location_from(request)
    now = timezone.now()
    start = parse_start(request.POST.get("start", ""))
    if start is None:
        return problem(request, "Please choose one of the times shown.")
    draft = Draft.load(request.session)
    previous = draft.held_booking()
    day = start.astimezone(location.zone).date()
    time_action = reverse("booking:hold", args=[chosen.slug])
    day_page = reverse("booking:day", args=[chosen.slug])
    try:
        held = booking_hold(
            service=chosen, location=location, start=start, now=now, channel=BookingChannel.WEB
        )
    except SlotTaken as taken:
        alternatives = nearest_alternatives(
            service=chosen, location=location, around=start, now=now
        )
        return times_page(
            request, service=chosen, location=location, day=day, status=409,
            problem_text=str(taken), alternatives=[s.start for s in alternatives],
            time_action=time_action, day_page=day_page,
        )  # fmt: skip
    except NotBookable as refused:
        return times_page(
            request, service=chosen, location=location, day=day, status=400,
            problem_text=str(refused), time_action=time_action, day_page=day_page,
        )  # fmt: skip
    if previous is not None and previous.status == BookingStatus.HELD:
        booking_cancel(booking=previous, now=now)  # one hold per patient: the new time wins
    draft.hold = str(held.public_id)
    draft.series_count, draft.series_starts = 0, []
    draft.save(request.session)
    return redirect("booking:course" if chosen.offers_series else "booking:details")


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
            "sessions": course_session_views(plan, held),
            "complete": plan.complete,
            "problem": problem_text,
            **hold_context(held, now),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def course(request: HttpRequest) -> HttpResponse:
    """A course of sessions: the patient chooses how many and sees every date at once."""
    draft, held = held_draft(request)
    if held is None:
        return start_again(request)
    service = held.service
    if not service.offers_series:
        return redirect("booking:details")
    now = timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    default = draft.series_count or service.series_default_sessions
    count = course_count(source.get("sessions"), service, default)
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
    draft.series_starts = plan_starts(plan)
    draft.save(request.session)
    return redirect("booking:details")


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    """Step 4: who is coming. What was typed is kept in the session, even if a step fails."""
    draft, held = held_draft(request)
    if held is None:
        return start_again(request)
    now = timezone.now()
    today = now.astimezone(held.location.zone).date()
    if request.method == "POST":
        form = DetailsForm(request.POST, region=held.location.country, today=today)
        if form.is_valid():
            draft.details = {key: str(value) for key, value in form.cleaned_data.items()}
            draft.save(request.session)
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
        {"form": form, "step": 4, **hold_context(held, now)},
        status=status,
    )


@require_POST
def extend_hold(request: HttpRequest) -> HttpResponse:
    """More time for the form (WCAG 2.2.1): the hold runs for another full period."""
    _, held = held_draft(request)
    if held is None:
        return start_again(request)
    try:
        booking_extend_hold(booking=held, now=timezone.now())
        messages.success(request, "Done: we are holding your time for a while longer.")
    except SchedulingError as error:
        messages.warning(request, str(error))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("booking:details")
    return redirect(back)


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
    draft, held = held_draft(request)
    if held is None:
        return start_again(request)
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
        {"form": form, "questionnaire": questionnaire, "step": 5, **hold_context(held, now)},
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
    form, signed = consent_form(request, status_now, patient=patient, booking=held, now=now)
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
            **hold_context(held, now),
        },
        status=400 if form.is_bound else 200,
    )


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
                **hold_context(held, now),
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
    return times_page(
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
    if not plan.complete or plan_starts(plan) != draft.series_starts:
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
