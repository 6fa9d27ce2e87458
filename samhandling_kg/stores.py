"""Triple stores behind one small interface: rdflib in memory, embedded Oxigraph, SPARQL endpoints.

Every store answers :meth:`Store.query` with the one :class:`~samhandling_kg.sparql.QueryResult`
type; stores that take writes also offer ``load``, which replaces a graph as a whole.

One path for everything, whatever the store:

* a query is checked once (:func:`~samhandling_kg.sparql.check_read_query`: updates refused);
  parameters are bound as RDF terms — ``initBindings`` on rdflib, elsewhere a ``VALUES`` block
  written from the terms (IRIs checked, literals escaped) as the first element of the WHERE
  group — never by pasting user text into the query;
* answers travel as W3C SPARQL JSON (or N-Triples/Turtle for graphs) and are read by the one
  reader, :func:`~samhandling_kg.sparql.result_from_json`;
* a load converts the files to one N-Triples file (streamed; nothing is built in memory when
  pyoxigraph is installed), puts it into a fresh temporary graph and then swaps it in with one
  SPARQL ``MOVE`` — a single update, which the store applies whole or not at all.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import socket
import ssl
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol, cast, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import resources
from .errors import EndpointError, InputError, QueryError, SamhandlingError
from .namespace import ONTOLOGY_IRI
from .rdfio import (
    IRI_FORBIDDEN,
    _base_iri,
    expand_paths,
    format_for,
    no_network,
    parse_bytes,
    parse_file,
    read_bytes,
)
from .sparql import (
    QueryKind,
    QueryResult,
    check_read_query,
    check_read_query_local,
    result_from_json,
    run_on_graph,
)

#: Seconds a remote store may stay silent before the request fails (SAMHANDLING_TIMEOUT).
DEFAULT_TIMEOUT = 60.0
USER_ENV, PASSWORD_ENV, TIMEOUT_ENV = "SAMHANDLING_USER", "SAMHANDLING_PASSWORD", "SAMHANDLING_TIMEOUT"


@dataclass(frozen=True)
class LoadReport:
    """What a load put where: the graph, the triples it now holds, the time it took."""

    store: str
    graph: str
    triples: int
    files: tuple[str, ...]
    seconds: float

    def __str__(self) -> str:
        ontology = str(resources.ontology_path())
        data = [f for f in self.files if f != ontology]
        count = f"{len(data)} file{'' if len(data) == 1 else 's'}"
        source = count if len(data) == len(self.files) else "the ontology" + (f" and {count}" if data else "")
        return (f"loaded {self.triples} triples from {source} into graph <{self.graph}> "
                f"at {self.store} in {self.seconds:.2f} s")


@runtime_checkable
class Store(Protocol):
    """Anything that runs a read query and answers with a :class:`QueryResult`."""

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              source: str = "query") -> QueryResult: ...


@runtime_checkable
class WritableStore(Store, Protocol):
    """A store whose graph can be replaced as a whole by the ontology plus files."""

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport: ...


# --- terms and parameters -------------------------------------------------------------------


def sparql_term(term: Node, name: str = "parameter") -> str:
    """An IRI or literal written as SPARQL syntax, refusing anything that could break out."""
    if isinstance(term, URIRef):
        if IRI_FORBIDDEN.search(str(term)):
            raise QueryError(f"{name}: not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = (str(term).replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\r", "\\r"))
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"{name}: bad language tag {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^{sparql_term(URIRef(term.datatype), name)}'
        return f'"{lexical}"'
    raise QueryError(f"{name}: only IRIs and literals can be bound, not {type(term).__name__}")


_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|"""
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|"""
    r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<open>\{)|(?P<close>\})|(?P<var>[?$][A-Za-z_0-9]+)|(?P<word>[A-Za-z_]\w*)""",
    re.DOTALL,
)


@dataclass
class _Group:
    start: int  # offset just after the "{"
    depth: int
    end: int = 0  # offset of the closing "}"
    data: bool = False  # the data block of a VALUES clause
    subselect: bool = False  # "{ SELECT …}": its own braces take no VALUES
    first: bool = True  # no token seen inside yet
    preceded_by_where: bool = False
    variables: set[str] | None = None


def bind_with_values(text: str, kind: QueryKind, bindings: Mapping[str, Node]) -> str:
    """The query with its parameters bound by ``VALUES`` blocks of RDF terms.

    A block goes first into the WHERE group, and into every nested group that uses the
    variable, so a parameter means the same everywhere in the query — as rdflib's
    ``initBindings`` (the reference) treat it — and a FILTER inside an OPTIONAL sees it on
    every store (Virtuoso evaluates such a FILTER without the outer bindings). A block at the
    end of the query would only join after grouping and give wrong counts.
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    # One single-variable block per parameter: the same solutions as one multi-variable row,
    # and Virtuoso 7.2's compiler fails on the multi-variable form in some queries (SP031).
    terms = {name: sparql_term(term, name) for name, term in bindings.items()}
    stack: list[_Group] = []
    closed: list[_Group] = []
    previous_word, values_pending = "", False
    for match in _TOKEN.finditer(text):
        if match.group("skip"):
            continue
        if stack and stack[-1].first:
            stack[-1].first = False
            if match.group("word") and match.group("word").upper() == "SELECT":
                stack[-1].subselect = True
        if match.group("open"):
            group = _Group(match.end(), len(stack), data=values_pending or bool(stack and stack[-1].data),
                           preceded_by_where=previous_word.upper() == "WHERE", variables=set())
            stack.append(group)
            values_pending = False
        elif match.group("close"):
            if stack:
                stack[-1].end = match.start()
                closed.append(stack.pop())
        elif match.group("var"):
            for group in stack:
                assert group.variables is not None
                group.variables.add(match.group("var")[1:])
        elif match.group("word"):
            values_pending = match.group("word").upper() == "VALUES"
        previous_word = match.group("word") or ""
    top = [g for g in closed if g.depth == 0 and not g.data]
    where = next((g for g in top if g.preceded_by_where), None)
    if where is None:
        if not top:
            raise QueryError("cannot find the WHERE group to bind the parameters in")
        # CONSTRUCT {template} {pattern}: the pattern is the second group; otherwise the first.
        where = top[1] if kind == "CONSTRUCT" and len(top) > 1 else top[0]
    elif kind == "CONSTRUCT" and len(top) == 1:
        raise QueryError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; "
                         "write CONSTRUCT { … } WHERE { … }")
    inserts: list[tuple[int, str]] = []
    for group in closed:
        inside_where = where.start <= group.start <= where.end
        if not inside_where or group.data or group.subselect:
            continue
        names = sorted(terms) if group is where else sorted(set(terms) & (group.variables or set()))
        if names:
            inserts.append((group.start, "".join(f" VALUES ?{n} {{ {terms[n]} }}" for n in names) + " "))
    bound = text
    for offset, block in sorted(inserts, reverse=True):
        bound = bound[:offset] + block + bound[offset:]
    check_read_query(bound, "query with bound parameters")
    return bound


def _plain_strings(result: QueryResult) -> QueryResult:
    """RDF 1.1: ``"x"^^xsd:string`` is ``"x"``; some stores write the datatype, some do not."""
    def fix(term: Node | None) -> Node | None:
        if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
            return Literal(str(term))
        return term

    if result.kind != "SELECT":
        return result
    return replace(result, rows=tuple(tuple(fix(t) for t in row) for row in result.rows))


def decode_answer(kind: QueryKind, payload: bytes, source: str, *, graph_format: str = "nt",
                  truncated: bool = False) -> QueryResult:
    """A store's answer (SPARQL JSON, or an RDF graph) as a :class:`QueryResult`."""
    if kind in ("SELECT", "ASK"):
        try:
            result = result_from_json(json.loads(payload.decode("utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            start = " ".join(payload[:80].decode("utf-8", "replace").split())
            raise EndpointError(f"{source}: the answer is not SPARQL JSON results ({exc}; "
                                f"it begins {start!r})") from None
        if result.kind != kind:
            raise EndpointError(f"{source}: asked a {kind} query but got {result.kind} results")
        return replace(_plain_strings(result), truncated=truncated)
    try:
        graph = parse_bytes(payload, source, format=graph_format)
    except InputError as exc:
        raise EndpointError(f"{source}: the answer is not an RDF graph ({exc.reason})") from None
    return QueryResult(kind, graph=graph, truncated=truncated)


# --- the files of a load, as one N-Triples stream -----------------------------------------------


_STREAMED = {"turtle", "nt", "nquads", "trig"}


def write_ntriples(paths: Iterable[str | Path], out: IO[bytes]) -> int:
    """Write the triples of all ``paths`` to ``out`` as N-Triples; return how many were written.

    Turtle, N-Triples, N-Quads and TriG are streamed through pyoxigraph (named graphs merged,
    as everywhere in this tool); the other syntaxes go through the checked rdflib reader.
    Blank-node labels are made unique per file. A malformed file raises :class:`InputError`.
    """
    count = 0
    for path in paths:
        fmt = format_for(path)
        if fmt in _STREAMED:
            count += _stream_file(Path(path), fmt, out)
        else:
            graph = parse_file(path)
            data = graph.serialize(format="nt", encoding="utf-8")
            out.write(data if data.endswith(b"\n") or not data else data + b"\n")
            count += len(graph)
    return count


def _stream_file(path: Path, fmt: str, out: IO[bytes]) -> int:
    if not path.is_file():
        read_bytes(path)  # raises the InputError that says why (missing, a folder, a device)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                  "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]
    prefix = "f" + secrets.token_hex(6) + "x"
    counter = [0]

    def relabel(term: Any) -> Any:
        return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    def triples() -> Iterator[Any]:
        for quad in ox.parse(path=str(path), format=rdf_format, base_iri=_base_iri(path)):
            counter[0] += 1
            yield ox.Triple(relabel(quad.subject), quad.predicate, relabel(quad.object))

    try:
        with no_network():
            ox.serialize(triples(), out, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        names = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG"}
        reason = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.msg or exc))
        raise InputError(path, f"malformed {names[fmt]}: {reason}", exc.lineno) from None
    except UnicodeDecodeError:
        raise InputError(path, "is not valid UTF-8") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return counter[0]


def load_paths(files: Sequence[str | Path], include_ontology: bool) -> list[Path]:
    return ([resources.ontology_path()] if include_ontology else []) + expand_paths(files, allow_none=True)


# --- the stores -----------------------------------------------------------------------------


class RdflibStore:
    """rdflib's memory store (the default): the reference every other store is compared with."""

    name = "rdflib"

    def __init__(self, graph: Graph | None = None) -> None:
        self.graph = graph if graph is not None else Graph()

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              source: str = "query") -> QueryResult:
        return run_on_graph(self.graph, text, bindings, source=source)

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        from .rdfio import read_rdf_files

        start = time.monotonic()
        paths = load_paths(files, include_ontology)
        self.graph = read_rdf_files(list(paths))  # all parsed before the old graph is let go
        return LoadReport("rdflib memory", "default graph", len(self.graph),
                          tuple(map(str, paths)), time.monotonic() - start)


class _Swap(Protocol):
    """What the one load algorithm needs from a writable store."""

    def _put_graph(self, graph: str, ntriples: Path) -> None: ...
    def _update(self, text: str) -> None: ...
    def _count(self, graph: str) -> int: ...


def replace_graph(store: _Swap, where: str, paths: Sequence[Path], graph: str) -> LoadReport:
    """The load algorithm for every store: convert and check all files locally first (a bad
    file stops the load before anything is sent), put them into a new temporary graph, then
    ``MOVE`` it onto ``graph`` in one update. Whatever fails, ``graph`` keeps its old triples
    and the temporary graph is dropped."""
    start = time.monotonic()
    target = "DEFAULT" if graph == "DEFAULT" else sparql_term(URIRef(graph), "graph")
    with tempfile.TemporaryDirectory(prefix="samhandling-load-") as folder:
        ntriples = Path(folder) / "load.nt"
        with ntriples.open("wb") as out:
            write_ntriples(paths, out)
        temporary = f"urn:uuid:{uuid.uuid4()}"
        try:
            store._put_graph(temporary, ntriples)
            store._update(f"MOVE GRAPH <{temporary}> TO {'DEFAULT' if target == 'DEFAULT' else 'GRAPH ' + target}")
        except BaseException:
            try:
                store._update(f"DROP SILENT GRAPH <{temporary}>")
            except SamhandlingError:
                pass
            raise
    triples = store._count(graph)
    return LoadReport(where, graph if graph != "DEFAULT" else "default graph", triples,
                      tuple(map(str, paths)), time.monotonic() - start)


class OxigraphStore:
    """pyoxigraph's embedded store, in memory or in a folder on disk."""

    name = "pyoxigraph"

    def __init__(self, location: str | Path | None = None) -> None:
        self.location = str(location) if location is not None else None
        try:
            self.store = ox.Store(self.location) if self.location else ox.Store()
        except OSError as exc:
            raise SamhandlingError(f"{location}: cannot open the Oxigraph store: {exc}") from None

    @classmethod
    def with_knowledge_graph(cls, data: Iterable[str | Path] = (), *,
                             infer: bool = False) -> OxigraphStore:
        """An in-memory store with the ontology plus ``data``. The files stream in without an
        rdflib graph; with ``infer``, the OWL 2 RL rules of :mod:`samhandling_kg.rules` run to
        a fixpoint inside the store (owlrl, the reference, answers the same: tests/test_rules.py)."""
        store = cls()
        store.load(list(data))  # a bad file raises, naming it, before anything is answered
        if infer:
            from .rules import materialise_store

            materialise_store(store.store)
        return store

    @classmethod
    def from_graph(cls, graph: Graph, location: str | Path | None = None) -> OxigraphStore:
        """A store holding the triples of an rdflib graph (e.g. a materialised one)."""
        store = cls(location)
        data = graph.serialize(format="nt", encoding="utf-8")
        store.store.update("CLEAR DEFAULT")
        store.store.load(data, format=ox.RdfFormat.N_TRIPLES)
        return store

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              source: str = "query") -> QueryResult:
        kind, answer = self.raw_query(text, bindings, source=source)
        if kind in ("SELECT", "ASK"):
            payload = answer.serialize(format=ox.QueryResultsFormat.JSON)
        else:
            payload = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
        del answer  # pyoxigraph results must be dropped on the thread that made them
        return decode_answer(kind, payload, source)

    def raw_query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
                  source: str = "query") -> tuple[QueryKind, Any]:
        """Check and run a read query; pyoxigraph's own result (for serving it as it is)."""
        _, kind = check_read_query_local(text, source)
        # pyoxigraph's own ``substitutions`` (SEP-0007) refuse a variable that is not in the
        # SELECT projection, which rules out e.g. a COUNT over a bound form: bind like a
        # remote endpoint instead, with a VALUES block inside the WHERE group.
        bound = bind_with_values(text, kind, bindings or {})
        try:
            return kind, self.store.query(bound)
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"{source}: {' '.join(str(exc).split())[:300]}") from None

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        where = f"pyoxigraph {self.location or 'memory'}"
        return replace_graph(self, where, load_paths(files, include_ontology), graph or "DEFAULT")

    def _put_graph(self, graph: str, ntriples: Path) -> None:
        self.store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES,
                             to_graph=ox.NamedNode(graph))

    def _update(self, text: str) -> None:
        self.store.update(text)

    def _count(self, graph: str) -> int:
        where = "{ ?s ?p ?o }" if graph == "DEFAULT" else f"{{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
        solutions = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}")
        rows: Any = solutions
        return int(next(iter(rows))["n"].value)

    def __len__(self) -> int:
        return len(self.store)


# --- HTTP: one small client with Basic and Digest ---------------------------------------------


def credentials_from_env(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    env = os.environ if env is None else env
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if not user or password is None:
        raise SamhandlingError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return user, password


def timeout_from_env(env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    value = env.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        raise SamhandlingError(f"{TIMEOUT_ENV} must be a number of seconds, not {value!r}")
    return seconds


def display_url(url: str) -> str:
    """The URL without user information (never show a password, even a misplaced one)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SamhandlingError(f"{display_url(url) if parts.hostname else repr(url)}: not an http(s) URL")
    if parts.username or parts.password:
        raise SamhandlingError(f"{display_url(url)}: put credentials in {USER_ENV} and "
                               f"{PASSWORD_ENV}, not in the URL")
    return url


@dataclass
class Response:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


_CHALLENGE = re.compile(r'(\w[\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')


def _challenges(headers: http.client.HTTPMessage) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for value in headers.get_all("WWW-Authenticate") or []:
        for part in re.split(r",\s*(?=(?:Basic|Digest|Bearer|Negotiate)\b)", value, flags=re.IGNORECASE):
            scheme, _, rest = part.strip().partition(" ")
            params = {k.lower(): (v[1:-1].replace('\\"', '"') if v.startswith('"') else v)
                      for k, v in _CHALLENGE.findall(rest)}
            found[scheme.lower()] = params
    return found


class HttpClient:
    """Requests to one store: TLS verified, a timeout, credentials only after a challenge.

    Basic and Digest (MD5, MD5-sess, SHA-256; qop ``auth``) are answered; a Digest nonce is
    reused for later requests so a big upload is not sent twice. The password never appears in
    a message: every error text is passed through :meth:`redact`.
    """

    def __init__(self, credentials: tuple[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT,
                 *, tls_context: ssl.SSLContext | None = None) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()
        self._scheme: str | None = None
        self._challenge: dict[str, str] = {}
        self._nc = 0

    def redact(self, text: str) -> str:
        if self.credentials and self.credentials[1]:
            text = text.replace(self.credentials[1], "***")
        return text

    def error(self, url: str, what: str) -> EndpointError:
        return EndpointError(self.redact(f"{display_url(url)}: {what}"))

    def request(self, method: str, url: str, *, body: bytes | Path | None = None,
                headers: Mapping[str, str] | None = None, ok: Iterable[int] = (200, 201, 204)) -> Response:
        """Send; answer a 401 challenge once; raise :class:`EndpointError` unless the status is
        in ``ok``."""
        check_url(url)
        response = self._send(method, url, body, dict(headers or {}), self._authorization(method, url))
        if response.status == 401 and self.credentials:
            challenges = _challenges(response.headers)
            if "digest" in challenges:
                self._scheme, self._challenge, self._nc = "digest", challenges["digest"], 0
            elif "basic" in challenges:
                self._scheme, self._challenge = "basic", challenges["basic"]
            if "digest" in challenges or "basic" in challenges:
                response = self._send(method, url, body, dict(headers or {}),
                                      self._authorization(method, url))
        if response.status not in set(ok):
            raise self.error(url, self._describe(response))
        return response

    def _describe(self, response: Response) -> str:
        status = f"{response.status} {response.reason}".strip()
        if response.status == 401:
            if self.credentials:
                return f"{status}: the store refused the credentials from {USER_ENV}/{PASSWORD_ENV}"
            return f"{status}: the store wants credentials; set {USER_ENV} and {PASSWORD_ENV}"
        if response.status == 403:
            return f"{status}: access forbidden for these credentials"
        if response.status == 404:
            return f"{status}: nothing at this address (check the URL)"
        if 300 <= response.status < 400:
            return f"{status}: redirected to {response.headers.get('Location', '?')}; use that URL"
        detail = " ".join(response.body[:300].decode("utf-8", "replace").split())
        kind = "server error" if response.status >= 500 else "request refused"
        return f"{kind} {status}" + (f": {detail[:200]}" if detail else "")

    def _authorization(self, method: str, url: str) -> str | None:
        if not self.credentials or not self._scheme:
            return None
        user, password = self.credentials
        if self._scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        challenge = self._challenge
        algorithm = challenge.get("algorithm", "MD5")
        digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

        def h(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path or "/"
        if parts.query:
            uri += "?" + parts.query
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        self._nc += 1
        nc, cnonce = f"{self._nc:08x}", secrets.token_hex(8)
        ha1 = h(f"{user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
        fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
        if "auth" in qops:
            fields["response"] = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            extra = f", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
        else:
            fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
            extra = ""
        if "opaque" in challenge:
            fields["opaque"] = challenge["opaque"]
        if "algorithm" in challenge:
            fields["algorithm"] = algorithm
        quoted = ", ".join(f'{k}="{v}"' if k != "algorithm" else f"{k}={v}" for k, v in fields.items())
        return f"Digest {quoted}{extra}"

    def _send(self, method: str, url: str, body: bytes | Path | None, headers: dict[str, str],
              authorization: str | None) -> Response:
        parts = urllib.parse.urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(parts.hostname or "", parts.port,
                                                     timeout=self.timeout, context=self.tls_context,
                                                     blocksize=1 << 16)
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port,
                                                    timeout=self.timeout, blocksize=1 << 16)
        if authorization:
            headers["Authorization"] = authorization
        headers.setdefault("User-Agent", "samhandling-kg")
        handle = None
        try:
            try:
                if isinstance(body, Path):
                    handle = body.open("rb")
                    headers["Content-Length"] = str(body.stat().st_size)
                    connection.request(method, target, body=handle, headers=headers)
                else:
                    connection.request(method, target, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                # The server may have answered early (401, 413…) and closed: read that answer;
                # if there is none the connection was lost and getresponse() raises.
                pass
            raw = connection.getresponse()
            data = raw.read()
            return Response(raw.status, raw.reason, raw.headers, data)
        except TimeoutError:
            raise self.error(url, f"timed out after {self.timeout:g} s") from None
        except ssl.SSLCertVerificationError as exc:
            raise self.error(url, f"TLS certificate not trusted ({exc.verify_message})") from None
        except ssl.SSLError as exc:
            raise self.error(url, f"TLS failed ({exc.reason or exc})") from None
        except ConnectionRefusedError:
            raise self.error(url, "connection refused (is the store running?)") from None
        except socket.gaierror as exc:
            raise self.error(url, f"cannot resolve the host name ({exc.strerror or exc})") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            what = "uploading" if body is not None else "waiting for the answer"
            raise self.error(url, f"connection lost while {what} ({type(exc).__name__})") from None
        except OSError as exc:
            raise self.error(url, f"cannot connect ({exc.strerror or exc})") from None
        finally:
            if handle is not None:
                handle.close()
            connection.close()


# --- remote stores ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a kind of server keeps its query, update and graph-store endpoints."""

    name: str
    graph_store: str  # regular expression for the end of the graph-store path
    query: str
    update: str
    graph_parameter: str = "graph"
    #: Extra query parameters for the upload into the temporary graph.
    upload_parameters: tuple[tuple[str, str], ...] = ()


LAYOUTS = (
    # Oxigraph's bulk loader (no_transaction) fills the private temporary graph ~6x faster
    # than its transactional load; atomicity comes from the MOVE, not from the upload.
    Layout("Oxigraph", r"/store/?$", "/query", "/update", upload_parameters=(("no_transaction", ""),)),
    Layout("Virtuoso", r"/sparql-graph-crud(-auth)?/?$", "/sparql", "/sparql-auth", "graph-uri"),
    Layout("GraphDB/RDF4J", r"/repositories/([^/]+)/rdf-graphs/service/?$", "/repositories/{0}",
           "/repositories/{0}/statements"),
    Layout("Fuseki", r"/([^/]+)/data/?$", "/{0}/query", "/{0}/update"),
)


class EndpointStore:
    """A SPARQL 1.1 endpoint: queries through SPARQLWrapper; with a graph-store URL also loads.

    ``graph`` is the protocol's ``default-graph-uri``. Parameters are bound with a ``VALUES``
    block written from RDF terms. A store that caps result rows (Virtuoso: ``ResultSetMaxRows``)
    marks the result ``truncated``.
    """

    name = "endpoint"
    #: More default graphs (the protocol's default-graph-uri may be repeated).
    extra_default_graphs: tuple[str, ...] = ()

    def __init__(self, endpoint: str | None = None, *, graph: str | None = None,
                 graph_store: str | None = None, update_endpoint: str | None = None,
                 credentials: tuple[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.graph = graph
        self.http = HttpClient(credentials, timeout)
        self.graph_store = check_url(graph_store) if graph_store else None
        self.graph_parameter = "graph"
        self.upload_parameters: tuple[tuple[str, str], ...] = ()
        derived_query = derived_update = None
        if graph_store:
            layout, derived_query, derived_update = derive_endpoints(graph_store)
            self.graph_parameter = layout.graph_parameter
            self.upload_parameters = layout.upload_parameters
        self.endpoint = check_url(endpoint) if endpoint else derived_query
        self.update_endpoint = check_url(update_endpoint) if update_endpoint else derived_update
        if self.endpoint is None:
            raise SamhandlingError("an endpoint store needs a query endpoint URL")
        if graph is not None and IRI_FORBIDDEN.search(graph) or graph == "":
            raise SamhandlingError(f"--graph: not an IRI: {graph!r}")
        self._auth_probed = False

    # -- queries

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              source: str = "query") -> QueryResult:
        _, kind = check_read_query(text, source)
        bound = bind_with_values(text, kind, bindings or {})
        payload, headers, content_type = self._sparqlwrapper(bound, kind)
        truncated = self._truncated(kind, payload, headers)
        graph_format = "turtle"
        if "n-triples" in content_type:
            graph_format = "nt"
        elif "rdf+xml" in content_type:
            graph_format = "xml"
        return decode_answer(kind, payload, display_url(str(self.endpoint)), graph_format=graph_format,
                             truncated=truncated)

    def _sparqlwrapper(self, text: str, kind: QueryKind) -> tuple[bytes, Mapping[str, str], str]:
        import urllib.error
        import urllib.request

        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper import SPARQLExceptions as sx

        assert self.endpoint is not None
        wrapper = SPARQLWrapper(self.endpoint, agent="samhandling-kg")
        wrapper.setQuery(text)
        wrapper.setReturnFormat(JSON if kind in ("SELECT", "ASK") else TURTLE)
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(int(max(1, round(self.http.timeout))))
        if len(text) > 1500:
            wrapper.setMethod(POST)
        if self.graph:
            wrapper.addDefaultGraph(self.graph)
        for extra in self.extra_default_graphs:  # validate --background-graph
            wrapper.addDefaultGraph(extra)
        if self.http.credentials:
            scheme, realm = self._probe_auth()
            if scheme:
                wrapper.setHTTPAuth(DIGEST if scheme == "digest" else BASIC)
                wrapper.setCredentials(*self.http.credentials, realm=realm or "SPARQL")
        url = self.endpoint
        codes = {sx.QueryBadFormed: 400, sx.Unauthorized: 401, sx.EndPointNotFound: 404,
                 sx.URITooLong: 414, sx.EndPointInternalError: 500}
        try:
            answer = wrapper.query()
            payload = answer.response.read()
            headers = dict(answer.response.info().items())
        except tuple(codes) as exc:
            code = codes[type(exc)]
            detail = str(exc).split("Response:", 1)[-1] if code in (400, 500) else ""
            raise self.http.error(url, self.http._describe(Response(
                code, http.client.responses.get(code, ""), http.client.HTTPMessage(),
                " ".join(detail.split()).encode()))) from None
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp else b""
            raise self.http.error(url, self.http._describe(Response(
                exc.code, str(exc.reason or ""), cast(http.client.HTTPMessage, exc.headers), body))) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise self.http.error(url, f"timed out after {self.http.timeout:g} s") from None
            if isinstance(reason, ConnectionRefusedError):
                raise self.http.error(url, "connection refused (is the store running?)") from None
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise self.http.error(url, f"TLS certificate not trusted ({reason.verify_message})") from None
            raise self.http.error(url, f"cannot connect ({getattr(reason, 'strerror', None) or reason})") from None
        except TimeoutError:
            raise self.http.error(url, f"timed out after {self.http.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise self.http.error(url, f"connection lost while waiting for the answer ({type(exc).__name__})") from None
        finally:
            # SPARQLWrapper answers Digest by installing a process-wide urllib opener that
            # holds the password; take it away again.
            if wrapper.http_auth == DIGEST:
                urllib.request.install_opener(None)
        content_type = headers.get("Content-Type", headers.get("content-type", "")).lower()
        return payload, headers, content_type

    def _probe_auth(self) -> tuple[str | None, str | None]:
        """Which scheme the endpoint asks for (SPARQLWrapper must be told before it sends)."""
        if not self._auth_probed:
            assert self.endpoint is not None
            probe = self.endpoint + ("&" if "?" in self.endpoint else "?") + "query=ASK%7B%7D"
            try:
                response = self.http._send("GET", probe, None, {"Accept": "application/sparql-results+json"}, None)
            except EndpointError:
                response = None
            self._probed: tuple[str | None, str | None] = (None, None)
            if response is not None and response.status == 401:
                challenges = _challenges(response.headers)
                if "digest" in challenges:
                    self._probed = ("digest", challenges["digest"].get("realm"))
                elif "basic" in challenges:
                    self._probed = ("basic", None)
            self._auth_probed = True
        return self._probed

    @staticmethod
    def _truncated(kind: QueryKind, payload: bytes, headers: Mapping[str, str]) -> bool:
        lowered = {k.lower(): v for k, v in headers.items()}
        # Virtuoso announces a row cap it applied with X-SPARQL-MaxRows (and partial answers of
        # its "anytime" queries with X-SQL-State).
        return "x-sparql-maxrows" in lowered or lowered.get("x-sql-state", "") == "S1TAT"

    # -- loading

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        if not self.graph_store or not self.update_endpoint:
            raise SamhandlingError("loading needs the store's graph-store URL")
        target = graph or str(ONTOLOGY_IRI)
        if IRI_FORBIDDEN.search(target) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
            raise SamhandlingError(f"--graph: not an IRI: {target!r}")
        return replace_graph(self, display_url(self.graph_store), load_paths(files, include_ontology), target)

    def _graph_url(self, graph: str, extra: Sequence[tuple[str, str]] = ()) -> str:
        assert self.graph_store is not None
        separator = "&" if "?" in self.graph_store else "?"
        query = urllib.parse.urlencode([(self.graph_parameter, graph), *extra])
        return f"{self.graph_store}{separator}{query}"

    def _put_graph(self, graph: str, ntriples: Path) -> None:
        if self.http.credentials and self.http._scheme is None:
            # Learn the authentication challenge with a small request first, so the upload
            # goes out once, already authenticated.
            self.http.request("GET", self._graph_url(graph), headers={"Accept": "text/turtle"},
                              ok=range(200, 500))
        # N-Triples is a subset of Turtle, and every store reads text/turtle.
        self.http.request("PUT", self._graph_url(graph, self.upload_parameters), body=ntriples,
                          headers={"Content-Type": "text/turtle; charset=utf-8"})

    def _update(self, text: str) -> None:
        assert self.update_endpoint is not None
        self.http.request("POST", self.update_endpoint,
                          body=urllib.parse.urlencode({"update": text}).encode("utf-8"),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})

    def _count(self, graph: str) -> int:
        assert self.endpoint is not None
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
        response = self.http.request(
            "POST", self.endpoint, body=urllib.parse.urlencode({"query": text}).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json"})
        result = decode_answer("SELECT", response.body, display_url(self.endpoint))
        try:
            return int(str(result.rows[0][0]))
        except (IndexError, ValueError):
            raise self.http.error(self.endpoint, "did not answer the triple count") from None


def derive_endpoints(graph_store: str) -> tuple[Layout, str, str]:
    """The query and update endpoints that go with a graph-store URL of a known server."""
    parts = urllib.parse.urlsplit(graph_store)
    for layout in LAYOUTS:
        match = re.search(layout.graph_store, parts.path)
        if match:
            root = parts.path[: match.start()]
            groups = [g for g in match.groups() if g and not g.startswith("-")]

            def url(path: str, root: str = root, groups: list[str] = groups) -> str:
                return urllib.parse.urlunsplit((parts.scheme, parts.netloc, root + path.format(*groups), "", ""))

            return layout, url(layout.query), url(layout.update)
    known = "; ".join(f"{layout.name} …{layout.graph_store.rstrip('/?$').replace('(-auth)?', '[-auth]')}"
                      for layout in LAYOUTS)
    raise SamhandlingError(
        f"{display_url(graph_store)}: not a graph-store address this tool knows how to swap "
        f"graphs on atomically (it needs the store's SPARQL Update endpoint too); known: {known}"
    )


def open_store(*, endpoint: str | None = None, graph: str | None = None,
               graph_store: str | None = None, env: Mapping[str, str] | None = None) -> EndpointStore:
    """A remote store configured from the environment (credentials and timeout)."""
    return EndpointStore(endpoint, graph=graph, graph_store=graph_store,
                         credentials=credentials_from_env(env), timeout=timeout_from_env(env))


def endpoint_for_query(args: Any) -> EndpointStore:
    """The store of ``samhandling query --endpoint URL [--graph IRI]``."""
    if not args.endpoint:
        raise SamhandlingError("--graph needs --endpoint (it names a graph of the endpoint)")
    if args.data or args.infer or args.store != "rdflib":
        raise SamhandlingError("--data, --infer and --store work on local files; with --endpoint "
                               "load the files into the store first ('samhandling load')")
    return open_store(endpoint=args.endpoint, graph=args.graph)
