"""The recall letter's message template (the words in ``charting/letters.py``)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from dermadesk.charting import letters


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    template = apps.get_model("notifications", "MessageTemplate")
    template.objects.get_or_create(
        key=letters.RECALL_TEMPLATE_KEY,
        defaults={
            "subject": letters.RECALL_SUBJECT,
            "text_body": letters.RECALL_TEXT.strip(),
            "html_body": letters.RECALL_HTML.strip(),
        },
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("notifications", "MessageTemplate").objects.filter(
        key=letters.RECALL_TEMPLATE_KEY
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("charting", "0001_initial"),
        ("notifications", "0008_outbound_recipient_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
