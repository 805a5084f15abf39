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
