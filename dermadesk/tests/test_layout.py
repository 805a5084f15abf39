"""The project's shape, as `pyproject.toml` declares it, kept honest."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def _strict_modules(config: dict[str, object]) -> set[str]:
    overrides = config["tool"]["mypy"]["overrides"]  # type: ignore[index]
    return {m for o in overrides if o.get("strict") for m in o["module"]}


def _pure_contract_modules(config: dict[str, object]) -> set[str]:
    contracts = config["tool"]["importlinter"]["contracts"]  # type: ignore[index]
    [pure] = [c for c in contracts if c["name"].startswith("Pure domain modules")]
    return set(pure["source_modules"])


def test_the_pure_modules_are_the_same_for_mypy_and_import_linter() -> None:
    config = _pyproject()
    assert _strict_modules(config) == _pure_contract_modules(config)


def test_every_pure_module_listed_exists() -> None:
    for module in _pure_contract_modules(_pyproject()):
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module


def test_courses_are_booked_and_moved_from_the_courses_use_case_only() -> None:
    callers = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "dermadesk").rglob("*.py")
        if "tests" not in path.parts
        and ("series_book(" in (text := path.read_text()) or "series_shift(" in text)
    }
    assert callers == {"dermadesk/scheduling/services.py", "dermadesk/checkout/courses.py"}
