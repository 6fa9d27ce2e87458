"""Credentials never leak: with a recognisable password in SAMHANDLING_PASSWORD, no output, log
record (DEBUG captured), exception message or report holds it — nor its Basic encoding — when a
store challenges (401), refuses, fails (500) or echoes the request back in its error page.

tests/load/test_load.py and tests/stores/test_stores.py check the wrong-password line against Virtuoso and
credentials written into a URL; these add hostile stores and the logs.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from helpers import ASK_TRUE, SPARQL_JSON, StubHandler, http_server

from samhandling_kg.cli import main
from samhandling_kg.core.errors import SamhandlingError

USER = "sam-user"
PASSWORD = "Pa55-RECOGNISABLE-xyzzy"
SECRETS = (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
           base64.b64encode(PASSWORD.encode()).decode().rstrip("="))


class _Hostile(StubHandler):
    """Challenges with Basic or Digest, then fails with a page that echoes the whole request."""

    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        self.drain()
        mode = self.path.split("/")[1]  # /basic-500/..., /digest-401/...
        scheme, status = mode.split("-")
        if "Authorization" not in self.headers or status == "401":
            challenge = ('Basic realm="store"' if scheme == "basic"
                         else 'Digest realm="store", nonce="abc123", qop="auth", algorithm=MD5')
            self.reply(401, f"authorisation needed; you sent {self.headers.get('Authorization')!r}"
                       .encode(), challenge=challenge)
            return
        echo = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        self.reply(int(status), f"internal error while serving\n{self.requestline}\n{echo}"
                                f"password was {PASSWORD}\n".encode())

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
    from samhandling_kg.stores.endpoint import EndpointStore

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


class _RecordingEnviron(dict):  # type: ignore[type-arg]
    """os.environ that notes every variable name read from it."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def _variables_read(monkeypatch: pytest.MonkeyPatch, *argv: str) -> set[str]:
    environ = _RecordingEnviron({**os.environ, "SAMHANDLING_USER": USER, "SAMHANDLING_PASSWORD": PASSWORD})
    monkeypatch.setattr(os, "environ", environ)
    main(list(argv), out=io.StringIO(), err=io.StringIO())
    monkeypatch.undo()
    return environ.read


def test_only_commands_that_talk_to_a_store_read_the_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "s.ttl"
    data.write_text("@prefix sam: <https://w3id.org/samhandling#> .\n<https://example.org/s> a sam:Solution .\n")
    # The detector works: a load reads the credentials to send them (to a closed port here).
    assert "SAMHANDLING_PASSWORD" in _variables_read(
        monkeypatch, "load", "--graph-store", "http://127.0.0.1:9/store")
    for argv in (["--version"], ["load", "--help"], ["validate", str(data), "--format", "sarif"],
                 ["query", "cq01-organisational-forms", "--data", str(data)], ["export"]):
        assert "SAMHANDLING_PASSWORD" not in _variables_read(monkeypatch, *argv), argv


# --- where credentials go ------------------------------------------------------------------------


class _Redirecting(StubHandler):
    """Challenges with Basic, then answers 301 to another origin (``target``)."""

    target = ""

    def _handle(self) -> None:
        self.drain()
        if "Authorization" not in self.headers:
            self.reply(401, challenge='Basic realm="store"')
            return
        self.send_response(301)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _handle


class _Collector(StubHandler):
    """The other origin: records the Authorization header of every request it gets."""

    seen: ClassVar[list[str | None]] = []

    def _handle(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        self.reply(200, ASK_TRUE, SPARQL_JSON)

    do_GET = do_POST = do_PUT = _handle


@pytest.mark.parametrize("command", ["query", "load"])
def test_credentials_never_follow_a_redirect_to_another_origin(command: str, tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """A store that answers 301 to another origin gets no second request there — and so the
    other origin never sees the Authorization header; the user is told where it pointed."""
    _Collector.seen = []
    with http_server(_Collector) as other:
        other = other.replace("127.0.0.1", "localhost")  # another origin: other host and port
        handler = type("Redirecting", (_Redirecting,), {"target": other})
        with http_server(handler) as store:
            if command == "query":
                query = tmp_path / "q.rq"
                query.write_text("ASK {}")
                argv = ["query", "--lang", "en", str(query), "--endpoint", f"{store}/sparql"]
            else:
                argv = ["load", "--graph-store", f"{store}/store", "--graph", "https://example.org/g"]
            code, out, err = run_logged(caplog, *argv)
    assert code == 2 and err.count("\n") == 1, err
    assert "301" in err and f"redirected to {other}/" in err and "not followed" in err, err
    assert _Collector.seen == []
    assert_no_secret(out, err, caplog.text)


class _EchoFirst(StubHandler):
    """Fails with a page that starts with the Authorization header it received."""

    def _handle(self) -> None:
        self.drain()
        if "Authorization" not in self.headers:
            self.reply(401, challenge='Basic realm="store"')
            return
        self.reply(500, f"{self.headers['Authorization']} was not accepted here".encode())

    do_GET = do_POST = do_PUT = _handle


@pytest.mark.parametrize("command", ["query", "load"])
def test_an_echoed_basic_header_is_redacted(command: str, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with http_server(_EchoFirst) as store:
        if command == "query":
            query = tmp_path / "q.rq"
            query.write_text("ASK {}")
            argv = ["query", "--lang", "en", str(query), "--endpoint", f"{store}/sparql"]
        else:
            argv = ["load", "--graph-store", f"{store}/store", "--graph", "https://example.org/g"]
        code, out, err = run_logged(caplog, *argv)
    assert code == 2 and err.count("\n") == 1 and "server error 500" in err, err
    assert "Basic ***" in err, err  # the echo is there, the secret is not
    assert_no_secret(out, err, caplog.text)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/store", "http://127.0.0.1:65536/store",
                                 "http://[::1/store", "http://127.0.0.1:0/store", "http://127.0.0.1:x/store"])
@pytest.mark.parametrize("command", ["query", "load"])
def test_a_broken_url_is_one_line(url: str, command: str, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("ASK {}")
    argv = (["query", "--lang", "en", str(query), "--endpoint", url.replace("/store", "/sparql")] if command == "query"
            else ["load", "--graph-store", url])
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    text = err.getvalue()
    assert code == 2 and text.count("\n") == 1 and "not a valid URL" in text, text
    assert "Traceback" not in text and out.getvalue() == ""


def _digest_store(algorithm: str) -> type[StubHandler]:
    """A store that checks a Digest answer itself (RFC 7616, qop=auth) for ``algorithm``."""
    import hashlib

    hashing = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512}[algorithm]

    class Store(StubHandler):
        accepted: ClassVar[list[bool]] = []

        def do_GET(self) -> None:
            header = self.headers.get("Authorization", "")
            fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
            if header.startswith("Digest "):
                def h(text: str) -> str:
                    return hashing(text.encode()).hexdigest()

                ha1 = h(f"{USER}:store:{PASSWORD}")
                ha2 = h(f"GET:{fields.get('uri')}")
                expected = h(f"{ha1}:n0nce:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
                ok = fields.get("response") == expected and fields.get("algorithm") == algorithm
                type(self).accepted.append(ok)
                if ok:
                    self.reply(200, ASK_TRUE, SPARQL_JSON)
                    return
            self.reply(401, challenge=f'Digest realm="store", nonce="n0nce", qop="auth", '
                                      f'algorithm={algorithm}')

    return Store


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-512"])
def test_digest_answers_the_algorithm_the_store_asks_for(algorithm: str, tmp_path: Path) -> None:
    """The old hand-written Digest fell back to MD5 for SHA-512; the store refused it."""
    handler = _digest_store(algorithm)
    query = tmp_path / "q.rq"
    query.write_text("ASK {}")
    with http_server(handler) as store:
        out, err = io.StringIO(), io.StringIO()
        code = main(["query", str(query), "--endpoint", f"{store}/sparql"], out=out, err=err)
    assert (code, out.getvalue().strip()) == (0, "yes"), err.getvalue()
    assert handler.accepted == [True]


@pytest.mark.parametrize(("challenge", "words"), [
    ('Digest realm="store", nonce="n0nce", qop="auth", algorithm=SHA-1024',
     {"nb": "som ikke støttes", "nn": "som ikkje er støtta", "en": "which is not supported"}),
    ("Digest realm=store",  # no nonce: not a challenge one can answer
     {"nb": "ugyldig Digest-utfordring", "nn": "ugyldig Digest-utfordring",
      "en": "malformed Digest challenge"}),
])
def test_a_digest_challenge_that_cannot_be_answered_is_named_in_the_reports_language(
        challenge: str, words: dict[str, str]) -> None:
    """No connection is made: httpx's mock transport plays the store."""
    from samhandling_kg.core.errors import EndpointError
    from samhandling_kg.io.http import HttpClient

    def store(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    client = HttpClient((USER, PASSWORD), timeout=5, transport=httpx.MockTransport(store))
    with pytest.raises(EndpointError) as raised:
        client.request("GET", "https://store.example.org/sparql", params=[("query", "ASK {}")])
    for lang, phrase in words.items():
        line = raised.value.in_language(lang)
        assert line.startswith("https://store.example.org/sparql") and phrase in line, (lang, line)
    assert_no_secret(*(raised.value.in_language(lang) for lang in words))


def _mock_store(request: httpx.Request) -> httpx.Response:
    if "Authorization" not in request.headers:
        return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="store"'})
    return httpx.Response(200, json={"head": {}, "boolean": True})


@pytest.mark.parametrize(("url", "warned"), [
    ("http://store.example.org/sparql", True),
    ("https://store.example.org/sparql", False),
    ("http://127.0.0.1/sparql", False),
    ("http://[::1]/sparql", False),
    ("http://localhost/sparql", False),
])
def test_credentials_over_plain_http_to_another_machine_warn(url: str, warned: bool) -> None:
    """No connection is made: httpx's mock transport plays the store."""
    from samhandling_kg.io.http import HttpClient

    warnings_seen: list[str] = []
    client = HttpClient((USER, PASSWORD), timeout=5, on_warning=warnings_seen.append,
                        transport=httpx.MockTransport(_mock_store))
    for _ in range(2):
        assert client.request("GET", url, params=[("query", "ASK {}")]).status_code == 200
    assert len(warnings_seen) == (1 if warned else 0), warnings_seen
    if warned:
        assert "plain http://" in warnings_seen[0] and "store.example.org" in warnings_seen[0]
        assert_no_secret(*warnings_seen)


def test_the_command_line_prints_the_plain_http_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The command's own warning path: one line on stderr, the answer on stdout."""
    from samhandling_kg.io import http

    real = http.HttpClient.__init__

    def mocked(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["transport"] = httpx.MockTransport(_mock_store)
        real(self, *args, **kwargs)

    monkeypatch.setattr(http.HttpClient, "__init__", mocked)
    query = tmp_path / "q.rq"
    query.write_text("ASK {}")
    out, err = io.StringIO(), io.StringIO()
    code = main(["query", str(query), "--endpoint", "http://store.example.org/sparql"], out=out, err=err)
    assert (code, out.getvalue().strip()) == (0, "yes"), err.getvalue()
    assert err.getvalue().startswith("samhandling: warning: sending the credentials") and err.getvalue().count("\n") == 1
