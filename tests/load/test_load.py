"""``samhandling load``: the graph is replaced whole, idempotently, and a failed load — a
connection cut in the middle of the upload, a server error, malformed input — leaves the store
with the graph it had. Proven against Oxigraph server and Virtuoso."""

from __future__ import annotations

import base64
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers import ASK_TRUE, SPARQL_JSON, StubHandler, assert_one_line_error, http_server, run
from hypothesis import given
from hypothesis import strategies as st
from servers import (
    SERVERS,
    FaultyProxy,
    Server,
    free_port,
    leftover_temporary_graphs,
    loader,
    reader,
    triples_in,
)

from samhandling_kg.io.http import HttpClient
from samhandling_kg.io.streams import write_ntriples
from samhandling_kg.stores.local import OxigraphStore

#: Seconds a store may stay silent in these tests (the ``server`` fixture of conftest.py).
SERVER_TIMEOUT = 20
PASSWORD_ENV = "SAMHANDLING_PASSWORD"


def catalogue(path: Path, records: int) -> Path:
    """A generated N-Triples file of ``records`` solutions (5 triples each)."""
    sam, dct = "https://w3id.org/samhandling#", "http://purl.org/dc/terms/"
    with path.open("w", encoding="utf-8") as out:
        for i in range(records):
            s = f"<https://example.org/solution/{i}>"
            out.write(f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{sam}Solution> .\n"
                      f'{s} <{dct}identifier> "S{i}" .\n'
                      f'{s} <{dct}title> "Løsning {i}"@nb .\n'
                      f"{s} <{sam}realises> <{sam}SendAndReceive> .\n"
                      f"{s} <{sam}uses> <{sam}MessageExchange> .\n")
    return path


def new_graph() -> str:
    return f"https://example.org/test/{uuid.uuid4()}"


def load_cli(store_url: str, graph: str, *files: Path) -> tuple[int, str, str]:
    return run("load", "--graph-store", store_url, "--graph", graph, *map(str, files))


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_load_reports_and_is_idempotent(server: Server, tmp_path: Path) -> None:
    graph = new_graph()
    data = catalogue(tmp_path / "catalogue.nt", 200)
    code, out, err = load_cli(server.graph_store_url, graph, data)
    assert code == 0, err
    first = triples_in(server, graph)
    assert first > 1000 + 1000  # the ontology plus 1,000 catalogue triples
    assert out.startswith(f"loaded {first} triples from the ontology and 1 file into graph <{graph}> at "
                          f"{server.graph_store_url} in ") and out.rstrip().endswith(" s")
    assert err == ""
    code, out, err = load_cli(server.graph_store_url, graph, data)  # again: the same graph
    assert code == 0, err
    assert triples_in(server, graph) == first
    code, out, err = load_cli(server.graph_store_url, graph)  # fewer files: replaced, not added
    assert code == 0, err
    assert triples_in(server, graph) == first - 1000
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_default_graph_is_the_ontology_iri(server: Server) -> None:
    code, out, err = run("load", "--graph-store", server.graph_store_url)
    assert code == 0, err
    assert "into graph <https://w3id.org/samhandling>" in out
    assert triples_in(server, "https://w3id.org/samhandling") > 1000


def _before(server: Server, tmp_path: Path) -> tuple[str, int, Path]:
    graph = new_graph()
    code, _, err = load_cli(server.graph_store_url, graph)
    assert code == 0, err
    return graph, triples_in(server, graph), catalogue(tmp_path / "catalogue.nt", 2000)


def _port(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_connection_cut_mid_upload_keeps_the_old_graph(server: Server, tmp_path: Path) -> None:
    graph, before, data = _before(server, tmp_path)
    with FaultyProxy(_port(server), drop_after=200_000) as proxy:
        code, out, err = load_cli(proxy.url(server.graph_store_url.split(str(_port(server)), 1)[1]),
                                  graph, data)
    assert proxy.dropped >= 1, proxy.requests
    assert_one_line_error(code, err, "connection lost while uploading")
    assert out == ""
    assert triples_in(server, graph) == before
    if "may yet apply it" in err:
        # The whole request had left this machine when the connection broke, so the store
        # might have it: the load said so, and kept the graph claimed. Nothing came of it.
        assert "--clean" in err
        assert run("load", "--graph-store", server.graph_store_url, "--clean")[0] == 0
        assert triples_in(server, graph) == before
    assert leftover_temporary_graphs(server) == []


def _path(server: Server) -> str:
    return server.graph_store_url.split(str(_port(server)), 1)[1]


def _is_swap(head: bytes) -> bool:
    """The request that changes the target graph: a MOVE from the temporary graph (Virtuoso,
    or a change too big for one update), the one update of the changes (Oxigraph, a graph that
    holds triples: sent as application/sparql-update) or the bulk upload into an empty graph."""
    first = head.split(b"\r\n", 1)[0]
    return (b"MOVE" in head or b"application/sparql-update" in head.lower()
            or (first.startswith(b"POST /store") and b"no_transaction" in first
                and b"urn%3Asamhandling%3Aload%3A" not in first))


def _is_transfer(head: bytes) -> bool:
    """The request that moves the data: the upload (PUT into the temporary graph, POST into an
    empty graph) or, for a change set, the download of what the graph holds."""
    first = head.split(b"\r\n", 1)[0]
    return first.startswith((b"PUT ", b"POST /store")) or (
        first.startswith(b"GET /store") and b"urn%3Asamhandling" not in first)


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize("failing", ["transfer", "swap"])
def test_server_error_keeps_the_old_graph(server: Server, tmp_path: Path, failing: str) -> None:
    graph, before, data = _before(server, tmp_path)
    fail = _is_transfer if failing == "transfer" else _is_swap
    with FaultyProxy(_port(server), fail=fail) as proxy:
        code, _, err = load_cli(proxy.url(_path(server)), graph, data)
    assert_one_line_error(code, err, "server error 500", proxy.url(""))
    assert triples_in(server, graph) == before
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_malformed_input_sends_nothing(server: Server, tmp_path: Path) -> None:
    graph, before, data = _before(server, tmp_path)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n",
                   encoding="utf-8")
    with FaultyProxy(_port(server)) as proxy:
        code, _, err = load_cli(proxy.url(_path(server)), graph, data, bad)
    assert_one_line_error(code, err, f"{bad}:3:", "malformed Turtle")
    assert proxy.requests == []  # checked before anything is sent
    assert triples_in(server, graph) == before


def _quoted(iri: str) -> bytes:
    return iri.replace(":", "%3A").replace("/", "%2F").encode()


def _recorded(server: Server, graph: str, *files: Path) -> tuple[int, str, list[bytes]]:
    """Load through a proxy that records every request (head and small bodies)."""
    bodies: list[bytes] = []

    def record(head: bytes) -> bool:
        bodies.append(head)
        return False

    with FaultyProxy(_port(server), fail=record) as proxy:
        code, _, err = load_cli(proxy.url(_path(server)), graph, *files)
    assert code == 0, err
    return code, err, bodies


def _data_writes(bodies: list[bytes], graph: str) -> list[bytes]:
    """Requests that write data naming ``graph``: leave out queries and the load records."""
    writes = [b for b in bodies if b"\r\n\r\nquery=" not in b and not b.startswith(b"GET ")
              and (b"urn%3Asamhandling%3Aloads" not in b or b"MOVE" in b)]
    return [b for b in writes if _quoted(graph) in b or graph.encode() in b]


@pytest.mark.server
@pytest.mark.parametrize(("server", "way"), [("oxigraph_server", "changes"), ("oxigraph_server", "move"),
                                            ("virtuoso_server", "move")], indirect=["server"])
def test_a_graph_that_holds_triples_is_touched_only_by_the_swap(server: Server, tmp_path: Path, way: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a temporary graph (urn:samhandling:load:<time>:<random>), the target is written by
    one request only: the update that moves the upload onto it. On Oxigraph, a graph that holds
    triples gets the changes in one update instead (no upload, no copy) — unless they are too
    many for one update, when it goes the first way."""
    from samhandling_kg.load import diff

    if way == "move":
        monkeypatch.setattr(diff, "CHANGES_LIMIT", 0)
    graph, _, data = _before(server, tmp_path)
    _, _, bodies = _recorded(server, graph, data)
    puts = [b for b in bodies if b.startswith(b"PUT ")]
    swaps = [b for b in bodies if _is_swap(b)]
    assert len(swaps) == 1, swaps
    if way == "move":
        assert len(puts) == 1, puts
        assert re.search(rb"urn%3Asamhandling%3Aload%3A\d{8}T\d{6}Z%3A[0-9a-f]{12}", puts[0].split(b"\r\n", 1)[0])
        naming = _data_writes(bodies, graph)
        assert len(naming) == 1 and b"MOVE" in naming[0], naming
    else:
        assert puts == [] and b"application/sparql-update" in swaps[0].lower()
        writes = [b for b in bodies if not b.startswith(b"GET ") and b"\r\n\r\nquery=" not in b
                  and b"urn%3Asamhandling%3Aloads" not in b]
        assert writes == swaps, writes


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_changes_and_move_give_the_same_graph(server: Server, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle for the change set: a graph re-loaded with other files (triples removed,
    added, changed, blank nodes, a triple named twice) holds exactly what a load through a
    temporary graph and MOVE gives — and what a fresh load gives."""
    from rdflib.compare import isomorphic

    from samhandling_kg.load import diff

    first = catalogue(tmp_path / "first.nt", 200)
    text = catalogue(tmp_path / "second.nt", 150).read_text(encoding="utf-8")
    text = text.replace('"Løsning 7"@nb', '"Løsning sju"@nb') + (
        '<https://example.org/solution/1> <https://example.org/note> _:n .\n'
        '_:n <https://example.org/text> "blank «node»\\n with a line break" .\n'
        '<https://example.org/solution/1> <http://purl.org/dc/terms/identifier> "S1" .\n')
    second = tmp_path / "second.nt"
    second.write_text(text, encoding="utf-8")

    def graph_of(iri: str) -> Any:
        return reader(server, None).query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").graph

    graphs = {}
    for way in ("changes", "move", "fresh"):
        monkeypatch.setattr(diff, "CHANGES_LIMIT", 0 if way == "move" else 64 * 1024 * 1024)
        graph = new_graph()
        if way != "fresh":
            assert load_cli(server.graph_store_url, graph, first)[0] == 0
        code, _, err = load_cli(server.graph_store_url, graph, second)
        assert code == 0, err
        graphs[way] = graph_of(graph)
    assert len(graphs["fresh"]) > 1000
    assert isomorphic(graphs["changes"], graphs["fresh"]) and isomorphic(graphs["move"], graphs["fresh"])
    assert leftover_temporary_graphs(server) == []


TRICKY_TERMS = r'''@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://example.org/e/> .
e:a e:text "quote \" backslash \\ tab\t line\nbreak «æøå» 🙂" , """three
lines "quoted" here""" , "nb"@nb , "nn-NO"@nn-NO , "" ;
    e:number 1 , "01"^^xsd:integer , 1.50 , 1e3 , "maybe"^^xsd:boolean , true ,
        "2024-02-29"^^xsd:date , "x"^^e:own ;
    e:link <https://example.org/e/with%20escape?q=1#frag> , [ e:inner [ e:deep "d" ] ] ;
    e:list ( 1 "two" e:three ) .
_:shared e:p _:shared .
'''


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_the_turtle_upload_keeps_every_term(server: Server, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The upload goes as Turtle (most stores parse it faster) or as N-Triples (Oxigraph, where
    a re-load compares lines); either way, on either server, the graphs are the same (strings
    with quotes and line breaks, short numbers, ill-typed and own datatypes, language tags,
    nested blank nodes, lists, a blank-node cycle), into an empty graph and through the swap
    alike (on Oxigraph a Turtle upload cannot be compared as lines, so it goes through MOVE)."""
    from rdflib.compare import isomorphic

    from samhandling_kg.io import streams
    from samhandling_kg.load import swap as swapping

    data = tmp_path / "tricky.ttl"
    data.write_text(TRICKY_TERMS, encoding="utf-8")
    other = catalogue(tmp_path / "other.nt", 3)

    def graph_of(iri: str) -> Any:
        return reader(server, None).query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").graph

    graphs = {}
    for way in ("ntriples", "turtle"):
        with monkeypatch.context() as patch:
            writer = streams.write_ntriples if way == "ntriples" else streams.write_turtle
            patch.setattr(swapping, "_upload_writer", lambda store, writer=writer: writer)
            for swap in (False, True):
                graph = new_graph()
                if swap:  # a graph that holds triples: the swap way
                    assert load_cli(server.graph_store_url, graph, other)[0] == 0
                code, _, err = load_cli(server.graph_store_url, graph, data)
                assert code == 0, err
                graphs[way, swap] = graph_of(graph)
    assert len(graphs["ntriples", False]) > 1000
    for swap in (False, True):
        assert isomorphic(graphs["turtle", swap], graphs["ntriples", swap]), swap
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
def test_an_empty_graph_on_oxigraph_gets_one_bulk_upload(oxigraph_server: Server, tmp_path: Path) -> None:
    """Into an empty graph, Oxigraph's bulk loader (which commits the whole upload at its end)
    takes the data directly: no temporary graph, no copy."""
    graph = new_graph()
    _, _, bodies = _recorded(oxigraph_server, graph, catalogue(tmp_path / "c.nt", 100))
    naming = _data_writes(bodies, graph)
    assert len(naming) == 1 and naming[0].startswith(b"POST /store?graph=") and b"no_transaction" in naming[0]
    assert not [b for b in bodies if b.startswith(b"PUT ")]
    assert triples_in(oxigraph_server, graph) > 500
    assert leftover_temporary_graphs(oxigraph_server) == []


def _other_catalogue(path: Path, records: int) -> Path:
    """Like catalogue(), with other subjects: a union of the two is easy to see."""
    text = catalogue(path, records).read_text(encoding="utf-8")
    path.write_text(text.replace("example.org/solution/", "example.org/other/"), encoding="utf-8")
    return path


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize("empty", [True, False], ids=["empty-graph", "full-graph"])
def test_concurrent_loads_never_leave_the_union(server: Server, tmp_path: Path, empty: bool) -> None:
    """Two loads of different files into one graph at the same moment, their swaps held by a
    proxy until both have arrived (so they overlap): the graph ends up as one of the two files,
    whole, and a load that did not go on says so in one line."""
    graph = new_graph()
    if not empty:
        assert load_cli(server.graph_store_url, graph)[0] == 0
    first, second = catalogue(tmp_path / "a.nt", 300), _other_catalogue(tmp_path / "b.nt", 400)
    alone = {}
    for name, data in (("a", first), ("b", second)):
        probe = new_graph()
        assert load_cli(server.graph_store_url, probe, data)[0] == 0
        alone[name] = triples_in(server, probe)

    swap = _is_swap
    results: dict[str, tuple[int, str, str]] = {}
    with FaultyProxy(_port(server), gate=swap, gate_timeout=4) as proxy:
        threads = [threading.Thread(target=lambda n=n, d=d: results.__setitem__(n, load_cli(proxy.url(_path(server)), graph, d)))
                   for n, d in (("a", first), ("b", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    held = triples_in(server, graph)
    assert held in (alone["a"], alone["b"]), (held, alone, results)
    winners = [n for n, (code, _, _) in results.items() if code == 0]
    assert len(winners) == 1 and held == alone[winners[0]], results
    for code, out, err in results.values():
        if code != 0:
            assert_one_line_error(code, err, "another load into this graph is under way")
            assert out == ""
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize("empty", [True, False], ids=["empty-graph", "full-graph"])
def test_a_swap_whose_answer_is_lost_is_reported_as_done(server: Server, tmp_path: Path, empty: bool,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The store applies the swap but its answer never arrives (timeout): the load asks the
    store, finds the graph replaced, and says so (exit 0) instead of claiming a failure."""
    graph = new_graph()
    if not empty:
        assert load_cli(server.graph_store_url, graph)[0] == 0
    data = catalogue(tmp_path / "c.nt", 300)
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "3")

    with FaultyProxy(_port(server), swallow=_is_swap) as proxy:
        code, out, err = load_cli(proxy.url(_path(server)), graph, data)
    assert proxy.swallowed, proxy.requests
    assert code == 0, err
    held = triples_in(server, graph)
    assert f"loaded {held} triples" in out
    assert err.count("\n") == 1 and "answer to the swap was lost" in err and "timed out after 3 s" in err, err
    assert f"now holds {held} triples" in err
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_a_swap_not_yet_applied_is_reported_and_cleaned_explicitly(server: Server, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap never reaches the store within the timeout: the load says the graph still holds
    its old triples but the store may yet apply the swap, keeps the temporary graph for it, and
    keeps other loads off the graph; ``load --clean`` removes what it left."""
    graph, before, data = _before(server, tmp_path)
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "3")
    with FaultyProxy(_port(server), hold=_is_swap) as proxy:
        code, out, err = load_cli(proxy.url(_path(server)), graph, data)
    assert proxy.held
    assert_one_line_error(code, err, "timed out after 3 s", f"still holds its old {before} triples",
                          "may yet apply it", "--clean")
    assert out == ""
    assert triples_in(server, graph) == before
    left = leftover_temporary_graphs(server)
    # the record, and on Virtuoso the temporary graph (Oxigraph gets the changes in the update)
    assert "urn:samhandling:loads" in left and len(left) == (2 if server.name == "virtuoso" else 1), left
    code, _, err = load_cli(server.graph_store_url, graph, data)  # the graph is still claimed
    assert_one_line_error(code, err, "another load into this graph is under way", "--clean")
    assert triples_in(server, graph) == before
    code, out, err = run("load", "--graph-store", server.graph_store_url, "--clean")
    assert code == 0, err
    assert out.startswith("removed 1 temporary graph of loads") and re.search(r"\n  urn:samhandling:load:\d{8}T", out), out
    assert leftover_temporary_graphs(server) == []
    assert load_cli(server.graph_store_url, graph, data)[0] == 0


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_interrupt_after_the_swap_says_what_the_store_holds(server: Server, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C arrives just after the store applied the swap: the command says the graph was
    replaced (exit 130), not only "interrupted"."""
    from samhandling_kg.stores.endpoint import EndpointStore

    graph, _, data = _before(server, tmp_path)
    update = EndpointStore.update

    def interrupted_after_the_move(self: EndpointStore, text: str | Path) -> None:
        update(self, text)
        if isinstance(text, Path) or text.startswith("MOVE"):  # the swap, either way
            raise KeyboardInterrupt

    monkeypatch.setattr(EndpointStore, "update", interrupted_after_the_move)
    code, out, err = load_cli(server.graph_store_url, graph, data)
    monkeypatch.undo()
    held = triples_in(server, graph)
    assert code == 130 and out == "" and err.count("\n") == 1, (code, err)
    assert err.startswith("samhandling: interrupted; ") and f"now holds {held} triples" in err, err
    assert held > 10_000
    assert leftover_temporary_graphs(server) == []


@pytest.mark.server
@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_a_killed_load_is_cleaned_by_the_next_one(server: Server, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A load process killed (SIGKILL) after its upload leaves its temporary graph and record.
    While its record is fresh, another load into that graph is refused; once it has expired,
    the next load removes them and says so."""
    from samhandling_kg.load import lease

    graph, before, data = _before(server, tmp_path)
    with FaultyProxy(_port(server), hold=_is_swap) as proxy:
        env = {**os.environ, "SAMHANDLING_TIMEOUT": "60", "PYTHONPATH": str(Path(__file__).parents[1])}
        child = subprocess.Popen(
            [sys.executable, "-c", "import sys; from samhandling_kg.cli import main; sys.exit(main())",
             "load", "--graph-store", proxy.url(_path(server)), "--graph", graph, str(data)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not proxy.held and time.monotonic() < deadline:
            time.sleep(0.05)
        child.kill()
        child.wait(10)
    assert proxy.held, "the load never reached the swap"
    left = leftover_temporary_graphs(server)
    assert "urn:samhandling:loads" in left and len(left) == (2 if server.name == "virtuoso" else 1), left
    code, _, err = load_cli(server.graph_store_url, graph)
    assert_one_line_error(code, err, "another load into this graph is under way")
    monkeypatch.setattr(lease, "LEASE", 0.0)  # as if its lease had run out
    code, out, err = load_cli(server.graph_store_url, graph)
    assert code == 0 and out.startswith("loaded "), err
    assert err.startswith("samhandling: note: removed the temporary graph of 1 earlier load that "
                          "stopped without finishing: urn:samhandling:load:"), err
    assert leftover_temporary_graphs(server) == []
    assert triples_in(server, graph) == before


@pytest.mark.server
def test_wrong_password_is_refused_and_never_printed(virtuoso_server: Server,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "Recognisable-Pa55word-0815"
    monkeypatch.setenv("SAMHANDLING_USER", "dba")
    monkeypatch.setenv(PASSWORD_ENV, secret)
    code, out, err = run("load", "--graph-store", virtuoso_server.graph_store_url, "--graph", new_graph())
    assert_one_line_error(code, err, "401", "refused the credentials")
    assert secret not in out + err
    monkeypatch.delenv("SAMHANDLING_USER")
    code, out, err = run("load", "--graph-store", virtuoso_server.graph_store_url)
    assert_one_line_error(code, err, "SAMHANDLING_USER")


def test_unknown_graph_store_layout_is_refused_with_plain_placeholders() -> None:
    code, _, err = run("load", "--graph-store", "http://127.0.0.1:1/somewhere")
    assert_one_line_error(code, err, "http://127.0.0.1:1/somewhere", "known:", "Oxigraph …/store",
                          "Fuseki …/DATASET/data", "…/repositories/REPOSITORY/rdf-graphs/service")
    assert not re.search(r"[()?$^\\]|\[\^", err.split("known:", 1)[1]), err  # no regular expressions


def test_unreachable_graph_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMHANDLING_USER", raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    base = f"http://127.0.0.1:{free_port()}"
    code, _, err = run("load", "--graph-store", base + "/store")
    assert_one_line_error(code, err, base, "connection refused")


# --- HTTP details -------------------------------------------------------------------------------


class _BasicOnly(StubHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        header = self.headers.get("Authorization")
        type(self).seen.append(header)
        expected = "Basic " + base64.b64encode(b"reader:Basic-Pa55-1234").decode()
        if header != expected:
            self.reply(401, challenge='Basic realm="test"')
            return
        self.reply(200, ASK_TRUE, SPARQL_JSON)


@pytest.fixture
def basic_server() -> Iterator[str]:
    _BasicOnly.seen = []
    with http_server(_BasicOnly) as url:
        yield url


def test_basic_auth_is_sent_only_after_a_challenge(basic_server: str) -> None:
    client = HttpClient(("reader", "Basic-Pa55-1234"), timeout=5)
    response = client.request("GET", basic_server + "/sparql?query=ASK%7B%7D")
    assert response.status_code == 200
    assert _BasicOnly.seen[0] is None and _BasicOnly.seen[1].startswith("Basic ")


def test_tls_is_verified_by_default() -> None:
    context = HttpClient().tls_context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_big_files_stream_without_an_rdflib_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from samhandling_kg.io import streams

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an rdflib graph was built")

    monkeypatch.setattr(streams, "parse_file", refuse)
    data = catalogue(tmp_path / "big.nt", 20_000)
    with (tmp_path / "out.nt").open("wb") as out:
        assert write_ntriples([data], out) == 100_000
    store = OxigraphStore()
    report = store.load([data])
    assert report.triples > 100_000


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text("_:b <https://e/p> 1 .\n", encoding="utf-8")
    (tmp_path / "b.ttl").write_text("_:b <https://e/p> 2 .\n", encoding="utf-8")
    store = OxigraphStore()
    store.load([tmp_path / "a.ttl", tmp_path / "b.ttl"], include_ontology=False)
    assert store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s <https://e/p> ?o }").rows[0][0].toPython() == 2


@pytest.mark.parametrize(("line", "blank"), [
    (b"<https://e/a> <https://e/p> <https://e/b> .", False),
    (b'<https://e/a> <https://e/p> "x> _:y" .', False),
    (b'<https://e/a> <https://e/p> "x"@nb .', False),
    (b"_:a <https://e/p> <https://e/b> .", True),
    (b"<https://e/a> <https://e/p> _:b .", True),
    (b"<< <https://e/a> <https://e/p> <https://e/b> >> <https://e/q> <https://e/c> .", None),
    (b"<https://e/a>  <https://e/p> <https://e/b> .", None),
    (b"<https://e/a> <https://e/p> <https://e/b>", None),
])
def test_change_sets_only_compare_lines_they_understand(line: bytes, blank: bool | None) -> None:
    """A line of another layout (None) sends the load the MOVE way instead of guessing."""
    from samhandling_kg.load.diff import _has_blank_node

    assert _has_blank_node(line) is blank


def test_a_deadlocked_transaction_is_sent_again_and_nothing_else_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso rolls back a deadlocked transaction whole (40001 SR172) and it is sent again, at
    most DEADLOCK_ATTEMPTS times; any other failure, or an answer that may have been lost,
    is not repeated."""
    from samhandling_kg.core.errors import EndpointError
    from samhandling_kg.load import swap

    monkeypatch.setattr(swap.time, "sleep", lambda seconds: None)
    deadlock = ("http://127.0.0.1:1/sparql-graph-crud-auth: server error 500 Request Failed: "
                "Error 40001 SR172: Transaction deadlocked")

    def failing(messages: list[str], uncertain: bool = False) -> tuple[list[int], Any]:
        calls: list[int] = []

        def send() -> None:
            calls.append(1)
            if len(calls) <= len(messages):
                raise EndpointError(messages[len(calls) - 1], uncertain=uncertain)
        return calls, send

    calls, send = failing([deadlock, deadlock])
    swap._retrying_deadlocks(send)
    assert len(calls) == 3
    calls, send = failing([deadlock] * swap.DEADLOCK_ATTEMPTS)
    with pytest.raises(EndpointError, match="SR172"):
        swap._retrying_deadlocks(send)
    assert len(calls) == swap.DEADLOCK_ATTEMPTS
    for messages, uncertain in (([deadlock], True), (["server error 500: out of disk"], False)):
        calls, send = failing(messages, uncertain)
        with pytest.raises(EndpointError):
            swap._retrying_deadlocks(send)
        assert len(calls) == 1


@pytest.mark.server
def test_changes_replace_only_the_blank_node_trees_that_changed(oxigraph_server: Server, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Blank nodes in trees (contact points, access rights, nested nodes, lists) are matched by
    content: a re-load of the same catalogue changes nothing, and one that changes, drops and
    adds trees deletes only the trees under the subject–predicate pairs that changed. The
    oracle: the graph equals a fresh load of the same files (isomorphic)."""
    from catalogue_gen import write_catalogue
    from rdflib.compare import isomorphic

    from samhandling_kg.load import swap

    sent: list[str] = []
    apply = swap._apply_changes

    def recording(store: Any, changes: Path, *args: Any) -> Any:
        sent.append(changes.read_text(encoding="utf-8"))
        return apply(store, changes, *args)

    monkeypatch.setattr(swap, "_apply_changes", recording)
    first = write_catalogue(tmp_path / "first.ttl", 30)
    text = first.read_text(encoding="utf-8")
    assert text.count("dcat:contactPoint [") >= 20
    extra = ('\nex:solution-0 <https://example.org/note> [ <https://example.org/deep> [ '
             '<https://example.org/text> "nested" ] ] ;\n  <https://example.org/list> ( 1 "two" ex:three ) .\n'
             '[ <https://example.org/free> "standing" ] .\n')
    changed = (text.replace('vcard:fn "Verksemd 3"', 'vcard:fn "Verksemd tre"', 1)
               .replace('dct:accessRights [ a dct:RightsStatement ; rdfs:label "Tilgang med HelseID."@nb ] ;',
                        "", 1) + extra)
    assert changed.count("dcat:contactPoint [") == text.count("dcat:contactPoint [")
    second = tmp_path / "second.ttl"
    second.write_text(changed, encoding="utf-8")

    def graph_of(iri: str) -> Any:
        return reader(oxigraph_server, None).query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").graph

    graph, fresh = new_graph(), new_graph()
    assert load_cli(oxigraph_server.graph_store_url, graph, first)[0] == 0
    assert load_cli(oxigraph_server.graph_store_url, graph, first)[0] == 0  # the same again
    assert "isBlank" not in sent[-1] and "INSERT DATA" not in sent[-1] and "DELETE DATA" not in sent[-1]
    code, _, err = load_cli(oxigraph_server.graph_store_url, graph, second)
    assert code == 0, err
    # Two pairs lost or changed a tree (a contact point, access rights) and are deleted by
    # pattern; two gained one (on solution-0) and only insert; the free-standing trees (the
    # ontology's, and a new one) are replaced as one group; no sweep over all blank nodes.
    assert sent[-1].count("FILTER(isBlank(?o0))") == 2 and "isBlank(?s)" not in sent[-1], sent[-1][:2000]
    assert sent[-1].count("NOT EXISTS") == 1
    assert load_cli(oxigraph_server.graph_store_url, fresh, second)[0] == 0
    assert isomorphic(graph_of(graph), graph_of(fresh))
    assert leftover_temporary_graphs(oxigraph_server) == []


def test_blank_nodes_outside_trees_fall_back_to_replacing_all() -> None:
    from samhandling_kg.load.diff import _blank_tree_changes, _trees

    tree = [b"<https://e/a> <https://e/p> _:x .", b'_:x <https://e/q> "v" .']
    assert _blank_tree_changes(_trees(tree), _trees(tree)) == ([], [])
    shared = tree + [b"<https://e/b> <https://e/p> _:x ."]
    cycle = tree + [b"_:x <https://e/r> _:y .", b"_:y <https://e/r> _:x ."]
    loop = tree + [b"_:c <https://e/r> _:d .", b"_:d <https://e/r> _:c ."]  # nothing points in
    for lines in (shared, cycle, loop):
        assert _blank_tree_changes(_trees(lines), _trees(tree)) is None and _blank_tree_changes(_trees(tree), _trees(lines)) is None
    # A free-standing tree ([ a owl:AllDisjointClasses … ]) is a tree of its own group.
    loose = tree + [b'_:free <https://e/q> "w" .']
    assert _blank_tree_changes(_trees(loose), _trees(tree)) == ([(b"", b"", 1)], [])
    assert _blank_tree_changes(_trees(tree), _trees(loose)) == ([], [b'_:free <https://e/q> "w" .'])
    other = [b"<https://e/a> <https://e/p> _:z .", b'_:z <https://e/q> "w" .']
    assert _blank_tree_changes(_trees(tree), _trees(other)) == ([(b"<https://e/a>", b"<https://e/p>", 1)], other)


def test_a_swap_too_big_for_virtuoso_says_which_limit() -> None:
    from samhandling_kg.core.errors import EndpointError
    from samhandling_kg.load.swap import _explained

    refused = EndpointError("http://127.0.0.1:1/sparql-auth: server error 500 SPARQL Request Failed: "
                            "Virtuoso 40005 Error SR325: Transaction aborted because it's log after "
                            "image size went above the limit")
    explained = _explained(refused)
    assert str(explained).startswith(str(refused)) and "TransactionAfterImageLimit" in str(explained)
    assert "\n" not in str(explained) and getattr(explained, "uncertain", None) is False
    other = EndpointError("server error 500: disk full")
    assert _explained(other) is other


_TERMS = [b"<https://e/a>", b"<https://e/b_:c>", b"_:x", b"_:y1", b'"plain"', b'"ends _:z"',
          b'"ends _:z"@nb', b'"a _:b"^^<https://e/t>', b'"x> _:y"', b'"<<( no )>>"']


@given(st.lists(st.tuples(st.sampled_from(_TERMS[:4]), st.sampled_from(_TERMS[:2]), st.sampled_from(_TERMS)),
                max_size=30))
def test_lines_are_told_apart_as_each_line_alone_would_be(triples: list[tuple[bytes, bytes, bytes]]) -> None:
    """The oracle for the fast split of a whole answer into lines without and with blank
    nodes: the line-by-line reading of :func:`_has_blank_node`; the blank node a line points
    at is its object exactly when that is a label."""
    from samhandling_kg.load.diff import _blank_object, _has_blank_node, _Triples

    lines = [b" ".join(triple) + b" ." for triple in triples]
    found = _Triples.of(b"".join(line + b"\n" for line in lines))
    assert found is not None
    assert found.blank == [line for line in lines if _has_blank_node(line)]
    assert found.plain == {line for line in lines if _has_blank_node(line) is False}
    for (_, _, obj), line in zip(triples, lines):
        assert _blank_object(line) == (obj if obj.startswith(b"_:") else None)


def test_lines_of_another_layout_send_the_load_the_other_way() -> None:
    from samhandling_kg.load.diff import _Triples

    assert _Triples.of(b"<https://e/a> <https://e/p> <https://e/b> .\n") is not None
    for data in (b"<https://e/a> <https://e/p> <https://e/b>\n",  # no " ."
                 b"<https://e/a> <https://e/p> <https://e/b> .",  # no last line break
                 b"<< <https://e/a> <https://e/p> <https://e/b> >> <https://e/q> <https://e/c> .\n",
                 b"<https://e/a>  <https://e/p> _:b .\n"):
        assert _Triples.of(data) is None, data


def test_the_answer_is_read_in_whole_lines_while_it_arrives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's answer is compared while it is written into the file: every block ends at a
    line break, nothing is lost or read twice, and a reading that failed half-way raises after
    the blocks it had written."""
    from samhandling_kg.core.errors import EndpointError
    from samhandling_kg.load import diff

    monkeypatch.setattr(diff, "_BLOCK", 100)
    lines = [f"<https://e/s{i}> <https://e/p> \"{'x' * (i % 37)}\" .\n".encode() for i in range(400)]
    target = tmp_path / "answer.nt"

    half = threading.Event()

    def writer(fail: bool) -> Any:
        def write() -> None:
            with target.open("wb") as out:
                for k, line in enumerate(lines):
                    if k == len(lines) // 2:
                        out.flush()
                        half.wait(10)  # until the first half has been read
                    out.write(line)
            if fail:
                raise EndpointError("connection lost while waiting for the answer")
        return write

    for fail in (False, True):
        target.write_bytes(b"")  # empty, as the store's answer starts
        half.clear()
        read: list[bytes] = []
        try:
            for block in diff._follow(target, diff._InBackground(writer(fail))):
                read.append(block)
                half.set()
        except EndpointError as exc:
            assert fail and "connection lost" in str(exc)
        else:
            assert not fail
        assert len(read) > 1 and all(block.endswith(b"\n") for block in read)
        assert b"".join(read) == b"".join(lines)


@pytest.mark.server
def test_virtuoso_offers_no_all_or_nothing_way_but_one_operation(virtuoso_server: Server) -> None:
    """Why a load into Virtuoso goes through a temporary graph and one MOVE, where Oxigraph
    gets its changes in one update: Virtuoso applies each operation of an update request on
    its own (an insert stays though a later operation of the same request fails), and refuses
    a request of more than 10 MB — so neither one update with the changes nor one with all
    the triples would be all or nothing. (Its POST is not either: see the cut-upload tests.)"""
    from samhandling_kg.core.errors import EndpointError

    store = loader(virtuoso_server)
    graph, never = new_graph(), new_graph()
    with pytest.raises(EndpointError):
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <https://e/a> <https://e/p> <https://e/b> }} }} ;\n"
                     f"DROP GRAPH <{never}>")  # fails: the graph was never created
    assert triples_in(virtuoso_server, graph) == 1
    big = new_graph()
    lines = "".join(f"<https://e/s{i}> <https://e/p> \"{'x' * 100}\" .\n" for i in range(100_000))
    with pytest.raises(EndpointError, match="10Mb"):
        store.update(f"INSERT DATA {{ GRAPH <{big}> {{\n{lines}}} }}")
    assert triples_in(virtuoso_server, big) == 0
