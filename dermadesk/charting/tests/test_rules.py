"""The treatment record's gates, scope, review share and amendments."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.charting.rules import (
    ChartFacts,
    Scope,
    amendment_changes,
    completion_refusals,
    cosign_covers,
    needs_review,
    over_scope_areas,
    sampled_for_review,
)

NURSE = Scope(
    treatments=frozenset({"micro-needling", "micro-needling-prp"}), max_depth_mm=Decimal("1.5")
)
READY = ChartFacts(
    treatment="micro-needling-prp",
    session_day=date(2026, 11, 26),
    consent_current_signed=True,
    screening_valid_until=date(2027, 2, 1),
    screening_overridden=False,
    depths_mm={"cheeks": Decimal("1.5"), "forehead": Decimal("0.5")},
    scope=NURSE,
)


def test_a_chart_with_consent_screening_and_depths_in_scope_can_be_completed() -> None:
    assert completion_refusals(READY) == []


def test_no_completion_without_the_current_consent() -> None:
    [reason] = completion_refusals(replace(READY, consent_current_signed=False))
    assert "current consent" in reason


def test_no_completion_when_the_screening_has_lapsed_unless_a_clinician_reviewed() -> None:
    lapsed = replace(READY, screening_valid_until=date(2026, 11, 25))
    assert len(completion_refusals(lapsed)) == 1
    assert completion_refusals(replace(lapsed, screening_overridden=True)) == []
    assert len(completion_refusals(replace(READY, screening_valid_until=None))) == 1


def test_a_depth_beyond_scope_needs_a_managers_cosignature() -> None:
    deep = replace(READY, depths_mm={"cheeks": Decimal("2.0")})
    assert over_scope_areas(deep) == ["cheeks"]
    [reason] = completion_refusals(deep)
    assert "beyond your maximum of 1.5 mm" in reason
    assert completion_refusals(replace(deep, cosigned_by_manager=True)) == []


def test_a_treatment_outside_scope_is_refused() -> None:
    laser_only = replace(READY, scope=Scope(frozenset({"consultation"}), Decimal("2.5")))
    assert "scope of practice" in completion_refusals(laser_only)[0]


def test_an_empty_chart_cannot_be_completed() -> None:
    assert completion_refusals(replace(READY, depths_mm={})) == [
        "Record at least one treated area with its needle depth."
    ]


def test_every_chart_with_a_complication_or_over_scope_is_reviewed() -> None:
    for key in map(str, range(200)):
        assert needs_review(chart_key=key, share_percent=0, has_complication=True, over_scope=False)
        assert needs_review(chart_key=key, share_percent=0, has_complication=False, over_scope=True)


def test_about_the_share_of_other_charts_is_sampled() -> None:
    picked = sum(sampled_for_review(f"chart:{n}", 10) for n in range(10_000))
    assert 850 <= picked <= 1150


@given(st.text(max_size=30), st.integers(min_value=0, max_value=100))
def test_sampling_is_stable_and_monotonic_in_the_share(key: str, share: int) -> None:
    assert sampled_for_review(key, share) == sampled_for_review(key, share)
    if sampled_for_review(key, share):
        assert sampled_for_review(key, min(100, share + 1))
    assert sampled_for_review(key, 100) and not sampled_for_review(key, 0)


def test_a_share_outside_0_to_100_is_an_error() -> None:
    with pytest.raises(ValueError):
        sampled_for_review("x", 101)


def test_an_amendment_lists_exactly_what_changed() -> None:
    changes = amendment_changes(
        {"cheeks": Decimal("1.5"), "passes": 3, "notes": None},
        {"cheeks": Decimal("1.0"), "passes": 3, "notes": "less bleeding"},
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("cheeks", "1.5", "1.0"),
        ("notes", "", "less bleeding"),
    ]


def test_a_cosignature_covers_the_depths_it_named_and_no_deeper() -> None:
    depths = {"cheeks": Decimal("2.0"), "forehead": Decimal("0.5")}
    limit = Decimal("1.5")
    assert cosign_covers(depths, limit, {"cheeks": Decimal("2.0")})
    assert cosign_covers(depths, limit, {"cheeks": Decimal("2.5")})
    assert not cosign_covers(depths, limit, {"cheeks": Decimal("1.75")})
    assert not cosign_covers(depths, limit, {})
    assert cosign_covers({"forehead": Decimal("0.5")}, limit, {})


@given(
    st.dictionaries(
        st.sampled_from(["cheeks", "chin", "neck"]),
        st.decimals(min_value=Decimal("0.05"), max_value=Decimal("3"), places=2),
    ),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("3"), places=2),
)
def test_charted_depths_cosigned_as_they_are_are_always_covered(
    depths: dict[str, Decimal], limit: Decimal
) -> None:
    assert cosign_covers(depths, limit, depths)
