"""SECURITY.md says only what a test shows: every test and corpus case it names exists."""

from __future__ import annotations

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def _defined_tests() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE))
    return names


def test_every_test_named_exists() -> None:
    defined = _defined_tests()
    files = set(re.findall(r"tests/(?:\w+/)*(test_\w+)\.py", TEXT))
    named = set(re.findall(r"\b(test_\w+\*?)", TEXT)) - files
    missing = sorted(n for n in named if not (any(d.startswith(n[:-1]) for d in defined)
                                              if n.endswith("*") else n in defined))
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_every_test_file_named_exists() -> None:
    for name in set(re.findall(r"tests/((?:\w+/)*test_\w+\.py)", TEXT)):
        assert (ROOT / "tests" / name).is_file(), name


def test_every_corpus_case_named_exists() -> None:
    cases = {case["id"] for case in tomllib.loads(
        (ROOT / "tests" / "corpus" / "manifest.toml").read_text(encoding="utf-8"))["case"]}
    named = set(re.findall(r"`([a-z0-9*]+(?:-[a-z0-9*]+){2,})`", TEXT))
    for name in named:
        pattern = re.compile("^" + re.escape(name).replace(r"\*", ".*") + "$")
        if not any(pattern.match(case) for case in cases):
            assert name not in cases, name
            raise AssertionError(f"SECURITY.md names a corpus case that does not exist: {name}")
