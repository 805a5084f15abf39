"""The managers' reports: per month and per location, visits completed, no-shows,
cancellations, course completion, and conversion from contact messages and screenings to
bookings.

``monthly_report`` reads in a fixed number of queries (five, however many months, locations
and bookings: visits, courses, screenings, contact messages and their senders' bookings) and
hands the rows to ``monthly.Tally`` for the arithmetic. It reads no health information: of a
screening, only when it was given and whether a booking followed.

Contact messages belong to the contact app, an edge above this one: it hands its reader to
``contact_conversions_from`` when it is ready (staff never imports it).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, OuterRef, Q, Subquery

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Booking, BookingStatus, Series
from dermadesk.screening.models import ScreeningResponse
from dermadesk.staff.bar_chart import Chart, grouped_bars
from dermadesk.staff.monthly import Month, MonthFigures, Tally, months_between, window

# Bookings that were made, whatever became of them later: not a hold, nor a hold that lapsed.
BOOKED = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)
VISIT_OUTCOMES = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED)
CHART_SERIES = ("Visits completed", "No-shows", "Cancellations")


class ConversionReader(Protocol):
    def __call__(self, *, start: datetime, end: datetime) -> list[tuple[datetime, int | None]]:
        """Each contact message received in [start, end), with the location of the first
        booking its sender made afterwards (None: none)."""
        ...


_contact_reader: list[ConversionReader] = []


def contact_conversions_from(reader: ConversionReader) -> None:
    """The contact app's reader of its messages and the bookings that followed them."""
    _contact_reader[:] = [reader]


@dataclass(frozen=True)
class ReportRow:
    month: Month
    location: Location | None
    """None: every location shown, added up."""
    figures: MonthFigures


@dataclass(frozen=True)
class Report:
    months: list[Month]
    locations: list[Location]
    rows: list[ReportRow]
    """Month by month; in each, every location, then (with several) their total."""
    chart_rows: list[ReportRow]
    """One row a month: the location's, or the total of several."""
    chart: Chart
    contacts_counted: bool


def _visits(
    location_ids: list[int], start: datetime, end: datetime
) -> list[tuple[int, datetime, str]]:
    return list(
        Booking.objects.filter(
            location_id__in=location_ids,
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=VISIT_OUTCOMES,
        ).values_list("location_id", "starts_at", "status")
    )


def _courses(
    location_ids: list[int], start: datetime, end: datetime
) -> list[tuple[int, datetime, int, int]]:
    return list(
        Series.objects.filter(location_id__in=location_ids)
        .annotate(
            first_at=Min("bookings__starts_at"),
            done=Count("bookings", filter=Q(bookings__status=BookingStatus.COMPLETED)),
        )
        .filter(first_at__gte=start, first_at__lt=end)
        .values_list("location_id", "first_at", "sessions_planned", "done")
    )


def _screenings(start: datetime, end: datetime) -> list[tuple[datetime, int | None]]:
    """When each screening was given, and where its patient's first visit of that treatment
    booked afterwards is (a visit starting after the screening)."""
    first_booking = (
        Booking.objects.filter(
            patient_id=OuterRef("patient_id"),
            service_id=OuterRef("service_id"),
            starts_at__gte=OuterRef("created_at"),
            status__in=BOOKED,
        )
        .order_by("starts_at", "pk")
        .values("location_id")[:1]
    )
    return list(
        ScreeningResponse.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(booked_at=Subquery(first_booking))
        .values_list("created_at", "booked_at")
    )


def monthly_report(
    *, first: Month, last: Month, locations: Sequence[Location], clinic_zone: ZoneInfo
) -> Report:
    """The figures of ``locations`` for every month from ``first`` to ``last``.

    ``clinic_zone``: where the months of contact messages and screenings (which belong to
    no location) are counted. Five queries (three before the contact app gives its reader).
    """
    months = months_between(first, last)
    zones = {location.pk: location.zone for location in locations}
    start, end = window(first, last, [*zones.values(), clinic_zone])
    tally = Tally(months=months, zones=zones, clinic_zone=clinic_zone)
    ids = list(zones)
    tally.visits(_visits(ids, start, end))
    tally.courses(_courses(ids, start, end))
    tally.screenings(_screenings(start, end))
    for reader in _contact_reader:
        tally.contacts(reader(start=start, end=end))
    rows: list[ReportRow] = []
    chart_rows: list[ReportRow] = []
    for month in months:
        for location in locations:
            rows.append(ReportRow(month, location, tally.figures[(location.pk, month)]))
        if len(locations) == 1:
            chart_rows.append(rows[-1])
        else:
            total = ReportRow(month, None, tally.totals(month))
            rows.append(total)
            chart_rows.append(total)
    chart = grouped_bars(
        [
            (row.month.short_label, [row.figures.visits, row.figures.no_shows,
                                     row.figures.cancellations])
            for row in chart_rows
        ],
        CHART_SERIES,
    )  # fmt: skip
    return Report(
        months=months,
        locations=list(locations),
        rows=rows,
        chart_rows=chart_rows,
        chart=chart,
        contacts_counted=bool(_contact_reader),
    )
