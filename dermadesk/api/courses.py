"""Courses of sessions as the API shows them: a proposal, and the sessions of a booked one."""

from collections.abc import Mapping
from datetime import UTC

from dermadesk.api.schemas import (
    BookedCourseOut,
    BookedSessionOut,
    CourseProposalOut,
    CourseSessionOut,
    LaterSessionOut,
    LaterSessionsOut,
)
from dermadesk.checkout.course import session_label
from dermadesk.checkout.course_plan import session_views
from dermadesk.checkout.manage import course_sessions
from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, Service
from dermadesk.scheduling.queries import CourseShift
from dermadesk.scheduling.series import SeriesPlan


def proposal_out(plan: SeriesPlan, *, service: Service, location: Location) -> CourseProposalOut:
    """Every session: its regular and proposed time, clinician, and why it changed, if it did."""
    views = session_views(plan, service=service, location=location)
    return CourseProposalOut(
        service=service.slug,
        location=location.slug,
        time_zone=location.time_zone,
        sessions_count=len(plan.sessions),
        interval_days=service.series_interval_days,
        complete=plan.complete,
        sessions=[
            CourseSessionOut(
                number=view.number,
                target=view.target.astimezone(UTC),
                local_target=view.target,
                start=view.start.astimezone(UTC) if view.start else None,
                local_start=view.start,
                clinician=view.clinician,
                moved=session.moved,
                reason=view.reason,
                notice=view.notice,
            )
            for session, view in zip(plan.sessions, views, strict=True)
        ],
    )


def later_sessions_out(shift: CourseShift) -> LaterSessionsOut:
    """The later sessions of a course and where each would go to follow ``shift.anchor``."""
    anchor = shift.anchor
    views = session_views(shift.plan, service=anchor.service, location=anchor.location)
    first = anchor.series_number or 1
    sessions = []
    for booking, planned in shift.proposed():
        view = views[(booking.series_number or 0) - first]
        proposed = planned.slot.start if planned.slot else None
        sessions.append(
            LaterSessionOut(
                id=booking.public_id,
                number=booking.series_number or 0,
                start=booking.starts_at.astimezone(UTC),
                local_start=booking.starts_at.astimezone(anchor.location.zone),
                proposed_start=proposed.astimezone(UTC) if proposed else None,
                local_proposed_start=view.start,
                clinician=view.clinician,
                moves=proposed != booking.starts_at,
                reason=view.reason,
                notice=view.notice,
            )
        )
    return LaterSessionsOut(
        booking=anchor.public_id,
        time_zone=anchor.location.time_zone,
        needed=shift.needed,
        complete=shift.complete,
        sessions=sessions,
    )


def booked_course_out(
    booking: Booking, issued: Mapping[int, str | None] | None = None
) -> BookedCourseOut | None:
    """The course ``booking`` is a session of; ``issued`` gives the sessions' manage tokens
    just made (by booking id), the only moment a token can be told."""
    series = booking.series
    if series is None or booking.series_number is None:
        return None
    zone = booking.location.zone
    planned = series.sessions_planned
    return BookedCourseOut(
        session=booking.series_number,
        sessions_planned=planned,
        label=session_label(booking.series_number, planned),
        sessions=[
            BookedSessionOut(
                number=session.series_number or 0,
                label=session_label(session.series_number or 0, planned),
                start=session.starts_at.astimezone(UTC),
                local_start=session.starts_at.astimezone(zone),
                status=session.status,
                manage_token=(issued or {}).get(session.pk),
            )
            for session in course_sessions(booking)
        ],
    )
