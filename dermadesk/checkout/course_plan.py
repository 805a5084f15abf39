"""A course of sessions proposed from the database, for the booking pages, the JSON API and
staff (the admin and the back office's calendar, which read it as ``plan_rows``).

The planner (``scheduling.series``) and its sentences (``booking.course``) are pure; this
module gives them their world: the held first session with its resources, the names of
the clinicians, the first session of a course staff book without a hold. The pages and
the API both use it, so a course is proposed and told the same way everywhere.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dermadesk.checkout.course import SessionView, interval_text
from dermadesk.clinic.models import Location
from dermadesk.scheduling.engine import Preference, Slot
from dermadesk.scheduling.models import Booking, Resource, ResourceKind, Service
from dermadesk.scheduling.queries import booking_slot, series_proposal
from dermadesk.scheduling.series import Reason, SeriesPlan
from dermadesk.scheduling.services import slot_at


def course_plan_from(first: Booking, count: int, now: datetime) -> SeriesPlan:
    """A course of ``count`` sessions whose first is ``first``: a held time, or a visit booked
    on its own that is to start a course (either way it does not stand in its own way)."""
    return series_proposal(
        service=first.service, location=first.location, first=booking_slot(first), count=count,
        now=now, ignoring_booking=first.pk,
    )  # fmt: skip


def first_session(
    *, service: Service, location: Location, start: datetime, now: datetime,
    clinician: Resource | None = None, by_staff: bool = False,
) -> Slot:  # fmt: skip
    """The first session of a course booked without a hold (by staff): ``start`` with the
    resources the engine would give it, with ``clinician`` when one is asked for.

    Raises ``NotBookable`` when the time is not offered at all, ``SlotTaken`` when it is
    offered but not free (in the words of who asks).
    """
    preferences = (
        [
            Preference(role.name, str(clinician.pk), required=True)
            for role in service.roles.filter(kind=ResourceKind.PROVIDER)
        ]
        if clinician is not None
        else []
    )
    return slot_at(
        service=service, location=location, start=start, now=now, preferences=preferences,
        by_staff=by_staff,
    )  # fmt: skip


def planned_starts(plan: SeriesPlan) -> list[datetime]:
    """The proposed start of every session that has one, in order."""
    return [session.slot.start for session in plan.sessions if session.slot is not None]


def course_choice(first: Booking, count: int, now: datetime) -> dict[str, Any]:
    """What ``patient/course_choice.html`` shows to book the rest of a course after ``first``
    (the manage link's page and the portal's): the numbers of sessions to choose from, the
    dates proposed for ``count``, and the starts the page carries back to compare."""
    service = first.service
    plan = course_plan_from(first, count, now)
    return {
        "count": count,
        "choices": range(service.series_min_sessions, service.series_max_sessions + 1),
        "interval": interval_text(service.series_interval_days),
        "sessions": session_views(plan, service=service, location=first.location),
        "complete": plan.complete,
        "starts": ",".join(plan_starts(plan)),
    }


def plan_starts(plan: SeriesPlan) -> list[str]:
    """The proposed starts, as a page carries them to compare with a fresh plan."""
    return [start.isoformat() for start in planned_starts(plan)]


def session_views(plan: SeriesPlan, *, service: Service, location: Location) -> list[SessionView]:
    """The plan's sessions in the clinic's zone, with clinicians' names, ready to show.

    One query: the resources the plan uses (the first session's tell which roles are
    clinicians).
    """
    zone = location.zone
    ids = {int(r) for s in plan.sessions if s.slot for r in s.slot.assignment.values()}
    resources = {resource.pk: resource for resource in Resource.objects.filter(pk__in=ids)}
    first = plan.sessions[0].slot
    provider_roles = {
        role
        for role, resource in (first.assignment.items() if first else ())
        if resources[int(resource)].kind == ResourceKind.PROVIDER
    }

    def clinician(slot: Slot | None) -> str:
        if slot is None:
            return ""
        return " and ".join(
            sorted(resources[int(slot.assignment[role])].name for role in provider_roles)
        )

    return [
        SessionView(
            number=session.number,
            target=session.target.astimezone(zone),
            start=session.slot.start.astimezone(zone) if session.slot else None,
            clinician=clinician(session.slot),
            reason=session.reason,
            regular_clinician=clinician(first),
            flex_days=service.series_flex_days,
        )
        for session in plan.sessions
    ]


# What the front desk reads when a session of a proposed course is not at its regular time.
STAFF_REASONS = {
    Reason.CLOSED: "the clinic is closed that day",
    Reason.OUTSIDE_HOURS: "the clinic is not open at that time that day",
    Reason.PROVIDER_AWAY: "the clinician is not available then",
    Reason.FULLY_BOOKED: "fully booked at that time",
}


def plan_rows(plan: SeriesPlan, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each session of a proposed course as staff see it (the admin, the back office):
    regular and proposed time in ``zone``, clinicians, why it moved in staff words."""
    ids = {int(r) for s in plan.sessions if s.slot for r in s.slot.assignment.values()}
    names = dict(
        Resource.objects.filter(pk__in=ids, kind=ResourceKind.PROVIDER).values_list("pk", "name")
    )
    return [
        {
            "number": session.number,
            "target": session.target.astimezone(zone),
            "start": session.slot.start.astimezone(zone) if session.slot else None,
            "clinician": ", ".join(
                names[int(r)] for r in session.slot.assignment.values() if int(r) in names
            )
            if session.slot
            else "",
            "why": STAFF_REASONS[session.reason] if session.reason else "",
        }
        for session in plan.sessions
    ]
