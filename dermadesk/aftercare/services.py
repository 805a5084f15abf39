"""Aftercare's writes: a completed session starts its aftercare, check-ins go out once, the
patient's answers are kept and judged.

``aftercare_start`` runs inside the transaction that marks the visit completed (it listens
to ``scheduling.signals.visit_attended``), so the aftercare exists exactly when the visit is
completed, and only once.
"""

from datetime import datetime
from typing import Any

from django.conf import settings

from dermadesk.aftercare import timing
from dermadesk.aftercare.guide import Treatment
from dermadesk.aftercare.models import Aftercare, CheckIn
from dermadesk.aftercare.timing import CheckInKind
from dermadesk.scheduling.attendance import Step
from dermadesk.scheduling.models import Booking, BookingStatus


def treatment_of(booking: Booking) -> Treatment | None:
    """The aftercare timeline a visit's treatment calls for; None for a visit with no
    treatment of the skin (a consultation). Services are matched by their slug."""
    try:
        return Treatment(booking.service.slug)
    except ValueError:
        return None


def aftercare_start(*, booking: Booking, now: datetime) -> Aftercare | None:
    """Start the aftercare of a completed visit, inside the caller's transaction: the record,
    its two check-ins planned. Once per visit: the one made before is returned unchanged.
    None for a visit that needs none (a consultation, a visit booked for nobody)."""
    if booking.status != BookingStatus.COMPLETED or booking.completed_at is None:
        raise ValueError("Aftercare starts when a visit is completed.")
    treatment = treatment_of(booking)
    if treatment is None or booking.patient_id is None:
        return None
    existing = Aftercare.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    zone = booking.location.zone
    ended = timing.session_end(
        starts_at=booking.starts_at, ends_at=booking.ends_at, completed_at=booking.completed_at
    )
    aftercare = Aftercare.objects.create(
        booking=booking,
        treatment=treatment.value,
        session_ended_at=ended,
        links_expire_at=timing.link_expires(ended, link_days=settings.AFTERCARE_LINK_DAYS),
        created_at=now,
    )
    CheckIn.objects.bulk_create(
        CheckIn(aftercare=aftercare, kind=kind.value,
                due_at=timing.check_in_due(kind, ended=ended, zone=zone))
        for kind in CheckInKind
    )  # fmt: skip
    return aftercare


def on_visit_attended(*, booking: Booking, step: Step, now: datetime, **_: Any) -> None:
    """``visit_attended``'s listener: a completed visit starts its aftercare."""
    if step is Step.COMPLETE:
        aftercare_start(booking=booking, now=now)
