"""How patients sign in: a one-time code sent to their email address (django-otp).

Proving the address is what lets a person see or change anything stored on the patient
records with that email. The code is six digits, lives ``PATIENT_CODE_MINUTES``, works
once, and a new one can be asked for at most every ``PATIENT_CODE_RESEND_SECONDS`` per
address; after each wrong code the next try must wait twice as long (1, 2, 4 s ...).
These counters live in the database, so they hold across every worker process.

Sending the code is the caller's (the checkout's) job: this module knows no messages.
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_email.models import EmailDevice

from dermadesk.patients.identity import normalize_email
from dermadesk.patients.models import PatientAccount
from dermadesk.patients.services import InvalidPatientDetails, PatientError

CODE_LENGTH = 6
# Wrong codes make the next try wait 1, 2, 4 ... seconds, at most 2**10 s (about 17 minutes):
# a guesser gets about 85 tries a day, and someone typing wrong codes on purpose can keep
# the real patient waiting no longer than that (django-otp alone would let it grow for ever).
MOST_FAILURES_COUNTED = 11


class CodeRefused(PatientError):
    """No code was sent or accepted; ``wait_seconds`` says how long until trying makes sense."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def _account(email: str) -> PatientAccount:
    """The sign-in of ``email`` (normalised), made the first time it is asked for."""
    found = PatientAccount.objects.filter(email__iexact=email).select_related("user").first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=f"patient-{secrets.token_hex(12)}")
            return PatientAccount.objects.create(user=user, email=email)
    except IntegrityError:
        # Another request made the same account between our read and our insert.
        return PatientAccount.objects.select_related("user").get(email__iexact=email)


def _device(account: PatientAccount) -> EmailDevice:
    """The account's email device, its row locked (codes are issued and checked one at a time)."""
    device = EmailDevice.objects.select_for_update().filter(user=account.user).first()
    if device is None:
        EmailDevice.objects.create(user=account.user, email=account.email, name="email")
        device = EmailDevice.objects.select_for_update().get(user=account.user)
    return device


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)


def login_code_issue(*, email: str, now: datetime) -> str:
    """A new code for ``email``: returned for the caller to send. The one before stops working.

    Raises ``CodeRefused`` when a code was sent to this address too recently, and
    ``InvalidPatientDetails`` for something that is no email address.
    """
    address = normalize_email(email)
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidPatientDetails(
            {"email": "Please enter an email address such as name@example.com."}
        ) from None
    with transaction.atomic():
        device = _device(_account(address))
        allowed, why = device.generate_is_allowed()
        if not allowed:
            wait = _seconds_until(why["next_generation_at"], now) if why else 60
            raise CodeRefused(
                "We sent you a code a moment ago. Please look for it in your email (and your "
                "spam folder); you can ask for a new one in a minute.",
                wait_seconds=wait,
            )
        device.cooldown_set(commit=False)
        device.generate_token(
            length=CODE_LENGTH, valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=True
        )
        return str(device.token)


def login_code_verify(*, email: str, code: str, now: datetime) -> PatientAccount:
    """The account of ``email`` if ``code`` is its current code; the code is then used up.

    Raises ``CodeRefused`` for a wrong or expired code, and while a try is not allowed yet.
    Durable: a wrong code is counted (and committed) before the refusal is raised, so the
    waits between tries cannot be undone by a caller's rollback.
    """
    address = normalize_email(email)
    typed = "".join(code.split())
    refused: CodeRefused | None = None
    with transaction.atomic(durable=True):
        account = (
            PatientAccount.objects.filter(email__iexact=address).select_related("user").first()
        )
        if account is None:
            raise CodeRefused(_WRONG)
        device = _device(account)
        device.throttling_failure_count = min(
            device.throttling_failure_count, MOST_FAILURES_COUNTED
        )
        allowed, why = device.verify_is_allowed()
        if not allowed:
            locked_until = why.get("locked_until") if why else None
            wait = _seconds_until(locked_until, now) if locked_until else 1
            refused = CodeRefused(
                f"That was several wrong codes. Please wait {wait} seconds, then try again.",
                wait_seconds=wait,
            )
        elif not (len(typed) == CODE_LENGTH and typed.isdigit()):
            device.throttle_increment()
            refused = CodeRefused(_WRONG)
        elif not device.verify_token(typed):  # counts the failure itself
            refused = CodeRefused(_WRONG)
    if refused is not None:
        raise refused
    return account


_WRONG = (
    "That code is not right, or it has expired. Please check the latest email from us, or "
    "ask for a new code."
)


def proven_account(user: "User | AnonymousUser") -> PatientAccount | None:
    """The patient sign-in a logged-in user stands for; None for anyone else (staff too)."""
    if not user.is_authenticated or user.is_staff:
        return None
    return PatientAccount.objects.filter(user_id=user.pk).first()
