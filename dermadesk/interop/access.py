"""The right of access: a copy of everything the clinic holds on one patient, and the
patient's requests for it, answered by staff on a clock of ``DATA_REQUEST_DAYS``.

The copy is a list of sections, one function per kind of data (``SECTIONS``): each reads
one record's rows and returns plain values (text, numbers, booleans, lists, dicts), so the
same copy becomes JSON (``access_json``) and a PDF (``access_pdf``). A kind of data added
later (charts, photos the patient may see) is one more function and one more line in
``SECTIONS``; ``tests/test_access_export.py`` fails for a table that points to patients
and is in no section.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from dermadesk.alerts.models import AlertKind
from dermadesk.alerts.services import alert_raise, alerts_resolve_about, day_in_words
from dermadesk.audit.models import AuditAction, AuditEvent
from dermadesk.audit.services import audit_record
from dermadesk.charting.models import Chart, Complication, RecallLetter
from dermadesk.charting.queries import chart_record
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import (
    ConsentSignature,
    DataRequest,
    DataRequestStatus,
    Patient,
    SmsConsent,
)
from dermadesk.photos.models import ClinicalPhoto, PhotoConsent
from dermadesk.scheduling.models import Booking, BookingStatus, ResourceKind, Series
from dermadesk.screening.models import ScreeningResponse
from dermadesk.waitlist.models import WaitlistEntry

Value = Any
"""Plain JSON values: str, int, float, bool, None, and lists and dicts of them."""
EXPORT_FORMAT = "dermadesk right-of-access copy"
EXPORT_VERSION = 1


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# One function per kind of data held on a patient.


def details(patient: Patient) -> Value:
    return {
        "record number": patient.pk,
        "first name": patient.given_name,
        "last name": patient.family_name,
        "email": patient.email,
        "phone": patient.phone,
        "date of birth": _day(patient.date_of_birth),
        "skin type (Fitzpatrick)": patient.get_skin_type_display() if patient.skin_type else None,
        "record made": _when(patient.created_at),
        "record last changed": _when(patient.updated_at),
    }


def visits(patient: Patient) -> Value:
    bookings = (
        Booking.objects.filter(patient=patient)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .select_related("service", "location", "series")
        .prefetch_related("allocations__resource")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "visit number": booking.pk,
            "treatment": booking.service.name,
            "where": booking.location.name,
            "starts": _when(booking.starts_at.astimezone(booking.location.zone)),
            "ends": _when(booking.ends_at.astimezone(booking.location.zone)),
            "status": booking.get_status_display(),
            "course": booking.series_id,
            "session": booking.series_number,
            "booked": _when(booking.created_at),
            "booked through": booking.get_channel_display(),
            "checked in": _when(booking.checked_in_at),
            "completed": _when(booking.completed_at),
            "marked not attended": _when(booking.no_show_at),
            "clinician": next(
                (
                    a.resource.name
                    for a in booking.allocations.all()
                    if a.resource.kind == ResourceKind.PROVIDER
                ),
                None,
            ),
        }
        for booking in bookings
    ]


def courses(patient: Patient) -> Value:
    return [
        {
            "course number": series.pk,
            "treatment": series.service.name,
            "sessions planned": series.sessions_planned,
            "sessions": [
                {"session": b.series_number, "visit number": b.pk, "status": b.get_status_display()}
                for b in series.bookings.order_by("series_number")
            ],
            "made": _when(series.created_at),
        }
        for series in Series.objects.filter(patient=patient)
        .select_related("service")
        .prefetch_related("bookings")
        .order_by("pk")
    ]


def screenings(patient: Patient) -> Value:
    responses = (
        ScreeningResponse.objects.filter(patient=patient)
        .select_related("service", "questionnaire")
        .prefetch_related("questionnaire__questions", "overrides")
        .order_by("created_at", "pk")
    )
    rows = []
    for response in responses:
        words = {q.key: q.text for q in response.questionnaire.questions.all()}
        rows.append(
            {
                "screening number": response.pk,
                "treatment": response.service.name,
                "for the treatment date": _day(response.treatment_date),
                "answered": _when(response.created_at),
                "questionnaire version": response.questionnaire.version,
                "answers": [
                    {"question": words.get(key, key), "answer": answer}
                    for key, answer in response.answers.items()
                ],
                "outcome": response.get_outcome_display(),
                "reasons": list(response.reasons),
                "notes for the clinician": list(response.clinician_notes),
                "fine again from": _day(response.earliest_ok_date),
                "valid until": _day(response.valid_until),
                "clinicians' reviews": [
                    {
                        "outcome": review.get_outcome_display(),
                        "reason": review.reason,
                        "when": _when(review.created_at),
                    }
                    for review in response.overrides.all()
                ],
            }
        )
    return rows


def consents(patient: Patient) -> Value:
    return [
        {
            "document": signature.document.title,
            "kind": signature.document.get_kind_display(),
            "version": signature.document.version,
            "signed as": signature.typed_name,
            "signed": _when(signature.signed_at),
            "from address": signature.ip_address,
            "browser": signature.user_agent,
            "for visit number": signature.booking_id,
            "text signed": signature.document.body,
        }
        for signature in ConsentSignature.objects.filter(patient=patient)
        .select_related("document")
        .order_by("signed_at", "pk")
    ]


def photos(patient: Patient) -> Value:
    """The clinical photos kept in the record: which, when, of what. The pictures themselves
    are given on request by the clinic (a copy is not a download link: the copy may be
    kept and passed on, and a link to a private photo must not travel with it)."""
    return [
        {
            "visit number": photo.booking_id,
            "area": photo.get_area_display(),
            "taken": photo.get_moment_display(),
            "kept": _when(photo.uploaded_at),
            "pixels": f"{photo.width} × {photo.height}",
            "file type": photo.content_type,
        }
        for photo in ClinicalPhoto.objects.filter(patient=patient).order_by("uploaded_at", "pk")
    ]


def photo_consents(patient: Patient) -> Value:
    return [
        {
            "for": consent.get_purpose_display(),
            "given": _when(consent.given_at),
            "given through": consent.get_channel_display(),
            "withdrawn": _when(consent.withdrawn_at),
            "withdrawn through": (
                consent.get_withdrawn_channel_display() if consent.withdrawn_channel else None
            ),
        }
        for consent in PhotoConsent.objects.filter(patient=patient).order_by("given_at", "pk")
    ]


def treatment_records(patient: Patient) -> Value:
    """Each visit's chart as it stands, in words, with its signature and amendments."""
    charts = (
        Chart.objects.filter(patient=patient)
        .select_related(
            "booking__service",
            "booking__location",
            "clinician",
            "device",
            "cartridge_lot",
            "prp_kit_lot",
        )
        .prefetch_related("areas", "amendments", "reviews")
        .order_by("booking__starts_at", "pk")
    )
    return [
        {
            "visit number": chart.booking_id,
            "treatment": chart.booking.service.name,
            "visit": _when(chart.booking.starts_at.astimezone(chart.booking.location.zone)),
            "clinician": chart.clinician.get_full_name() or chart.clinician.get_username(),
            "status": chart.get_status_display(),
            "signed": _when(chart.signed_at),
            "record": chart_record(chart),
            "amendments": [
                {"when": _when(a.at), "why": a.reason, "changes": a.changes}
                for a in chart.amendments.all()
            ],
            "reviewed by the medical director": [_when(r.at) for r in chart.reviews.all()],
        }
        for chart in charts
    ]


def complications(patient: Patient) -> Value:
    return [
        {
            "visit number": c.booking_id,
            "what happened": c.what,
            "severity": c.get_severity_display(),
            "began": _day(c.onset_on),
            "action taken": c.action_taken,
            "follow-up due": _day(c.follow_up_due),
            "outcome": c.outcome,
            "closed": _when(c.closed_at),
        }
        for c in Complication.objects.filter(patient=patient).order_by("recorded_at", "pk")
    ]


def recall_letters(patient: Patient) -> Value:
    return [
        {"product": letter.lot.product, "lot": letter.lot.lot_number,
         "queued": _when(letter.queued_at)}
        for letter in RecallLetter.objects.filter(patient=patient)
        .select_related("lot")
        .order_by("queued_at", "pk")
    ]  # fmt: skip


def text_message_agreements(patient: Patient) -> Value:
    return [
        {
            "number": consent.phone,
            "words agreed to": consent.wording,
            "agreed": _when(consent.agreed_at),
            "from address": consent.ip_address,
            "browser": consent.user_agent,
            "ended": _when(consent.ended_at),
            "how it ended": consent.get_ended_how_display() if consent.ended_how else None,
        }
        for consent in SmsConsent.objects.filter(patient=patient).order_by("agreed_at", "pk")
    ]


def messages(patient: Patient) -> Value:
    """Every message queued to the record's email address or phone, its secrets hidden."""
    to_them = Q(recipient__iexact=patient.email)
    if patient.phone:
        to_them |= Q(recipient=patient.phone)
    return [
        {
            "channel": message.get_channel_display(),
            "to": message.recipient,
            "subject": message.subject,
            "words": message.hide_private(message.text_body),
            "status": message.get_status_display(),
            "queued": _when(message.created_at),
            "sent": _when(message.sent_at),
        }
        for message in OutboundMessage.objects.filter(to_them).order_by("created_at", "pk")
    ]


def waitlist(patient: Patient) -> Value:
    """Waitlist places under the record's email address (they hold contact details only)."""
    return [
        {
            "treatment": entry.service.name,
            "where": entry.location.name,
            "name given": f"{entry.given_name} {entry.family_name}",
            "email": entry.email,
            "phone": entry.phone,
            "from": _day(entry.first_day),
            "until": _day(entry.last_day),
            "times of day": list(entry.parts_of_day),
            "status": entry.get_status_display(),
        }
        for entry in WaitlistEntry.objects.filter(email__iexact=patient.email)
        .select_related("service", "location")
        .order_by("pk")
    ]


def data_requests(patient: Patient) -> Value:
    return [
        {
            "asked": _when(request.requested_at),
            "due": _when(request.due_at),
            "status": request.get_status_display(),
            "answered": _when(request.answered_at),
        }
        for request in DataRequest.objects.filter(patient=patient).order_by("requested_at")
    ]


def access_log(patient: Patient) -> Value:
    """Who (by role) looked at or changed the record, and when: as the portal shows it."""
    return [
        {"when": _when(event.at), "who": access_who(event), "what": access_what(event)}
        for event in AuditEvent.objects.filter(patient_id=patient.pk).order_by("at", "pk")
    ]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    read: Callable[[Patient], Value]


SECTIONS: tuple[Section, ...] = (
    Section("details", "Your details", details),
    Section("visits", "Visits", visits),
    Section("courses", "Courses", courses),
    Section("screenings", "Health questions and their outcome", screenings),
    Section("consents", "Consent you signed", consents),
    Section("photos", "Photographs in your record", photos),
    Section("photo_consents", "What you agreed your photographs may be used for", photo_consents),
    Section("treatment_records", "What was done at each treatment", treatment_records),
    Section("complications", "Problems after a treatment, and their follow-up", complications),
    Section("recall_letters", "Letters about a recalled product", recall_letters),
    Section("text_message_agreements", "Text messages you agreed to", text_message_agreements),
    Section("messages", "Messages we sent you", messages),
    Section("waitlist", "Waitlist places", waitlist),
    Section("data_requests", "Your requests for a copy of your data", data_requests),
    Section("access_log", "Who looked at or changed your record", access_log),
)


def access_copy(patient: Patient, *, now: datetime) -> dict[str, Value]:
    """Everything held on ``patient``, section by section, as plain values."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "clinic": settings.SITE_NAME,
        "made": now.isoformat(),
        "sections": {section.key: section.read(patient) for section in SECTIONS},
    }


# The access log's words (the patient sees roles, never names).

WHAT_WORDS = {
    AuditAction.VIEW: "looked at",
    AuditAction.CREATE: "added",
    AuditAction.CHANGE: "changed",
    AuditAction.DELETE: "removed",
    AuditAction.EXPORT: "downloaded",
    AuditAction.MERGE: "merged",
}


def access_who(event: AuditEvent) -> str:
    """The staff role at the time ("Clinician"), "You" for the patient, never a name."""
    if event.actor_id is None:
        return "You, in the portal" if event.what.startswith("portal") else "The system"
    return event.actor_role or "A member of staff"


def access_what(event: AuditEvent) -> str:
    what = event.what.removeprefix("portal: ")
    return f"{WHAT_WORDS.get(AuditAction(event.action), event.action)} {what}"


# Requests for a copy, on the clock.


def data_request_due(requested_at: datetime) -> datetime:
    return requested_at + timedelta(days=settings.DATA_REQUEST_DAYS)


def data_request_make(*, patient: Patient, ip_address: str | None, now: datetime) -> DataRequest:
    """The patient asks for a copy of their data: one request open at a time (the open one
    is returned), due ``DATA_REQUEST_DAYS`` later; the staff are alerted."""
    with transaction.atomic(durable=True):
        Patient.objects.select_for_update().get(pk=patient.pk)  # one open request, no race
        open_now = DataRequest.objects.filter(
            patient=patient, status=DataRequestStatus.OPEN
        ).first()
        if open_now is not None:
            return open_now
        request = DataRequest.objects.create(
            patient=patient, requested_at=now, due_at=data_request_due(now),
            ip_address=ip_address or None,
        )  # fmt: skip
        alert_raise(
            kind=AlertKind.DATA_REQUEST,
            about=f"data_request:{request.pk}",
            what=f"Patient record {patient.pk} asked for a copy of their data. "
            f"Answer by {day_in_words(request.due_at.date())}.",
            link=reverse("staff:data_requests"),
            now=now,
        )
        audit_record(
            actor=None, roles=[], action=AuditAction.CREATE, what="portal: data request",
            patient_id=patient.pk, address=ip_address, at=now,
            object_ref=f"patients.datarequest:{request.pk}",
        )  # fmt: skip
    return request


class DataRequestAnswered(Exception):
    """The request was answered already."""


def data_request_answer(*, request_id: int, by: User, note: str, now: datetime) -> DataRequest:
    """Staff mark a request answered (how, in ``note``); its alert is resolved with it."""
    with transaction.atomic(durable=True):
        request = DataRequest.objects.select_for_update().get(pk=request_id)
        if request.status != DataRequestStatus.OPEN:
            raise DataRequestAnswered("This request was answered already.")
        request.status, request.answered_at, request.answered_by = (
            DataRequestStatus.ANSWERED, now, by,
        )  # fmt: skip
        request.note = note[:500]
        request.save(update_fields=["status", "answered_at", "answered_by", "note"])
        alerts_resolve_about(kind=AlertKind.DATA_REQUEST, about=f"data_request:{request.pk}",
                             now=now)  # fmt: skip
    return request
