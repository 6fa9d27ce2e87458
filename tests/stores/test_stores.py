"""Every store gives the same answers: rdflib, pyoxigraph (memory and disk), Oxigraph server,
Virtuoso. Parameters are bound as terms on each. Remote errors are one line, exit 2."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import StubHandler, assert_one_line_error, http_server, run, scoping_dependent
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from servers import Server, free_port, loader, reader

from samhandling_kg.core.errors import EndpointError, QueryError
from samhandling_kg.core.namespace import SAM
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.kg.questions import list_questions
from samhandling_kg.query import run as api
from samhandling_kg.sparql.binding import bind_with_values
from samhandling_kg.sparql.results import QueryResult
from samhandling_kg.stores.base import Store
from samhandling_kg.stores.endpoint import EndpointStore, derive_endpoints
from samhandling_kg.stores.local import OxigraphStore, RdflibStore

ROOT = Path(__file__).resolve().parents[2]
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = f"PREFIX sam: <{SAM}>\nPREFIX skos: <{SKOS}>\n"

# Our own probes, beside the competency questions: grouping, language tags, datatypes,
# OPTIONAL (unbound cells), a bound parameter in a grouped query, ASK and CONSTRUCT.
PROBES: dict[str, tuple[str, dict[str, Any]]] = {
    "grouping": (PREFIXES + "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } "
                 "GROUP BY ?class ORDER BY ?class", {}),
    "labels": (PREFIXES + "SELECT ?form ?label WHERE { ?form a sam:InteractionForm ; "
               "skos:prefLabel ?label } ORDER BY ?form ?label", {}),
    "optional": (PREFIXES + "SELECT ?s ?def WHERE { ?s a skos:Concept . OPTIONAL { ?s "
                 "skos:definition ?def FILTER(lang(?def) = 'nn') } } ORDER BY ?s", {}),
    "typed": (("SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) != "
               "<http://www.w3.org/2001/XMLSchema#string> && lang(?o) = '') }"), {}),
    "bound-grouped": (PREFIXES + "SELECT (COUNT(?label) AS ?n) WHERE { ?form skos:prefLabel ?label }",
                      {"form": SAM.SendAndReceive}),
    "bound-literal": (PREFIXES + "SELECT ?form WHERE { ?form skos:prefLabel ?label }",
                      {"label": Literal("Sende og motta", lang="nb")}),
    "ask": (PREFIXES + "ASK { ?form skos:prefLabel ?label }", {"form": SAM.ChangeAndShare}),
    "construct": (PREFIXES + "CONSTRUCT { ?form skos:prefLabel ?label } WHERE { ?form "
                  "skos:prefLabel ?label }", {"form": SAM.DataSharing}),
}


def data_files() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.ttl"))


def cases() -> list[tuple[str, str, dict[str, Any]]]:
    """Probes and competency questions (with their default parameters), except any whose
    VALUES-bound text answers differently from rdflib's ``initBindings`` —
    test_values_binding_answers_like_initbindings fails for those, with the reason."""
    found = [(name, text, binds) for name, (text, binds) in PROBES.items()]
    for question in list_questions():
        try:
            binds = question.bindings()
        except QueryError:  # a parameter without a default
            continue
        if question.id not in scoping_dependent():
            found.append((question.id, question.query, binds))
    return found


def test_values_binding_answers_like_initbindings() -> None:
    """Every question answers the same with its parameters bound by VALUES blocks (the other
    stores) as with rdflib's initBindings (the reference) — also a question such as cq11 that
    uses its parameter inside a nested group (``{ BIND(?need AS ?via) } UNION {…}``), which a
    single VALUES block at the top of the WHERE group would not reach."""
    assert scoping_dependent() == {}


def test_parameters_reach_nested_groups_but_not_data_or_templates() -> None:
    text = ("CONSTRUCT { ?x ?p ?lang } WHERE { ?x ?p ?o OPTIONAL { ?o ?q ?l FILTER(lang(?l) = ?lang) }"
            " { SELECT ?x WHERE { ?x a ?c } } VALUES ?z { 1 } }")
    bound = bind_with_values(text, "CONSTRUCT", {"lang": Literal("nb"), "x": URIRef("http://e/x")})
    assert bound.startswith('CONSTRUCT { ?x ?p ?lang } WHERE { VALUES ?lang { "nb" } VALUES ?x {')
    assert 'OPTIONAL { VALUES ?lang { "nb" }  ?o ?q' in bound  # the FILTER sees it on Virtuoso too
    assert "{ SELECT ?x WHERE { VALUES ?x { <http://e/x> }  ?x a ?c } }" in bound
    assert "VALUES ?z { 1 } }" in bound
    with pytest.raises(QueryError, match="short form"):
        bind_with_values("CONSTRUCT WHERE { ?s ?p ?lang }", "CONSTRUCT", {"lang": Literal("nb")})


def same_answer(reference: QueryResult, other: QueryResult) -> None:
    assert other.kind == reference.kind
    if reference.kind == "ASK":
        assert other.boolean == reference.boolean
    elif reference.graph is not None:
        assert other.graph is not None and isomorphic(reference.graph, other.graph)
    else:
        assert set(other.variables) == set(reference.variables)
        order = [other.variables.index(v) for v in reference.variables]
        ours = QueryResult("SELECT", reference.variables,
                           tuple(tuple(_anonymous(row[i]) for i in order) for row in other.rows))
        theirs = QueryResult("SELECT", reference.variables,
                             tuple(tuple(map(_anonymous, row)) for row in reference.rows))
        assert ours.as_set() == theirs.as_set()
        assert len(other.rows) == len(reference.rows)
        assert not other.truncated


def _anonymous(term: Any) -> Any:
    """Blank-node labels differ from store to store; the rest of the term must not."""
    return BNode("blank") if isinstance(term, BNode) else term


@pytest.fixture(scope="module")
def knowledge_graph() -> Graph:
    return load_knowledge_graph(data_files())


@pytest.fixture(scope="module")
def reference(knowledge_graph: Graph) -> dict[str, QueryResult]:
    store = RdflibStore(knowledge_graph)
    return {name: store.query(text, binds, source=name) for name, text, binds in cases()}


def check_all(store: Store, reference: dict[str, QueryResult]) -> None:
    for name, text, binds in cases():
        try:
            same_answer(reference[name], store.query(text, binds, source=name))
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_pyoxigraph_in_memory_answers_like_rdflib(reference: dict[str, QueryResult]) -> None:
    store = OxigraphStore()
    store.load(data_files())
    check_all(store, reference)


def test_pyoxigraph_on_disk_answers_like_rdflib(reference: dict[str, QueryResult], tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.load(data_files())
    del store
    reopened = OxigraphStore(tmp_path / "store")  # the folder keeps the graph
    check_all(reopened, reference)


def test_materialised_graph_answers_like_rdflib_on_pyoxigraph() -> None:
    graph = load_knowledge_graph(data_files(), infer=True)
    expected = {n: RdflibStore(graph).query(t, b, source=n) for n, t, b in cases()}
    check_all(OxigraphStore.from_graph(graph), expected)


def test_oxigraph_rows_equal_the_json_reading_of_the_same_answer() -> None:
    """The embedded store converts its solutions term by term; the oracle is the one reader of
    SPARQL JSON, fed the same answer serialised (literals as written, xsd:string plain,
    language tags, blank nodes, unbound cells, repeated terms)."""
    import pyoxigraph as ox

    from samhandling_kg.sparql.results import decode_answer
    from samhandling_kg.stores.local import solutions_result

    store = ox.Store()
    store.update("""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { <https://example.org/a> <https://example.org/p> "x", "x"^^xsd:string,
            "maybe"^^xsd:boolean, "01"^^xsd:integer, "nb-tekst"@nb, "NN"@nn-NO, "",
            "2024-01-01"^^xsd:date, "æøå\\n\\"q\\""@en, _:b1, <https://example.org/b> .
          _:b1 <https://example.org/p> <https://example.org/a> . }""")
    text = ("SELECT ?s ?o ?none WHERE { ?s <https://example.org/p> ?o "
            "OPTIONAL { ?s <https://example.org/none> ?none } } ORDER BY ?s ?o")
    direct = solutions_result(store.query(text), "probe")
    oracle = decode_answer("SELECT", store.query(text).serialize(format=ox.QueryResultsFormat.JSON),
                           "probe")
    assert direct.variables == oracle.variables
    assert len(direct.rows) == 11  # "x" and "x"^^xsd:string are one term
    # Equal terms in equal rows; rdflib's == on literals compares value, so compare the parts too.
    parts = lambda r: [tuple((type(t), str(t), getattr(t, "language", None), getattr(t, "datatype", None))
                             for t in row) for row in r.rows]
    assert parts(direct) == parts(oracle)
    assert direct.rows == oracle.rows


@pytest.mark.server
@pytest.mark.parametrize("name", ["oxigraph_server", "virtuoso_server"])
def test_server_answers_like_rdflib(name: str, request: pytest.FixtureRequest,
                                    reference: dict[str, QueryResult]) -> None:
    server: Server = request.getfixturevalue(name)
    graph = f"https://example.org/test/{uuid.uuid4()}"
    loader(server).load(data_files(), graph=graph)
    check_all(reader(server, graph), reference)


@pytest.mark.server
def test_api_runs_questions_on_any_store(oxigraph_server: Server,
                                         reference: dict[str, QueryResult]) -> None:
    graph = f"https://example.org/test/{uuid.uuid4()}"
    loader(oxigraph_server).load(data_files(), graph=graph)
    remote = reader(oxigraph_server, graph)
    for question in list_questions():
        if question.id in reference:
            same_answer(reference[question.id], api.run_question(question.id, store=remote))
    text, binds = PROBES["bound-grouped"]
    same_answer(reference["bound-grouped"], api.run_query(text, bindings=binds, store=remote))


# --- binding parameters -----------------------------------------------------------------------


def test_values_block_binds_inside_the_where_group() -> None:
    text = ('# a comment with { braces }\nSELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p "}{" . '
            '?x ?q <http://e/x#y> } GROUP BY ?x')
    bound = bind_with_values(text, "SELECT", {"x": URIRef("http://e/a")})
    assert 'WHERE { VALUES ?x { <http://e/a> }  ?x ?p "}{"' in bound


def test_values_block_goes_into_the_pattern_of_a_construct() -> None:
    text = "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }"
    bound = bind_with_values(text, "CONSTRUCT", {"s": URIRef("http://e/a")})
    assert bound.startswith("CONSTRUCT { ?s ?p ?o } { VALUES ?s {")


def test_bound_literal_cannot_break_out_of_the_query() -> None:
    evil = Literal('x" } } ; DROP ALL ; SELECT * { "')
    bound = bind_with_values("SELECT * WHERE { ?s ?p ?v }", "SELECT", {"v": evil})
    store = OxigraphStore()
    store.load()
    assert store.query(bound).rows == ()  # one literal, matched as such
    with pytest.raises(QueryError):
        bind_with_values("SELECT * WHERE { ?s ?p ?v }", "SELECT", {"v": URIRef("http://e/> } DROP ALL {")})


def test_grouped_count_with_a_bound_parameter_is_the_same_everywhere() -> None:
    text, binds = PROBES["bound-grouped"]
    rdflib_answer = RdflibStore(load_knowledge_graph()).query(text, binds)
    assert rdflib_answer.rows[0][0] == Literal(3)  # nb, nn, en: the binding applied before COUNT
    oxigraph = OxigraphStore()
    oxigraph.load()
    assert oxigraph.query(bind_with_values(text, "SELECT", binds)).as_set() == rdflib_answer.as_set()


@pytest.mark.parametrize("store_kind", ["rdflib", "pyoxigraph"])
def test_updates_are_refused_by_local_stores(store_kind: str) -> None:
    store: Store = RdflibStore(load_knowledge_graph()) if store_kind == "rdflib" else OxigraphStore()
    with pytest.raises(QueryError, match="update"):
        store.query("DELETE WHERE { ?s ?p ?o }")


def test_endpoint_refuses_updates_before_sending_anything() -> None:
    store = EndpointStore(f"http://127.0.0.1:{free_port()}/sparql")  # nothing listens there
    with pytest.raises(QueryError, match="update"):
        store.query("DROP ALL")


def test_known_graph_store_layouts() -> None:
    assert derive_endpoints("http://h:7878/store")[1:] == ("http://h:7878/query", "http://h:7878/update")
    assert derive_endpoints("http://h/sparql-graph-crud-auth")[1:] == ("http://h/sparql", "http://h/sparql-auth")
    assert derive_endpoints("http://h/ds/data")[1:] == ("http://h/ds/query", "http://h/ds/update")
    assert derive_endpoints("http://h/repositories/kg/rdf-graphs/service")[1:] == (
        "http://h/repositories/kg", "http://h/repositories/kg/statements")


# --- the command line against endpoints -------------------------------------------------------


def query_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.server
def test_query_endpoint_json_equals_local_json(oxigraph_server: Server, tmp_path: Path) -> None:
    graph = f"https://example.org/test/{uuid.uuid4()}"
    loader(oxigraph_server).load(graph=graph)
    rq = query_file(tmp_path, PROBES["labels"][0])
    local = run("query", rq, "--format", "json")
    remote = run("query", rq, "--format", "json", "--endpoint", oxigraph_server.query_url,
                 "--graph", graph)
    assert local[0] == remote[0] == 0, remote[2]
    import json

    assert (sorted(map(str, json.loads(remote[1])["results"]["bindings"]))
            == sorted(map(str, json.loads(local[1])["results"]["bindings"])))


@pytest.mark.server
def test_misspelt_parameter_is_refused_at_an_endpoint_too(oxigraph_server: Server) -> None:
    """The command and the API take one path: a need that is not a sam:Need is refused with a
    suggestion at an endpoint as it is locally (it once answered 0 rows, exit 0)."""
    graph = f"https://example.org/test/{uuid.uuid4()}"
    loader(oxigraph_server).load(graph=graph)
    for where in ((), ("--endpoint", oxigraph_server.query_url, "--graph", graph)):
        code, _, err = run("query", "--lang", "en", "cq05-forms-for-need",
                           "--bind", "need=sam:CompareFastingGlukose",
                           *where)
        assert_one_line_error(code, err, "did you mean sam:CompareFastingGlucose?")


@pytest.mark.server
def test_query_endpoint_refuses_updates(oxigraph_server: Server, tmp_path: Path) -> None:
    code, _, err = run("query", "--lang", "en", query_file(tmp_path, "CLEAR ALL"), "--endpoint", oxigraph_server.query_url)
    assert_one_line_error(code, err, "update")


def test_graph_needs_endpoint_and_endpoint_refuses_data(tmp_path: Path) -> None:
    rq = query_file(tmp_path, "ASK {}")
    assert_one_line_error(*run("query", rq, "--graph", "https://e/g")[::2], "--endpoint")
    assert_one_line_error(*run("query", rq, "--endpoint", "http://127.0.0.1:1/sparql", "--data",
                               str(ROOT / "ontology" / "samhandling.ttl"))[::2], "load")


@pytest.mark.server
def test_virtuoso_row_cap_is_reported(virtuoso_server: Server, tmp_path: Path) -> None:
    rq = query_file(tmp_path, "SELECT ?s ?o WHERE { ?s ?p ?o . ?o ?q ?r }")  # > 10,000 rows
    code, out, err = run("query", rq, "--endpoint", virtuoso_server.query_url)
    assert code == 0, err
    assert out.rstrip().endswith("(10000 rader, avkortet av lageret)")
    code, out, err = run("query", "--lang", "en", rq, "--endpoint", virtuoso_server.query_url, "--format", "csv")
    assert code == 0 and "capped the answer at 10000 rows" in err
    assert reader(virtuoso_server, None).query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5").truncated is False


# --- failures of an endpoint: one line, exit 2 -------------------------------------------------


class _Stub(StubHandler):
    """Answers by path: /403, /500, /html (200 but not SPARQL), /slow (never in time)."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        status = {"/403": 403, "/500": 500, "/503": 503}.get(path, 200)
        body = b"<html><body>Welcome to nginx</body></html>" if status == 200 else b"boom\nsecond line"
        self.reply(status, body, "text/html")

    do_POST = do_GET


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    with http_server(_Stub) as url:
        yield url


@pytest.mark.parametrize(("path", "fragment"), [
    ("/403", "403"),
    ("/500", "server error 500"),
    ("/503", "503"),
    ("/html", "not SPARQL JSON results"),
])
def test_endpoint_failures_are_one_line(stub: str, path: str, fragment: str, tmp_path: Path) -> None:
    code, out, err = run("query", "--lang", "en", query_file(tmp_path, "SELECT * WHERE { ?s ?p ?o }"),
                         "--endpoint", stub + path)
    assert_one_line_error(code, err, stub + path, fragment)
    assert out == ""


def test_endpoint_timeout(stub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "1")
    started = time.monotonic()
    code, _, err = run("query", "--lang", "en", query_file(tmp_path, "ASK {}"), "--endpoint", stub + "/slow")
    assert_one_line_error(code, err, stub + "/slow", "timed out after 1 s")
    assert time.monotonic() - started < 3


def test_unreachable_endpoint(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, _, err = run("query", "--lang", "en", query_file(tmp_path, "ASK {}"), "--endpoint", url)
    assert_one_line_error(code, err, url, "connection refused")


@pytest.mark.server
def test_not_found_and_unauthorised(oxigraph_server: Server, virtuoso_server: Server, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rq = query_file(tmp_path, "ASK {}")
    code, _, err = run("query", "--lang", "en", rq, "--endpoint", oxigraph_server.base + "/nothing-here")
    assert_one_line_error(code, err, "/nothing-here", "404")
    code, _, err = run("query", "--lang", "en", rq, "--endpoint", virtuoso_server.base + "/sparql-auth")
    assert_one_line_error(code, err, "/sparql-auth", "401", "SAMHANDLING_USER")
    monkeypatch.setenv("SAMHANDLING_USER", "dba")
    monkeypatch.setenv("SAMHANDLING_PASSWORD", "Wrong-Pa55word-4711")
    code, out, err = run("query", "--lang", "en", rq, "--endpoint", virtuoso_server.base + "/sparql-auth")
    assert_one_line_error(code, err, "401", "refused the credentials")
    assert "Wrong-Pa55word-4711" not in out + err
    monkeypatch.setenv("SAMHANDLING_PASSWORD", "dba")  # Digest, answered right
    code, out, err = run("query", "--lang", "en", rq, "--endpoint", virtuoso_server.base + "/sparql-auth")
    assert (code, out.strip()) == (0, "yes"), err


def test_credentials_in_the_url_are_refused_without_echoing_them(tmp_path: Path) -> None:
    code, out, err = run("query", query_file(tmp_path, "ASK {}"), "--endpoint",
                         "http://dba:Secret-In-Url-99@127.0.0.1:1/sparql")
    assert_one_line_error(code, err, "SAMHANDLING_USER")
    assert "Secret-In-Url-99" not in out + err
    with pytest.raises(EndpointError):
        EndpointStore(f"http://127.0.0.1:{free_port()}/sparql").query("ASK {}")


def test_a_missing_server_skips_locally_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import servers

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        servers.unavailable("Virtuoso is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but Virtuoso is not installed"):
        servers.unavailable("Virtuoso is not installed")


@pytest.mark.server
def test_no_rows_from_an_empty_default_graph_hints_at_graph(oxigraph_server: Server, tmp_path: Path) -> None:
    """``load`` writes a named graph; a query without --graph then reads Oxigraph's empty
    default graph. The answer (no rows) stands, with a note on stderr naming --graph."""
    graph = f"https://example.org/test/{uuid.uuid4()}"
    assert run("load", "--graph-store", oxigraph_server.graph_store_url, "--graph", graph)[0] == 0
    rq = query_file(tmp_path, PROBES["grouping"][0])
    code, out, err = run("query", rq, "--endpoint", oxigraph_server.query_url)
    assert code == 0 and out.rstrip().endswith("(0 rader)"), err
    assert err.startswith("samhandling: note: the store's default graph is empty") and err.count("\n") == 1, err
    assert "--graph" in err
    code, out, err = run("query", rq, "--endpoint", oxigraph_server.query_url, "--graph", graph)
    assert code == 0 and err == "" and not out.rstrip().endswith("(0 rows)")


def test_a_store_folder_that_cannot_be_opened_is_named_in_each_language(tmp_path: Path) -> None:
    from samhandling_kg.core.errors import SamhandlingError
    from samhandling_kg.stores.local import OxigraphStore

    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("a file, where the store's folder belongs")
    with pytest.raises(SamhandlingError) as raised:
        OxigraphStore(not_a_folder)
    for lang, phrase in {"nb": "kan ikke åpne Oxigraph-lageret", "nn": "kan ikkje opne Oxigraph-lageret",
                         "en": "cannot open the Oxigraph store"}.items():
        line = raised.value.in_language(lang)
        assert line.startswith(f"{not_a_folder}: {phrase}: "), (lang, line)
