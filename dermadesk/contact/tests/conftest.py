import pytest
from django.core.management import call_command

from dermadesk.clinic.models import Location

VALID = {
    "name": "Alex Example",
    "email": "alex@example.com",
    "phone": "(217) 555-0100",
    "topic": "directions",
    "message": "Is there parking near the clinic?",
    "website": "",
}


@pytest.fixture
def demo_clinic(db: None) -> Location:
    call_command("demo", verbosity=0)
    return Location.objects.get(slug="springfield")
