"""What many test files share: running the command in-process, the one-line-error check, and a
throw-away HTTP server on loopback."""

from __future__ import annotations

import io
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from samhandling_kg.cli import main


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


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A stub: serve ``handler`` on a free loopback port for the block; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server) as (_, port):
        yield f"http://127.0.0.1:{port}"
