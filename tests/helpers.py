"""What many test files share: running the command in-process, the one-line-error check, running
a server on loopback (a stub or samhandling's own), and the questions whose VALUES binding
differs from rdflib's."""

from __future__ import annotations

import functools
import io
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from samhandling_kg.cli import main
from samhandling_kg.core.errors import QueryError
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.kg.questions import list_questions
from samhandling_kg.sparql.binding import bind_with_values
from samhandling_kg.stores.local import RdflibStore

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str | Path) -> tuple[int, str, str]:
    """``samhandling ARGV`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    """Exit 2 with exactly one line on stderr, no traceback, holding every fragment."""
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("samhandling") and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[tuple[str, int]]:
    """Run ``server`` (a stub below, ``samhandling serve``'s own, a folder of files) in a
    thread for the block; yields its (host, port) and stops and closes it afterwards. The one
    way the tests run a server in-process."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        address = server.server_address
        yield str(address[0]), int(address[1])  # type: ignore[index,misc]
    finally:
        server.shutdown()
        server.server_close()


#: A SPARQL ASK answer ``true`` (what a stub store answers a probe or a query that passed).
ASK_TRUE = b'{"head": {}, "boolean": true}'
SPARQL_JSON = "application/sparql-results+json"


class StubHandler(BaseHTTPRequestHandler):
    """The base of the stub stores: quiet, and with the few answers they give."""

    def log_message(self, *args: object) -> None:
        pass

    def drain(self) -> None:
        """Read the request's body (unread, it would be taken for the next request)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def reply(self, status: int, body: bytes = b"", content_type: str = "text/plain",
              *, challenge: str | None = None) -> None:
        """Answer ``status`` with ``body``; a 401 with ``challenge`` as WWW-Authenticate."""
        self.send_response(status)
        if challenge:
            self.send_header("WWW-Authenticate", challenge)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A stub: serve ``handler`` on a free loopback port for the block; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server) as (_, port):
        yield f"http://127.0.0.1:{port}"


@functools.cache
def scoping_dependent() -> dict[str, str]:
    """Questions that answer differently when their parameters are bound by VALUES blocks
    (as every store but rdflib binds them) than with rdflib's ``initBindings``; id -> how."""
    store = RdflibStore(load_knowledge_graph(sorted((ROOT / "examples").glob("*.ttl"))))
    found = {}
    for question in list_questions():
        try:
            binds = question.bindings()
        except QueryError:
            continue
        if not binds:
            continue
        rdflib_way = store.query(question.query, binds)
        standard = store.query(bind_with_values(question.query, question.kind, binds))
        if rdflib_way.kind == "SELECT" and rdflib_way.as_set() != standard.as_set():
            found[question.id] = f"{len(rdflib_way.rows)} rows with initBindings, {len(standard.rows)} with VALUES"
        elif rdflib_way.boolean != standard.boolean:
            found[question.id] = "ASK differs"
    return found
