"""No input makes the inbox, the alerts or the reports fail: a 4xx with the form back, or the
usual page, never a 500."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.clinic.models import Location
from dermadesk.contact.models import ContactMessage
from dermadesk.staff.roles import Role
from dermadesk.staff.tests.people import signed_in, staff_member
from dermadesk.tests.awkward import PROPERTY, assert_page_answered, form_text, maybe


@pytest.fixture
def manager(demo_clinic: Location) -> User:
    return staff_member("mia", Role.MANAGER)


@pytest.fixture
def message(demo_clinic: Location) -> ContactMessage:
    return ContactMessage.objects.create(
        name="Ada", email="ada@example.com", topic="prices", message="How much?"
    )


def client_of(user: User) -> Client:
    return signed_in(Client(raise_request_exception=False), user)


@PROPERTY
@given(
    what=st.sampled_from(["reply", "note", "assign", "status"]),
    fields=st.fixed_dictionaries(
        {
            "text": maybe("Thank you for asking.", form_text),
            "once": maybe("00000000-0000-4000-8000-000000000001", form_text),
            "assignee": maybe("1", form_text),
            "status": maybe("answered", form_text),
        }
    ),
)
def test_the_threads_forms_never_fail(
    manager: User, message: ContactMessage, what: str, fields: dict[str, Any]
) -> None:
    response = client_of(manager).post(f"/staff/inbox/{message.pk}/{what}/", fields)
    assert_page_answered(response)


@PROPERTY
@given(query=st.dictionaries(st.sampled_from(["shown", "mine", "page"]), form_text, max_size=3))
def test_the_inbox_list_never_fails(manager: User, query: dict[str, str]) -> None:
    assert_page_answered(client_of(manager).get("/staff/inbox/", query))


@PROPERTY
@given(
    query=st.fixed_dictionaries(
        {
            "first": maybe("2026-06", form_text),
            "last": maybe("2026-11", form_text),
            "location": maybe("springfield", form_text),
        }
    ),
    csv=st.booleans(),
)
def test_the_reports_never_fail(manager: User, query: dict[str, str], csv: bool) -> None:
    path = "/staff/reports/export.csv" if csv else "/staff/reports/"
    assert_page_answered(client_of(manager).get(path, query))


def test_ids_too_large_for_the_database_are_a_404(manager: User) -> None:
    Alert.objects.create(kind=AlertKind.LATE_CHANGE, about="booking:1:0", what="x")
    client = client_of(manager)
    assert client.post(f"/staff/inbox/alerts/{10**30}/resolve/").status_code == 404
    assert client.get(f"/staff/inbox/{10**30}/").status_code == 404
    assert client.post(f"/staff/inbox/{10**30}/reply/", {"text": "x"}).status_code == 404
