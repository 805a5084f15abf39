"""Reading the sign-in code a patient was emailed, as the patient would, from the outbox."""

import re
import uuid

from django.contrib.auth.models import User
from django.test import Client

from dermadesk.notifications.models import OutboundMessage, TemplateKey
from dermadesk.patients.models import PatientAccount


def latest_code(email: str) -> str:
    """The six digits of the newest sign-in code sent to ``email``."""
    message = OutboundMessage.objects.filter(
        template_key=TemplateKey.PATIENT_SIGN_IN_CODE, recipient__iexact=email
    ).latest("pk")
    found = re.search(r"\b(\d{6})\b", message.text_body)
    assert found is not None, "the email carries no code"
    return found.group(1)


def signed_in(client: Client, email: str) -> Client:
    """The client signed in as the owner of ``email``, as if they had typed its code.

    For tests that walk the steps after the code many times over (property tests), where
    the one-minute resend wait would otherwise stop them.
    """
    account = PatientAccount.objects.filter(email__iexact=email).first()
    if account is None:
        user = User.objects.create_user(username=f"patient-{uuid.uuid4().hex[:24]}")
        account = PatientAccount.objects.create(user=user, email=email)
    client.force_login(account.user)
    return client
