"""Consent signed on the clinic's tablet: a patient who arrives with a consent still to sign
reads it and signs it at the front desk (or in the treatment room) with their typed name, as
they would in the portal, for a visit to come or under way (checked in). The portal's form
(``checkout.forms``) and the same signing service (``patients.services.visit_consents_sign``);
the signature records the tablet's address and browser, and the trail, in the same
transaction, which staff member handed it over."""

from datetime import datetime

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dermadesk.audit.models import AuditAction
from dermadesk.checkout.forms import consent_form
from dermadesk.checkout.manage import change_notice
from dermadesk.checkout.policy import notice_in_words
from dermadesk.limits.client import client_address
from dermadesk.patients.queries import ConsentStatus, consent_status
from dermadesk.patients.services import visit_consents_sign
from dermadesk.scheduling.models import Booking, BookingStatus
from dermadesk.staff.pages import audit_event, audit_view, staff_page
from dermadesk.staff.roles import Action

# A consent is signed for a visit still to come, or one under way.
SIGNABLE = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


def desk_consents(booking: Booking, now: datetime) -> ConsentStatus | None:
    """The visit's consents, when they may be signed on the tablet now (a patient's visit to
    come or under way); None otherwise. The visit's page and the signing page both ask."""
    if booking.patient is None or booking.status not in SIGNABLE:
        return None
    return consent_status(patient=booking.patient, service=booking.service, now=now)


@staff_page(Action.VISIT_STATUS)
@require_http_methods(["GET", "POST"])
def visit_consent_desk(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("patient", "service", "location"), pk=booking_id
    )
    now = timezone.now()
    consents = desk_consents(booking, now)
    if consents is None or booking.patient is None:
        raise Http404("There is no visit to sign a consent for.")
    patient = booking.patient
    if consents.complete:
        messages.info(request, "Nothing is left to sign for this visit.")
        return redirect("staff:visit", booking_id=booking.pk)

    def sign(typed_name: str, optional_kinds: set[str]) -> None:
        with transaction.atomic(durable=True):
            signed = visit_consents_sign(
                patient=patient, consents=consents, optional_kinds=optional_kinds,
                typed_name=typed_name, now=now, ip_address=client_address(request),
                user_agent=request.headers.get("User-Agent", ""), booking=booking,
            )  # fmt: skip
            audit_event(
                request, AuditAction.CREATE, patient_id=patient.pk, what="consent",
                object_ref=f"scheduling.booking:{booking.pk}",
                detail=f"signed on the clinic's tablet: {len(signed)} document(s)",
            )  # fmt: skip

    form, signed = consent_form(request, consents, sign)
    if signed:
        messages.success(request, f"Thank you: the consent is signed by {patient.full_name}.")
        return redirect("staff:visit", booking_id=booking.pk)
    if request.method == "GET":
        audit_view(request, patient_id=booking.patient_id, what="consents to sign")
    return render(
        request,
        "staff/calendar/visit_consent.html",
        {
            "booking": booking,
            "patient": booking.patient,
            "consents": consents,
            "form": form,
            "notice": notice_in_words(change_notice()),
        },
        status=400 if form.is_bound else 200,
    )
