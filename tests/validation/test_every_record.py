"""``validate(..., every_record=False)`` (what the command asks for the formats that do not
list every record: JSON, Turtle, SARIF) gives the same results in the same order, and the
records of the results only, with the same titles (read record by record, not in one pass
over every title). The reference is the report with every record, assembled from the same
findings of the same store (blank nodes are named anew by each parse, so two
separate runs could not be compared term for term)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from catalogue_gen import DEFECTS, catalogue_text

from samhandling_kg.cli import main
from samhandling_kg.io.oxigraph import to_rdflib
from samhandling_kg.validation import engines
from samhandling_kg.validation.assemble import Assembler, _View
from samhandling_kg.validation.compiler.checks import compiled_profile
from samhandling_kg.validation.engines import _run_compiled
from samhandling_kg.validation.input import _read
from samhandling_kg.validation.model import Severity, ValidationReport
from samhandling_kg.validation.render import FORMATS, LIST_EVERY_RECORD, render
from samhandling_kg.validation.sourcelines import _Locator

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((ROOT / "tests" / "invalid").glob("*.ttl"))


def both_reports(path: Path, lang: str) -> tuple[ValidationReport, ValidationReport]:
    given = _read(str(path), as_written=False)
    try:
        refused = given.remove_background_statements()
        given.add_background()
        findings = _run_compiled(given, compiled_profile())
        reports = []
        for every in (True, False):
            locator = _Locator(given, _View(given), lang)
            if every:
                locator.prepare()  # as validate does: every record, the titles read in one pass
            assembler = Assembler(given, lang=lang, locator=locator, every_record=every)
            assembler.add(0, findings)
            reports.append(assembler.report(fail_on=Severity.INFO, refused=refused))
        return reports[0], reports[1]
    finally:
        given.close()


def catalogue(tmp_path: Path) -> Path:
    """Valid records between records with each defect the generator knows."""
    path = tmp_path / "catalogue.ttl"
    specs = [spec for defect in DEFECTS for spec in ([], [defect])]
    path.write_text(catalogue_text(specs), encoding="utf-8")
    return path


#: Records whose titles test the choice: two in one language, a tag in capitals, only another
#: language, none but a label, none at all.
TITLES = """@prefix sam: <https://w3id.org/samhandling#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/> .
ex:two a sam:Solution ; dct:title "B"@nb , "A"@nb , "N"@nn ; sam:uses sam:Nothing .
ex:caps a sam:Solution ; dct:title "Stor"@NB , "Engelsk"@en ; sam:uses sam:Nothing .
ex:german a sam:Solution ; dct:title "Deutsch"@de ; skos:prefLabel "Merkelapp"@nb ; sam:uses sam:Nothing .
ex:plain a sam:Solution ; dct:title "Uten språk" , "English"@en-GB ; sam:uses sam:Nothing .
ex:label a sam:Solution ; skos:prefLabel "Bare merkelapp"@nn ; sam:uses sam:Nothing .
ex:none a sam:Solution ; sam:uses sam:Nothing .
_:blank a sam:Solution ; dct:title "Blank"@nn ; sam:uses sam:Nothing .
ex:valid a sam:Solution ; dct:title "Gyldig"@nb .
"""


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("name", ["catalogue", "titles", "examples", *[p.name for p in INVALID]])
def test_the_same_results_and_the_records_of_the_results(name: str, lang: str, tmp_path: Path) -> None:
    if name == "titles":
        (tmp_path / "titles.ttl").write_text(TITLES, encoding="utf-8")
    paths = ([catalogue(tmp_path)] if name == "catalogue"
             else [tmp_path / "titles.ttl"] if name == "titles"
             else sorted((ROOT / "examples").glob("*.ttl")) if name == "examples"
             else [ROOT / "tests" / "invalid" / name])
    for path in paths:
        every, only = both_reports(path, lang)
        assert only.results == every.results, path
        with_findings = {result.record for result in every.results}
        assert only.records == tuple(r for r in every.records if r.node in with_findings), path
        if name == "catalogue":
            assert len(every.records) > len(only.records) > 0
        for fmt in sorted(set(FORMATS) - LIST_EVERY_RECORD):
            assert render(only, fmt) == render(every, fmt), (path, fmt)


def test_the_command_asks_for_every_record_only_where_its_format_lists_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = catalogue(tmp_path)
    asked: list[bool] = []
    real = engines.validate

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["every_record"])
        return real(*args, **kwargs)

    monkeypatch.setattr(engines, "validate", spy)
    for fmt in FORMATS:
        out, err = io.StringIO(), io.StringIO()
        assert main(["validate", str(path), "--format", fmt, "--lang", "en", "--quiet"],
                    out=out, err=err) == 1, err.getvalue()
        assert asked.pop() is (fmt in LIST_EVERY_RECORD), fmt
        if fmt == "text":  # every record listed: the valid ones (one before each defect) too
            assert out.getvalue().count("✓ no findings") >= len(DEFECTS), out.getvalue()[-300:]


@pytest.mark.parametrize("name", ["titles", *[p.name for p in INVALID]])
def test_a_node_is_a_solution_as_the_list_of_every_solution_says(name: str, tmp_path: Path) -> None:
    """``is_solution`` (asked of one node) agrees with ``solutions`` (read at once) on every
    node of the data."""
    path = tmp_path / "titles.ttl" if name == "titles" else ROOT / "tests" / "invalid" / name
    if name == "titles":
        path.write_text(TITLES, encoding="utf-8")
    given = _read(str(path), as_written=False)
    try:
        every = _Locator(given, _View(given), "nb").solutions
        asking = _Locator(given, _View(given), "nb")
        nodes = {term for triple in given.store.quads_for_pattern(None, None, None) for term in
                 (triple.subject, triple.object)}
        for node in map(to_rdflib, nodes):
            assert asking.is_solution(node) is (node in every), node
        assert asking._solutions is None  # asked node by node, never read at once
    finally:
        given.close()
