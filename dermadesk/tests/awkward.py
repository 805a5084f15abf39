"""Awkward input for the "no 500 from any input" property tests of the pages and the API.

Strings with NUL and other control characters, huge ones, text from every script, broken
UTF-16 (lone surrogates, which only a JSON escape can carry), dates and times at the ends
of the calendar, numbers too large for any column; and the checks every answer must pass.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# Modest, so each property runs in seconds per database; the edge cases below come first.
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the clinic is set up once per test, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

EDGE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",  # right-to-left override
    "\ufeff",
    "💉🧴",
    "Zoë Ångström-Łukasiewicz",
    "٢٠٢٦-١١-٢٧",  # Arabic-Indic digits
    "9999-12-31",
    "0001-01-01",
    "99999999999-1",
    "9999-12-31T23:59:59+23:59",
    "0001-01-01T00:00:00-23:59",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "x" * 70_000,
]

# Every offset a time may be written with, so both ends of the calendar are reached.
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
extreme_dates = st.one_of(
    st.sampled_from([date.min, date.max, date(1900, 2, 28), date(2026, 11, 25)]), st.dates()
)
extreme_instants = st.one_of(
    st.sampled_from(
        [
            datetime.min.replace(tzinfo=timezone(timedelta(hours=5))),
            datetime.max.replace(tzinfo=timezone(timedelta(hours=-6))),
            datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
        ]
    ),
    st.datetimes(timezones=offsets),
    st.datetimes(),  # without an offset
)
numbers_as_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _huge(draw_text: str, times: int) -> str:
    return (draw_text or "x") * times


# Text a browser can send in a form (no lone surrogates: a form is UTF-8 on the wire).
form_text = st.one_of(
    st.sampled_from(EDGE_STRINGS),
    st.text(max_size=60),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(_huge, st.text(min_size=1, max_size=3), st.integers(1_000, 30_000)),
    extreme_dates.map(date.isoformat),
    extreme_instants.map(datetime.isoformat),
    numbers_as_text,
)
# Text a program can send in JSON: anything a form can, and lone surrogates too.
json_text = st.one_of(
    form_text,
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3),
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        json_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(json_text, inner, max_size=3)
    ),
    max_leaves=8,
)


def maybe(value: Any, awkward: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The valid ``value`` half the time, something awkward otherwise."""
    return st.one_of(st.just(value), awkward)


def assert_page_answered(response: "TestResponse") -> None:
    """A page answers with its own 4xx when the input is bad, never a server error."""
    assert response.status_code < 500, response.status_code


def assert_api_answered(response: "TestResponse") -> None:
    """The API never fails with a 5xx, and every error is an RFC 9457 problem document."""
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
