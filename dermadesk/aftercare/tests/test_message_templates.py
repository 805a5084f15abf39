"""The aftercare messages' templates are seeded by the app's data migration."""

import pytest

from dermadesk.notifications.defaults import default_messages
from dermadesk.notifications.models import MessageTemplate, TemplateKey

AFTERCARE_KEYS = [key for key in TemplateKey.values if key.startswith("aftercare-")]


@pytest.mark.django_db
def test_the_migration_seeds_each_aftercare_template_with_its_first_words() -> None:
    rows = {row.key: row for row in MessageTemplate.objects.filter(key__in=AFTERCARE_KEYS)}
    assert sorted(rows) == sorted(AFTERCARE_KEYS)
    for key, row in rows.items():
        first = default_messages()[key].texts
        assert row.subject == first.subject
        assert row.text_body.strip() == first.text.strip()
        assert row.sms_body == first.sms
