"""The booking steps: treatment, day, time, course, details, screening, consent, confirm.

These views parse the request, call the checkout, render; every rule lives below them."""

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dermadesk.booking.draft import Draft
from dermadesk.booking.forms import DetailsForm
from dermadesk.booking.pages import (
    client_ip,
    course_session_views,
    day_page,
    draft_person,
    held_draft,
    hold_context,
    location_from,
    online_service,
    parse_start,
    problem,
    start_again,
    times_page,
    zone_context,
)
from dermadesk.checkout.checkout import (
    AcceptedCourse,
    CheckoutError,
    ConsentNeeded,
    Person,
    ScreeningNeeded,
    ScreeningPaused,
    ScreeningRefused,
    checkout_confirm,
    checkout_consents,
    checkout_patient,
    checkout_reusable_screening,
    checkout_screen,
    checkout_sign,
)
from dermadesk.checkout.course import interval_text
from dermadesk.checkout.course_plan import (
    course_plan_from,
    plan_starts,
)
from dermadesk.checkout.courses import CourseChanged, sessions_chosen
from dermadesk.checkout.forms import CodeForm, ScreeningForm, consent_form
from dermadesk.checkout.manage import (
    change_notice,
)
from dermadesk.checkout.policy import notice_in_words
from dermadesk.checkout.signin import (
    proven_email,
    same_email,
    sign_in,
    sign_in_code_check,
    sign_in_code_send,
)
from dermadesk.limits.client import hold_holder
from dermadesk.limits.pages import rate_limited
from dermadesk.limits.pages import refused as limits_refused
from dermadesk.patients.login import CodeRefused
from dermadesk.patients.services import (
    PatientError,
)
from dermadesk.scheduling import reach
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
    TooManyHolds,
    booking_cancel,
    booking_extend_hold,
    booking_hold,
    booking_hold_claim_email,
)
from dermadesk.screening.models import ScreeningOutcome, ScreeningResponse
from dermadesk.screening.queries import current_questionnaire, questions_for
from dermadesk.screening.rules import InvalidAnswers
from dermadesk.screening.services import ScreeningError

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
        parsed = reach.parse_day(day, timezone.now().date())
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
@rate_limited("holds", setting="BOOKING_HOLD_RATE_LIMIT")
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
            service=chosen, location=location, start=start, now=now, channel=BookingChannel.WEB,
            holder=hold_holder(request),
        )  # fmt: skip
    except TooManyHolds as refused:
        return limits_refused(request, str(refused), refused.retry_after)
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
    count = sessions_chosen(source.get("sessions"), service, default)
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
    """Step 4: who is coming. What was typed is kept in the session, even if a step fails.

    Then the email address is proven with a code, unless this browser proved it already.
    """
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
            try:  # the email is known now: the hold counts against it too
                with transaction.atomic(durable=True):
                    booking_hold_claim_email(
                        booking=held, email=form.cleaned_data["email"], now=now
                    )
            except TooManyHolds as refused:
                return limits_refused(request, str(refused), refused.retry_after)
            if same_email(draft.details["email"], proven_email(request)):
                return redirect("booking:screening")
            return _send_code(request, draft.details["email"], held, now)
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


def _send_code(request: HttpRequest, email: str, held: Booking, now: datetime) -> HttpResponse:
    """Email a code and go to the page that asks for it (a code sent moments ago stands)."""
    try:
        sign_in_code_send(email=email, location=held.location, now=now)
    except CodeRefused as refused:
        messages.info(request, str(refused))
    return redirect("booking:verify")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step 4, continued: the code from the email shows the address is the patient's."""
    draft, held = held_draft(request)
    if held is None:
        return start_again(request)
    person = draft_person(draft)
    if person is None:
        return redirect("booking:details")
    now = timezone.now()
    if same_email(person.email, proven_email(request)):
        return redirect("booking:screening")
    status = 200
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "resend" in request.POST:
        return _send_code(request, person.email, held, now)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            account = sign_in_code_check(email=person.email, code=code, now=now)
        except CodeRefused as refused:
            form.add_error("code", str(refused))
            status = 429 if refused.wait_seconds else 400
        else:
            sign_in(request, account)
            draft.save(request.session)  # the sign-in starts a new session key: keep the draft
            return redirect("booking:screening")
    elif form.is_bound:
        status = 400
    return render(
        request,
        "booking/verify.html",
        {
            "form": form,
            "step": 4,
            "email": person.email,
            "minutes": settings.PATIENT_CODE_MINUTES,
            **hold_context(held, now),
        },
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
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):  # a path of this site only: anything else would be taken for a view's name
        back = reverse("booking:details")
    return redirect(back)


# Steps 5 to 7: screening, consent and policies, confirmation. Each needs the proven email.


class Flow(NamedTuple):
    draft: Draft
    held: Booking
    person: Person
    proven: str


def _flow(request: HttpRequest) -> Flow | HttpResponse:
    """The draft, the held booking and who is booking, or the redirect to the step missing."""
    draft, held = held_draft(request)
    if held is None:
        return start_again(request)
    person = draft_person(draft)
    if person is None:
        return redirect("booking:details")
    proven = proven_email(request)
    if proven is None or not same_email(person.email, proven):
        return redirect("booking:verify")
    return Flow(draft, held, person, proven)


def _screened_flow(request: HttpRequest) -> Flow | HttpResponse:
    """As ``_flow``, and the treatment's health questions answered (where it has them)."""
    flow = _flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    if flow.held.service.requires_screening and flow.draft.screening is None:
        return redirect("booking:screening")
    return flow


@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest) -> HttpResponse:
    """Step 5: is the treatment suitable on that date? Skipped when a valid answer exists."""
    flow = _flow(request)
    if isinstance(flow, HttpResponse):
        return flow
    draft, held, person, proven = flow
    now = timezone.now()
    if not held.service.requires_screening:
        return redirect("booking:consent")
    if request.method == "GET":
        existing = checkout_reusable_screening(
            held=held, person=person, proven_email=proven, now=now
        )
        if existing is not None:
            draft.screening = existing.pk
            draft.save(request.session)
            return redirect("booking:consent")
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return problem(request, str(ScreeningPaused()), status=503)
    questions = questions_for(questionnaire=questionnaire, service=held.service)
    status = 200
    if request.method == "POST":
        form = ScreeningForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                response = checkout_screen(
                    held=held, person=person, proven_email=proven, answers=form.answers(),
                    now=now,
                )  # fmt: skip
            except InvalidAnswers as invalid:
                for key, message in invalid.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            except ScreeningRefused as refused:
                return _screening_outcome(request, held, refused.response)
            except (ScreeningError, CheckoutError, PatientError) as refused:
                form.add_error(None, str(refused))
            else:
                draft.screening = response.pk
                draft.save(request.session)
                return redirect("booking:consent")
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
    request: HttpRequest, held: Booking, response: ScreeningResponse
) -> HttpResponse:
    """Not this time: say why, kindly (the held time was let go) and offer a consultation."""
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
    _, held, person, proven = flow
    now = timezone.now()
    status_now = checkout_consents(held=held, person=person, proven_email=proven, now=now)

    def sign(typed_name: str, optional_kinds: set[str]) -> None:
        checkout_sign(
            held=held, person=person, proven_email=proven, typed_name=typed_name,
            optional_kinds=optional_kinds, ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""), now=now,
        )  # fmt: skip

    form, signed = consent_form(request, status_now, sign)
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
    draft, held, person, proven = flow
    now = timezone.now()
    if request.method == "GET":
        return render(
            request,
            "booking/confirm.html",
            {
                "patient": checkout_patient(person=person, proven_email=proven) or person,
                "consents": checkout_consents(
                    held=held, person=person, proven_email=proven, now=now
                ),
                "course": [
                    datetime.fromisoformat(start).astimezone(held.location.zone)
                    for start in draft.series_starts
                ],
                "step": 7,
                **hold_context(held, now),
            },
        )
    course = (
        AcceptedCourse(
            sessions=draft.series_count,
            starts=[datetime.fromisoformat(start) for start in draft.series_starts],
        )
        if draft.series_count
        else None
    )
    try:
        booked = checkout_confirm(
            held=held, person=person, proven_email=proven, course=course,
            channel=BookingChannel.WEB, now=now,
        )  # fmt: skip
    except CourseChanged as changed:
        return _course_page(
            request, held, draft.series_count, now, status=409, problem_text=str(changed)
        )
    except SeriesSessionTaken as taken:
        if taken.number == 1:
            return _taken_at_confirm(request, draft, held, taken, now)
        return _course_page(
            request, held, draft.series_count, now, status=409, problem_text=str(taken)
        )
    except SlotTaken as taken:
        return _taken_at_confirm(request, draft, held, taken, now)
    except ScreeningNeeded:
        return redirect("booking:screening")
    except ConsentNeeded:
        return redirect("booking:consent")
    except (SchedulingError, CheckoutError, PatientError) as refused:
        return problem(request, str(refused), status=409)
    Draft.clear(request.session)
    return redirect("booking:done", token=booked[0].manage_token)


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
