"""``samhandling serve`` survives its clients (issue 8 section 2, issue 9 "serve").

Every hostile request here once killed, hung or dirtied the server: a malformed
``Content-Length`` printed a traceback and answered nothing, a deep property path segfaulted the
process, a cross product ran until memory ran out, a client that left kept its query running,
slowloris connections held threads forever. Each test ends by checking that the server still
answers. Loopback only; each test is bounded to a few seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from helpers import serving

from samhandling_kg.cli import build_parser, main
from samhandling_kg.core.errors import QueryError
from samhandling_kg.serve.server import Limits, Request, make_server
from samhandling_kg.sparql.guard import (
    MAX_NESTING,
    MAX_OPERATORS,
    MAX_QUERY_CHARS,
    check_query_text,
)
from samhandling_kg.stores.local import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
DATA = sorted((ROOT / "examples").glob("*.ttl"))
LIMITS = Limits(timeout=3.0, memory_mb=400, workers=2, queue=4, request_timeout=1.5,
                max_connections=64)
#: Grows without bound: materialises a cross product of the graph with itself, twice.
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
#: Runs for minutes in little memory.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Served:
    def __init__(self, limits: Limits = LIMITS) -> None:
        self.log = io.StringIO()
        self.server = make_server(OxigraphStore.with_knowledge_graph(DATA), "127.0.0.1", 0,
                                  log=self.log, limits=limits)
        self._running = contextlib.ExitStack()
        _, self.port = self._running.enter_context(serving(self.server))

    def close(self) -> None:
        self._running.close()

    def connect(self, timeout: float = 10) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 20) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def query(self, text: str, timeout: float = 20) -> tuple[int, dict[str, str], bytes]:
        return self.request("POST", "/sparql", text.encode("utf-8"),
                            {"Content-Type": "application/sparql-query"}, timeout=timeout)

    def alive(self) -> bool:
        self.workers_ready(1)  # a worker killed just before may still be starting
        status, _, body = self.query("ASK { ?s ?p ?o }")
        return status == 200 and b"true" in body

    def workers_ready(self, count: int | None = None, within: float = 30) -> None:
        count = self.server.limits.workers if count is None else count
        deadline = time.monotonic() + within
        while len(self.server.pool._idle) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    served = Served()
    yield served
    served.close()


@pytest.fixture(autouse=True)
def _no_traceback(capfd: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> Iterator[None]:
    """Nothing a client does prints a traceback on the server's console."""
    yield
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Exception occurred" not in out + err, out + err


def raw(served: Served, data: bytes, *, wait: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are and read one answer."""
    with served.connect(timeout=wait) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def one_line(headers: dict[str, str], body: bytes) -> str:
    assert headers["content-type"].startswith("text/plain"), headers
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- malformed requests: a one-line 4xx, never a traceback ------------------------------------

POST = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"


@pytest.mark.parametrize(("headers", "status"), [
    (b"Content-Length: abc\r\n", 400),
    (b"Content-Length: -5\r\n", 400),
    (b"Content-Length: 1e3\r\n", 400),
    (b"Content-Length: 5\r\nContent-Length: 6\r\n", 400),
    (b"Content-Length: 99999999999999999999999999\r\n", 400),
    (b"Content-Length: 1099511627776\r\n", 413),
    (b"Transfer-Encoding: chunked\r\n", 411),
    (b"", 411),
])
def test_bad_content_length_is_refused_in_one_line(served: Served, headers: bytes, status: int) -> None:
    answer, got, body = raw(served, POST + headers + b"\r\nASK {}")
    assert answer == status, body
    one_line(got, body)
    assert served.alive()


def test_a_body_over_the_limit_is_refused_unread(served: Served) -> None:
    body = b"ASK {} #" + b"x" * LIMITS.max_body
    status, _, text = served.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"too large" in text
    assert served.alive()


def test_a_body_over_the_limit_is_refused_before_100_continue(served: Served) -> None:
    status, headers, body = raw(served, POST + b"Content-Length: 1099511627776\r\n"
                                b"Expect: 100-continue\r\n\r\n")
    assert status == 413  # not "100 Continue": the client need not send a byte of it
    one_line(headers, body)
    with served.connect() as sock:  # a body it takes: "100 Continue", then the answer
        sock.sendall(POST + b"Content-Length: 6\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 ")
        sock.sendall(b"ASK {}")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 200 and b"true" in response.read()


@pytest.mark.parametrize("method", ["FOO", "TRACE", "CONNECT", "OPTIONS", "PROPFIND"])
def test_other_methods_are_refused_in_one_line(served: Served, method: str) -> None:
    status, headers, body = raw(served, f"{method} /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert status == 405 and headers["allow"] == "GET, HEAD, POST"
    one_line(headers, body)
    assert served.alive()


@pytest.mark.parametrize(("media", "body"), [
    ("text/plain", b"ASK {}"),
    ("application/json", b'{"query": "ASK {}"}'),
    ("multipart/form-data; boundary=x", b"--x--"),
])
def test_other_content_types_are_refused_in_one_line(served: Served, media: str, body: bytes) -> None:
    status, headers, text = served.request("POST", "/sparql", body, {"Content-Type": media})
    assert status == 415
    one_line(headers, text)


def test_a_body_that_is_not_utf8_is_refused(served: Served) -> None:
    status, headers, text = served.request("POST", "/sparql", b"ASK { \xff }",
                                           {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"UTF-8" in text
    one_line(headers, text)


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
    (b"GET / HTTP/1.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n", 431),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\n\r\n", 505),
])
def test_malformed_request_heads_get_one_line(served: Served, request_bytes: bytes, status: int) -> None:
    answer, headers, body = raw(served, request_bytes)
    assert answer == status
    one_line(headers, body)
    assert served.alive()


def test_a_client_that_leaves_mid_request_costs_no_traceback(served: Served) -> None:
    with served.connect() as sock:  # promises 1000 bytes, sends 10, leaves
        sock.sendall(POST + b"Content-Length: 1000\r\n\r\nASK { ?s ?")
    with served.connect() as sock:  # leaves before reading its answer; RST on close
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    time.sleep(0.3)
    assert served.alive()


# --- what reaches the engine ------------------------------------------------------------------


def deep_path(steps: int) -> str:
    return "PREFIX e: <http://example.org/> SELECT * WHERE { ?s " + "/".join(["e:p"] * steps) + " ?o }"


@pytest.mark.parametrize(("text", "says"), [
    (deep_path(12_000), f"more than {MAX_OPERATORS} operators"),  # crashed pyoxigraph
    ("SELECT * WHERE { ?s ?p ?o } " + "#" * (MAX_QUERY_CHARS + 1), "characters long"),
    ("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000, f"nested more than {MAX_NESTING}"),
    ("SELECT * WHERE { " + " UNION ".join(["{}"] * 12_000) + " }", "||, && or UNION"),
    ("SELECT * WHERE { " + "?s ?p ?o." * 12_000 + " }", "operators"),
    ("ASK { FILTER(" + " || ".join(["true"] * 12_000) + ") }", "||, && or UNION"),
    # once made the lexical count itself backtrack for 20-30 s (a regex over prefixed names)
    ("ASK { " + "a." * 99_000 + " }", "operators"),
    ("ASK { " + "a-" * 99_000 + " }", "operators"),
])
def test_queries_that_would_crash_the_engine_are_refused(served: Served, text: str, says: str) -> None:
    started = time.monotonic()
    status, headers, body = served.query(text)
    assert status == 400 and says in body.decode(), body[:300]
    one_line(headers, body)
    assert time.monotonic() - started < 2  # refused before any worker parses it
    assert served.alive()


def test_a_long_query_and_a_large_answer_pass_whole(served: Served) -> None:
    """Both cross the pipes to and from a worker (64 KB buffers) in pieces."""
    values = " ".join(f"<http://example.org/x{i}>" for i in range(5000))  # about 140 KB
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} }}"
    assert MAX_QUERY_CHARS > len(text) > 100_000
    status, _, body = served.query(text)
    assert status == 200 and b'"value":"5000"' in body.replace(b" ", b""), body[:200]
    status, headers, body = served.request(
        "POST", "/sparql", b"CONSTRUCT WHERE { ?s ?p ?o }",
        {"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert status == 200 and headers["content-type"] == "application/n-triples"
    assert len(body) > 200_000
    assert len(body.splitlines()) == served.server.triples


def test_query_limits_count_what_the_engine_sees() -> None:
    """Strings, IRIs and comments are no operators; a CR ends a comment, as in Oxigraph."""
    check_query_text('SELECT * WHERE { ?s ?p "' + "/" * 5000 + '" }')
    check_query_text("SELECT * WHERE { ?s ?p <http://e/" + "a/" * 3000 + "> }")
    check_query_text("SELECT * WHERE { ?s ?p ?o } #" + "/" * 5000)
    with pytest.raises(QueryError, match="operators"):
        check_query_text("SELECT * WHERE { ?s ?p ?o } #x\r" + "?s " + "/".join(["?p"] * 3000) + " ?o")
    check_query_text(deep_path(MAX_OPERATORS // 2))


def test_a_crashed_worker_takes_only_its_query(served: Served) -> None:
    """A worker that segfaults (as pyoxigraph does on a 12,000-step path) answers 500 in one
    line; the server and the other worker go on, and the worker is replaced."""
    served.workers_ready()
    before = set(served.server.pool.pids())
    answers: list[tuple[int, dict[str, str], bytes]] = []
    thread = threading.Thread(target=lambda: answers.append(served.query(SLOW)))
    thread.start()
    deadline = time.monotonic() + 5
    while len(served.server.pool._idle) == LIMITS.workers and time.monotonic() < deadline:
        time.sleep(0.02)
    busy = before - {w.pid for w in served.server.pool._idle}
    assert len(busy) == 1
    os.kill(busy.pop(), signal.SIGSEGV)
    thread.join(10)
    status, headers, body = answers[0]
    assert status == 500 and b"crashed" in body and b"the endpoint goes on" in body
    one_line(headers, body)
    assert served.alive()
    served.workers_ready()
    assert len(served.server.pool.pids()) == LIMITS.workers


def test_a_path_that_crashes_the_engine_is_refused_in_the_worker_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 12,000-step path that segfaulted the server, let through the server's own check on
    purpose: the worker runs the same check before its engine sees the text (one check,
    guard.check_query_text), so the query gets one line and the server answers the next.
    (A worker that does crash costs only its query: test_a_crashed_worker_takes_only_its_query.)"""
    from samhandling_kg.sparql import guard

    monkeypatch.setattr(guard, "MAX_OPERATORS", 10**6)  # this process only, not the workers
    lenient = Served(Limits(timeout=60, workers=1, request_timeout=5))
    try:
        status, headers, body = lenient.query(deep_path(12_000), timeout=90)
        assert status == 400 and b"operators" in body, body
        one_line(headers, body)
        assert lenient.alive()
    finally:
        lenient.close()


# --- time, memory, clients that leave ---------------------------------------------------------


def test_a_cross_product_stops_at_the_timeout(served: Served) -> None:
    served.workers_ready()
    started = time.monotonic()
    status, headers, body = served.query(SLOW)
    elapsed = time.monotonic() - started
    assert status == 503 and b"time limit of 3 s" in body
    one_line(headers, body)
    assert LIMITS.timeout <= elapsed < LIMITS.timeout + 2
    assert served.alive()


def test_a_query_that_outgrows_the_memory_limit_ends_alone() -> None:
    """Its own server, with a time limit far past the memory limit: on a loaded machine the
    shared server's 3 s time limit stopped the query before it had grown to 400 MB."""
    roomy = Served(Limits(timeout=300, memory_mb=400, workers=1, request_timeout=5))
    try:
        roomy.workers_ready()
        status, headers, body = roomy.query(CROSS_PRODUCT, timeout=330)
        assert status == 503 and b"more memory than a query may use (400 MB" in body, body
        one_line(headers, body)
        assert roomy.alive()
    finally:
        roomy.close()


def test_a_client_that_leaves_stops_its_query(served: Served) -> None:
    served.workers_ready()
    before = set(served.server.pool.pids())
    with served.connect() as sock:
        body = SLOW.encode()
        sock.sendall(POST + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        time.sleep(0.5)  # the query is running
    deadline = time.monotonic() + 2
    while all(alive(pid) for pid in before) and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped = [pid for pid in before if not alive(pid)]
    assert len(stopped) == 1, "the worker running the abandoned query was not stopped"
    assert "client went away; query stopped" in served.log.getvalue()
    assert served.alive()


def test_a_client_that_leaves_the_queue_is_forgotten(served: Served) -> None:
    """Its query never runs: it leaves the queue as soon as its client is gone."""
    served.workers_ready()
    with ThreadPoolExecutor(LIMITS.workers) as pool:
        running = [pool.submit(served.query, SLOW) for _ in range(LIMITS.workers)]
        deadline = time.monotonic() + 5
        while served.server.pool._idle and time.monotonic() < deadline:
            time.sleep(0.02)
        with served.connect() as sock:
            body = b"ASK {}"
            sock.sendall(POST + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            while served.server.pool._waiting == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert served.server.pool._waiting == 1
        left = time.monotonic()
        while served.server.pool._waiting and time.monotonic() - left < 2:
            time.sleep(0.02)
        assert served.server.pool._waiting == 0
        assert time.monotonic() - left < 1  # long before a worker would have been free
        assert [future.result()[0] for future in running] == [503] * LIMITS.workers
    assert served.alive()


def test_a_full_queue_answers_503_with_retry_after(served: Served) -> None:
    served.workers_ready()
    slow = LIMITS.workers + LIMITS.queue
    with ThreadPoolExecutor(slow) as pool:
        running = [pool.submit(served.query, SLOW) for _ in range(slow)]
        deadline = time.monotonic() + 5
        while served.server.pool._waiting < LIMITS.queue and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        status, headers, body = served.query("ASK {}")
        assert status == 503 and headers["retry-after"] == "2" and b"busy" in body
        assert time.monotonic() - started < 1  # at once, not after a wait
        one_line(headers, body)
        statuses = [future.result()[0] for future in running]
    assert set(statuses) == {503}  # each either timed out or waited too long for a worker
    served.workers_ready()
    assert served.alive()


def test_a_client_that_reads_slowly_holds_no_worker(served: Served) -> None:
    """A large answer is spooled, so the worker is free at once; a client that does not read
    it loses its connection after the time limit."""
    served.workers_ready()
    text = b"SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"  # some 20 MB of JSON
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(20)
    sock.connect(("127.0.0.1", served.port))
    with sock:
        sock.sendall(POST + b"Content-Length: %d\r\n\r\n" % len(text) + text)
        started = time.monotonic()
        time.sleep(0.5)
        served.workers_ready(within=5)
        assert len(served.server.pool._idle) == LIMITS.workers  # while the answer waits
        assert served.alive()
        received = 0
        time.sleep(LIMITS.timeout + 1)
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(1 << 16):
                received += len(chunk)
        assert time.monotonic() - started < LIMITS.timeout + 5
        assert 0 < received < 10_000_000  # cut off, not delivered whole


# --- connections: slowloris, idle, many at once -----------------------------------------------


def test_a_connection_that_sends_nothing_is_dropped(served: Served) -> None:
    with served.connect() as sock:
        started = time.monotonic()
        assert sock.recv(100) == b""
        assert time.monotonic() - started < LIMITS.request_timeout + 1.5


def test_slowloris_connections_are_dropped_and_do_not_stop_service(served: Served) -> None:
    """Three hundred connections each trickling a header line: the server drops each within
    the request timeout (or earlier, to make room), and answers real clients meanwhile."""
    sockets = []
    for _ in range(300):
        sock = served.connect(timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    try:
        started = time.monotonic()
        answers = [served.query("ASK { ?s ?p ?o }", timeout=5)[0] for _ in range(5)]
        assert answers == [200] * 5
        for sock in sockets:  # keep trickling: a byte is no excuse to stay
            try:
                sock.sendall(b"X-a: b\r\n")
            except OSError:
                pass
        for sock in sockets:
            sock.settimeout(max(0.1, started + LIMITS.request_timeout + 2 - time.monotonic()))
            try:
                assert sock.recv(100) == b""
            except ConnectionResetError:
                pass
    finally:
        for sock in sockets:
            sock.close()
    assert served.alive()


def test_two_hundred_concurrent_clients_get_an_answer_or_a_clean_503(served: Served) -> None:
    served.workers_ready()
    text = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    def client(_: int) -> tuple[int, dict[str, str], bytes]:
        return served.request("GET", f"/sparql?query={text}", timeout=15)

    started = time.monotonic()
    with ThreadPoolExecutor(200) as pool:
        answers = list(pool.map(client, range(200)))
    assert time.monotonic() - started < 30
    statuses = [status for status, _, _ in answers]
    # at least those that found a worker or a place in the queue at once are answered
    assert set(statuses) <= {200, 503} and statuses.count(200) >= LIMITS.workers + LIMITS.queue, statuses
    for status, headers, body in answers:
        if status == 503:
            assert "retry-after" in headers
            one_line(headers, body)
    assert served.alive()


def test_a_page_plugs_into_the_routing_table() -> None:
    """Other pages (the documentation site) are routes; they get the same request handling."""
    def hello(handler: Any, request: Request) -> None:
        handler.send(200, "text/plain; charset=utf-8", f"{request.method} {request.params}".encode())

    server = make_server(OxigraphStore(), "127.0.0.1", 0, limits=Limits(workers=1),
                         routes={"/hello": hello})
    with serving(server) as (_, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/hello?x=1")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b"GET {'x': ['1']}"
        connection.request("GET", "/hello", headers={"Host": "attacker.example"})
        assert connection.getresponse().status == 403


# --- the command line -------------------------------------------------------------------------


def test_serve_takes_its_limits_from_the_command_line(capfd: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["serve", "--timeout", "5", "--memory", "512", "--workers", "3"])
    assert (args.timeout, args.memory, args.workers) == (5.0, 512, 3)
    defaults = build_parser().parse_args(["serve"])
    assert (defaults.timeout, defaults.memory, defaults.workers) == (30.0, 2048, 2)
    for bad in (["--timeout", "0"], ["--timeout", "nan"], ["--timeout", "x"], ["--workers", "0"],
                ["--memory", "-1"]):
        assert main(["serve", *bad], out=io.StringIO(), err=io.StringIO()) == 2
        message = capfd.readouterr().err  # argparse writes usage errors to stderr itself
        assert message.count("\n") == 1 and bad[0] in message


def test_a_port_in_use_is_one_line(served: Served) -> None:
    err = io.StringIO()
    assert main(["serve", "--port", str(served.port), "--workers", "1"], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith(f"samhandling: cannot listen on 127.0.0.1:{served.port}: ")
    assert err.getvalue().count("\n") == 1


def test_serves_on_ipv6_loopback() -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with serving(make_server(OxigraphStore(), "::1", 0, limits=Limits(workers=1))) as (_, port):
        connection = http.client.HTTPConnection("::1", port, timeout=10)
        connection.request("GET", "/sparql?query=ASK%7B%7D")
        response = connection.getresponse()
        assert response.status == 200 and b"true" in response.read()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_command_stops_cleanly_on_sigterm() -> None:
    """``samhandling serve --timeout 2`` as a process: the limit reaches the workers; SIGTERM
    (a service manager's stop) ends it with status 0, no output on stderr, its workers and
    their copy of the graph gone."""
    command = [sys.executable, "-c", "import sys; from samhandling_kg.cli import main; "
               "sys.exit(main(sys.argv[1:]))", "serve", "--port", "0", "--timeout", "2",
               "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        port = int(line.split("/sparql")[0].rsplit(":", 1)[1])
        workers = [int(pid) for task in Path(f"/proc/{process.pid}/task").iterdir()
                   for pid in (task / "children").read_text().split()]
        dump = Path(Path(f"/proc/{workers[0]}/cmdline").read_bytes().split(b"\0")[-4].decode())
        assert dump.is_file()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("POST", "/sparql", SLOW.encode(), {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        assert response.status == 503 and b"time limit of 2 s (--timeout)" in response.read()
        connection.close()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0 and err == ""
    assert not any(alive(pid) for pid in workers)
    assert not dump.parent.exists()

