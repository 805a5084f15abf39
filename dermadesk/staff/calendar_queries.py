"""Selectors of the calendar: a location's visits over some days, read in a fixed number of
queries into the plain values ``calendar_grid`` lays out.

Names of patients and treatments only: the calendar is for the front desk too, and shows
no health information.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from dermadesk.checkout.course import session_label
from dermadesk.clinic.hours import open_intervals
from dermadesk.clinic.models import Location
from dermadesk.clinic.queries import location_schedule
from dermadesk.scheduling.models import (
    Allocation,
    Booking,
    BookingStatus,
    Resource,
    ServiceSegment,
)
from dermadesk.scheduling.queries import as_utc
from dermadesk.staff.calendar_grid import (
    Column,
    Step,
    StepShape,
    Use,
    Visit,
    ordered_columns,
    visit_steps,
)

# How the calendar says a visit's status (a confirmed visit says nothing).
STATUS_WORDS: dict[str, str] = {
    BookingStatus.HELD: "Held while someone books online",
    BookingStatus.CHECKED_IN: "Checked in",
    BookingStatus.COMPLETED: "Completed",
    BookingStatus.NO_SHOW: "Did not attend",
}

# An allocation, with what the calendar shows of its visit: one row each, one query.
USE_FIELDS = (
    "booking_id",
    "resource_id",
    "role",
    "starts_at",
    "ends_at",
    "booking__starts_at",
    "booking__ends_at",
    "booking__status",
    "booking__service_id",
    "booking__service__name",
    "booking__patient__given_name",
    "booking__patient__family_name",
    "booking__series_number",
    "booking__series__sessions_planned",
)


@dataclass(frozen=True)
class CalendarDays:
    """What the calendar of ``days`` consecutive local days from ``first_day`` shows."""

    location: Location
    first_day: date
    days: int
    columns: tuple[Column, ...]
    steps: list[Step]
    open_spans: list[tuple[datetime, datetime]]
    """When the location is open over those days (UTC)."""

    @property
    def day_list(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]


def local_midnight(day: date, location: Location) -> datetime:
    """The instant the local ``day`` begins at ``location``."""
    return datetime.combine(day, time(0), tzinfo=location.zone)


def calendar_days(*, location: Location, first_day: date, days: int, now: datetime) -> CalendarDays:
    """The location's resources, every visit's steps and the opening hours over ``days``
    local days from ``first_day``. Six queries, whatever the number of visits.

    Shown: visits booked (confirmed, checked in, completed, not attended) and live holds;
    cancelled visits and holds that ran out are not. A visit reaching into the window from
    the day before is shown too.
    """
    zone = location.zone
    start = local_midnight(first_day, location)
    end = local_midnight(first_day + timedelta(days=days), location)
    resources = Resource.objects.filter(location=location, active=True).values_list(
        "pk", "name", "kind"
    )
    columns = ordered_columns(Column(pk, name, kind) for pk, name, kind in resources)

    rows = (
        Allocation.objects.filter(
            Q(hold_expires_at__isnull=True) | Q(hold_expires_at__gt=now),
            resource_id__in=[column.key for column in columns],
            active=True,
            # Read through the index on resource and start, from a day before (no visit is
            # longer): the history before it is never read.
            starts_at__gte=start - timedelta(days=1),
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by()
        .values_list(*USE_FIELDS)
    )
    visits: dict[int, Visit] = {}
    uses: list[Use] = []
    for row in rows:
        booking_id, resource_id, role, use_start, use_end = row[:5]
        if booking_id not in visits:
            visit_start, visit_end, status, service_id, service_name = row[5:10]
            given, family, number, planned = row[10:]
            visits[booking_id] = Visit(
                key=booking_id,
                patient=f"{given} {family}" if given is not None else "",
                service=service_name,
                service_key=service_id,
                status=status,
                start=as_utc(visit_start),
                end=as_utc(visit_end),
                zone=zone,
                session=session_label(number, planned) if number and planned else "",
                status_label=STATUS_WORDS.get(status, ""),
            )
        uses.append(Use(booking_id, resource_id, role, as_utc(use_start), as_utc(use_end)))

    shapes: dict[int, list[StepShape]] = defaultdict(list)
    service_ids = sorted({visit.service_key for visit in visits.values()})
    if service_ids:
        for service_id, role, label, first_minute, last_minute in ServiceSegment.objects.filter(
            service_id__in=service_ids
        ).values_list("service_id", "role__name", "label", "start_minute", "end_minute"):
            shapes[service_id].append(
                StepShape(
                    role, label, timedelta(minutes=first_minute), timedelta(minutes=last_minute)
                )
            )

    schedule = location_schedule(
        location, first_day - timedelta(days=1), first_day + timedelta(days=days)
    )
    return CalendarDays(
        location=location,
        first_day=first_day,
        days=days,
        columns=columns,
        steps=visit_steps(visits, uses, shapes),
        open_spans=open_intervals(schedule, start, end),
    )


@dataclass(frozen=True)
class VisitDetail:
    """One booking as its page shows it: the booking (with its patient, treatment, course and
    who marked its attendance) and its steps, each with the resource it uses."""

    booking: Booking
    visit: Visit
    steps: list[tuple[Step, Column]]


DETAIL_RELATED = (
    "service",
    "location",
    "patient",
    "series",
    "created_by",
    "checked_in_by",
    "completed_by",
    "no_show_by",
)


def visit_detail(booking_id: int) -> VisitDetail | None:
    """The booking with this id and its steps, in three queries; ``None`` if there is none."""
    booking = Booking.objects.select_related(*DETAIL_RELATED).filter(pk=booking_id).first()
    if booking is None:
        return None
    patient, series = booking.patient, booking.series
    visit = Visit(
        key=booking.pk,
        patient=patient.full_name if patient is not None else "",
        service=booking.service.name,
        service_key=booking.service_id,
        status=booking.status,
        start=as_utc(booking.starts_at),
        end=as_utc(booking.ends_at),
        zone=booking.location.zone,
        session=session_label(booking.series_number, series.sessions_planned)
        if series is not None and booking.series_number
        else "",
        status_label=STATUS_WORDS.get(booking.status, ""),
    )
    allocations = list(booking.allocations.select_related("resource").order_by("starts_at", "pk"))
    columns = {
        a.resource_id: Column(a.resource_id, a.resource.name, a.resource.kind) for a in allocations
    }
    shapes = [
        StepShape(role, label, timedelta(minutes=first), timedelta(minutes=last))
        for role, label, first, last in ServiceSegment.objects.filter(
            service_id=booking.service_id
        ).values_list("role__name", "label", "start_minute", "end_minute")
    ]
    uses = [Use(booking.pk, a.resource_id, a.role, a.starts_at, a.ends_at) for a in allocations]
    order = {column.key: i for i, column in enumerate(ordered_columns(columns.values()))}
    steps = sorted(
        visit_steps({booking.pk: visit}, uses, {booking.service_id: shapes}),
        key=lambda s: (s.start, order[s.column]),
    )
    return VisitDetail(booking, visit, [(step, columns[step.column]) for step in steps])
