"""Booking by phone from the calendar: find the patient (or add them), choose the treatment,
then one of the next free times or a time typed; a course is proposed whole and booked all
or none.

The same use-cases as the staff API and the admin, by the clinic's rules (``by_staff``):
``booking_create`` for one visit (channel staff, made by the signed-in member), and
``checkout.courses.course_propose_at`` / ``course_book_by_staff`` for a course. The patient
is emailed by them as for any booking. Searches, records shown and bookings made are
written to the audit trail (the words searched for are not).
"""

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dermadesk.audit.models import AuditAction
from dermadesk.checkout.course_plan import plan_rows, planned_starts
from dermadesk.checkout.courses import (
    CourseProblem,
    course_book_by_staff,
    course_propose_at,
)
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.patients.queries import patients_matching
from dermadesk.patients.services import InvalidPatientDetails, patient_find_or_create
from dermadesk.scheduling.engine import Preference
from dermadesk.scheduling.models import BookingChannel, Resource, ResourceKind, Service
from dermadesk.scheduling.queries import nearest_alternatives, next_free_starts
from dermadesk.scheduling.series import SeriesPlan
from dermadesk.scheduling.services import SchedulingError, SlotTaken, booking_create
from dermadesk.staff.calendar_forms import (
    NewPatientForm,
    PatientSearchForm,
    StartForm,
    VisitChoiceForm,
    accepted_starts,
)
from dermadesk.staff.calendar_pages import day_asked, location_asked, zone_text
from dermadesk.staff.calendar_queries import local_midnight
from dermadesk.staff.pages import audit_event, audit_view, staff_page, staff_user
from dermadesk.staff.policy import require
from dermadesk.staff.refusals import refusal_status
from dermadesk.staff.roles import Action
from dermadesk.staff.visit_pages import FREE_TIMES, when_text

SEARCH_LIMIT = 20


def _where(request: HttpRequest) -> tuple[Location, date]:
    """The location and day the booking started from (the calendar's), to carry along."""
    location = location_asked(request)
    today = timezone.now().astimezone(location.zone).date()
    try:
        return location, day_asked(request, today)
    except ValueError:
        return location, today


def _for_patient_url(patient: Patient, location: Location, day: date) -> str:
    query = urlencode({"location": location.slug, "start_day": day.isoformat()})
    return f"{reverse('staff:visit_book_for', args=[patient.pk])}?{query}"


def _find_page(
    request: HttpRequest, *, search: PatientSearchForm, new: NewPatientForm,
    found: list[Patient] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    location, day = _where(request)
    context = {
        "search": search,
        "new": new,
        "found": found,
        "location": location,
        "day": day,
        "rows": [(p, _for_patient_url(p, location, day)) for p in found or []],
        "query": urlencode({"location": location.slug, "date": day.isoformat()}),
    }
    return render(request, "staff/calendar/book_patient.html", context, status=status)


@staff_page(Action.VISIT_BOOK)
@require_http_methods(["GET", "HEAD", "POST"])
def visit_book(request: HttpRequest) -> HttpResponse:
    """Who the visit is for: search for the patient (sent by POST, so the words typed stay
    out of addresses and logs), or add a new patient."""
    if request.method != "POST":
        return _find_page(request, search=PatientSearchForm(), new=NewPatientForm())
    require(request.user, Action.PATIENT_SEARCH)
    search = PatientSearchForm(request.POST)
    if not search.is_valid():
        return _find_page(request, search=search, new=NewPatientForm(), status=400)
    found = patients_matching(search.cleaned_data["q"], limit=SEARCH_LIMIT)
    audit_view(
        request, patient_id=None, what="patient search",
        detail=f"{len(found)} found, to book a visit",
    )  # fmt: skip
    return _find_page(request, search=search, new=NewPatientForm(), found=found)


@staff_page(Action.VISIT_BOOK)
@require_POST
def visit_book_new_patient(request: HttpRequest) -> HttpResponse:
    """A patient new to the clinic: their record (or theirs already, by email and date of
    birth), then on to choosing the visit."""
    form = NewPatientForm(request.POST)
    if form.is_valid():
        try:
            patient, created = patient_find_or_create(**form.cleaned_data)
        except InvalidPatientDetails as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            if created:
                audit_event(
                    request, AuditAction.CREATE, patient_id=patient.pk, what="record",
                    object_ref=f"patients.patient:{patient.pk}", detail="added to book a visit",
                )  # fmt: skip
                messages.success(request, f"{patient.full_name} is added as a new patient.")
            else:
                messages.info(
                    request,
                    f"{patient.full_name} already has a record with this email address and "
                    "date of birth; the visit is booked on it (the details typed now were not "
                    "saved).",
                )
            location, day = _where(request)
            return redirect(_for_patient_url(patient, location, day))
    return _find_page(request, search=PatientSearchForm(), new=form, status=400)


# Choosing the visit


def _patient(patient_id: int) -> Patient:
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:
        raise Http404("No patient has this number.")
    return patient


def _choice(request: HttpRequest, location: Location) -> VisitChoiceForm:
    today = timezone.now().astimezone(location.zone).date()
    if "service" in request.GET:
        return VisitChoiceForm(request.GET, today=today)
    return VisitChoiceForm(
        today=today, initial={"location": location.slug, "start_day": request.GET.get("start_day")}
    )


def _preferences(service: Service, clinician: Resource | None) -> list[Preference]:
    if clinician is None:
        return []
    return [
        Preference(role.name, str(clinician.pk), required=True)
        for role in service.roles.filter(kind=ResourceKind.PROVIDER)
    ]


def _choose_page(
    request: HttpRequest, patient: Patient, *, start_form: StartForm | None = None,
    problem: str = "", alternatives: list[datetime] | None = None, status: int = 200,
    plan: SeriesPlan | None = None,
) -> HttpResponse:  # fmt: skip
    """The page to choose the visit for ``patient`` (shows their name and contact)."""
    location = location_asked(request)
    now = timezone.now()
    choice = _choice(request, location)
    context: dict[str, Any] = {
        "patient": patient,
        "choice": choice,
        "location": location,
        "problem": problem,
        "start_form": start_form,
        "alternatives": [m.astimezone(location.zone) for m in alternatives or []],
        "action": f"{reverse('staff:visit_book_for', args=[patient.pk])}?{request.GET.urlencode()}",
    }
    if choice.is_bound and not choice.is_valid() and status == 200:
        status = 400  # what was asked for in the address cannot be used: the form says why
    if choice.is_bound and choice.is_valid():
        data = choice.cleaned_data
        location, service = data["location"], data["service"]
        zone = location.zone
        after = local_midnight(data["start_day"] or now.astimezone(zone).date(), location)
        free = next_free_starts(
            service=service, location=location, after=after, now=now, count=FREE_TIMES,
            preferences=_preferences(service, data["clinician"]), by_staff=True,
        )  # fmt: skip
        context |= {
            "location": location,
            "service": service,
            "sessions": data["sessions"],
            "free": [slot.start.astimezone(zone) for slot in free],
            "from_day": max(after, now).astimezone(zone).date(),
            "start_form": start_form or StartForm(location=location, now=now),
            "course_action": (
                f"{reverse('staff:visit_book_course', args=[patient.pk])}?{request.GET.urlencode()}"
            ),
        }
    if plan is not None:
        context |= {
            "plan": plan_rows(plan, location.zone),
            "plan_starts": [start.isoformat() for start in planned_starts(plan)],
            "plan_complete": plan.complete,
        }
    context["zone_text"] = zone_text(location, now.astimezone(location.zone).date())
    audit_view(
        request, patient_id=patient.pk, what="contact details",
        object_ref=f"patients.patient:{patient.pk}", detail="to book a visit",
    )  # fmt: skip
    template = "staff/calendar/book_course.html" if plan is not None else "staff/calendar/book.html"
    return render(request, template, context, status=status)


@staff_page(Action.VISIT_BOOK)
@require_http_methods(["GET", "HEAD", "POST"])
def visit_book_for(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Book for this patient: the treatment (and clinician, and how many sessions) in the
    query, the time in the form; one visit is booked at once, a course is proposed first."""
    patient = _patient(patient_id)
    if request.method != "POST":
        return _choose_page(request, patient)
    location = location_asked(request)
    now = timezone.now()
    choice = _choice(request, location)
    if not choice.is_bound or not choice.is_valid():
        return _choose_page(request, patient, status=400)
    data = choice.cleaned_data
    location, service, clinician = data["location"], data["service"], data["clinician"]
    start_form = StartForm(request.POST, location=location, now=now)
    if not start_form.is_valid():
        return _choose_page(request, patient, start_form=start_form, status=400)
    start = start_form.moment
    try:
        if data["sessions"] > 1:
            plan = course_propose_at(
                service=service, location=location, start=start, sessions=data["sessions"],
                now=now, clinician=clinician,
            )  # fmt: skip
            return _choose_page(request, patient, plan=plan)
        booking = booking_create(
            service=service, location=location, start=start, now=now,
            channel=BookingChannel.STAFF, created_by=staff_user(request),
            patient_id=patient.pk, preferences=_preferences(service, clinician), by_staff=True,
        )  # fmt: skip
    except SlotTaken as taken:
        nearby = nearest_alternatives(
            service=service, location=location, around=start, now=now, by_staff=True
        )
        return _choose_page(
            request, patient, start_form=start_form, problem=str(taken), status=409,
            alternatives=[slot.start for slot in nearby],
        )  # fmt: skip
    except SchedulingError as error:
        return _choose_page(
            request, patient, start_form=start_form, problem=str(error),
            status=refusal_status(error),
        )  # fmt: skip
    audit_event(
        request, AuditAction.CREATE, patient_id=patient.pk, what="booking",
        object_ref=f"scheduling.booking:{booking.pk}", detail="booked by phone",
    )  # fmt: skip
    messages.success(
        request,
        f"Booked: {service.name} for {patient.full_name} on "
        f"{when_text(booking.starts_at, booking)}; the patient gets a confirmation email.",
    )
    return redirect("staff:visit", booking_id=booking.pk)


@staff_page(Action.VISIT_BOOK)
@require_POST
def visit_book_course(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Book every session of the course as proposed and shown, all or none; if the plan
    changed meanwhile, nothing is booked and the new one is shown."""
    patient = _patient(patient_id)
    location = location_asked(request)
    now = timezone.now()
    choice = _choice(request, location)
    if not choice.is_bound or not choice.is_valid() or choice.cleaned_data["sessions"] < 2:
        return _choose_page(request, patient, status=400, problem="Please choose the course again.")
    data = choice.cleaned_data
    location, service = data["location"], data["service"]
    try:
        starts = accepted_starts(request.POST.getlist("session"), now)
    except ValueError as error:
        return _choose_page(request, patient, status=400, problem=str(error))
    try:
        booked = course_book_by_staff(
            service=service, location=location, start=starts[0], sessions=data["sessions"],
            patient_id=patient.pk, now=now, created_by=staff_user(request),
            accepted_starts=starts, clinician=data["clinician"],
        )  # fmt: skip
    except CourseProblem as problem:
        return _choose_page(request, patient, problem=str(problem), plan=problem.plan, status=409)
    except SchedulingError as error:
        return _choose_page(request, patient, problem=str(error), status=refusal_status(error))
    first = booked.sessions[0]
    audit_event(
        request, AuditAction.CREATE, patient_id=patient.pk, what="booking",
        object_ref=f"scheduling.series:{first.series_id}",
        detail=f"a course of {len(booked.sessions)} sessions booked by phone",
    )  # fmt: skip
    messages.success(
        request,
        f"Booked: a course of {len(booked.sessions)} sessions of {service.name} for "
        f"{patient.full_name}, the first on {when_text(first.starts_at, first)}; the patient "
        "gets one email listing them all.",
    )
    return redirect("staff:visit", booking_id=first.pk)
