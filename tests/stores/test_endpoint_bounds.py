"""What a hostile endpoint answers is bounded (issue 23): decoded bytes (a gzip bomb counted
after decoding, as read), pages and rows of ``validate --endpoint`` (a store that answers every
page full, or caps every answer at one row), JSON nested 100,000 deep — each one line, exit 2.
The stores are stubs on loopback."""

from __future__ import annotations

import gzip
import json
import re
import urllib.parse
from typing import ClassVar

import pytest
from helpers import ASK_TRUE, SPARQL_JSON, StubHandler, assert_one_line_error, http_server, run

MIB = 1 << 20


class _Hostile(StubHandler):
    """An endpoint: ASK answers true; SELECTs are answered by ``mode``."""

    mode: ClassVar[str] = "full"
    requests: ClassVar[int] = 0

    def do_GET(self) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)).get("query", "")
        self._answer(query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self._answer(form.get("query", ""))

    def _answer(self, query: str) -> None:
        type(self).requests += 1
        if re.search(r"\bASK\b", query):
            self.reply(200, ASK_TRUE, SPARQL_JSON)
            return
        mode = type(self).mode
        if mode == "deep":
            body = b'{"head":{"vars":["s"]},"results":{"bindings":' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
            self.reply(200, body, SPARQL_JSON)
            return
        if mode == "gzip-bomb":
            body = gzip.compress(b'{"head":{"vars":["s"]},"results":{"bindings":[' + b" " * (256 * MIB) + b"]}}",
                                 compresslevel=9)
            self.send_response(200)
            self.send_header("Content-Type", SPARQL_JSON)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        limit = re.search(r"LIMIT (\d+)", query)
        count = int(limit.group(1)) if limit else 3
        cap = mode == "maxrows-1"
        if cap:
            count = 1
        variables = ["this", "path", "value", "s", "p", "o"]
        row = {v: {"type": "uri", "value": f"https://e.x/{v}"} for v in variables}
        body = json.dumps({"head": {"vars": variables},
                           "results": {"bindings": [row] * count}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", SPARQL_JSON)
        if cap:
            self.send_header("X-SPARQL-MaxRows", "1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _with(mode: str) -> type[_Hostile]:
    _Hostile.mode = mode
    _Hostile.requests = 0
    return _Hostile


def test_an_endpoint_that_answers_every_page_full_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMHANDLING_MAX_ROWS", "20000")
    with http_server(_with("full")) as url:
        code, _, err = run("validate", "--lang", "en", "--endpoint", f"{url}/sparql")
    assert_one_line_error(code, err, "20 000 rows", "SAMHANDLING_MAX_ROWS")
    assert _Hostile.requests < 20


def test_a_row_cap_below_the_floor_is_one_line() -> None:
    with http_server(_with("maxrows-1")) as url:
        code, _, err = run("validate", "--lang", "en", "--endpoint", f"{url}/sparql")
    assert_one_line_error(code, err, "1 row")
    assert _Hostile.requests < 10


@pytest.mark.parametrize("command", ["validate", "query"])
def test_json_nested_100000_deep_is_one_line(command: str) -> None:
    with http_server(_with("deep")) as url:
        if command == "validate":
            code, _, err = run("validate", "--lang", "en", "--endpoint", f"{url}/sparql")
        else:
            code, _, err = run("query", "cq01-organisational-forms", "--lang", "en",
                               "--endpoint", f"{url}/sparql")
    assert_one_line_error(code, err, "nested")


def test_a_gzip_bomb_is_counted_after_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMHANDLING_MAX_ANSWER", str(16 * MIB))
    with http_server(_with("gzip-bomb")) as url:
        code, _, err = run("query", "cq01-organisational-forms", "--endpoint", f"{url}/sparql")
    assert_one_line_error(code, err, "16 MiB", "SAMHANDLING_MAX_ANSWER")
