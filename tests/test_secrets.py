"""Credentials never leak: with a recognisable password in SAMHANDLING_PASSWORD, no output, log
record (DEBUG captured), exception message or report holds it — nor its Basic encoding — when a
store challenges (401), refuses, fails (500) or echoes the request back in its error page.

tests/test_load.py and tests/test_stores.py check the wrong-password line against Virtuoso and
credentials written into a URL; these add hostile stores and the logs.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from helpers import http_server

from samhandling_kg.cli import main
from samhandling_kg.errors import SamhandlingError

USER = "sam-user"
PASSWORD = "Pa55-RECOGNISABLE-xyzzy"
SECRETS = (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
           base64.b64encode(PASSWORD.encode()).decode().rstrip("="))


class _Hostile(BaseHTTPRequestHandler):
    """Challenges with Basic or Digest, then fails with a page that echoes the whole request."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        mode = self.path.split("/")[1]  # /basic-500/..., /digest-401/...
        scheme, status = mode.split("-")
        if "Authorization" not in self.headers or status == "401":
            challenge = ('Basic realm="store"' if scheme == "basic"
                         else 'Digest realm="store", nonce="abc123", qop="auth", algorithm=MD5')
            self._send(401, f"authorisation needed; you sent {self.headers.get('Authorization')!r}", challenge)
            return
        echo = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        self._send(int(status), f"internal error while serving\n{self.requestline}\n{echo}"
                                f"password was {PASSWORD}\n")

    def _send(self, status: int, text: str, challenge: str | None = None) -> None:
        body = text.encode()
        self.send_response(status)
        if challenge:
            self.send_header("WWW-Authenticate", challenge)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with http_server(_Hostile) as url:
        yield url


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMHANDLING_USER", USER)
    monkeypatch.setenv("SAMHANDLING_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", "5")


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"secret {secret!r} leaked in: {text[:600]!r}"


def run_logged(caplog: pytest.LogCaptureFixture, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        code = main(list(argv), out=out, err=err)
        logging.getLogger("rdflib").setLevel(logging.DEBUG)  # main() quietens rdflib; listen anyway
    return code, out.getvalue(), err.getvalue()


MODES = ["basic-401", "basic-500", "digest-401", "digest-500"]


@pytest.mark.parametrize("mode", MODES)
def test_query_never_shows_the_password(mode: str, hostile: str, tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    code, out, err = run_logged(caplog, "query", str(query), "--endpoint", f"{hostile}/{mode}/sparql")
    assert code == 2 and err.count("\n") == 1, err
    assert mode.split("-")[1] in err
    assert_no_secret(out, err, caplog.text, *(r.getMessage() for r in caplog.records))


@pytest.mark.parametrize("mode", MODES)
def test_load_never_shows_the_password(mode: str, hostile: str, caplog: pytest.LogCaptureFixture) -> None:
    code, out, err = run_logged(caplog, "load", "--graph-store", f"{hostile}/{mode}/store",
                                "--graph", "https://example.org/g")
    assert code == 2 and err.count("\n") == 1, err
    assert_no_secret(out, err, caplog.text, *(r.getMessage() for r in caplog.records))


@pytest.mark.parametrize("mode", MODES)
def test_exceptions_from_the_api_never_hold_the_password(mode: str, hostile: str) -> None:
    from samhandling_kg.stores import EndpointStore

    store = EndpointStore(f"{hostile}/{mode}/sparql", graph_store=f"{hostile}/{mode}/store",
                          credentials=(USER, PASSWORD), timeout=5)
    for action in (lambda: store.query("ASK {}"), lambda: store.load([], graph="https://example.org/g")):
        with pytest.raises(SamhandlingError) as caught:
            action()
        chain = []
        exc: BaseException | None = caught.value
        while exc is not None:  # the message, its args and every exception a traceback would show
            chain += [str(exc), repr(exc.args)]
            exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        assert_no_secret(*chain)


def test_version_help_and_validation_report_do_not_read_the_password(tmp_path: Path) -> None:
    data = tmp_path / "s.ttl"
    data.write_text("@prefix sam: <https://w3id.org/samhandling#> .\n<https://example.org/s> a sam:Solution .\n")
    outputs = []
    for argv in (["--version"], ["load", "--help"], ["validate", str(data), "--format", "json"],
                 ["validate", str(data), "--format", "sarif"]):
        out, err = io.StringIO(), io.StringIO()
        try:
            main(argv, out=out, err=err)
        except SystemExit:
            pass
        outputs += [out.getvalue(), err.getvalue()]
    assert_no_secret(*outputs)
