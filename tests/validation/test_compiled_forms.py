"""The two forms of each compiled check give the same rows: the plain one (the focus nodes
computed in the query, each constraint evaluated per focus node: what runs at an endpoint)
and the embedded store's (focus nodes read from the private graph, constraints evaluated once
for all subjects and joined by hash: ``MINUS``, sub-SELECTs, one grouping). The profile's
own shapes are held to pySHACL by test_engine_parity.py; these shapes use the components and
paths the profile does not, including a target node outside the data and paths that may
match zero steps."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph

from samhandling_kg.validation import engines
from samhandling_kg.validation.compiler.checks import FOCUS, FOCUS_OF, CompiledCheck, compile_shapes
from samhandling_kg.validation.input import _read

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:targetNode ex:outside , ex:a ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ] ,
        [ sh:path ex:p ; sh:maxCount 1 ] ,
        [ sh:path ex:p ; sh:nodeKind sh:IRI ] ,
        [ sh:path ex:p ; sh:class ex:D ] ,
        [ sh:path ex:q ; sh:datatype xsd:integer ] ,
        [ sh:path ex:q ; sh:pattern "^[0-9]+$" ] ,
        [ sh:path ex:q ; sh:in ( 1 2 3 ) ] ,
        [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ( "nb" "en" ) ] ,
        [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "nb" ) ] ;
          sh:qualifiedMinCount 1 ] ,
        [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] ,
        [ sh:path ( ex:p ex:q ) ; sh:hasValue 1 ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:minCount 1 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:hasValue ex:a ] ,
        [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:nodeKind sh:IRI ] ,
        [ sh:path ex:p ; sh:node [ sh:class ex:D ] ] ,
        [ sh:path ex:p ; sh:not [ sh:hasValue ex:b ] ] ,
        [ sh:path ex:p ; sh:or ( [ sh:class ex:D ] [ sh:nodeKind sh:Literal ] ) ] ,
        [ sh:path ex:p ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this $PATH ?value . FILTER NOT EXISTS { ?value a <https://example.org/D> } }" ] ] ,
        [ sh:path [ sh:inversePath ex:p ] ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this $PATH ?value . ?value a <https://example.org/C> }" ] ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:sparql [ sh:select
            "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (isIRI(?value)) }" ] ] ;
    sh:sparql [ sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this <https://example.org/q> ?any } }" ] .
"""

DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:C ; ex:p ex:b , "lit" ; ex:q 1 , "x" , 7 ; ex:label "a"@nb , "b"@NB , "c"@en , "d" .
ex:b a ex:C , ex:D ; ex:p ex:a ; ex:q "2"^^<http://www.w3.org/2001/XMLSchema#integer> ;
    ex:label "e"@en .
ex:c a ex:C ; ex:p _:x . _:x ex:q 1 .
ex:d a ex:C .
ex:e ex:p "lit" , ex:a ; ex:q "x" , 9 ; ex:label "f"@nb , "g"@nb , "h"@de .
"""

GRAPH = ox.NamedNode("urn:x-test:data")


def rows(store: ox.Store, query: str, named: list[ox.NamedNode]) -> Counter[tuple[str, ...]]:
    found = store.query(query, default_graph=[GRAPH], named_graphs=named)
    return Counter(tuple(str(row[v]) if row[v] is not None else "" for v in ("this", "value"))
                   for row in found)


@pytest.fixture(scope="module")
def store_and_checks() -> tuple[ox.Store, tuple[CompiledCheck, ...]]:
    checks = compile_shapes(Graph().parse(data=SHAPES, format="turtle"))
    store = ox.Store()
    store.load(DATA, ox.RdfFormat.TURTLE, to_graph=GRAPH)
    for check in checks:
        store.update(check.target_insert.replace("{using}", f"USING <{GRAPH.value}>\n"))
    return store, checks


def test_every_component_is_compiled(
        store_and_checks: tuple[ox.Store, tuple[CompiledCheck, ...]]) -> None:
    _, checks = store_and_checks
    assert len(checks) >= 20
    local = [c for c in checks if "MINUS" in c.cached_query or "GROUP BY" in c.cached_query
             or "{ SELECT ?this" in c.cached_query]
    assert len(local) >= 10  # the hash-joined forms are really used


def test_the_embedded_form_of_each_check_gives_the_plain_form_s_rows(
        store_and_checks: tuple[ox.Store, tuple[CompiledCheck, ...]]) -> None:
    store, checks = store_and_checks
    findings = 0
    for check in checks:
        plain = rows(store, check.query, [GRAPH])
        local = rows(store, check.cached_query, [GRAPH, ox.NamedNode(FOCUS)])
        assert local == plain, f"{check.component} of {check.shape}:\n{check.cached_query}"
        findings += sum(plain.values())
    assert findings > 20  # the data breaks the shapes


def test_the_unfocused_form_kept_to_the_focus_nodes_gives_the_embedded_form_s_rows(
        store_and_checks: tuple[ox.Store, tuple[CompiledCheck, ...]]) -> None:
    """A check whose pattern is one sub-SELECT may run without reading the focus nodes
    (``unfocused_query``): its rows of focus nodes are the embedded form's rows. ex:e, no
    focus node, breaks the shapes too: the rows kept are fewer than the rows found."""
    store, checks = store_and_checks
    unfocused = [check for check in checks if check.unfocused_query]
    assert len(unfocused) >= 8
    dropped = 0
    for check in unfocused:
        nodes = {str(quad.object) for quad in store.quads_for_pattern(
            ox.NamedNode(check.target_key), ox.NamedNode(FOCUS_OF), None, ox.NamedNode(FOCUS))}
        found = rows(store, check.unfocused_query, [GRAPH])
        kept = Counter({row: n for row, n in found.items() if row[0] in nodes})
        assert kept == rows(store, check.cached_query, [GRAPH, ox.NamedNode(FOCUS)]), \
            f"{check.component} of {check.shape}:\n{check.unfocused_query}"
        dropped += sum(found.values()) - sum(kept.values())
    assert dropped > 0


@pytest.mark.parametrize("unfocused_from", [0, 10**9], ids=["unfocused", "focused"])
def test_a_run_keeps_the_rows_of_focus_nodes_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unfocused_from: int) -> None:
    """The engine's run, whichever form it takes: every finding is of a focus node (ex:e,
    which breaks the shapes too, is none), and both forms find the same."""
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    checks = compile_shapes(Graph().parse(data=SHAPES, format="turtle"))
    runs = []
    for threshold in (unfocused_from, engines.UNFOCUSED_FROM):
        monkeypatch.setattr(engines, "UNFOCUSED_FROM", threshold)
        given = _read(data)
        try:
            runs.append(Counter((f.focus.n3(), "_:" if isinstance(f.value, BNode) else str(f.value),
                                 str(f.component), str(f.shape))
                                for f in engines._run_compiled(given, checks, background=False,
                                                               keep=lambda node: True)))
        finally:
            given.close()
    assert runs[0] == runs[1]
    assert len(runs[0]) > 20
    assert not [key for key in runs[0] if key[0] == "<https://example.org/e>"]
