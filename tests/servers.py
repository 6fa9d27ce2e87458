"""Real SPARQL servers for the tests: Oxigraph server and Virtuoso 7.

Each server runs on a free loopback port with its storage in a temporary folder, is started
the first time a test asks for it and stopped (its folder removed) when the test process ends.
Tests get them through the fixtures of tests/conftest.py (``oxigraph_server``,
``virtuoso_server``, and ``server`` parametrised over :data:`SERVERS`).

A server that is not installed skips the test with the reason; under CI (``CI=true``) it
fails instead, so a broken CI image cannot turn the server tests into silent skips.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT = 60.0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI."""
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server: its URLs, and how to stop it."""

    name: str
    base: str
    query_url: str
    update_url: str
    graph_store_url: str
    process: subprocess.Popen[bytes]
    folder: Path
    user: str | None = None
    password: str | None = None
    log: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


try:  # resolved here, in the parent: the child must not import anything between fork and exec
    import ctypes
    import signal

    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
    _SIGTERM = int(signal.SIGTERM)
except (OSError, AttributeError):  # not Linux
    _prctl = None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM when the test process dies, even if killed outright."""
    if _prctl is not None:
        _prctl(1, _SIGTERM)  # PR_SET_PDEATHSIG


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path | None, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{name} exited with status {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError) as exc:
            last = str(exc)
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not answer {url} within {START_TIMEOUT:.0f} s ({last})")


def start_oxigraph() -> Server:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise FileNotFoundError("the Oxigraph server ('oxigraph' of the PyPI package oxigraph) is not installed")
    folder = Path(tempfile.mkdtemp(prefix="samhandling-oxigraph-"))
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", base, f"{base}/query", f"{base}/update", f"{base}/store",
                    process, folder, log=log)
    try:
        _wait_for(f"{base}/query?query=" + urllib.parse.quote("ASK{}"), process, log, "oxigraph")
    except BaseException:
        server.stop()
        raise
    return server


def virtuoso_ini(folder: Path, sql_port: int, http_port: int,
                 parameters: dict[str, str] | None = None) -> str:
    """The packaged virtuoso.ini with its database in ``folder`` and both ports on loopback;
    ``parameters`` are added to its [Parameters] (e.g. a benchmark's TransactionAfterImageLimit)."""
    text = VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace")
    section = ""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        header = re.match(r"^\[(.+)\]$", stripped)
        if header:
            section = header.group(1)
        key = re.match(r"^([A-Za-z_0-9]+)\s*=", stripped)
        name = key.group(1) if key else ""
        if section in ("Database", "TempDatabase") and name in (
            "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"
        ):
            value = line.split("=", 1)[1].strip()
            line = f"{name} = {folder / Path(value).name}"
        elif name == "ServerPort" and section == "Parameters":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif name == "ServerPort" and section == "HTTPServer":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif name == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad"
        elif name == "DefaultHost" and section == "URIQA":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif name == "MaxQueryCostEstimationTime":
            # Virtuoso refuses a query whose *estimated* cost passes this limit; after the load
            # tests have filled the shared test database its estimates for small queries run
            # to hundreds of seconds. The answers, not the estimator, are under test here.
            line = "MaxQueryCostEstimationTime = 0"
        elif section == "Plugins" and name.startswith("Load"):
            line = ";" + line  # wiki plug-ins: not needed, and slow to load
        lines.append(line)
        if header and section == "Parameters":
            lines += [f"{key} = {value}" for key, value in (parameters or {}).items()]
    return "\n".join(lines) + "\n"


def start_virtuoso(parameters: dict[str, str] | None = None) -> Server:
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        raise FileNotFoundError(
            "Virtuoso 7 ('virtuoso-t' of the Debian package virtuoso-opensource-7) is not installed"
        )
    folder = Path(tempfile.mkdtemp(prefix="samhandling-virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, sql_port, http_port, parameters), encoding="utf-8")
    log = folder / "console.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [binary, "+configfile", str(ini), "+foreground"],
            cwd=folder, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    base = f"http://127.0.0.1:{http_port}"
    server = Server(
        "virtuoso", base, f"{base}/sparql", f"{base}/sparql-auth",
        f"{base}/sparql-graph-crud-auth", process, folder, user="dba", password="dba", log=log,
        extra={"sql_port": str(sql_port)},
    )
    try:
        _wait_for(f"{base}/sparql?query=" + urllib.parse.quote("ASK{}"), process, log, "virtuoso")
    except BaseException:
        server.stop()
        raise
    return server


_RUNNING: dict[str, Server] = {}
_FAILED: dict[str, str] = {}


def _stop_all() -> None:
    for server in _RUNNING.values():
        server.stop()
    _RUNNING.clear()


atexit.register(_stop_all)


def shared(name: str, start: Callable[[], Server]) -> Server:
    """One server per test process, started on first use; skip (or fail under CI) without it."""
    if name in _RUNNING and _RUNNING[name].process.poll() is None:
        return _RUNNING[name]
    if name in _FAILED:
        unavailable(_FAILED[name])
    try:
        _RUNNING[name] = start()
    except (FileNotFoundError, RuntimeError) as exc:
        _FAILED[name] = str(exc)
        unavailable(str(exc))
    return _RUNNING[name]


#: The server fixtures (tests/conftest.py) by server name; a test parametrised over
#: ``SERVERS`` gets each through the ``server`` fixture (``indirect=True``).
SERVER_FIXTURES = {"oxigraph": "oxigraph_server", "virtuoso": "virtuoso_server"}
SERVERS = list(SERVER_FIXTURES.values())


class FaultyProxy:
    """A loopback TCP proxy in front of a server that breaks requests on purpose.

    ``drop_after``: cut both connections (with a TCP reset) once a request has sent that many
    bytes — an upload dying in the middle of its body. ``fail``: a test on the first bytes of a
    request; when it holds the proxy answers ``500`` itself and the server never sees it.
    ``requests`` records the first line of every request.
    """

    def __init__(self, target_port: int, *, drop_after: int | None = None,
                 fail: Callable[[bytes], bool] | None = None,
                 hold: Callable[[bytes], bool] | None = None,
                 swallow: Callable[[bytes], bool] | None = None,
                 gate: Callable[[bytes], bool] | None = None, gate_size: int = 2,
                 gate_timeout: float = 5.0) -> None:
        """``hold``: requests for which it holds are never forwarded (the client waits until
        its timeout). ``swallow``: forwarded, but the server's answer never reaches the client.
        ``gate``: requests for which it holds wait until ``gate_size`` of them are waiting (or
        ``gate_timeout`` passed) and then go on together — two swaps made to overlap."""
        import threading

        self.target_port = target_port
        self.drop_after = drop_after
        self.fail = fail
        self.hold = hold
        self.swallow = swallow
        self.gate = gate
        self.gate_size = gate_size
        self.gate_timeout = gate_timeout
        self._gate_waiting = 0
        self._gate_open = threading.Event()
        self._gate_lock = threading.Lock()
        self.held: list[str] = []
        self.swallowed: list[str] = []
        self.gated: list[str] = []
        self.requests: list[str] = []
        self.dropped = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def __enter__(self) -> FaultyProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        import threading

        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        import struct

        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        sock.close()

    @staticmethod
    def _head(client: socket.socket) -> bytes:
        """The request head, plus the whole body when it is small (so ``fail`` sees it)."""
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(match.group(1)) if match else 0
        while length <= 65536 and len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
            data += chunk
        return data

    def _handle(self, client: socket.socket) -> None:
        import threading

        client.settimeout(10)
        try:
            first = self._head(client)
        except OSError:
            client.close()
            return
        self.requests.append(first.split(b"\r\n", 1)[0].decode("latin-1"))
        if self.fail is not None and self.fail(first):
            body = b"proxy: injected server failure"
            client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                           b"Connection: close\r\nContent-Length: " + str(len(body)).encode()
                           + b"\r\n\r\n" + body)
            client.close()
            return
        line = first.split(b"\r\n", 1)[0].decode("latin-1")
        if self.hold is not None and self.hold(first):
            self.held.append(line)
            while not self._closed:  # keep the client waiting; never forward
                time.sleep(0.05)
            client.close()
            return
        if self.gate is not None and self.gate(first):
            self.gated.append(line)
            with self._gate_lock:
                self._gate_waiting += 1
                if self._gate_waiting >= self.gate_size:
                    self._gate_open.set()
            self._gate_open.wait(self.gate_timeout)
        swallow = self.swallow is not None and self.swallow(first)
        if swallow:
            self.swallowed.append(line)
        upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        sent = [0]

        def forward(data: bytes) -> bool:
            sent[0] += len(data)
            if self.drop_after is not None and sent[0] > self.drop_after:
                upstream.sendall(data[: max(0, len(data) - (sent[0] - self.drop_after))])
                self.dropped += 1
                self._reset(upstream)
                self._reset(client)
                return False
            upstream.sendall(data)
            return True

        def back() -> None:
            try:
                while True:
                    data = upstream.recv(65536)
                    if not data:
                        break
                    if swallow:  # the server answered; the client never hears it
                        while not self._closed:
                            time.sleep(0.05)
                        break
                    client.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (client, upstream):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=back, daemon=True).start()
        try:
            if not forward(first):
                return
            while True:
                data = client.recv(65536)
                if not data or not forward(data):
                    break
        except OSError:
            pass


def loader(server: Server, graph_store: str | None = None, timeout: float = 20):  # type: ignore[no-untyped-def]
    """An EndpointStore that loads into ``server`` (through ``graph_store`` if given, e.g. a proxy)."""
    from samhandling_kg.stores.endpoint import EndpointStore

    credentials = (server.user, server.password) if server.user and server.password else None
    store = EndpointStore(server.query_url, graph_store=graph_store or server.graph_store_url,
                          update_endpoint=server.update_url if graph_store is None else None,
                          credentials=credentials, timeout=timeout)
    return store


def reader(server: Server, graph: str | None):  # type: ignore[no-untyped-def]
    """An EndpointStore that queries ``graph`` of ``server``."""
    from samhandling_kg.stores.endpoint import EndpointStore

    return EndpointStore(server.query_url, graph=graph, timeout=20)


def triples_in(server: Server, graph: str) -> int:
    from rdflib import URIRef

    result = reader(server, None).query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
    return int(str(result.rows[0][0]))


def leftover_temporary_graphs(server: Server) -> list[str]:
    """Temporary graphs of loads (today's names and the old urn:uuid: ones) and load records."""
    result = reader(server, None).query(
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:uuid:") '
        '|| STRSTARTS(STR(?g), "urn:samhandling:load:") || STR(?g) = "urn:samhandling:loads") }')
    return [str(row[0]) for row in result.rows]
