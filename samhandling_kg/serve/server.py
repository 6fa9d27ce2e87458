"""``samhandling serve``: a local, read-only SPARQL endpoint with a query page.

The standard library's HTTP server answers the SPARQL 1.1 Protocol at ``/sparql`` (GET, or POST
as a form or ``application/sparql-query``); the pages — the start page at ``/``, the query page
offering the competency questions, the terms' IRIs — are the documentation site's
(:mod:`samhandling_kg.site`, given as ``site``); further pages plug into
:attr:`_Server.routes`. Updates
are refused, SERVICE clauses are not run, and by default only this machine can connect
(127.0.0.1); requests naming another host in their ``Host`` header are refused so a web page
cannot reach the endpoint by DNS rebinding.

The server survives its clients (:class:`Limits`): each query runs in a worker process that is
killed when the query outlives ``--timeout``, when its client goes away, or that dies alone when
it passes ``--memory`` or crashes the engine (:mod:`samhandling_kg.serve.pool`); a full queue is
answered 503 with Retry-After; a request must arrive whole within a few seconds (slow and idle
connections are dropped); malformed requests get a one-line 4xx answer, never a traceback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from samhandling_kg.core.errors import QueryError, SamhandlingError, printable
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.serve.pool import QueryPool
from samhandling_kg.serve.requests import host_refusal, is_cross_site, request_path
from samhandling_kg.site.routes import SiteRoutes
from samhandling_kg.sparql.guard import check_query_text
from samhandling_kg.stores.local import OxigraphStore

MAX_BODY = 1 << 20
#: Not 7878, the Oxigraph server's default, so the README's two endpoints can run side by side.
DEFAULT_PORT = 7879


_TEXT = "text/plain; charset=utf-8"
_SPOOL_IN_MEMORY = 4 << 20  # answers larger than this wait on disk while they are sent


def _line(message: str) -> bytes:
    return (printable(" ".join(message.split()))[:1000] + "\n").encode("utf-8")


@dataclass(frozen=True)
class Limits:
    """What one client may take of the server (README "samhandling serve")."""

    #: Seconds a query may run, may wait for a worker, and its answer may take to be read
    #: by the client (``--timeout``).
    timeout: float = 30.0
    #: Address space a query may add to its worker, the graph loaded, in MB (``--memory``);
    #: 0: no limit.
    memory_mb: int = 2048
    #: Query worker processes, each with its own copy of the store (``--workers``).
    workers: int = 2
    #: Queries that may wait for a worker; one more is answered 503 with Retry-After.
    queue: int = 128
    #: Seconds in which a request (line, headers and body) must arrive, counted from the
    #: opening of the connection or the end of the previous answer on it.
    request_timeout: float = 10.0
    #: Open connections; beyond it the connection longest waiting for its request is dropped.
    max_connections: int = 256
    #: Bytes of a request body.
    max_body: int = MAX_BODY
    #: Answer requests other web sites make browsers send (``--allow-cross-site``).
    allow_cross_site: bool = False


@dataclass
class Request:
    """One request, its body read: what a route gets."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: Message
    body: bytes


#: A route answers a request through the handler's ``send``/``send_text`` (HEAD included).
Route = Callable[["_Handler", Request], None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "samhandling-serve"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.limits.request_timeout)  # each read and write
        self.unread = False  # a body left unread: linger before closing (see finish)

    def finish(self) -> None:
        super().finish()
        if self.unread:
            _linger(self.connection, min(2.0, self.server.limits.request_timeout))

    def log_message(self, format: str, *args: Any) -> None:
        self.server.write_log(f"{self.address_string()} {format % args}")

    def handle_one_request(self) -> None:
        """The standard library's, dispatching through the server's routes; a connection
        that times out or goes away ends quietly."""
        self.server.waiting_for_request(self.connection)
        self.command = ""
        self.answered = False  # the status line is out: no other answer can follow
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = ""
                self.send_error(414, "request line too long")
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._dispatch()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, ValueError):
            # ValueError: the socket was shut down (request timeout) while it was being read
            self.close_connection = True

    def _dispatch(self) -> None:
        if not self._target_allowed():
            return None
        url = urllib.parse.urlsplit(self.path)
        if self.command not in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
            self.close_connection = True
            return self.send_text(405, f"method {self.command} is not allowed: use GET or POST",
                                  {"Allow": "GET, HEAD, POST"})
        body = self._read_body()
        if body is None:
            return None
        self.server.handling(self.connection)
        if not self._host_allowed() or not self._same_site(url.path):
            return None
        if self.command in ("PUT", "DELETE", "PATCH"):
            return self._refuse_update()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        try:
            # One way for every method: the routes (the endpoint) first, then the documentation
            # site's pages and the terms' IRIs, all under the one error handling below.
            route = self.server.routes.get(url.path)
            if route is not None:
                return route(self, Request(self.command, url.path, params, self.headers, body))
            if self.command in ("GET", "HEAD") and self._site_answered(url):
                return None
            return self.send_text(404, "not found: the endpoint is /sparql")
        except (TimeoutError, ConnectionError):
            raise
        except Exception as exc:  # a bug: one line for the client and the log, no traceback
            self.server.write_failure(f"internal error on {self.command} {url.path}: "
                                      f"{type(exc).__name__}: {exc}")
            self.close_connection = True
            if not self.answered:
                self.send_text(500, f"internal error: {type(exc).__name__}")

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue``: refuse a body we would not take before it is sent."""
        return self._body_length() is not None and super().handle_expect_100()

    def _read_body(self) -> bytes | None:
        """The body as Content-Length announces it; None when refused (answered already)."""
        length = self._body_length()
        if length is None:
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise ConnectionResetError  # the client closed before its body was complete
        return body

    def _body_length(self) -> int | None:
        """The length of the body, or None when it is refused (answered already)."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = self.unread = True
            self.send_text(411, "send the body with a Content-Length (chunked bodies are not taken)")
            return None
        values = self.headers.get_all("Content-Length") or []
        if not values:
            if self.command == "POST":
                self.close_connection = True
                self.send_text(411, "a POST needs a Content-Length")
                return None
            return 0
        if len(set(values)) != 1 or not re.fullmatch(r"[0-9]{1,19}", values[0].strip()):
            self.close_connection = self.unread = True
            self.send_text(400, f"Content-Length is not a number of bytes: {values[0][:40]!r}")
            return None
        length = int(values[0])
        if length > self.server.limits.max_body:
            self.close_connection = self.unread = True
            self.send_text(413, f"request body of {length} bytes is too large: this endpoint "
                           f"takes at most {self.server.limits.max_body}")
            return None
        return length

    def _site_answered(self, url: urllib.parse.SplitResult) -> bool:
        """The documentation site's pages and the terms' IRIs (samhandling_kg/site/routes.py)."""
        if self.server.site is None:
            return False
        answer = self.server.site.handle(url.path, url.query, self.headers.get("Accept") or "")
        if answer is None:
            return False
        status, headers, body = answer
        self.answered = True
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True

    # -- the protocol

    def _target_allowed(self) -> bool:
        path = request_path(self.path, self.command)
        if path is None:
            self.close_connection = True
            self.send_text(400, "the request target must be a path (or a URL of this machine)")
            return False
        self.path = path
        return True

    def _host_allowed(self) -> bool:
        refusal = host_refusal(self.headers.get_all("Host") or [], self.request_version,
                               local_only=self.server.local_only)
        if refusal is not None:
            self.close_connection = refusal[0] == 400
            self.send_text(*refusal)
        return refusal is None

    def _same_site(self, path: str) -> bool:
        if self.server.limits.allow_cross_site or not is_cross_site(self.headers, self.command, path):
            return True
        self.close_connection = True
        self.send_text(403, "cross-site requests are refused (start serve with --allow-cross-site "
                       "to let other web sites use this endpoint)")
        return False

    def _refuse_update(self) -> None:
        self.send_text(403, "this endpoint is read-only: SPARQL updates are refused")

    def sparql(self, request: Request) -> None:
        params = request.params
        if request.method == "HEAD":
            return self.send(200, _TEXT, b"")
        if request.method == "POST":
            media = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media == "application/sparql-update":
                return self._refuse_update()
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError:
                return self.send_text(400, "the request body is not UTF-8")
            if media == "application/sparql-query":
                params.setdefault("query", []).append(text)
            elif media == "application/x-www-form-urlencoded":
                for key, values in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            else:
                return self.send_text(415, "send the query as application/sparql-query or "
                                      "application/x-www-form-urlencoded")
        if "update" in params:
            return self._refuse_update()
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self.send_text(400, "give exactly one 'query'")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self.send_text(400, "this endpoint holds one graph: default-graph-uri and "
                                  "named-graph-uri are not supported")
        try:
            check_query_text(queries[0])
        except QueryError as exc:
            return self.send_text(400, str(exc))
        job = {"query": queries[0], "accept": self.headers.get("Accept") or ""}
        with self.server.pool.query(job, timeout=self.server.limits.timeout,
                                    client=self.connection) as outcome:
            if outcome.status == 0:  # the client went away: nothing to answer
                self.close_connection = True
                return None
            if outcome.status != 200:
                extra = {"Retry-After": str(outcome.retry_after)} if outcome.retry_after else {}
                return self.send_text(outcome.status, outcome.message, extra)
            # Spooled first, so the worker is free at once whatever the client's pace.
            answer = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
            for chunk in outcome.chunks():
                answer.write(chunk)
            media, length = outcome.media, outcome.length
        with answer:
            self.server.sending(self.connection)
            self._head(200, media, length)
            answer.seek(0)
            shutil.copyfileobj(answer, self.wfile, 1 << 16)

    # -- answers

    def send_text(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        """An answer of one line of plain text (every error answer)."""
        self.send(status, _TEXT, _line(message), headers)

    def send(self, status: int, media: str, body: bytes,
             headers: Mapping[str, str] | None = None) -> None:
        self._head(status, media, len(body), headers)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _head(self, status: int, media: str, length: int,
              headers: Mapping[str, str] | None = None) -> None:
        self.answered = True
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if media.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'none'; script-src 'unsafe-inline'; "
                             "style-src 'unsafe-inline'; connect-src 'self'")
        self.end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's errors (bad request line, headers too long…) as one line."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # an answer with a status line, not a bare body
        self.send_text(code, message or self.responses.get(code, ("error",))[0])


#: The endpoint's own routes. The pages (the start page, the query page with the competency
#: questions, the terms' IRIs) are the documentation site's (``site``, samhandling_kg/site/).
_ROUTES: dict[str, Route] = {
    "/sparql": _Handler.sparql,
}


@dataclass
class _Connection:
    socket: socket.socket
    opened: float
    deadline: float | None  # when the connection is dropped; None while a query runs
    waiting: bool = True  # for its request (may be dropped to make room)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # listen backlog; the kernel caps it (net.core.somaxconn)

    def __init__(self, address: tuple[str, int], store: OxigraphStore, log: TextIO | None,
                 limits: Limits, routes: Mapping[str, Route] | None = None,
                 site: SiteRoutes | None = None) -> None:
        self.site = site
        self.log = log
        self.failures: TextIO | None = None
        self.limits = limits
        #: Path -> route; add a page with ``server.routes["/docs"] = handler``.
        self.routes: dict[str, Route] = {**_ROUTES, **(routes or {})}
        self._connections: dict[int, _Connection] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        try:
            self.local_only = ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            self.local_only = address[0] == "localhost"
        self.triples = len(store)
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)  # binds first: a busy port fails before workers start
        try:
            self.pool = QueryPool(store, workers=limits.workers, memory_mb=limits.memory_mb,
                                  queue=limits.queue, log=self.write_log)
        except BaseException:
            super().server_close()
            raise
        threading.Thread(target=self._reap, daemon=True, name="samhandling-reaper").start()

    def write_failure(self, line: str) -> None:
        """A failure of the server's own (a bug, a page that cannot be made): in the log, and
        on ``failures`` (``serve`` passes its standard error) when there is no log."""
        target = self.log if self.log is not None else self.failures
        if target is not None:
            with contextlib.suppress(OSError, ValueError):
                target.write("samhandling serve: " + printable(line) + "\n")
                target.flush()

    def write_log(self, line: str) -> None:
        if self.log is not None:
            with contextlib.suppress(OSError, ValueError):
                self.log.write(printable(line) + "\n")
                self.log.flush()

    # -- connections: a request must arrive in time; the oldest waiting one makes room

    def process_request(self, request: Any, client_address: Any) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._connections) >= self.limits.max_connections:
                waiting = [c for c in self._connections.values() if c.waiting]
                if not waiting:
                    self._refuse(request)
                    return
                _drop(min(waiting, key=lambda c: c.opened).socket)
            self._connections[request.fileno()] = _Connection(
                request, now, now + self.limits.request_timeout)
        super().process_request(request, client_address)

    def _refuse(self, request: socket.socket) -> None:
        """Every connection is busy with a query: 503 at once, without a thread."""
        with contextlib.suppress(OSError):
            request.settimeout(1.0)
            body = _line("the endpoint is busy: too many open connections; try again shortly")
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\n"
                            b"Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.shutdown_request(request)

    def waiting_for_request(self, connection: socket.socket) -> None:
        self._phase(connection, self.limits.request_timeout, waiting=True)

    def handling(self, connection: socket.socket) -> None:
        self._phase(connection, None, waiting=False)

    def sending(self, connection: socket.socket) -> None:
        """An answer must be taken within the query time limit: a client that reads slowly
        holds no worker (the answer is spooled first) and not its connection for long."""
        self._phase(connection, self.limits.timeout, waiting=False)

    def _phase(self, connection: socket.socket, seconds: float | None, *, waiting: bool) -> None:
        with self._lock:
            entry = self._connections.get(connection.fileno())
            if entry is not None:
                entry.deadline = None if seconds is None else time.monotonic() + seconds
                entry.waiting = waiting

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            entry = self._connections.get(request.fileno())
            if entry is not None and entry.socket is request:
                del self._connections[request.fileno()]
        super().shutdown_request(request)

    def _reap(self) -> None:
        """Drop connections whose request did not arrive in time (slowloris, idle), or
        whose answer was not taken in time (slow readers)."""
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [c.socket for c in self._connections.values()
                        if c.deadline is not None and c.deadline < now]
            for sock in late:
                _drop(sock)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """No traceback on the console: a client that went away is no error at all, and
        anything else is one line in the log."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        self.write_log(f"error on a request from {client_address[0]}: {type(exc).__name__}: {exc}")

    def server_close(self) -> None:
        self._stop.set()
        super().server_close()
        if hasattr(self, "pool"):  # not when binding failed
            self.pool.close()


def _linger(sock: socket.socket, seconds: float) -> None:
    """Read and discard what the client still sends, for a moment, after the answer: closing
    with unread data makes the kernel reset the connection, and a client still sending its
    body would see the reset instead of the answer (a 413, say)."""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(1 << 16):
                break


def _drop(sock: socket.socket) -> None:
    """End a connection whose thread is blocked reading it: its read returns at once."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def make_server(store: OxigraphStore, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                log: TextIO | None = None, limits: Limits | None = None,
                routes: Mapping[str, Route] | None = None,
                site: SiteRoutes | None = None) -> _Server:
    """A server bound to ``host:port`` (port 0: a free one) with its query workers started;
    call ``serve_forever()``, and ``server_close()`` to stop the workers. ``routes`` add pages
    (or replace the query page): path -> function of the handler and the :class:`Request`.
    With ``site`` it also serves the documentation pages and the query page, and resolves the
    terms' IRIs."""
    try:
        return _Server((host, port), store, log, limits or Limits(), routes, site)
    except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SamhandlingError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(data: Iterable[str | Path] = (), *, infer: bool = False, host: str = "127.0.0.1",
          port: int = DEFAULT_PORT, out: TextIO | None = None,
          ready: threading.Event | None = None, limits: Limits | None = None,
          err: TextIO | None = None) -> int:
    """Build the store and serve it until interrupted; returns the exit status. Failures of
    the server's own are written to ``err``."""
    data = list(data)
    limits = limits or Limits()
    store = OxigraphStore.with_knowledge_graph(data, infer=infer)
    # The pages are read from the same files with the reference reader: read now, so that a
    # file it refuses (a 6,000-digit integer Oxigraph takes) is refused at start with the
    # line every other command gives, not a 500 on every page later.
    graph = load_knowledge_graph(data)
    server = make_server(store, host, port, limits=limits, site=SiteRoutes(data, graph=graph))
    server.failures = err
    del store, graph  # the workers hold their own copies; the site keeps the graph
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if out is not None:
        out.write(f"serving {server.triples} triples at http://{shown}:{bound_port}/sparql "
                  f"(query page: http://{shown}:{bound_port}/); queries stop after "
                  f"{limits.timeout:g} s; Ctrl-C stops\n")
        out.flush()
    if ready is not None:
        ready.set()
    previous = None
    if threading.current_thread() is threading.main_thread():
        # A service manager's SIGTERM stops the server as Ctrl-C does: workers and their
        # temporary copy of the graph go with it.
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
