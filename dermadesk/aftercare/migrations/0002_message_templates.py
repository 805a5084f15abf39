"""The aftercare messages' templates, seeded with their first words (staff edit them later).

Only missing rows are written: a template staff already edited is left alone.
"""

from django.db import migrations

KEYS = (
    "aftercare-instructions",
    "aftercare-check-in-day1",
    "aftercare-check-in-day3",
    "aftercare-course-reminder",
)


def seed(apps, schema_editor):
    from dermadesk.notifications.defaults import default_messages

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    defaults = default_messages()
    existing = set(MessageTemplate.objects.filter(key__in=KEYS).values_list("key", flat=True))
    MessageTemplate.objects.bulk_create(
        MessageTemplate(
            key=key,
            subject=defaults[key].texts.subject,
            text_body=defaults[key].texts.text.strip() + "\n",
            html_body=defaults[key].texts.html.strip() + "\n",
            sms_body=defaults[key].texts.sms,
        )
        for key in KEYS
        if key in defaults and key not in existing
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0001_initial"),
        ("notifications", "0009_messagetemplate_aftercare"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
