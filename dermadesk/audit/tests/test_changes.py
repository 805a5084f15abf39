"""Changes of patient data are kept field by field (django-auditlog), with who made them."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from dermadesk.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_a_change_of_a_patients_phone_is_kept_with_before_and_after() -> None:
    ada = Patient.objects.create(
        given_name="Ada", family_name="Lovelace", email="ada@example.com",
        phone="+12175550101", date_of_birth=date(1985, 12, 10),
    )  # fmt: skip
    ada.phone = "+12175550199"
    ada.save()
    change = LogEntry.objects.get_for_object(ada).filter(action=LogEntry.Action.UPDATE).get()
    assert change.changes_dict["phone"] == ["+12175550101", "+12175550199"]
