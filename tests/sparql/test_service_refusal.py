"""SERVICE never runs locally, whatever the text: a loopback canary that must never ring.

rdflib checks a local query and pyoxigraph executes it, and pyoxigraph runs SERVICE over HTTP.
The two parsers read some texts differently (a lone CR ends a comment for Oxigraph only; rdflib
expands ``\\u`` escapes everywhere, Oxigraph only inside strings and IRIs), which once let a
SERVICE clause past the check (hostile read, round two). Every local query now runs as one
canonical text that both read alike, and the executed text passes a parser-independent test.
These tests listen on a loopback port that the queries name as their SERVICE endpoint: a
connection to it is the failure, whatever the query answered.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import serving
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from samhandling_kg.cli import main
from samhandling_kg.core.errors import QueryError, SamhandlingError
from samhandling_kg.serve.server import make_server
from samhandling_kg.sparql.guard import canonical_query, refuse_service
from samhandling_kg.stores.local import OxigraphStore, RdflibStore


class Canary:
    """A TCP listener on loopback that counts the connections made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.rings = 0
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.rings += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """One triple: enough for Oxigraph to evaluate a SERVICE next to ``?s ?p ?o`` (an empty
    pattern would skip it), and no cross product of the ontology with itself when a disguise
    turns the SERVICE clause into a plain group."""
    tiny = OxigraphStore()
    tiny.store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                           ox.Literal("o")))
    return tiny


# The two texts the hostile read found, with the canary as the endpoint. Read as SPARQL 1.1
# says (escapes expanded before parsing), the second is malformed: the expanded quote ends the
# string, and the "#" that follows comments out the SERVICE clause and the closing brace.
def cr_comment(url: str) -> str:
    return f"SELECT * WHERE {{ ?s ?p ?o # x\rSERVICE <{url}> {{ ?a ?b ?c }}\n}}\n"


def escaped_quote(url: str) -> str:
    return (f'SELECT * WHERE {{ ?s ?p ?o BIND("a\\u0022 AS ?x) # " AS ?x) '
            f"SERVICE <{url}> {{ ?a ?b ?c }} }}\n")


BYPASSES = [cr_comment, escaped_quote]
REFUSAL = {"cr_comment": "SERVICE clauses are not run", "escaped_quote": "malformed SPARQL"}


def test_the_canary_rings_when_pyoxigraph_runs_service_unchecked(canary: Canary) -> None:
    """The control: without the check, pyoxigraph does connect (so a silent canary means
    something)."""
    before = canary.rings
    unguarded = ox.Store()
    unguarded.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                          ox.Literal("o")))
    with pytest.raises(OSError):
        list(unguarded.query(cr_comment(canary.url)))
    assert canary.rings == before + 1


@pytest.mark.parametrize("make", BYPASSES, ids=lambda f: f.__name__)
def test_bypasses_are_refused_by_both_stores(make, canary: Canary, store: OxigraphStore) -> None:
    text, before = make(canary.url), canary.rings
    for engine in (store, RdflibStore()):
        with pytest.raises(QueryError, match=REFUSAL[make.__name__]):
            engine.query(text)
    assert canary.rings == before


@pytest.mark.parametrize("make", BYPASSES, ids=lambda f: f.__name__)
def test_bypasses_are_refused_by_the_command(make, canary: Canary, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path, before = tmp_path / "q.rq", canary.rings
    path.write_bytes(make(canary.url).encode("utf-8"))
    for store_name in ("oxigraph", "rdflib"):
        assert main(["query", "--lang", "en", str(path), "--store", store_name]) == 2
        err = capsys.readouterr().err
        assert REFUSAL[make.__name__] in err and len(err.strip().splitlines()) == 1
    assert canary.rings == before


@pytest.fixture(scope="module")
def endpoint(store: OxigraphStore) -> Iterator[tuple[str, int]]:
    with serving(make_server(store, "127.0.0.1", 0)) as where:
        yield where


@pytest.mark.parametrize("make", BYPASSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("method", ["GET", "form POST", "query POST"])
def test_bypasses_are_refused_by_serve(make, method: str, canary: Canary,
                                       endpoint: tuple[str, int]) -> None:
    """A web page can send a form POST to 127.0.0.1 without a CORS preflight: the server must
    not become a way into the user's internal network."""
    text, before = make(canary.url), canary.rings
    encoded = urllib.parse.urlencode({"query": text})
    connection = http.client.HTTPConnection(*endpoint, timeout=10)
    try:
        if method == "GET":
            connection.request("GET", "/sparql?" + encoded)
        elif method == "form POST":
            connection.request("POST", "/sparql", body=encoded.encode("ascii"),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        else:
            connection.request("POST", "/sparql", body=text.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 400 and REFUSAL[make.__name__].encode() in body
    assert canary.rings == before


# --- property tests: SERVICE in every position, dressed in every disguise -----------------

_BEFORE = [
    "", "# x\r", "# x\n", "#\r\n", "# \" ' <\r", "\r", "\t", "?s ?p ?o .", '"a" ', "'a' ",
    '"""a\r#"""', "'''b\n'''", '"\\u0022" ', 'BIND("a\\u0022 AS ?x) # " AS ?x) ',
    'BIND("a\\" AS ?y) # " AS ?y) ', "FILTER(?s<?o) #>\" \n", "FILTER(?s<?o)#>'\r",
    "<http://example.org/a#b> ", "FILTER(1<2)", "OPTIONAL { ?s ?p ?o } ", "{ } UNION ", "1",
    "?s ?p 1", "?s ?p true", "\\u0023 ", "\\u000d", "\\U0000000A",
]
_SEPARATORS = ["", " ", "\t", "\r", "\n", "# c\r", "# c\n", "\r\n", " # \"\r ", "\\u0020"]


def _targets(url: str) -> list[str]:
    return [f"<{url}>", f"SILENT <{url}>", "c:", "c:x", "?svc", "$svc",
            f"<{url.replace('1', chr(92) + 'u0031', 1)}>", f"SILENT{chr(10)}<{url}>"]


def _keyword(draw: st.DrawFn) -> str:
    """SERVICE in a random case, mostly plain (a keyword Oxigraph reads), sometimes with
    letters written as escapes (which SPARQL 1.1 expands before parsing)."""
    letters = [draw(st.sampled_from([c, c.lower()])) for c in "SERVICE"]
    escaped = draw(st.sampled_from([0, 0, 0, 0, 1, 1, 7]))
    for index in draw(st.permutations(range(7)))[:escaped]:
        code = ord(letters[index])
        letters[index] = draw(st.sampled_from([f"\\u{code:04X}", f"\\U{code:08x}"]))
    return "".join(letters)


@st.composite
def disguised_service(draw: st.DrawFn, url: str) -> str:
    before = draw(st.lists(st.sampled_from(_BEFORE), max_size=3))
    keyword = _keyword(draw)
    separator = draw(st.sampled_from(_SEPARATORS))
    target = draw(st.sampled_from(_targets(url)))
    after = draw(st.sampled_from([" { ?a ?b ?c }", "{?a ?b ?c}", " # }\r{ ?a ?b ?c }"]))
    closing = draw(st.sampled_from(["\n}", " }", "}\r", "\n} # trailing"]))
    return (f"PREFIX c: <{url}>\nSELECT * WHERE {{ VALUES ?svc {{ <{url}> }} ?s ?p ?o . "
            f"{''.join(before)}{keyword}{separator}{target}{after}{closing}")


def _rings(store: OxigraphStore, canary: Canary, text: str) -> bool:
    """Whether running ``text`` connected to the canary. No waiting is needed: the listener
    counts a connection before it closes it, and Oxigraph returns only after the close."""
    before = canary.rings
    try:
        store.query(text)
    except (SamhandlingError, OSError):
        pass
    return canary.rings != before


def test_the_generator_finds_the_old_bypass(canary: Canary, store: OxigraphStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The property test below can fail: with the canonical reading and the SERVICE test
    switched off (the checker was rdflib's parse alone), its generator finds a text that
    reaches the canary."""
    from samhandling_kg.sparql import guard
    from samhandling_kg.stores import local

    for module in (guard, local):
        monkeypatch.setattr(module, "canonical_query", lambda text, source="query": text)
        monkeypatch.setattr(module, "refuse_service", lambda text, source="query": None)
    found = find(disguised_service(canary.url), lambda text: _rings(store, canary, text),
                 settings=settings(max_examples=500, deadline=None, database=None))
    assert "SERVICE" in found.upper()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_disguise_reaches_the_canary(data: st.DataObject, canary: Canary,
                                        store: OxigraphStore) -> None:
    text = data.draw(disguised_service(canary.url))
    assert not _rings(store, canary, text), f"SERVICE ran for: {text!r}"


_SOUP = ["SERVICE", "service", "SILENT", "<", ">", "{", "}", "?x", "c:", "#", "\r", "\n", '"',
         "'", '"""', "\\u0022", "\\u0023", "\\u000A", "\\u000D", "\\u003C", " ", ".", "(", ")",
         "FILTER", "BIND", "AS", "1", "true"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(_SOUP), max_size=25))
def test_no_token_soup_reaches_the_canary(tokens: list[str], canary: Canary,
                                          store: OxigraphStore) -> None:
    url = canary.url
    soup = "".join(tokens).replace("<", f"<{url}>", 1)  # one IRI: the canary
    text = f"PREFIX c: <{url}>\nSELECT * WHERE {{ ?s ?p ?o . {soup} }}"
    assert not _rings(store, canary, text), f"SERVICE ran for: {text!r}"


# --- what the canonical reading keeps, and what the SERVICE test lets through -------------


def test_canonical_text_keeps_lines_strings_and_iris() -> None:
    text = 'SELECT ?x # a comment "with" <quotes>\nWHERE { BIND("# not a comment" AS ?x) } # end\r'
    assert canonical_query(text) == 'SELECT ?x \nWHERE { BIND("# not a comment" AS ?x) } \r'
    assert canonical_query('SELECT ("caf\\u00E9" AS ?x) {}') == 'SELECT ("café" AS ?x) {}'
    assert canonical_query("ASK { <http://example.org/a#b> ?p ?o }") == \
        "ASK { <http://example.org/a#b> ?p ?o }"


@pytest.mark.parametrize("text", [
    'SELECT ("a\\uD800b" AS ?x) {}',  # an escaped lone surrogate
    'SELECT ("\\u005Cu0041" AS ?x) {}',  # an escape that makes an escape
])
def test_ambiguous_escapes_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL"):
        canonical_query(text)


@pytest.mark.parametrize("text", [
    "SELECT ?service WHERE { ?service <http://example.org/p> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p <https://example.org/service?id=1> }",
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, "information service")) }',
])
def test_names_iris_and_plain_words_are_not_taken_for_service(text: str) -> None:
    refuse_service(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE<http://example.org/>{ ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p trueSERVICE ?x { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE ex:x { ?a ?b ?c } }",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o = "self-service ?") }',  # refused: errs on the safe side
])
def test_anything_that_could_be_service_is_refused(text: str) -> None:
    with pytest.raises(QueryError, match="SERVICE clauses are not run"):
        refuse_service(text)


def test_a_path_that_crashes_pyoxigraph_is_refused_locally(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """About 12,000 path steps segfault pyoxigraph (docs/upstream/): the command refuses the
    query in one line before the engine sees it, as serve does (one check for both)."""
    path = tmp_path / "deep.rq"
    path.write_text("PREFIX e: <http://example.org/> SELECT * WHERE { ?s "
                    + "/".join(["e:p"] * 12_000) + " ?o }", encoding="utf-8")
    assert main(["query", "--lang", "en", str(path)]) == 2
    err = capsys.readouterr().err
    assert "more than 2000 operators" in err and err.count("\n") == 1
