"""Reads of photos, photo consents and ratings, each in a fixed number of queries."""

from dataclasses import dataclass, field

from dermadesk.photos.consent import ConsentSpan, Purpose
from dermadesk.photos.models import (
    ClinicalPhoto,
    PhotoArea,
    PhotoConsent,
    PhotoPurpose,
    SessionRating,
)
from dermadesk.photos.results import Rating, Session, Shot, course_results
from dermadesk.scheduling.models import Booking, BookingStatus

SESSION_STATUSES = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)
AREA_LABELS = dict(PhotoArea.choices)


def consent_spans(patient_id: int) -> list[ConsentSpan]:
    """Every photo consent of the patient, as the pure rule reads them (one query)."""
    rows = PhotoConsent.objects.filter(patient_id=patient_id).values_list(
        "purpose", "given_at", "withdrawn_at"
    )
    return [ConsentSpan(Purpose(purpose), given, withdrawn) for purpose, given, withdrawn in rows]


@dataclass(frozen=True)
class ConsentShown:
    purpose: str
    label: str
    current: PhotoConsent | None


@dataclass(frozen=True)
class PhotoConsents:
    by_purpose: list[ConsentShown]
    """Each purpose, in order, with the consent that holds (None: not given, or withdrawn)."""
    history: list[PhotoConsent]
    """Every consent given, newest first, withdrawn ones included."""


def photo_consents(patient_id: int) -> PhotoConsents:
    """The patient's photo consents, current and past, for the record page (one query)."""
    history = list(
        PhotoConsent.objects.filter(patient_id=patient_id).select_related(
            "recorded_by", "withdrawn_by"
        )
    )
    current = {c.purpose: c for c in history if c.withdrawn_at is None}
    return PhotoConsents(
        by_purpose=[
            ConsentShown(purpose=value, label=label, current=current.get(value))
            for value, label in PhotoPurpose.choices
        ],
        history=history,
    )


@dataclass(frozen=True)
class AreaPhotos:
    area: str
    label: str
    before: list[ClinicalPhoto] = field(default_factory=list)
    after: list[ClinicalPhoto] = field(default_factory=list)

    @property
    def moments(self) -> list[tuple[str, list[ClinicalPhoto]]]:
        return [("Before", self.before), ("After", self.after)]


def session_photos(booking_id: int) -> list[AreaPhotos]:
    """A session's photos by area, in the areas' order, oldest first (one query)."""
    by_area: dict[str, AreaPhotos] = {}
    for photo in ClinicalPhoto.objects.filter(booking_id=booking_id).select_related("uploaded_by"):
        shown = by_area.setdefault(photo.area, AreaPhotos(photo.area, AREA_LABELS[photo.area]))
        (shown.before if photo.moment == "before" else shown.after).append(photo)
    return [by_area[area] for area in PhotoArea.values if area in by_area]


@dataclass(frozen=True)
class SessionShown:
    booking: Booking
    heading: str
    patient: Rating | None
    clinician: Rating | None


@dataclass(frozen=True)
class CellShown:
    heading: str
    """The session's, e.g. "Session 2 of 4"."""
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass(frozen=True)
class AreaShown:
    area: str
    label: str
    cells: list[CellShown]


@dataclass(frozen=True)
class CourseShown:
    title: str
    sessions: list[SessionShown]
    areas: list[AreaShown]


def course_results_of(patient_id: int) -> list[CourseShown]:
    """The patient's sessions (checked in or completed) by course, each area photographed
    across them, and their ratings (three queries)."""
    bookings = {
        b.pk: b
        for b in Booking.objects.filter(
            patient_id=patient_id, status__in=SESSION_STATUSES
        ).select_related("service", "location", "series")
    }
    shots = [
        Shot(pk, booking_id, area, moment, at)
        for pk, booking_id, area, moment, at in ClinicalPhoto.objects.filter(
            booking_id__in=bookings
        ).values_list("pk", "booking_id", "area", "moment", "uploaded_at")
    ]
    ratings = [
        Rating(booking_id, rater, score, note)
        for booking_id, rater, score, note in SessionRating.objects.filter(
            booking_id__in=bookings
        ).values_list("booking_id", "rater", "score", "note")
    ]
    sessions = [Session(b.pk, b.starts_at, b.series_id, b.series_number) for b in bookings.values()]
    shown = []
    for course in course_results(sessions, shots, ratings, area_order=PhotoArea.values):
        first = bookings[course.sessions[0].booking_id]
        series = first.series
        title = (
            f"{first.service.name}: a course of {series.sessions_planned} sessions"
            if series is not None
            else "Visits outside a course"
        )
        shown.append(
            CourseShown(
                title=title,
                sessions=[
                    SessionShown(
                        booking=bookings[r.session.booking_id],
                        heading=_heading(bookings[r.session.booking_id]),
                        patient=r.patient,
                        clinician=r.clinician,
                    )
                    for r in course.ratings
                ],
                areas=[
                    AreaShown(
                        area=row.area,
                        label=AREA_LABELS.get(row.area, row.area),
                        cells=[
                            CellShown(
                                _heading(bookings[cell.session.booking_id]),
                                cell.before,
                                cell.after,
                            )
                            for cell in row.cells
                        ],
                    )
                    for row in course.areas
                ],
            )
        )
    return shown


def _heading(booking: Booking) -> str:
    if booking.series is not None and booking.series_number is not None:
        return f"Session {booking.series_number} of {booking.series.sessions_planned}"
    return booking.service.name
