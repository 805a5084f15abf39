"""The treatment record's rules (pure): when a chart may be completed, what lies beyond a
clinician's scope, which signed charts the medical director reviews, and what an amendment
changed.

The Django app around it gathers the facts (the consent signed, the screening, the clinician's
scope, the depths charted) into the plain values below; nothing here reads the database.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Scope:
    """What a clinician may do: the treatments (service slugs) and the deepest needle (mm)."""

    treatments: frozenset[str]
    max_depth_mm: Decimal


@dataclass(frozen=True, slots=True)
class ChartFacts:
    treatment: str
    session_day: date
    consent_current_signed: bool
    """A signature of the consent version in force for this treatment."""
    screening_valid_until: date | None
    """The last day the patient's screening for this treatment holds (``None``: none)."""
    screening_overridden: bool
    """A clinician recorded a review that lets this session go ahead."""
    depths_mm: Mapping[str, Decimal]
    """Needle depth charted per area."""
    scope: Scope
    cosigned_by_manager: bool = False


def over_scope_areas(facts: ChartFacts) -> list[str]:
    """The areas charted deeper than the clinician's scope allows."""
    return sorted(a for a, d in facts.depths_mm.items() if d > facts.scope.max_depth_mm)


def cosign_covers(
    depths_mm: Mapping[str, Decimal], max_depth_mm: Decimal, cosigned_mm: Mapping[str, Decimal]
) -> bool:
    """Whether a manager's co-signature (area → the depth they co-signed) covers every area
    charted beyond ``max_depth_mm``: a depth made deeper after the co-signature needs a new one.
    """
    return all(
        area in cosigned_mm and depth <= cosigned_mm[area]
        for area, depth in depths_mm.items()
        if depth > max_depth_mm
    )


def completion_refusals(facts: ChartFacts) -> list[str]:
    """Why the chart cannot be completed and signed yet (empty: it can)."""
    reasons = []
    if facts.treatment not in facts.scope.treatments:
        reasons.append("This treatment is not within your recorded scope of practice.")
    if not facts.consent_current_signed:
        reasons.append(
            "The patient has not signed the current consent for this treatment: ask them to "
            "sign it first."
        )
    screening_holds = (
        facts.screening_valid_until is not None and facts.session_day <= facts.screening_valid_until
    )
    if not screening_holds and not facts.screening_overridden:
        reasons.append(
            "The patient has no screening valid for today, and no clinician's review lets the "
            "session go ahead."
        )
    if not facts.depths_mm:
        reasons.append("Record at least one treated area with its needle depth.")
    deep = over_scope_areas(facts)
    if deep and not facts.cosigned_by_manager:
        reasons.append(
            f"The depth charted for {', '.join(deep)} is beyond your maximum of "
            f"{facts.scope.max_depth_mm} mm: a manager must co-sign."
        )
    return reasons


def sampled_for_review(chart_key: str, share_percent: int) -> bool:
    """Whether the chart falls in the medical director's random share (stable per chart)."""
    if not 0 <= share_percent <= 100:
        raise ValueError("share_percent must be 0 to 100")
    bucket = int.from_bytes(hashlib.sha256(chart_key.encode()).digest()[:8], "big") % 100
    return bucket < share_percent


def needs_review(
    *, chart_key: str, share_percent: int, has_complication: bool, over_scope: bool
) -> bool:
    """Every chart with a complication or an over-scope depth, and a share of the rest."""
    return has_complication or over_scope or sampled_for_review(chart_key, share_percent)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


def amendment_changes(before: Mapping[str, object], after: Mapping[str, object]) -> list[Change]:
    """What an amendment changed, field by field, in a stable order (for showing the difference)."""
    fields = sorted(set(before) | set(after))
    return [
        Change(name, _text(before.get(name)), _text(after.get(name)))
        for name in fields
        if before.get(name) != after.get(name)
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)
