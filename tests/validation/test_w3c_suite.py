"""The W3C SHACL test suite (core and SHACL-SPARQL) through the public command.

Every ``sht:Validate`` entry of ../shared/w3c-shacl-tests runs as

    samhandling validate DATA --shapes SHAPES --profile none --format turtle

in this process (tests/helpers.run), on the default engine, and its report is compared with
the expected one by the suite's rule (tests/validation/w3c_suite.py: ``sh:conforms`` and the
results as RDF on focus node, result path, value, severity, source shape and component; blank
nodes by isomorphism). An entry whose expected result is ``sht:Failure`` must be refused:
exit 2 and one line. :data:`REFUSED` lists the few entries the engine refuses on purpose (the
reasons are in docs/validation.md); a refusal is exit 2 with one line naming the component,
never a report. Whatever the lists say, a report that conforms where the suite's does not
fails the test: no silent "conforms".
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import w3c_suite
from helpers import run

from samhandling_kg.validation import engines
from samhandling_kg.validation.compiler.checks import compile_shapes

pytestmark = pytest.mark.skipif(not w3c_suite.SUITE.is_dir(),
                                reason=f"the W3C suite is not at {w3c_suite.SUITE}")

#: Entries the default engine refuses on purpose, with what the one-line refusal names.
REFUSED: dict[str, str] = {
    # $shapesGraph: the shapes are not a graph the data queries can see (docs/validation.md).
    "sparql/pre-binding/shapesGraph-001": "$shapesGraph",
}

ENTRIES = w3c_suite.entries() if w3c_suite.SUITE.is_dir() else []


def _outcome(name: str) -> tuple[str, str]:
    """Run one entry: (status, detail). Status is ``pass``, ``refused`` (exit 2, one line),
    ``wrong``, ``silent-conforms`` (the report conforms, the suite's does not) or
    ``broken`` (anything else: a traceback, several lines, an unreadable report)."""
    entry = next(e for e in ENTRIES if e.name == name)
    code, out, err = run("validate", entry.data, "--shapes", entry.shapes, "--profile", "none",
                         "--format", "turtle", "--lang", "en")  # REFUSED holds the English lines
    if code == 2:
        one_line = err.count("\n") == 1 and "Traceback" not in err and not out
        return ("refused" if one_line else "broken"), err.strip()
    if code not in (0, 1) or "Traceback" in err:
        return "broken", f"exit {code}: {err.strip()[-500:]}"
    try:
        actual = w3c_suite.report_of(out)
    except Exception as exc:
        return "broken", f"unreadable report: {exc}"
    # Exit 1 when a result is a violation (the default --fail-on), or of a custom severity
    # (counted as a violation).
    failing = any(o not in (w3c_suite.SH.Warning, w3c_suite.SH.Info)
                  for o in actual.objects(None, w3c_suite.SH.resultSeverity))
    if (code == 1) != failing:
        return "broken", f"exit {code} but failing results in the report: {failing}"
    if entry.expected is None:
        silent = w3c_suite.conforms(actual)
        return ("silent-conforms" if silent else "wrong"), "a report instead of a refusal"
    if w3c_suite.same(entry.expected, actual):
        return "pass", ""
    detail = w3c_suite.describe_difference(entry.expected, actual)
    if w3c_suite.conforms(actual) and not w3c_suite.conforms(entry.expected):
        return "silent-conforms", detail
    return "wrong", detail


outcome = functools.cache(_outcome)


@pytest.mark.parametrize("name", [e.name for e in ENTRIES])
def test_entry(name: str) -> None:
    entry = next(e for e in ENTRIES if e.name == name)
    status, detail = outcome(name)
    assert status != "silent-conforms", f"{name}: says 'conforms' where it does not\n{detail}"
    if entry.failure:
        assert status == "refused", f"{name}: must be refused (sht:Failure): {status} {detail}"
    elif name in REFUSED:
        assert status == "refused", f"{name}: listed as refused but {status}: {detail}"
        assert REFUSED[name] in detail, detail
    else:
        assert status == "pass", f"{name}: {status}\n{detail}"


def test_counts_per_folder() -> None:
    """The suite's counts: core at least 97 of 98, sparql at least 21 of 22 (pySHACL's), no
    silent conforms anywhere. Printed for the record (pytest -s)."""
    counts: Counter[tuple[str, str]] = Counter()
    for entry in ENTRIES:
        status, _ = outcome(entry.name)
        if entry.failure and status == "refused":
            status = "pass"
        counts[(entry.folder, status)] += 1
    for folder in ("core", "sparql"):
        total = sum(n for (f, _), n in counts.items() if f == folder)
        print(f"{folder}: " + ", ".join(f"{s} {counts[(folder, s)]}" for s in
                                        ("pass", "refused", "wrong", "silent-conforms", "broken"))
              + f" (of {total})")
    assert sum(n for (_, s), n in counts.items() if s == "silent-conforms") == 0, counts
    assert counts[("core", "pass")] >= 97, counts
    assert counts[("sparql", "pass")] >= 21, counts
    assert len(REFUSED) <= 3


def test_suite_is_complete() -> None:
    """The suite as the README describes it: 98 core and 22 sparql entries, all approved."""
    folders = Counter(e.folder for e in ENTRIES)
    assert folders == {"core": 98, "sparql": 22}, folders
    assert all(e.approved for e in ENTRIES)
    assert sum(e.failure for e in ENTRIES) == 7


def test_every_entry_has_the_same_outcome_with_its_checks_unfocused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks that may run without reading the focus nodes (``unfocused_query``, which
    a run takes for targets of :data:`~engines.UNFOCUSED_FROM` nodes and more, keeping the
    rows of focus nodes) take that form here for every target, however small: every entry
    has the outcome (and so the report) of the default run."""
    unfocused = 0
    for entry in ENTRIES:
        try:
            unfocused += any(c.unfocused_query for c in compile_shapes(w3c_suite.parse(entry.shapes)))
        except Exception:
            continue  # refused: the outcome says so, unfocused or not
    assert unfocused >= 20  # the form is really taken
    default = {entry.name: outcome(entry.name) for entry in ENTRIES}  # before the change
    monkeypatch.setattr(engines, "UNFOCUSED_FROM", 0)

    def labelled(found: tuple[str, str]) -> tuple[str, str]:
        return found[0], re.sub(r"_:\w+", "_:b", found[1])  # blank nodes are named per run

    differ = {name: (found, again) for name, found in default.items()
              if labelled(again := _outcome(name)) != labelled(found)}
    assert not differ, differ
