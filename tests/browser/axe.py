"""Run axe-core (from node_modules, installed by ``npm ci``) in a page and report what it finds.

The site's Content-Security-Policy allows no inline script, so axe is injected into contexts
opened with ``bypass_csp=True``.
"""

from pathlib import Path
from typing import Any, TypedDict

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class AxeNode(TypedDict):
    target: list[Any]
    failureSummary: str


class AxeViolation(TypedDict):
    id: str
    impact: str | None
    help: str
    nodes: list[AxeNode]


def axe_violations(page: Page) -> list[AxeViolation]:
    """The WCAG 2.x A/AA violations that axe finds in the page as it is now."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `npm ci` first.")
    # Judge the page as it settles, not halfway through a fade-in (the "back to top" link
    # fades in over a fraction of a second once the page has scrolled).
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=5000
    )
    page.add_script_tag(path=AXE_SCRIPT)
    results: dict[str, Any] = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations: list[AxeViolation] = results["violations"]
    return violations


def describe_violations(violations: list[AxeViolation]) -> str:
    """One paragraph per violation: rule id, impact, what it asks, and where it fails."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found violations on {page.url}:\n{describe_violations(violations)}"
