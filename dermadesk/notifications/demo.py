"""Demo data: the message templates, as first written, for staff to edit."""

from dermadesk.notifications.defaults import default_messages
from dermadesk.notifications.models import MessageTemplate


def create_default_templates() -> int:
    """A MessageTemplate row for each message that has none; edits are left alone.

    Returns how many rows it created (called by ``manage.py demo``).
    """
    existing = set(MessageTemplate.objects.values_list("key", flat=True))
    missing = [
        MessageTemplate(
            key=message.key,
            subject=message.texts.subject,
            text_body=message.texts.text.strip() + "\n",
            html_body=message.texts.html.strip() + "\n" if message.texts.html.strip() else "",
            sms_body=message.texts.sms,
        )
        for message in default_messages().values()
        if message.key not in existing
    ]
    MessageTemplate.objects.bulk_create(missing)
    return len(missing)
