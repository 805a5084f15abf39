"""Agreeing to text messages, and stopping them.

A patient agrees in the portal for the number on their record; the words shown are kept
with the agreement, with when and from which address and browser. It ends when they stop
it in the portal, when the number replies STOP (for an SMS provider that passes replies
on: ``sms_consent_stop_number``), or when they agree again for another number. Whoever
queues a text message asks ``queries.sms_agreed`` first.
"""

from datetime import datetime

from django.db import transaction

from dermadesk.patients.models import Patient, SmsConsent, SmsConsentEnd
from dermadesk.patients.services import PatientError

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
"""Replies that stop every text message to the number (what carriers also honour)."""


class SmsConsentRefused(PatientError):
    """No agreement recorded: no number on the record, or not the number shown."""


def sms_consent_words(*, clinic_name: str, phone: str) -> str:
    """The sentence the patient agrees to, exactly as the page shows it and the row keeps."""
    return (
        f"I agree to receive text messages from {clinic_name} at {phone} about my visits: "
        "confirmations, changes, reminders and aftercare check-ins. Message and data rates "
        "may apply. I can stop them at any time in the patient portal."
    )


def _locked(patient: Patient) -> Patient:
    return Patient.objects.select_for_update().get(pk=patient.pk)


def sms_consent_give(
    *, patient: Patient, phone_shown: str, wording: str, ip_address: str | None,
    user_agent: str, now: datetime,
) -> SmsConsent:  # fmt: skip
    """Record that ``patient`` agreed to ``wording`` for the number on their record, which
    must be the number they were shown (``SmsConsentRefused`` otherwise). An agreement
    already open for that number is kept as it is; one for another number ends."""
    with transaction.atomic(durable=True):
        current = _locked(patient)
        if not current.phone:
            raise SmsConsentRefused("There is no mobile number on your record to send texts to.")
        if current.phone != phone_shown:
            raise SmsConsentRefused(
                "Your number has changed since this page was shown. Please look at it again."
            )
        open_now = SmsConsent.objects.filter(patient=current, ended_at__isnull=True).first()
        if open_now is not None and open_now.phone == current.phone:
            return open_now
        if open_now is not None:
            open_now.ended_at, open_now.ended_how = now, SmsConsentEnd.NEW_NUMBER
            open_now.save(update_fields=["ended_at", "ended_how"])
        return SmsConsent.objects.create(
            patient=current, phone=current.phone, wording=wording, agreed_at=now,
            ip_address=ip_address or None, user_agent=user_agent[:300],
        )  # fmt: skip


def sms_consent_end(*, patient: Patient, now: datetime) -> bool:
    """The patient stops text messages (in the portal); False when none were agreed."""
    with transaction.atomic(durable=True):
        ended = SmsConsent.objects.filter(patient=patient, ended_at__isnull=True).update(
            ended_at=now, ended_how=SmsConsentEnd.PORTAL
        )
    return bool(ended)


def sms_consent_stop_number(*, phone: str, now: datetime) -> int:
    """A reply of STOP from ``phone`` (E.164): every open agreement for that number ends,
    whoever's record it is on; how many ended."""
    with transaction.atomic(durable=True):
        return SmsConsent.objects.filter(phone=phone, ended_at__isnull=True).update(
            ended_at=now, ended_how=SmsConsentEnd.REPLY_STOP
        )


def is_stop_reply(text: str) -> bool:
    """Whether an incoming text asks to stop (``STOP``, ``stop``, `` Stop. ``)."""
    return text.strip().strip(".!").upper() in STOP_WORDS
