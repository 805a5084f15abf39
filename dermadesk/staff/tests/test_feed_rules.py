"""The calendar feed's pure rules: secrets kept as digests, initials and nothing more of a
name, the window of visits."""

import hashlib
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.staff.feed import (
    feed_digest,
    feed_window,
    initials,
    new_feed_secret,
    visit_summary,
)

names = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


def test_a_new_secret_is_found_again_by_its_digest_and_the_digest_is_its_sha256() -> None:
    secret, digest = new_feed_secret()
    assert feed_digest(secret) == digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in digest


def test_two_secrets_are_never_the_same() -> None:
    assert len({new_feed_secret()[0] for _ in range(200)}) == 200


@given(st.text(max_size=60))
def test_anything_not_shaped_like_a_secret_looks_nothing_up(text: str) -> None:
    if len(text) != 43:
        assert feed_digest(text) is None


def test_ada_lovelace_is_a_dot_l_dot() -> None:
    assert initials("Ada", "Lovelace") == "A. L."
    assert initials("élodie", "  van der Berg") == "É. V."
    assert initials("", "") == ""


@given(given_name=names, family_name=names)
def test_initials_hold_at_most_the_first_letter_of_each_name(
    given_name: str, family_name: str
) -> None:
    shown = initials(given_name, family_name)
    letters = [character for character in shown if character.isalpha()]
    assert len(letters) <= 2
    firsts = [next((c for c in name if c.isalpha()), "") for name in (given_name, family_name)]
    allowed = {c for first in firsts if first for c in (first, first.upper())}
    assert set(letters) <= allowed


def test_the_summary_is_the_treatment_with_the_initials_or_alone() -> None:
    assert visit_summary("Micro-Needling", "A. L.") == "Micro-Needling · A. L."
    assert visit_summary("Micro-Needling", "") == "Micro-Needling"


def test_the_window_runs_from_the_days_before_to_the_days_ahead() -> None:
    now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    assert feed_window(now, past_days=30, ahead_days=90) == (
        now - timedelta(days=30),
        now + timedelta(days=90),
    )
