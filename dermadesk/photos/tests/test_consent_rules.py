"""Whether a purpose is consented at a moment: per purpose, from given until withdrawn."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.photos.consent import ConsentSpan, Purpose, consented, use_refusal

GIVEN = datetime(2026, 11, 1, 9, tzinfo=UTC)
WITHDRAWN = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_consent_for_the_chart_only_does_not_allow_marketing() -> None:
    spans = [ConsentSpan(Purpose.CHART, GIVEN)]
    at = GIVEN + timedelta(days=3)
    assert consented(spans, Purpose.CHART, at)
    assert use_refusal(spans, Purpose.MARKETING, at) == (
        "The patient has not consented to photos for marketing."
    )


def test_after_withdrawal_the_purpose_is_refused_and_the_message_says_withdrawn() -> None:
    spans = [ConsentSpan(Purpose.TEACHING, GIVEN, WITHDRAWN)]
    assert use_refusal(spans, Purpose.TEACHING, WITHDRAWN - timedelta(seconds=1)) is None
    assert use_refusal(spans, Purpose.TEACHING, WITHDRAWN) == (
        "The patient has withdrawn their consent to photos for teaching."
    )


def test_a_consent_given_again_after_withdrawal_holds_again() -> None:
    spans = [
        ConsentSpan(Purpose.TEACHING, GIVEN, WITHDRAWN),
        ConsentSpan(Purpose.TEACHING, WITHDRAWN + timedelta(days=2)),
    ]
    assert not consented(spans, Purpose.TEACHING, WITHDRAWN + timedelta(days=1))
    assert consented(spans, Purpose.TEACHING, WITHDRAWN + timedelta(days=3))


moments = st.integers(min_value=0, max_value=100).map(lambda h: GIVEN + timedelta(hours=h))


@given(
    spans=st.lists(
        st.tuples(st.sampled_from(Purpose), moments, st.none() | st.integers(0, 50)),
        max_size=6,
    ),
    purpose=st.sampled_from(Purpose),
    at=moments,
)
def test_consented_matches_a_brute_force_reading(
    spans: list[tuple[Purpose, datetime, int | None]], purpose: Purpose, at: datetime
) -> None:
    made = [
        ConsentSpan(p, given, None if hours is None else given + timedelta(hours=hours))
        for p, given, hours in spans
    ]
    expected = any(
        s.purpose == purpose
        and s.given_at <= at
        and (s.withdrawn_at is None or at < s.withdrawn_at)
        for s in made
    )
    assert consented(made, purpose, at) is expected
    assert (use_refusal(made, purpose, at) is None) is expected
