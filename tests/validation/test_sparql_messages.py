"""The message of a SHACL-SPARQL result is the constraint's own sh:message (SHACL 5.3.2), in the
report's language, with ``{?name}`` filled from the solution; each solution is one result; the
report names the constraint (sh:sourceConstraint) — the same on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from samhandling_kg import validate

ENGINES = ("compiled", "pyshacl")

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Node a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:sparql ex:TwoPerLanguage , ex:NoName .
ex:TwoPerLanguage a sh:SPARQLConstraint ;
    sh:message "Flere navn på {?lang}: {?n}."@nb , "Fleire namn på {?lang}: {?n}."@nn ,
        "Several names in {?lang}: {?n}."@en ;
    sh:select \"\"\"
        SELECT DISTINCT $this ?lang ?n WHERE {
            { SELECT $this ?lang (COUNT(?name) AS ?n) WHERE {
                $this <https://example.org/name> ?name BIND (LANG(?name) AS ?lang)
              } GROUP BY $this ?lang }
            FILTER (?n > 1)
        }\"\"\" .
ex:NoName a sh:SPARQLConstraint ;
    sh:message "Uten navn."@nb , "Utan namn."@nn , "No name."@en ;
    sh:select \"\"\"SELECT $this WHERE {
        FILTER NOT EXISTS { $this <https://example.org/name> ?name } }\"\"\" .
ex:Shaped a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:message "Formens egen melding."@nb , "Forma si eiga melding."@nn , "The shape's own."@en ;
    sh:sparql [ sh:select \"\"\"SELECT $this WHERE {
        FILTER NOT EXISTS { $this <https://example.org/name> ?name } }\"\"\" ] .
"""

DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:Thing ; ex:name "a"@nb , "b"@nb , "c"@en , "d"@en , "e"@en , "f"@nn .
ex:b a ex:Thing .
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text(DATA, encoding="utf-8")
    shapes.write_text(SHAPES, encoding="utf-8")
    return data, shapes


def _found(files: tuple[Path, Path], engine: str, lang: str) -> list[tuple[str, str, str | None]]:
    data, shapes = files
    report = validate(data, shapes=shapes, profile="none", engine=engine, lang=lang)
    return sorted((r.focus_node, r.message, r.source_constraint) for r in report.results)


@pytest.mark.parametrize("engine", ENGINES)
def test_each_solution_is_a_result_with_the_constraints_message(
        files: tuple[Path, Path], engine: str) -> None:
    a, b = "https://example.org/a", "https://example.org/b"
    two, none = "https://example.org/TwoPerLanguage", "https://example.org/NoName"
    found = [f for f in _found(files, engine, "en") if f[2] is not None and not f[2].startswith("_:")]
    assert found == [(a, "Several names in en: 3.", two), (a, "Several names in nb: 2.", two),
                     (b, "No name.", none)]
    nynorsk = [f[1] for f in _found(files, engine, "nn") if f[2] == two]
    assert nynorsk == ["Fleire namn på en: 3.", "Fleire namn på nb: 2."]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_constraint_without_a_message_takes_its_shapes(files: tuple[Path, Path], engine: str) -> None:
    shaped = [f for f in _found(files, engine, "nb") if (f[2] or "").startswith("_:")]
    assert [(focus, message) for focus, message, _ in shaped] == [
        ("https://example.org/b", "Formens egen melding.")]


def test_both_engines_give_the_same_messages(files: tuple[Path, Path]) -> None:
    for lang in ("nb", "nn", "en"):
        compiled, reference = (
            [(focus, message) for focus, message, _ in _found(files, engine, lang)]
            for engine in ENGINES)
        assert compiled == reference


def test_a_bound_message_variable_is_the_message(tmp_path: Path) -> None:
    # SHACL 5.3.2: a solution's ?message is the result's message (pySHACL does not do this:
    # docs/validation.md, "Where pySHACL differs").
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.replace('SELECT $this WHERE {\n        FILTER NOT EXISTS',
                                     'SELECT $this ?message WHERE { BIND ("Ingen." AS ?message)\n'
                                     '        FILTER NOT EXISTS', 1), encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    report = validate(data, shapes=shapes, profile="none", lang="en")
    assert [r.message for r in report.results
            if r.source_constraint == "https://example.org/NoName"] == ["Ingen."]


def test_the_turtle_report_names_the_constraint(files: tuple[Path, Path]) -> None:
    data, shapes = files
    code, out, _ = run("validate", data, "--shapes", shapes, "--profile", "none", "--format",
                       "turtle", "--lang", "en")
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    named = {(str(graph.value(r, SH.resultMessage)), graph.value(r, SH.sourceConstraint))
             for r in graph.subjects(SH.sourceConstraint, None)}
    two = URIRef("https://example.org/TwoPerLanguage")
    assert {("Several names in en: 3.", two), ("Several names in nb: 2.", two),
            ("No name.", URIRef("https://example.org/NoName"))} <= named
    assert len(named) == 4  # and the shape's blank-node constraint
