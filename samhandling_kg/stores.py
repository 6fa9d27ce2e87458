"""Triple stores behind one small interface: rdflib in memory, embedded Oxigraph, SPARQL endpoints.

Every store answers :meth:`Store.query` with the one :class:`~samhandling_kg.sparql.QueryResult`
type; stores that take writes also offer ``load``, which replaces a graph as a whole.

One path for everything, whatever the store:

* a query is checked once (:func:`~samhandling_kg.sparql.check_read_query`: updates refused);
  parameters are bound as RDF terms — ``initBindings`` on rdflib, elsewhere a ``VALUES`` block
  written from the terms (:func:`~samhandling_kg.sparql.bind_with_values`) — never by pasting
  user text into the query;
* answers travel as W3C SPARQL JSON (or N-Triples/Turtle for graphs) and are read by the one
  reader, :func:`~samhandling_kg.sparql.decode_answer`; the embedded Oxigraph's rows skip the
  JSON round trip (:func:`solutions_result`, each distinct term converted once), and a test
  holds them equal to that reader's (tests/test_stores.py);
* remote stores are reached through the one HTTP client, :class:`~samhandling_kg.http.HttpClient`;
* a load converts the files to one N-Triples file first
  (:func:`~samhandling_kg.rdfio.write_ntriples`); how it then reaches a remote store, whole or
  not at all, is :mod:`samhandling_kg.loading`.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from . import resources
from .errors import EndpointError, QueryError, SamhandlingError
from .http import (
    DEFAULT_TIMEOUT,
    HttpClient,
    check_url,
    credentials_from_env,
    display_url,
    timeout_from_env,
)
from .namespace import ONTOLOGY_IRI
from .oxio import to_rdflib
from .rdfio import expand_paths, write_ntriples
from .sparql import (
    QueryKind,
    QueryResult,
    bind_with_values,
    canonical_query,
    check_read_query,
    check_read_query_local,
    decode_answer,
    refuse_service,
    run_on_graph,
    sparql_term,
)
from .terms import ABSOLUTE_IRI, IRI_FORBIDDEN

__all__ = [  # the moved helpers stay importable from here for existing callers
    "DEFAULT_TIMEOUT", "EndpointStore", "HttpClient", "LoadReport", "OxigraphStore", "RdflibStore",
    "Store", "WritableStore", "bind_with_values", "decode_answer", "derive_endpoints", "open_store",
    "sparql_term", "write_ntriples",
]

#: Temporary graphs of loads are named under this prefix, with the time they were made.
LOAD_PREFIX = "urn:samhandling:load:"


def temporary_graph_name() -> str:
    """A recognisable name for a load's temporary graph: prefix, UTC time, random part."""
    return f"{LOAD_PREFIX}{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}:{secrets.token_hex(6)}"


@dataclass(frozen=True)
class LoadReport:
    """What a load put where: the graph, the triples it now holds, the time it took."""

    store: str
    graph: str
    triples: int
    files: tuple[str, ...]
    seconds: float
    #: Things the user should know although the load succeeded (e.g. stale temporary graphs
    #: removed, a swap confirmed only after its answer was lost).
    notes: tuple[str, ...] = field(default=())

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
        """An in-memory store with the ontology plus ``data``. Each file is parsed by
        Oxigraph's own parser straight into the store, with rdfio's guarantees and one-line
        errors (:func:`~samhandling_kg.oxio.load_file`: the same message as every other
        command for the same bad file); with ``infer``, the OWL 2 RL rules of
        :mod:`samhandling_kg.rules` run to a fixpoint inside the store (owlrl, the reference,
        answers the same: tests/test_rules.py)."""
        from .oxio import load_file

        store = cls()
        for path in load_paths(list(data), include_ontology=True):
            load_file(store.store, path, ox.DefaultGraph(), prefixes=False)  # a bad file raises
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
        if kind == "SELECT":
            result = solutions_result(answer, source)
            del answer  # pyoxigraph results must be dropped on the thread that made them
            return result
        if kind == "ASK":
            return QueryResult("ASK", boolean=bool(answer))
        payload = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
        del answer
        return decode_answer(kind, payload, source)

    def raw_query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
                  source: str = "query") -> tuple[QueryKind, Any]:
        """Check and run a read query; pyoxigraph's own result (for serving it as it is)."""
        # The text that is checked is the text that runs: one canonical reading (no comments,
        # no escapes) for rdflib's check and Oxigraph's execution, and the executed text, with
        # its parameters bound, passes the SERVICE test once more.
        text = canonical_query(text, source)
        _, kind = check_read_query_local(text, source)
        # pyoxigraph's own ``substitutions`` (SEP-0007) refuse a variable that is not in the
        # SELECT projection, which rules out e.g. a COUNT over a bound form: bind like a
        # remote endpoint instead, with a VALUES block inside the WHERE group.
        bound = bind_with_values(text, kind, bindings or {})
        refuse_service(bound, source)
        try:
            return kind, self.store.query(bound)
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"{source}: {' '.join(str(exc).split())[:300]}") from None

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        """Replace ``graph`` (the default graph when None): all files are converted and checked
        first, bulk-loaded into a temporary graph and moved onto the graph in one update;
        whatever fails, the graph keeps its old triples."""
        start = time.monotonic()
        paths = load_paths(files, include_ontology)
        target = "DEFAULT" if graph is None else "GRAPH " + sparql_term(URIRef(graph), "graph")
        with tempfile.TemporaryDirectory(prefix="samhandling-load-") as folder:
            ntriples = Path(folder) / "load.nt"
            with ntriples.open("wb") as out:
                write_ntriples(paths, out)
            temporary = temporary_graph_name()
            try:
                self.store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES,
                                     to_graph=ox.NamedNode(temporary))
                self.store.update(f"MOVE GRAPH <{temporary}> TO {target}")
            except BaseException:
                self.store.update(f"DROP SILENT GRAPH <{temporary}>")
                raise
        return LoadReport(f"pyoxigraph {self.location or 'memory'}", graph or "default graph",
                          self._count(graph), tuple(map(str, paths)), time.monotonic() - start)

    def _count(self, graph: str | None) -> int:
        where = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
        solutions = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}")
        rows: Any = solutions
        return int(next(iter(rows))["n"].value)

    def __len__(self) -> int:
        return len(self.store)


class _Terms(dict):  # type: ignore[type-arg]
    """pyoxigraph term → rdflib term, each converted on first use."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def __missing__(self, term: Any) -> Node:
        try:
            node = to_rdflib(term)
        except (TypeError, ValueError) as exc:  # an RDF-star triple, a malformed language tag
            raise EndpointError(f"{self.source}: the answer holds a term this tool cannot read "
                                f"({' '.join(str(exc).split())[:120]})") from None
        if isinstance(node, URIRef) and IRI_FORBIDDEN.search(node):
            raise EndpointError(f"{self.source}: the answer holds something that is not an "
                                f"IRI: {str(node)[:60]!r}")
        self[term] = node
        return node


def solutions_result(solutions: Any, source: str) -> QueryResult:
    """pyoxigraph's SELECT solutions as a :class:`QueryResult`: the terms
    :func:`~samhandling_kg.sparql.decode_answer` reads from the same answer serialised as
    SPARQL JSON (literals as written, ``xsd:string`` plain, an IRI with a forbidden character
    refused), without writing and parsing the JSON; each distinct term is converted once."""
    variables = tuple(v.value for v in solutions.variables)
    terms = _Terms(source)
    with warnings.catch_warnings():  # rdflib warns of ill-typed literals (legal RDF)
        warnings.simplefilter("ignore")
        rows = tuple(tuple(None if t is None else terms[t] for t in solution)
                     for solution in solutions)
    return QueryResult("SELECT", variables, rows)


# --- remote stores ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a kind of server keeps its query, update and graph-store endpoints."""

    name: str
    graph_store: str  # regular expression for the end of the graph-store path
    shape: str  # the same, for people: "…/store"
    query: str
    update: str
    graph_parameter: str = "graph"
    #: Extra query parameters for the upload into the temporary graph.
    upload_parameters: tuple[tuple[str, str], ...] = ()
    #: The server's ``Server`` header prefix and lowest version whose bulk upload into a graph
    #: is committed whole at its end (so a load into an empty graph needs no swap).
    atomic_bulk_upload: tuple[str, tuple[int, ...]] | None = None


LAYOUTS = (
    # Oxigraph's bulk loader (no_transaction) fills the private temporary graph ~6x faster
    # than its transactional load; since 0.5 it commits everything at its end, in one step.
    Layout("Oxigraph", r"/store/?$", "…/store", "/query", "/update",
           upload_parameters=(("no_transaction", ""),), atomic_bulk_upload=("oxigraph/", (0, 5))),
    Layout("Virtuoso", r"/sparql-graph-crud(-auth)?/?$", "…/sparql-graph-crud[-auth]", "/sparql",
           "/sparql-auth", "graph-uri"),
    Layout("GraphDB/RDF4J", r"/repositories/([^/]+)/rdf-graphs/service/?$",
           "…/repositories/REPOSITORY/rdf-graphs/service", "/repositories/{0}",
           "/repositories/{0}/statements"),
    Layout("Fuseki", r"/([^/]+)/data/?$", "…/DATASET/data", "/{0}/query", "/{0}/update"),
)

_ACCEPT = {"SELECT": "application/sparql-results+json", "ASK": "application/sparql-results+json",
           "CONSTRUCT": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
           "DESCRIBE": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"}


class EndpointStore:
    """A SPARQL 1.1 endpoint (the SPARQL 1.1 Protocol over :class:`~samhandling_kg.http.HttpClient`);
    with a graph-store URL it also loads.

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
                 timeout: float = DEFAULT_TIMEOUT,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.graph = graph
        self.credentials = credentials
        self.on_warning = on_warning
        self.http = HttpClient(credentials, timeout, on_warning=on_warning)
        self.graph_store = check_url(graph_store) if graph_store else None
        self.graph_parameter = "graph"
        self.layout: Layout | None = None
        derived_query = derived_update = None
        if graph_store:
            self.layout, derived_query, derived_update = derive_endpoints(graph_store)
            self.graph_parameter = self.layout.graph_parameter
        self.endpoint = check_url(endpoint) if endpoint else derived_query
        self.update_endpoint = check_url(update_endpoint) if update_endpoint else derived_update
        if self.endpoint is None:
            raise SamhandlingError("an endpoint store needs a query endpoint URL")
        if graph is not None and IRI_FORBIDDEN.search(graph) or graph == "":
            raise SamhandlingError(f"--graph: not an IRI: {graph!r}")

    @property
    def upload_parameters(self) -> tuple[tuple[str, str], ...]:
        return self.layout.upload_parameters if self.layout else ()

    # -- queries

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              source: str = "query") -> QueryResult:
        _, kind = check_read_query(text, source)
        bound = bind_with_values(text, kind, bindings or {})
        response = self._ask(bound, _ACCEPT[kind], graph=self.graph)
        content_type = response.headers.get("Content-Type", "").lower()
        graph_format = "turtle"
        if "n-triples" in content_type:
            graph_format = "nt"
        elif "rdf+xml" in content_type:
            graph_format = "xml"
        return decode_answer(kind, response.content, display_url(str(self.endpoint)),
                             graph_format=graph_format, truncated=self._truncated(response.headers))

    def _ask(self, text: str, accept: str, *, graph: str | None = None) -> Any:
        """The SPARQL 1.1 Protocol: GET for short queries, a form POST for long ones."""
        assert self.endpoint is not None
        params = [("query", text)] + ([("default-graph-uri", graph)] if graph else [])
        if graph:  # validate --background-graph: the ontology's graph beside the data's
            params += [("default-graph-uri", extra) for extra in self.extra_default_graphs]
        if len(text) <= 1500:
            return self.http.request("GET", self.endpoint, params=params, headers={"Accept": accept},
                                     ok=(200,))
        return self.http.request("POST", self.endpoint, body=urllib.parse.urlencode(params).encode(),
                                 headers={"Accept": accept,
                                          "Content-Type": "application/x-www-form-urlencoded"},
                                 ok=(200,))

    def select(self, text: str) -> QueryResult:
        """A SELECT of the package's own (no parameters, no checks), over the whole store."""
        response = self._ask(text, _ACCEPT["SELECT"])
        return decode_answer("SELECT", response.content, display_url(str(self.endpoint)))

    @staticmethod
    def _truncated(headers: Mapping[str, str]) -> bool:
        lowered = {k.lower(): v for k, v in headers.items()}
        # Virtuoso announces a row cap it applied with X-SPARQL-MaxRows (and partial answers of
        # its "anytime" queries with X-SQL-State).
        return "x-sparql-maxrows" in lowered or lowered.get("x-sql-state", "") == "S1TAT"

    def default_graph_hint(self) -> str | None:
        """When a query without ``graph`` found nothing: a hint if the store's default graph is
        empty while named graphs hold triples (where ``samhandling load`` puts them)."""
        if self.graph is not None:
            return None
        try:
            if self.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1").rows:
                return None
            named = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                                f'FILTER(!STRSTARTS(STR(?g), "{LOAD_PREFIX}")) }} LIMIT 4')
        except SamhandlingError:
            return None
        graphs = [f"<{row[0]}>" for row in named.rows if row and row[0] is not None]
        if not graphs:
            return None
        listed = ", ".join(graphs[:3]) + (", …" if len(graphs) > 3 else "")
        return (f"the store's default graph is empty; its named graphs hold the data ({listed}): "
                f"name one with --graph, e.g. --graph {graphs[0][1:-1]}")

    # -- loading (samhandling_kg.loading)

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        from .loading import load_into

        if not self.graph_store or not self.update_endpoint:
            raise SamhandlingError("loading needs the store's graph-store URL")
        target = graph or str(ONTOLOGY_IRI)
        if IRI_FORBIDDEN.search(target) or not ABSOLUTE_IRI.match(target):
            raise SamhandlingError(f"--graph: not an IRI: {target!r}")
        return load_into(self, load_paths(files, include_ontology), target)

    def clean(self) -> list[str]:
        """Remove every temporary graph and record of loads into this store (only when no load
        is under way); the names removed."""
        from .loading import clean_all

        return clean_all(self)

    def graph_url(self, graph: str, extra: Sequence[tuple[str, str]] = ()) -> str:
        assert self.graph_store is not None
        separator = "&" if "?" in self.graph_store else "?"
        query = urllib.parse.urlencode([(self.graph_parameter, graph), *extra])
        return f"{self.graph_store}{separator}{query}"

    def update(self, text: str | Path) -> None:
        """Send a SPARQL Update: text as a form (every store takes it); a file (a big update)
        streamed as ``application/sparql-update``."""
        assert self.update_endpoint is not None
        if isinstance(text, Path):
            self.http.request("POST", self.update_endpoint, body=text,
                              headers={"Content-Type": "application/sparql-update; charset=utf-8"})
            return
        self.http.request("POST", self.update_endpoint,
                          body=urllib.parse.urlencode({"update": text}).encode("utf-8"),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})

    def holds_triples(self, graph: str) -> bool:
        """Whether ``graph`` holds a triple (found without counting them all)."""
        return bool(self.select(f"SELECT * WHERE {{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }} LIMIT 1").rows)

    def count(self, graph: str) -> int:
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
        result = self.select(text)
        try:
            return int(str(result.rows[0][0]))
        except (IndexError, ValueError):
            raise self.http.error(str(self.endpoint), "did not answer the triple count") from None


def derive_endpoints(graph_store: str) -> tuple[Layout, str, str]:
    """The query and update endpoints that go with a graph-store URL of a known server."""
    parts = urllib.parse.urlsplit(check_url(graph_store))
    for layout in LAYOUTS:
        match = re.search(layout.graph_store, parts.path)
        if match:
            root = parts.path[: match.start()]
            groups = [g for g in match.groups() if g and not g.startswith("-")]

            def url(path: str, root: str = root, groups: list[str] = groups) -> str:
                return urllib.parse.urlunsplit((parts.scheme, parts.netloc, root + path.format(*groups), "", ""))

            return layout, url(layout.query), url(layout.update)
    known = "; ".join(f"{layout.name} {layout.shape}" for layout in LAYOUTS)
    raise SamhandlingError(
        f"{display_url(graph_store)}: not a graph-store address this tool knows how to swap "
        f"graphs on atomically (it needs the store's SPARQL Update endpoint too); known: {known}"
    )


def open_store(*, endpoint: str | None = None, graph: str | None = None,
               graph_store: str | None = None, env: Mapping[str, str] | None = None,
               on_warning: Callable[[str], None] | None = None) -> EndpointStore:
    """A remote store configured from the environment (credentials and timeout).
    ``on_warning`` receives warnings meant for the user (e.g. credentials over plain http://);
    without it they are Python warnings."""
    return EndpointStore(endpoint, graph=graph, graph_store=graph_store,
                         credentials=credentials_from_env(env), timeout=timeout_from_env(env),
                         on_warning=on_warning)
