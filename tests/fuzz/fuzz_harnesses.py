"""The fuzz harnesses of issue 23: for the file readers, the query guard, the endpoint-answer
readers and ``serve``'s request handling. Each ``check_*`` takes one input and fails (raises
anything but the clean refusal) only on a crash: a traceback-worthy exception, a hang, an
answer that is not one line. ``STRATEGIES`` say what each is fed.

They run three ways: ``tests/fuzz/test_fuzz.py`` (a bounded, derandomised number of examples in
CI, all together within a minute, plus every case in ``tests/fuzz/corpus/``), and
``benchmarks/fuzz.py`` (long randomised runs by hand, saving any crash as a corpus case)."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

CORPUS = Path(__file__).resolve().parent / "corpus"

#: The file endings the readers take, and RDF fragments a token soup is made of.
ENDINGS = [".ttl", ".nt", ".nq", ".trig", ".n3", ".rdf", ".jsonld", ".trix"]
_FRAGMENTS = [
    "@prefix ex: <http://e.x/> .", "@base <d/> .", "BASE <../>", "PREFIX : <x:>", "ex:a", ":b",
    "<http://e.x/s>", "<a>", "<>", "[", "]", "(", ")", ".", ";", ",", " ", "\n", "#c\n", "\r",
    '"x"', '"""', "'''", '"a\\u0000"', '"\\uD800"', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
    "@nb", "@en-GB", "true", "12345678901234567890", "1e999", "_:b0", "a", "{", "}", "GRAPH",
    "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "</rdf:RDF>",
    "<rdf:Description rdf:about='x'>", "</rdf:Description>", "xml:base='d/'", "<!DOCTYPE x>",
    '{"@context": {"@base": "d/"}', '"@id": "x"', '"@graph": [', "\u202e", "\x1b[2J", "\ufffe",
]


def _soup() -> st.SearchStrategy[bytes]:
    pieces = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=8), max_size=60)
    return pieces.map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))


def _nested() -> st.SearchStrategy[bytes]:
    """Shapes: deep brackets, chained relative bases, long tokens (kept small for speed)."""
    depth = st.integers(1, 3000)
    return st.one_of(
        depth.map(lambda n: b"<s> <p> " + b"[ <p> " * n + b"1" + b" ]" * n + b" ."),
        depth.map(lambda n: b"<s> <p> " + b"( " * n + b")" * n + b" ."),
        depth.map(lambda n: b"".join(b"@base <d%d/> .\n<a> <b> <c> .\n" % i for i in range(n))),
        st.integers(0, 200_000).map(lambda n: b'<s> <p> "' + b"a" * n + b'" .'),
        st.integers(0, 200_000).map(lambda n: b"<s> <p> <" + b"i" * n + b"> ."),
    )


def check_file_reader(data: bytes, ending: str) -> None:
    """Both readers (rdflib's, checked; Oxigraph's) give a graph or one-line InputError."""
    import tempfile

    import pyoxigraph as ox

    from samhandling_kg.core.errors import InputError, SamhandlingError
    from samhandling_kg.io.oxigraph import load_file
    from samhandling_kg.io.rdf import FORMATS, parse_bytes
    name = f"input{ending}"
    try:
        parse_bytes(data, name, format=FORMATS[ending])
    except SamhandlingError as exc:
        assert "\n" not in str(exc), str(exc)
        assert isinstance(exc, InputError) or "limit" in str(exc), repr(exc)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            load_file(ox.Store(), path, ox.DefaultGraph(), prefixes=False)
        except SamhandlingError as exc:
            assert "\n" not in str(exc), str(exc)


def check_query_guard(text: str) -> None:
    """The read-only guard answers a query or a one-line QueryError, never anything else."""
    from samhandling_kg.core.errors import QueryError
    from samhandling_kg.sparql.guard import check_query_text, check_read_query_local
    try:
        check_query_text(text)
        check_read_query_local(text)
    except QueryError as exc:
        assert "\n" not in str(exc).strip(), str(exc)


def _json_values(depth: int = 4) -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["head", "vars", "results", "bindings", "boolean", "type", "value",
                         "datatype", "xml:lang", "x", "s"]), inner, max_size=4), max_leaves=20)


def _answers() -> st.SearchStrategy[bytes]:
    """Bytes a store may answer with: JSON of the right and wrong shapes, deep nesting, junk."""
    return st.one_of(
        _json_values().map(lambda v: json.dumps(v).encode()),
        st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 200_000).map(lambda n: b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":' * 1
                                    + b'{"a":' * n + b"1" + b"}" * n + b"}]}}"),
        st.binary(max_size=200),
    )


def check_endpoint_answer(payload: bytes, kind: str) -> None:
    """An endpoint's answer reads as results or a one-line EndpointError."""
    from samhandling_kg.core.errors import EndpointError
    from samhandling_kg.sparql.results import decode_answer
    try:
        decode_answer(kind, payload, "http://store.invalid/sparql")  # type: ignore[arg-type]
    except EndpointError as exc:
        assert "\n" not in str(exc), str(exc)


def _requests() -> st.SearchStrategy[bytes]:
    methods = st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"OPTIONS", b"G\x00T", b""])
    targets = st.sampled_from([b"/sparql?query=ASK%7B%7D", b"/", b"/sparql", b"http://evil.example/sparql",
                               b"/question/x/query", b"/../../etc/passwd", b"*", b"/%ff", b"/?" + b"a" * 500])
    headers = st.lists(st.sampled_from([
        b"Host: 127.0.0.1", b"Host: localhost:1@evil.example", b"Host: 127.0.0.1:1.evil", b"Host:",
        b"Content-Length: 5", b"Content-Length: -1", b"Content-Length: 99999999999",
        b"Content-Type: application/sparql-query", b"Content-Type: application/x-www-form-urlencoded",
        b"Transfer-Encoding: chunked", b"Origin: https://evil.example", b"Sec-Fetch-Site: cross-site",
        b"Accept: text/csv", b"Accept: */*", b"X: \xff\x00", b" folded",
    ]), max_size=6)
    body = st.binary(max_size=40)
    return st.tuples(methods, targets, headers, body).map(
        lambda t: t[0] + b" " + t[1] + b" HTTP/1.1\r\n" + b"".join(h + b"\r\n" for h in t[2]) + b"\r\n" + t[3])


def check_serve_request(raw: bytes, port: int) -> None:
    """``serve`` answers any request bytes with one status line (or closes), never a 500
    without a reason, and keeps serving."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        try:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        answer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    if answer:
        assert answer.startswith(b"HTTP/1."), answer[:200]
        status = answer[9:12]
        assert status != b"500" or b"internal error" not in answer, answer[:300]
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:  # still serving
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n")
        assert sock.recv(12).startswith(b"HTTP/1.")


STRATEGIES: dict[str, Any] = {
    "file_reader": st.tuples(st.one_of(_soup(), _nested(), st.binary(max_size=300)), st.sampled_from(ENDINGS)),
    "query_guard": st.one_of(st.text(max_size=300), st.lists(st.sampled_from([
        "SELECT", "*", "WHERE", "{", "}", "?s", "<x:p>", "SERVICE", "#", "\r", "\n", "'", '"', "\\u0053",
        "ASK", "INSERT", "DATA", "(", ")", "/", "|", "UNION", "FILTER", "LOAD", "VALUES"]), max_size=80).map(" ".join)),
    "endpoint_answer": st.tuples(_answers(), st.sampled_from(["SELECT", "ASK", "CONSTRUCT"])),
    "serve_request": _requests(),
}


def save(harness: str, value: Any) -> Path:
    """Keep a crashing input as a corpus case (its bytes, named by its hash)."""
    import hashlib

    data = repr(value).encode("utf-8", "surrogatepass")
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.repr"
    path.write_bytes(data)
    return path


def corpus_cases() -> list[tuple[str, Path]]:
    return sorted((folder.name, path) for folder in CORPUS.iterdir() if folder.is_dir()
                  for path in folder.glob("*.repr"))


if __name__ == "__main__":  # pragma: no cover
    print("\n".join(f"{h}: {p}" for h, p in corpus_cases()), file=sys.stdout)
