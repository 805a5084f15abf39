"""Selectors of the staff endpoints: bookings with what the front desk sees of them."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from dermadesk.clinic.models import Location
from dermadesk.scheduling.models import Allocation, Booking, BookingStatus, Series


def _detailed(bookings: QuerySet[Booking]) -> list[Booking]:
    """In order of start, each with its service, location, patient, course and resources:
    two queries however many."""
    return list(
        bookings.select_related("service", "location", "patient", "series")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("resource").order_by("pk"),
            )
        )
        .order_by("starts_at", "pk")
    )


def bookings_starting(*, location: Location, start: datetime, end: datetime) -> list[Booking]:
    """Bookings at ``location`` starting in ``[start, end)``; holds left out."""
    return _detailed(
        Booking.objects.filter(location=location, starts_at__gte=start, starts_at__lt=end).exclude(
            status__in=[BookingStatus.HELD, BookingStatus.EXPIRED]
        )
    )


def booking_detailed(booking: Booking) -> Booking:
    """The booking read again, with the same details as the day's list."""
    [fresh] = _detailed(Booking.objects.filter(pk=booking.pk))
    return fresh


def sessions_detailed(bookings: Iterable[Booking]) -> list[Booking]:
    """These bookings read again with the day's list's details, in order of start."""
    return _detailed(Booking.objects.filter(pk__in=[booking.pk for booking in bookings]))


def course_detailed(series: Series) -> list[Booking]:
    """Every session of a course, in order."""
    return _detailed(Booking.objects.filter(series=series))
