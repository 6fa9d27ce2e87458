"""``samhandling validate --endpoint``: the compiled profile run at a real Oxigraph server and
Virtuoso gives the findings of local validation of the same files; answers are fetched in pages
and a row cap never cuts them silently."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from catalogue_gen import DEFECTS, catalogue_text
from helpers import run
from servers import SERVERS, Server, loader, reader

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.sparql.results import QueryResult
from samhandling_kg.validation.endpoint import validate_endpoint
from samhandling_kg.validation.engines import validate


def _catalogue(tmp_path: Path) -> Path:
    # Blank-node focus nodes have no name an endpoint keeps, so the records here use IRIs
    # for everything a finding can point at (contact points are reported on the solution).
    path = tmp_path / "catalogue.ttl"
    specs = [[]] + [[d] for d in DEFECTS if d != "misspelt-class"] + [["no-uses", "no-legal-basis"]]
    path.write_text(catalogue_text(specs), encoding="utf-8")
    return path


def _keys(report: object) -> list[tuple[object, ...]]:
    # A blank node's label is the store's own: only that it is a blank node is compared.
    def term(text: str | None) -> str:
        return "_:" if text and text.startswith("_:") else text or ""

    # Messages name values by label, else by a compact IRI: the prefixes of the user's own
    # files (ex:) are unknown at an endpoint, so messages naming such a value are left out.
    return sorted((r.severity.value, r.focus_node, r.path or "", term(r.value), r.source_shape,  # type: ignore[attr-defined]
                   r.constraint_component,
                   "" if "ex:" in r.message or "example.org" in r.message else r.message)
                  for r in report.results)  # type: ignore[attr-defined]


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_endpoint_equals_local(server: Server, tmp_path: Path) -> None:
    path = _catalogue(tmp_path)
    graph = f"https://example.org/validate/{uuid.uuid4()}"
    loader(server, timeout=60).load([path], graph=graph)
    local = validate(path, fail_on="info")
    remote = validate_endpoint(server.query_url, graph=graph, fail_on="info",
                               store=reader(server, graph), page_size=7)
    from collections import Counter

    only_remote = Counter(_keys(remote)) - Counter(_keys(local))
    only_local = Counter(_keys(local)) - Counter(_keys(remote))
    assert not only_remote and not only_local, (sorted(only_remote), sorted(only_local))
    assert len(local.results) > 40
    assert {r.node for r in remote.records} == {r.node for r in local.records}


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_background_graph_and_command_line(server: Server, tmp_path: Path) -> None:
    path = _catalogue(tmp_path)
    data_graph = f"https://example.org/validate/{uuid.uuid4()}"
    background = f"https://example.org/ontology/{uuid.uuid4()}"
    store = loader(server, timeout=60)
    store.load([], graph=background)  # the ontology alone
    # The catalogue alone in its graph: the load always adds the ontology, so replace it
    # with the file's triples through an update.
    store.load([path], graph=data_graph)
    store.update(f"DELETE {{ GRAPH <{data_graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{background}> "
                  f"{{ ?s ?p ?o }} GRAPH <{data_graph}> {{ ?s ?p ?o }} }}")
    alone = validate_endpoint(server.query_url, graph=data_graph, store=reader(server, data_graph),
                              fail_on="info")
    assert alone.results  # without the ontology sh:class fails everywhere: a different answer
    code, out, err = run("validate", "--endpoint", server.query_url, "--graph", data_graph,
                         "--background-graph", background, "--format", "json", "--fail-on", "info")
    local = validate(path, fail_on="info")  # the API and the command: one default language
    assert code == 1, err
    import json

    def plain(item: dict[str, object]) -> str:
        value, message = item["value"], str(item["message"])
        return str({**item, "value": "_:" if isinstance(value, str) and value.startswith("_:") else value,
                    "message": "" if "ex:" in message or "example.org" in message else message})

    remote = json.loads(out)["results"]
    assert sorted(map(plain, remote)) == sorted(plain(r.as_json()) for r in local.results)


class _CappedStore:
    """An endpoint that caps every answer at ``cap`` rows and says so (as Virtuoso does)."""

    endpoint = "http://127.0.0.1:1/sparql"

    def __init__(self, rows: int, cap: int) -> None:
        self.rows, self.cap, self.asked = rows, cap, []

    def query(self, text: str, bindings: object = None, *, source: str = "") -> QueryResult:
        if text.lstrip().startswith("ASK"):
            return QueryResult("ASK", boolean=True)
        import re

        from rdflib import URIRef

        limit, offset = map(int, re.search(r"LIMIT (\d+) OFFSET (\d+)", text).groups())  # type: ignore[union-attr]
        self.asked.append((limit, offset))
        wanted = list(range(offset, min(self.rows, offset + limit)))
        rows = tuple((URIRef(f"https://example.org/s{i}"),) for i in wanted[:self.cap])
        return QueryResult("SELECT", ("s",), rows, truncated=len(wanted) > self.cap)


def test_a_row_cap_is_paged_around_never_truncated() -> None:
    from samhandling_kg.validation.endpoint import _RemoteInput

    store = _CappedStore(rows=23, cap=5)
    remote = _RemoteInput(store, page_size=10)
    _, rows = remote.select("SELECT ?s WHERE { ?s ?p ?o }")
    assert [str(r[0]) for r in rows] == [f"https://example.org/s{i}" for i in range(23)]
    assert store.asked[0] == (10, 0) and all(limit == 5 for limit, _ in store.asked[1:])


def test_a_cap_that_returns_nothing_is_an_error() -> None:
    from samhandling_kg.validation.endpoint import _RemoteInput

    with pytest.raises(SamhandlingError, match="cut an answer"):
        _RemoteInput(_CappedStore(rows=3, cap=0), page_size=10).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_endpoint_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run("validate", "--lang", "en", "--graph", "https://example.org/g", str(tmp_path / "x.ttl"))
    assert code == 2 and "--graph and --background-graph need --endpoint" in err
    code, _, _ = run("validate", "--lang", "en")
    assert code == 2 and "FILE (or --endpoint URL)" in capsys.readouterr().err
    code, _, err = run("validate", "--lang", "en", "--endpoint", "http://127.0.0.1:1/sparql", "--engine", "pyshacl")
    assert code == 2 and "compiled engine" in err


GENERAL_DATA = """
@prefix ex: <https://example.org/general/> .
ex:a ex:p ex:b , ex:c ; ex:q "x" , "long enough" ; ex:r 7 .
ex:c a ex:C .
"""
GENERAL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/general/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b ;
    sh:property [ sh:path ex:p ; sh:class ex:C ] , [ sh:path ex:q ; sh:minLength 3 ] ,
                [ sh:path ex:r ; sh:maxInclusive 5 ] , [ sh:path ex:p ; sh:minCount 1 ] ,
                [ sh:path ex:q ; sh:disjoint ex:p ] .
"""


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_general_shapes_at_the_endpoint(server: Server, tmp_path: Path) -> None:
    """``--shapes … --profile none`` at an endpoint finds what it finds locally; a check that
    needs Oxigraph's LATERAL is refused there in one line."""
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text(GENERAL_DATA, encoding="utf-8")
    shapes.write_text(GENERAL_SHAPES, encoding="utf-8")
    graph = f"https://example.org/validate/{uuid.uuid4()}"
    loader(server, timeout=60).load([data], graph=graph)
    local = validate(data, shapes=[shapes], profile="none", fail_on="info")
    remote = validate_endpoint(server.query_url, graph=graph, store=reader(server, graph),
                               shapes=[shapes], profile="none", fail_on="info")
    def keys(report: object) -> list[tuple[object, ...]]:  # the shapes are read for each run
        return sorted(key[:4] + ("_:" if str(key[4]).startswith("_:") else key[4],) + key[5:]
                      for key in _keys(report))

    assert keys(remote) == keys(local)
    assert len(local.results) == 4  # ex:b class, "x" too short, 7 > 5, ex:b no ex:p
    lateral = tmp_path / "lateral.ttl"
    lateral.write_text(GENERAL_SHAPES.replace(
        "sh:targetNode ex:a , ex:b ;",
        'sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { { FILTER ($this = '
        '<https://example.org/general/a>) } }" ] ;'), encoding="utf-8")
    code, _, err = run("validate", "--endpoint", server.query_url, "--graph", graph,
                       "--shapes", lateral, "--profile", "none")
    assert code == 2 and err.count("\n") == 1 and "LATERAL" in err, err


PER_LANGUAGE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Node a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:sparql ex:NamePerLanguage .
ex:NamePerLanguage a sh:SPARQLConstraint ;
    sh:message "Navn på {?lang}: {?name}."@nb , "Namn på {?lang}: {?name}."@nn ,
        "Name in {?lang}: {?name}."@en ;
    sh:select \"\"\"SELECT $this ?lang ?name WHERE {
        $this <https://example.org/name> ?name BIND (LANG(?name) AS ?lang) }\"\"\" .
"""


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_sparql_messages_and_solutions_at_the_endpoint(server: Server, tmp_path: Path) -> None:
    """A SHACL-SPARQL constraint's message, filled from each solution, and one result per
    solution (rows that differ in a message variable alone), in pages, as locally."""
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text("""@prefix ex: <https://example.org/> .
ex:a a ex:Thing ; ex:name "a"@nb , "b"@nn , "c"@en , "d"@se .
""", encoding="utf-8")
    shapes.write_text(PER_LANGUAGE, encoding="utf-8")
    graph = f"https://example.org/validate/{uuid.uuid4()}"
    loader(server, timeout=60).load([data], graph=graph)

    def found(report: object) -> list[tuple[str, str, str | None]]:
        return sorted((r.focus_node, r.message, r.source_constraint)  # type: ignore[attr-defined]
                      for r in report.results)  # type: ignore[attr-defined]

    local = validate(data, shapes=[shapes], profile="none", lang="en")
    remote = validate_endpoint(server.query_url, graph=graph, store=reader(server, graph),
                               shapes=[shapes], profile="none", lang="en", page_size=1)
    assert found(remote) == found(local)
    assert [m for _, m, _ in found(local)] == ["Name in en: c.", "Name in nb: a.", "Name in nn: b.",
                                               "Name in se: d."]
    assert {c for _, _, c in found(local)} == {"https://example.org/NamePerLanguage"}
