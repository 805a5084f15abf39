from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command

from dermadesk.api.tests.calls import NOW
from dermadesk.clinic.models import Location


@pytest.fixture
def frozen_clinic(db: None) -> Iterator[Location]:
    """The demo clinic on a Wednesday afternoon in Springfield, the clock stopped."""
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")
