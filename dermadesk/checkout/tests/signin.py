"""Reading the sign-in code a patient was emailed, as the patient would, from the outbox."""

import re

from dermadesk.notifications.models import OutboundMessage, TemplateKey


def latest_code(email: str) -> str:
    """The six digits of the newest sign-in code sent to ``email``."""
    message = OutboundMessage.objects.filter(
        template_key=TemplateKey.PATIENT_SIGN_IN_CODE, recipient__iexact=email
    ).latest("pk")
    found = re.search(r"\b(\d{6})\b", message.text_body)
    assert found is not None, "the email carries no code"
    return found.group(1)
