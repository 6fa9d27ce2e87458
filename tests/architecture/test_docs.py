"""docs/architecture.md names every module of the package, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
NAMED = {m for m in re.findall(r"`((?:[a-z0-9_]+/)*[a-z0-9_]+\.py)`", PAGE) if not m.startswith("tests/")}


def _modules() -> set[str]:
    package = ROOT / "samhandling_kg"
    found = {str(p.relative_to(package)) for p in package.rglob("*.py")}
    # a folder's __init__ says what the capability is; the top-level one is the front door
    return {m for m in found if not m.endswith("/__init__.py")}


def test_every_module_is_named() -> None:
    assert _modules() - NAMED == set()


def test_every_named_module_exists() -> None:
    assert NAMED - _modules() == set()
