"""Parity of the validation engines: the profile compiled to SPARQL (Oxigraph) against pySHACL,
the reference, on the same data read once.

For every input the multisets of (focus, path, value, severity, source shape, component) must
be equal: every example, every invalid case, the bad-input corpus where it parses, and
generated catalogues mixing valid records with each kind of defect. Differences found while
building the compiler are fixed or written down in docs/validation.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from catalogue_gen import DEFECTS, RECORD_SHAPES, catalogue_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.io.rdf import FORMATS
from samhandling_kg.validation import engines
from samhandling_kg.validation.compiler.checks import UnsupportedShape, compile_shapes
from samhandling_kg.validation.diagnostics import _require_something_to_validate
from samhandling_kg.validation.engines import ENGINES, validate
from samhandling_kg.validation.input import _read

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.ttl"))
INVALID = sorted((ROOT / "tests" / "invalid").glob("*.ttl"))
CORPUS = sorted(p for p in (ROOT / "tests" / "corpus").rglob("*")
                if p.is_file() and p.suffix.lower() in FORMATS)

Key = tuple[str, str | None, str | None, str, str, str]


def findings(source: object) -> dict[str, Counter[Key]]:
    """The raw findings of each engine on ``source``, read once for both."""
    data = _read(source)  # type: ignore[arg-type]
    data.add_background()
    _require_something_to_validate(data)
    out = {}
    for name, engine in ENGINES.items():
        out[name] = Counter(
            (f.focus.n3(), f.path.n3() if f.path is not None else None,
             f.value.n3() if f.value is not None else None, f.severity.value,
             str(f.shape), str(f.component))
            for f in engine(data))
    return out


def assert_same(source: object) -> Counter[Key]:
    result = findings(source)
    compiled, reference = result["compiled"], result["pyshacl"]
    assert compiled == reference, (
        f"only compiled: {sorted((compiled - reference).elements())}\n"
        f"only pyshacl: {sorted((reference - compiled).elements())}")
    return compiled


def test_examples() -> None:
    found = assert_same(EXAMPLES)
    assert found, "the examples have warnings (explained in their notes): the test can fail"


def test_invalid_cases(tmp_path: Path) -> None:
    """All invalid cases in one run (each in its own namespace, so their records stay apart):
    one pySHACL run instead of forty."""
    for path in INVALID:
        text = path.read_text(encoding="utf-8").replace(
            "https://example.org/test/", f"https://example.org/test/{path.stem}/")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    found = assert_same(tmp_path)
    for path in INVALID:
        mine = [key for key in found if key[0].startswith(f"<https://example.org/test/{path.stem}/")]
        if path.stem == "valid":
            assert not mine, mine
        else:
            shape = path.stem.split("-")[0]
            assert any(key[4].endswith("#" + shape) for key in mine), shape


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT / "tests" / "corpus")))
def test_corpus_where_it_parses(path: Path) -> None:
    try:
        assert_same(path)
    except SamhandlingError:
        pass  # refused before any engine runs: the same refusal for both


@pytest.mark.parametrize("unfocused_from", [engines.UNFOCUSED_FROM, 0], ids=["default", "unfocused"])
def test_every_defect_in_one_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       unfocused_from: int) -> None:
    """Also with every check that may run without reading the focus nodes doing so (the
    form a large catalogue's checks take: ``unfocused_query``, from UNFOCUSED_FROM nodes)."""
    monkeypatch.setattr(engines, "UNFOCUSED_FROM", unfocused_from)
    path = tmp_path / "all.ttl"
    path.write_text(catalogue_text([[]] + [[d] for d in DEFECTS] + [list(DEFECTS[:3])]),
                    encoding="utf-8")
    found = assert_same(path)
    shapes = {key[4].rsplit("#", 1)[1] for key in found}
    assert len(shapes) >= 38, sorted(shapes)


@pytest.mark.parametrize("shape", [s for s in RECORD_SHAPES if s != "full"])
def test_every_defect_in_every_record_shape(tmp_path: Path, shape: str) -> None:
    """The benchmark's record shapes (benchmarks/engine.py --record-shape): valid records
    have no violation (minimal ones only the warnings and infos of what they leave out), and
    both engines find the same in every defect."""
    valid = tmp_path / "valid.ttl"
    valid.write_text(catalogue_text([[], []], shape=shape), encoding="utf-8")
    severities = {key[3] for key in assert_same(valid).elements()}
    assert severities == ({"Warning", "Info"} if shape == "minimal" else set()), severities
    path = tmp_path / "all.ttl"
    path.write_text(catalogue_text([[]] + [[d] for d in DEFECTS], shape=shape), encoding="utf-8")
    assert "Violation" in {key[3] for key in assert_same(path)}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(DEFECTS), max_size=3, unique=True), min_size=1, max_size=4))
def test_generated_catalogues(tmp_path: Path, specs: list[list[str]]) -> None:
    path = tmp_path / "generated.ttl"
    path.write_text(catalogue_text(specs), encoding="utf-8")
    try:
        assert_same(path)
    except SamhandlingError as exc:  # every record untyped and misspelt: nothing to validate
        assert "no solution description" in str(exc)


def test_graph_input_gives_the_same_report_on_both_engines() -> None:
    graph = Graph().parse(INVALID[0])
    compiled = validate(graph, engine="compiled", fail_on="info")
    reference = validate(graph, engine="pyshacl", fail_on="info")
    assert [r.as_json() for r in compiled.results] == [r.as_json() for r in reference.results]
    assert compiled.results


# --- what the compiler does not translate is refused, never passed --------------------------

_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; {constraint} ] .
"""


@pytest.mark.parametrize(("constraint", "named"), [
    ('sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://x/> { $this ?p ?o } }" ]',
     "SERVICE"),
    ("sh:someFutureThing 1", "someFutureThing"),
    (('sh:sparql [ sh:select "SELECT $this ?value WHERE { $this ex:p ?value . '
      '{ SELECT ?value WHERE { $this ex:q ?value } } }" ]'), "subquery"),
])
def test_unsupported_component_is_named(constraint: str, named: str) -> None:
    shapes = Graph().parse(data=_SHAPE.replace("{constraint}", constraint), format="turtle")
    with pytest.raises(UnsupportedShape, match=named):
        compile_shapes(shapes)


def test_compiled_reader_is_oxigraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled path never parses the data with rdflib (only the shapes and the
    ontology's rdflib copy are cached from before)."""
    validate(INVALID[0])  # warm the caches

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib parsed a data file")

    monkeypatch.setattr(Graph, "parse", refuse)
    report = validate(INVALID[0], engine="compiled")
    assert report.results


# --- where a finding points -------------------------------------------------------------------


@pytest.mark.parametrize(("case", "line"), [
    ("SolutionLandingPageIRI", 24),  # the statement with the literal landing page
    ("SolutionTitleLanguage", 15),   # the title line holding the @no title
    ("KnownTerm", 21),               # the misspelt property
    ("SolutionIdentifier", None),    # a missing property: the record's first line
])
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_sarif_points_at_the_offending_statement(case: str, line: int | None, engine: str) -> None:
    import json

    from samhandling_kg.validation.render import to_sarif

    path = ROOT / "tests" / "invalid" / f"{case}.ttl"
    report = validate(path, engine=engine, fail_on="info")
    (finding,) = [r for r in report.results if r.source_shape.endswith("#" + case)]
    record_line = report.records[0].line
    expected = line if line is not None else record_line
    assert finding.line == expected
    (result,) = [r for r in json.loads(to_sarif(report))["runs"][0]["results"]
                 if r["ruleId"] == case]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == expected
