"""How the clinic contacts the patient: email always; text messages only once they agree,
with the words agreed to, when and from where kept, and a button that stops them."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dermadesk.clinic.models import Location
from dermadesk.limits.client import client_address
from dermadesk.patients.models import Patient, SmsConsent
from dermadesk.patients.queries import sms_consent_open
from dermadesk.patients.sms_consent import (
    SmsConsentRefused,
    sms_consent_end,
    sms_consent_give,
    sms_consent_words,
)
from dermadesk.portal.access import PatientScope, patient_page
from dermadesk.portal.queries import when_text, zone_text


@dataclass(frozen=True)
class SmsChoice:
    patient: Patient
    consent: SmsConsent | None
    since: str
    words: str


def _choices(scope: PatientScope) -> list[SmsChoice]:
    clinic = Location.objects.order_by("pk").first()
    rows = []
    for patient in scope.patients:
        consent = sms_consent_open(patient)
        since = (
            f"{when_text(consent.agreed_at, clinic)} ({zone_text(consent.agreed_at, clinic)})"
            if consent is not None and clinic is not None
            else ""
        )
        words = sms_consent_words(clinic_name=settings.SITE_NAME, phone=patient.phone)
        rows.append(SmsChoice(patient=patient, consent=consent, since=since, words=words))
    return rows


def _page(request: HttpRequest, scope: PatientScope, status: int = 200,
          problem: str = "") -> HttpResponse:  # fmt: skip
    return render(
        request,
        "portal/preferences.html",
        {"scope": scope, "section": "preferences", "choices": _choices(scope), "problem": problem},
        status=status,
    )


@require_GET
@patient_page
def preferences(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    return _page(request, scope)


def _patient_posted(request: HttpRequest, scope: PatientScope) -> Patient | None:
    try:
        return scope.patient(int(request.POST.get("patient", "")))
    except ValueError:
        return None


@require_POST
@patient_page
def sms_on(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    """Turn text messages on for one of the scope's records, with the words it was shown."""
    patient = _patient_posted(request, scope)
    if patient is None:
        return _page(request, scope, 400, "Please choose whose text messages to turn on.")
    if request.POST.get("agree") != "yes":
        return _page(request, scope, 400, "Please tick the box to agree to text messages.")
    phone_shown = request.POST.get("phone", "")
    try:
        sms_consent_give(
            patient=patient, phone_shown=phone_shown,
            wording=sms_consent_words(clinic_name=settings.SITE_NAME, phone=phone_shown),
            ip_address=client_address(request), user_agent=request.headers.get("User-Agent", ""),
            now=timezone.now(),
        )  # fmt: skip
    except SmsConsentRefused as refused:
        return _page(request, scope, 409, str(refused))
    messages.success(request, f"Text messages are on for {patient.phone}.")
    return redirect("portal:preferences")


@require_POST
@patient_page
def sms_off(request: HttpRequest, scope: PatientScope) -> HttpResponse:
    """Stop text messages for one of the scope's records."""
    patient = _patient_posted(request, scope)
    if patient is None:
        return _page(request, scope, 400, "Please choose whose text messages to stop.")
    sms_consent_end(patient=patient, now=timezone.now())
    messages.success(request, "Text messages are off. We will only email you.")
    return redirect("portal:preferences")
