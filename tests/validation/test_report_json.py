"""The JSON report is exactly what ``json.dumps(..., ensure_ascii=False, indent=2)`` writes
for the contract's object (it is written faster, not differently)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samhandling_kg.validation.engines import validate
from samhandling_kg.validation.model import Severity, ValidationReport, ValidationResult
from samhandling_kg.validation.render import to_json

ROOT = Path(__file__).resolve().parents[2]


def reference(report: ValidationReport) -> str:
    return json.dumps(
        {"conforms": report.conforms, "results": [r.as_json() for r in report.results]},
        ensure_ascii=False, indent=2) + "\n"


def result(text: str, optional: str | None) -> ValidationResult:
    return ValidationResult(severity=Severity.WARNING, focus_node=text, path=optional,
                            value=optional, message=text + "\u2028\"\\\x00é😀",
                            source_shape="s", constraint_component=text, record=text)


@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.text())), max_size=4))
@settings(max_examples=60, deadline=None)
def test_json_report_is_json_dumps(items: list[tuple[str, str | None]]) -> None:
    report = ValidationReport(results=tuple(result(t, o) for t, o in items), records=(),
                              files=())
    assert to_json(report) == reference(report)


@given(st.lists(st.text(), max_size=7), st.integers(min_value=1, max_value=3))
@settings(max_examples=40, deadline=None)
def test_the_pieces_the_command_writes_make_the_same_json(texts: list[str], batch: int) -> None:
    """The command writes the report a batch of results at a time (``pieces``): joined, the
    pieces are the report, whatever the batch."""
    from samhandling_kg.validation.render import _json_pieces, pieces

    report = ValidationReport(results=tuple(result(t, None) for t in texts), records=(), files=())
    assert "".join(_json_pieces(report, batch)) == reference(report)
    assert "".join(pieces(report, "json")) == reference(report)


@pytest.mark.parametrize("path", [ROOT / "examples" / "helseid.ttl",
                                  *sorted((ROOT / "tests" / "invalid").glob("*.ttl"))[:4]],
                         ids=lambda p: p.name)
def test_json_report_of_a_file(path: Path) -> None:
    report = validate(path, lang="nb")
    assert to_json(report) == reference(report)


def test_a_value_that_is_not_a_string_is_written_as_json_dumps_writes_it() -> None:
    from samhandling_kg.validation.render import _json_object

    fields = {"line": 12, "value": None, "ok": True, "text": "ø\n"}
    nested = json.dumps({"results": [fields]}, ensure_ascii=False, indent=2)
    assert _json_object(fields) in nested
    assert nested == '{\n  "results": [\n' + _json_object(fields) + "\n  ]\n}"
