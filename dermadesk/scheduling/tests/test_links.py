from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.scheduling.links import link_alive, link_digest, new_link_secret


def test_a_new_secret_is_recognised_and_kept_only_as_its_digest() -> None:
    secret = new_link_secret()
    digest = link_digest(secret)
    assert digest is not None and len(digest) == 64 and secret not in digest
    assert new_link_secret() != secret


@given(st.text(max_size=80))
def test_anything_not_shaped_like_a_secret_has_no_digest(text: str) -> None:
    if len(text) != 43 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
        assert link_digest(text) is None


def test_a_link_works_until_the_set_days_after_the_visit() -> None:
    ends = datetime(2026, 12, 1, 11, tzinfo=UTC)
    assert link_alive(visit_ends_at=ends, now=ends + timedelta(days=2, seconds=-1), days_after=2)
    assert not link_alive(visit_ends_at=ends, now=ends + timedelta(days=2), days_after=2)
