"""What the portal reads for a signed-in patient, always through their ``PatientScope``:
their visits (in each visit's clinic's zone, named), courses, forms to fill and messages.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import dateformat

from dermadesk.aftercare.links import guide_path
from dermadesk.aftercare.models import Aftercare
from dermadesk.audit.models import AuditEvent
from dermadesk.checkout.course import clock_text
from dermadesk.checkout.courses import course_can_be_added
from dermadesk.checkout.manage import changeable_online
from dermadesk.checkout.visit_forms import VisitForms, visit_forms
from dermadesk.clinic.models import Location
from dermadesk.interop.access import access_what, access_who
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.portal.access import PatientScope
from dermadesk.scheduling.models import Booking, BookingStatus, Series

PAST_SHOWN = 50
MESSAGES_SHOWN = 100
UPCOMING = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


def when_text(moment: datetime, location: Location) -> str:
    """'Thursday 26 November 2026, 10:00 a.m.' on the location's clocks."""
    local = moment.astimezone(location.zone)
    return f"{dateformat.format(local, 'l j F Y')}, {clock_text(local)}"


def zone_text(moment: datetime, location: Location) -> str:
    """'Springfield clinic time, CST': which clock a time is on, as the pages name it."""
    return f"{location.locality} clinic time, {moment.astimezone(location.zone):%Z}"


@dataclass(frozen=True)
class VisitView:
    booking: Booking
    when: str
    zone: str
    upcoming: bool
    changeable: bool
    forms: VisitForms | None
    can_add_course: bool

    @property
    def patient(self) -> Patient | None:
        return self.booking.patient

    @property
    def session(self) -> str:
        """'session 2 of 4' for a session of a course; '' for a visit on its own."""
        booking = self.booking
        if booking.series is None or booking.series_number is None:
            return ""
        return f"session {booking.series_number} of {booking.series.sessions_planned}"


def visit_view(booking: Booking, now: datetime, *, with_forms: bool = True) -> VisitView:
    """One visit as the pages show it; ``with_forms=False`` leaves out what is left to fill
    in (the home asks it only of each record's next visit of each treatment)."""
    upcoming = booking.status in UPCOMING and booking.ends_at > now
    changeable = changeable_online(booking, now)
    return VisitView(
        booking=booking,
        when=when_text(booking.starts_at, booking.location),
        zone=zone_text(booking.starts_at, booking.location),
        upcoming=upcoming,
        changeable=changeable,
        forms=visit_forms(booking, now) if upcoming and with_forms else None,
        can_add_course=changeable and course_can_be_added(booking),
    )


def _visits(scope: PatientScope) -> list[Booking]:
    """Every booked visit of the scope's records (never holds), newest last."""
    return list(
        Booking.objects.filter(patient_id__in=scope.patient_ids)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .select_related("service", "location", "series", "patient")
        .order_by("starts_at", "pk")
    )


def scope_visit(scope: PatientScope, visit_id: int) -> Booking:
    """One booked visit of the scope's records; 404 for any other number."""
    booking = (
        Booking.objects.filter(pk=visit_id, patient_id__in=scope.patient_ids)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .select_related("service", "location", "series", "patient")
        .first()
    )
    if booking is None:
        raise Http404("No such visit here.")
    return booking


@dataclass(frozen=True)
class CourseView:
    series: Series
    patient: Patient | None
    sessions: list[VisitView]
    """The sessions still on (cancelled ones left out), in order."""
    completed: int
    next_visit: VisitView | None

    @property
    def current(self) -> int:
        """k of "session k of N": the next session to come, else the last one held."""
        if self.next_visit is not None and self.next_visit.booking.series_number:
            return self.next_visit.booking.series_number
        return max((v.booking.series_number or 0 for v in self.sessions), default=0)

    @property
    def planned(self) -> int:
        return self.series.sessions_planned


@dataclass(frozen=True)
class AftercareLink:
    """A recent session's aftercare instructions, while their link still works."""

    booking: Booking
    when: str
    path: str


@dataclass(frozen=True)
class Home:
    upcoming: list[VisitView]
    past: list[VisitView]
    courses: list[CourseView]
    course_offers: list[VisitView]
    """Visits booked on their own, of a treatment given as a course, still changeable."""
    aftercare: list[AftercareLink]

    @property
    def forms_due(self) -> list[VisitView]:
        """Each record's first visit still needing forms (what it signs and answers then
        usually covers the visits after it)."""
        first: dict[int | None, VisitView] = {}
        for visit in self.upcoming:
            if visit.forms is not None and visit.forms.needed:
                first.setdefault(visit.booking.patient_id, visit)
        return list(first.values())


def _aftercare(scope: PatientScope, now: datetime) -> list[AftercareLink]:
    """The scope's sessions whose aftercare links still work, newest first. One query."""
    rows = (
        Aftercare.objects.filter(booking__patient_id__in=scope.patient_ids, links_expire_at__gt=now)
        .select_related("booking__service", "booking__location", "booking__patient")
        .order_by("-session_ended_at", "-pk")
    )
    return [
        AftercareLink(
            booking=row.booking,
            when=when_text(row.booking.starts_at, row.booking.location),
            path=guide_path(row),
        )
        for row in rows
    ]


def portal_home(scope: PatientScope, now: datetime) -> Home:
    """The scope's visits to come and past, their courses and what is left to fill in.

    What is left to fill in is read for each record's next visit of each treatment only
    (what is signed and answered for it usually covers the sessions after it), so the reads
    do not grow with a course's sessions.
    """
    views = []
    asked: set[tuple[int | None, int]] = set()
    for booking in _visits(scope):
        pair = (booking.patient_id, booking.service_id)
        next_of_kind = booking.status in UPCOMING and booking.ends_at > now and pair not in asked
        if next_of_kind:
            asked.add(pair)
        views.append(visit_view(booking, now, with_forms=next_of_kind))
    upcoming = [view for view in views if view.upcoming]
    past = [view for view in views if not view.upcoming][::-1][:PAST_SHOWN]
    by_series: dict[int, list[VisitView]] = {}
    for view in views:
        if view.booking.series_id is not None:
            by_series.setdefault(view.booking.series_id, []).append(view)
    courses = []
    for sessions in by_series.values():
        on = [v for v in sessions if v.booking.status != BookingStatus.CANCELLED]
        if not on:
            continue
        courses.append(
            CourseView(
                series=on[0].booking.series,  # type: ignore[arg-type]  # grouped by series
                patient=on[0].booking.patient,
                sessions=sorted(on, key=lambda v: v.booking.series_number or 0),
                completed=sum(v.booking.status == BookingStatus.COMPLETED for v in on),
                next_visit=next((v for v in on if v.upcoming), None),
            )
        )
    return Home(
        aftercare=_aftercare(scope, now),
        upcoming=upcoming,
        past=past,
        courses=courses,
        course_offers=[view for view in upcoming if view.can_add_course],
    )


@dataclass(frozen=True)
class MessageView:
    message: OutboundMessage
    when: str
    words: str
    """The text as sent, every private value (a link's key, a code) shown as [private]."""


def messages_to(scope: PatientScope, zone_of: Location) -> list[MessageView]:
    """The latest messages queued to the account's address or the records' addresses and
    phones, newest first, with their secrets hidden as on staff screens."""
    recipients = {scope.account.email.lower()}
    for patient in scope.patients:
        recipients.add(patient.email.lower())
        if patient.phone:
            recipients.add(patient.phone)
    wanted = Q()
    for recipient in recipients:
        wanted |= Q(recipient__iexact=recipient) if "@" in recipient else Q(recipient=recipient)
    rows = OutboundMessage.objects.filter(wanted).order_by("-created_at", "-pk")[:MESSAGES_SHOWN]
    return [
        MessageView(
            message=row,
            when=f"{when_text(row.created_at, zone_of)} ({zone_text(row.created_at, zone_of)})",
            words=row.hide_private(row.text_body),
        )
        for row in rows
    ]


ACCESS_SHOWN = 200


@dataclass(frozen=True)
class AccessRow:
    when: str
    who: str
    what: str


def access_rows(patient: Patient, zone_of: Location | None) -> list[AccessRow]:
    """Who looked at or changed the record and when, newest first: the staff member's role
    at the time (never their name), or the patient themself in the portal."""
    events = AuditEvent.objects.filter(patient_id=patient.pk).order_by("-at", "-pk")
    return [
        AccessRow(
            when=f"{when_text(event.at, zone_of)} ({zone_text(event.at, zone_of)})"
            if zone_of is not None
            else event.at.isoformat(),
            who=access_who(event),
            what=access_what(event),
        )
        for event in events[:ACCESS_SHOWN]
    ]
