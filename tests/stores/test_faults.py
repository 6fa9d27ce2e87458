"""Store faults: a store that dies, stalls or answers nonsense gives one clear line and exit 2,
and the graph on the real server stays as it was.

Already covered by the triple-store work, not repeated here:
- tests/load/test_load.py: connection cut in the middle of an upload (FaultyProxy reset), 500 on the
  PUT and on the MOVE, malformed input sends nothing, wrong password (Virtuoso), unreachable
  graph store, TLS verified, unknown layout;
- tests/stores/test_stores.py: endpoint 403/500/503, an HTML page instead of results, a query timeout,
  an unreachable endpoint, 404 and 401 on real servers, credentials in the URL.

Here: the server *process* killed while a load is under way (and the graph checked after a
restart), a graph store that stalls on the swap, and answers that are truncated, wrongly typed,
wrongly shaped, not UTF-8, hostile RDF/XML or the wrong kind — from a loopback stub that
misbehaves on purpose.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from helpers import StubHandler, assert_one_line_error, http_server, run
from servers import Server, _wait_for, start_oxigraph, triples_in, unavailable

Behaviour = Callable[[BaseHTTPRequestHandler], None]


def assert_no_output_and_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert_one_line_error(code, err, *fragments)
    assert out == ""


def answer(status: int, body: bytes, content_type: str, *, length: int | None = None,
           delay: float = 0.0) -> Behaviour:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        if delay:
            time.sleep(delay)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        if length is not None:
            handler.close_connection = True

    return respond


class _Stub(StubHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[tuple[str, str], Behaviour] = {}

    def _handle(self) -> None:
        self.drain()
        behaviour = self.routes.get((self.command, self.path.split("?")[0]))
        if behaviour is None:
            answer(404, b"no such route", "text/plain")(self)
        else:
            behaviour(self)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture
def stub() -> Iterator[tuple[str, dict[tuple[str, str], Behaviour]]]:
    routes: dict[tuple[str, str], Behaviour] = {}
    handler = type("Stub", (_Stub,), {"routes": routes})
    with http_server(handler) as url:
        yield url, routes


def query_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return str(path)


SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
JSON = "application/sparql-results+json"
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
          b"&c;</rdf:RDF>")


@pytest.mark.parametrize(("query", "behaviour", "fragment"), [
    pytest.param(SELECT, answer(200, b'{"head": {"vars": ["s"]}, "results": {"bind', JSON, length=4000),
                 "", id="truncated-json"),
    pytest.param(SELECT, answer(200, b"", JSON), "not SPARQL JSON results", id="empty-body"),
    pytest.param(SELECT, answer(200, b'{"head": {"vars": ["s"]}, "results": {"bindings": ["abc"]}}', JSON),
                 "not SPARQL JSON results", id="bindings-of-strings"),
    pytest.param(SELECT, answer(200, b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": "x"}]}}', JSON),
                 "not SPARQL JSON results", id="binding-not-a-term"),
    pytest.param(SELECT, answer(200, b'{"head": {"vars": 5}, "results": {"bindings": 7}}', JSON),
                 "not SPARQL JSON results", id="wrong-types"),
    pytest.param(SELECT, answer(200, b'{"head": {"vars": ["s"]}, "results": {"bindings": '
                                b'[{"s": {"type": "uri", "value": "a b> } DROP ALL"}}]}}', JSON),
                 "not SPARQL JSON results", id="iri-with-space"),
    pytest.param(SELECT, answer(200, b'{"head": {"vars": ["s"]}, "results": {"bindings": '
                                b'[{"s": {"type": "literal", "value": "x", "xml:lang": "not a tag"}}]}}', JSON),
                 "not SPARQL JSON results", id="bad-language-tag"),
    pytest.param(SELECT, answer(200, b"\xff\xfe{\x00}\x00", JSON), "not SPARQL JSON results", id="not-utf8"),
    pytest.param(SELECT, answer(200, b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                                b"<head/><results/></sparql>", "application/sparql-results+xml"),
                 "not SPARQL JSON results", id="xml-results"),
    pytest.param("ASK {}", answer(200, b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}', JSON),
                 "asked a ASK query but got SELECT", id="ask-answered-with-rows"),
    pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", answer(200, b"<a> <b> .", "text/turtle"),
                 "not an RDF graph", id="construct-broken-turtle"),
    pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", answer(200, LAUGHS, "application/rdf+xml"),
                 "XML DTDs", id="construct-entity-bomb"),
    pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 answer(200, b'{"@context": "http://attacker.example/ctx", "@id": "https://e.org/a"}', "application/ld+json"),
                 "", id="construct-jsonld-remote-context"),
])
def test_malformed_answers_are_one_line(query: str, behaviour: Behaviour, fragment: str, tmp_path: Path,
                                        stub: tuple[str, dict[tuple[str, str], Behaviour]],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    base, routes = stub
    routes[("GET", "/sparql")] = routes[("POST", "/sparql")] = behaviour
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "3")
    code, out, err = run("query", "--lang", "en", query_file(tmp_path, query), "--endpoint", base + "/sparql")
    assert_no_output_and_one_line_error(code, out, err, base + "/sparql", fragment)


# --------------------------------------------------------------------------------- load faults

def _store_routes(routes: dict[tuple[str, str], Behaviour], *, update: Behaviour, count: Behaviour) -> None:
    routes[("PUT", "/store")] = routes[("POST", "/store")] = answer(201, b"", "text/plain")
    routes[("DELETE", "/store")] = answer(204, b"", "text/plain")
    routes[("POST", "/update")] = update
    routes[("GET", "/query")] = routes[("POST", "/query")] = count


def test_graph_store_stalling_on_the_swap_times_out(stub: tuple[str, dict[tuple[str, str], Behaviour]],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    base, routes = stub
    _store_routes(routes, update=answer(204, b"", "text/plain", delay=4),
                  count=answer(200, b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}', JSON))
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "1")
    started = time.monotonic()
    code, out, err = run("load", "--graph-store", base + "/store", "--graph", "https://example.org/g")
    assert_no_output_and_one_line_error(code, out, err, "timed out after 1 s")
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("count", [
    pytest.param(answer(200, b"<html>maintenance</html>", "text/html"), id="html"),
    pytest.param(answer(200, b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", '
                             b'"value": "many"}}]}}', JSON), id="count-not-a-number"),
    pytest.param(answer(200, b'{"head": {"vars": ["n"]}, "res', JSON, length=900), id="truncated"),
])
def test_wrongly_typed_answers_during_a_load(count: Behaviour, stub: tuple[str, dict[tuple[str, str], Behaviour]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    base, routes = stub
    _store_routes(routes, update=answer(204, b"", "text/plain"), count=count)
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "3")
    code, out, err = run("load", "--graph-store", base + "/store", "--graph", "https://example.org/g")
    assert_no_output_and_one_line_error(code, out, err, base)


def _connected(server: Server) -> bool:
    """Whether a client holds a connection to the server's port (from /proc/net/tcp)."""
    port = f"{int(server.base.rsplit(':', 1)[1]):04X}"
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return True
    # state 01 = ESTABLISHED, local address ending in the server's port
    return any(line.split()[1].endswith(":" + port) and line.split()[3] == "01" for line in lines)


def _restart(server: Server) -> subprocess.Popen[bytes]:
    port = server.base.rsplit(":", 1)[1]
    binary = server.process.args[0]  # type: ignore[index]
    process = subprocess.Popen([binary, "serve", "--location", str(server.folder / "db"), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    _wait_for(server.base + "/query?query=ASK%7B%7D", process, None, "oxigraph")
    return process


@pytest.mark.server
def test_server_killed_during_a_load_keeps_the_old_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private Oxigraph server is killed (SIGKILL) while the upload is under way; after a restart
    on the same storage the graph holds exactly what it held before."""
    try:
        server = start_oxigraph()
    except FileNotFoundError as exc:
        unavailable(str(exc))
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "10")
    graph = "https://example.org/faults/killed"
    try:
        code, _, err = run("load", "--graph-store", server.graph_store_url, "--graph", graph)
        assert code == 0, err
        before = triples_in(server, graph)
        assert before > 100
        big = tmp_path / "big.nt"
        with big.open("w", encoding="utf-8") as out:
            for i in range(150_000):
                out.write(f'<https://example.org/s{i}> <https://example.org/p> "value number {i}" .\n')

        def kill_when_uploading() -> None:
            # wait for the upload's connection to the store, then kill the server
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _connected(server):
                time.sleep(0.01)
            server.process.kill()

        killer = threading.Thread(target=kill_when_uploading)
        killer.start()
        code, out, err = run("load", "--graph-store", server.graph_store_url, "--graph", graph, str(big))
        killer.join()
        assert_no_output_and_one_line_error(code, out, err, server.base)
        server.process.wait(timeout=10)
        server.process = _restart(server)
        assert triples_in(server, graph) == before
    finally:
        server.stop()


@pytest.mark.server
def test_server_killed_during_a_bulk_load_into_an_empty_graph_leaves_it_empty(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into an empty graph the upload goes straight to the graph through Oxigraph's bulk
    loader, which commits the whole upload at its end: a server killed (SIGKILL) while the
    upload is under way leaves the graph empty after a restart — not a part of the file."""
    try:
        server = start_oxigraph()
    except FileNotFoundError as exc:
        unavailable(str(exc))
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "10")
    graph = "https://example.org/faults/empty-then-killed"
    try:
        big = tmp_path / "big.nt"
        with big.open("w", encoding="utf-8") as out:
            for i in range(400_000):
                out.write(f'<https://example.org/s{i}> <https://example.org/p> "value number {i}" .\n')
        posted = threading.Event()

        def kill_while_uploading() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not posted.is_set():
                time.sleep(0.005)
            time.sleep(0.3)  # well into the upload (it takes a few seconds)
            server.process.kill()

        from samhandling_kg.io.http import HttpClient

        send = HttpClient.request

        def watch(self: HttpClient, method: str, url: str, **kwargs: object) -> object:
            if method == "POST" and "no_transaction" in url:
                posted.set()
            return send(self, method, url, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(HttpClient, "request", watch)
        killer = threading.Thread(target=kill_while_uploading)
        killer.start()
        code, out, err = run("load", "--graph-store", server.graph_store_url, "--graph", graph, str(big))
        killer.join()
        assert posted.is_set(), "the load did not take the bulk path"
        assert_no_output_and_one_line_error(code, out, err, server.base)
        server.process.wait(timeout=10)
        server.process = _restart(server)
        assert triples_in(server, graph) == 0
    finally:
        server.stop()
