"""No address, query or display choice makes a public page fail: a 4xx at worst, never a 500."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.tests.awkward import PROPERTY, assert_page_answered, form_text, maybe

PAGES = ["", "micro-needling/", "contact/", "office-information/", "home/"]
# A cookie travels as bytes, which the server reads as Latin-1: nothing beyond it can arrive.
cookies = st.text(alphabet=st.characters(max_codepoint=255), max_size=200)


@pytest.fixture(autouse=True)
def demo(db: None) -> None:
    call_command("demo", verbosity=0)


@PROPERTY
@given(
    page=maybe("micro-needling", form_text), query=st.dictionaries(form_text, form_text, max_size=2)
)
def test_any_page_address_and_query_never_fails(page: str, query: dict[str, str]) -> None:
    client = Client(raise_request_exception=False)
    assert_page_answered(client.get(f"/{quote(page, safe='')}/", query))


@PROPERTY
@given(action=form_text, back=maybe("/contact/", form_text), cookie=cookies,
       page=st.sampled_from(PAGES))  # fmt: skip
def test_any_display_choice_or_display_cookie_never_fails(
    action: str, back: str, cookie: str, page: str
) -> None:
    client = Client(raise_request_exception=False)
    client.cookies["a11y"] = cookie
    assert_page_answered(client.post("/accessibility/", {"action": action, "next": back}))
    assert_page_answered(client.get(f"/{page}"))
