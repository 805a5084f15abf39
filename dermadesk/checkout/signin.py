"""Patients prove their email address with a code: the checkout asks for it before anything
stored on a patient is shown, reused or changed, and the portal will sign in with it.

The pages keep the proof in the patient's session (a Django login of the address's
``PatientAccount``); the JSON API hands the clinic's website a short-lived signed proof
to send with the booking.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.db import transaction
from django.http import HttpRequest

from dermadesk.clinic.models import Location
from dermadesk.notifications.models import TemplateKey
from dermadesk.notifications.services import message_enqueue
from dermadesk.patients.identity import normalize_email
from dermadesk.patients.login import login_code_issue, login_code_verify, proven_account
from dermadesk.patients.models import PatientAccount

PROOF_SALT = "dermadesk.checkout.email-proof"


def sign_in_code_send(*, email: str, location: Location, now: datetime) -> None:
    """Email a new code to ``email`` (the one before stops working).

    ``CodeRefused`` (nothing sent) when a code went to this address moments ago. The code
    is marked private in the outbox: staff screens never show it.
    """
    address = normalize_email(email)
    with transaction.atomic(durable=True):
        code = login_code_issue(email=address, now=now)
        message_enqueue(
            template=TemplateKey.PATIENT_SIGN_IN_CODE,
            to=address,
            context={"code": code, "minutes": settings.PATIENT_CODE_MINUTES},
            location=location,
            # Random, not the address: keys show in logs and (hashed) in mail headers.
            idempotency_key=f"sign-in-code:{uuid.uuid4().hex}",
            private=[code],
            now=now,
        )


def sign_in_code_check(*, email: str, code: str, now: datetime) -> PatientAccount:
    """The account of ``email`` when ``code`` is right; ``CodeRefused`` otherwise."""
    return login_code_verify(email=email, code=code, now=now)


def email_proof_issue(account: PatientAccount) -> str:
    """A signed, short-lived proof that someone holds ``account``'s address (for the API)."""
    return signing.TimestampSigner(salt=PROOF_SALT).sign(normalize_email(account.email))


def email_proven_by(proof: str) -> str | None:
    """The address a proof was issued for, while it is fresh (``PATIENT_SESSION_MINUTES``)."""
    try:
        return signing.TimestampSigner(salt=PROOF_SALT).unsign(
            proof, max_age=settings.PATIENT_SESSION_MINUTES * 60
        )
    except signing.BadSignature:
        return None


def same_email(typed: str, proven: str | None) -> bool:
    """Whether the address typed is the one proven (case and spaces aside)."""
    # Patients are found by email in any case (see ``patients.queries.find_patient``).
    return proven is not None and normalize_email(typed).lower() == normalize_email(proven).lower()


# In a browser: the sign-in is a Django login of the address's account, for a while.


def sign_in(request: HttpRequest, account: PatientAccount) -> None:
    """Sign the patient in: this browser has proved the address, for a while.

    The sign-in ends after ``PATIENT_SESSION_MINUTES`` without a page asked for (each
    request that saves the session starts the time again; ``session_touch`` does).
    """
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    session_touch(request)


def session_touch(request: HttpRequest) -> None:
    """Start the patient's idle time again (``PATIENT_SESSION_MINUTES``) from this request."""
    request.session.set_expiry(settings.PATIENT_SESSION_MINUTES * 60)


def proven_email(request: HttpRequest) -> str | None:
    """The email address this browser proved with a code (its patient sign-in), if any."""
    account = proven_account(request.user)
    return account.email if account is not None else None
