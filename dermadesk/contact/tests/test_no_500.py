"""No input makes the contact form fail: bad input gets the form back with a 4xx, never a 500."""

from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage
from dermadesk.contact.tests.conftest import VALID
from dermadesk.tests.awkward import PROPERTY, assert_page_answered, form_text, maybe

SEND = "/contact/send/"


@pytest.fixture(autouse=True)
def clinic(demo_clinic: Location) -> Location:
    return demo_clinic


@PROPERTY
@given(
    fields=st.fixed_dictionaries({key: maybe(value, form_text) for key, value in VALID.items()}),
    more=st.dictionaries(form_text, form_text, max_size=2),
)
def test_the_contact_form_never_fails(fields: dict[str, Any], more: dict[str, str]) -> None:
    response = Client(raise_request_exception=False).post(SEND, more | fields)
    assert_page_answered(response)


def test_a_name_with_a_nul_is_refused_and_nothing_is_stored() -> None:
    response = Client(raise_request_exception=False).post(SEND, VALID | {"name": "Alex\x00"})
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()
