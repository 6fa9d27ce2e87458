"""Remote stores: a SPARQL 1.1 endpoint and its Graph Store, with their layouts."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.core.namespace import ONTOLOGY_IRI
from samhandling_kg.core.terms import ABSOLUTE_IRI, IRI_FORBIDDEN
from samhandling_kg.io.http import (
    DEFAULT_TIMEOUT,
    HttpClient,
    check_url,
    credentials_from_env,
    display_url,
    timeout_from_env,
)
from samhandling_kg.load.lease import clean_all
from samhandling_kg.load.names import LOAD_PREFIX, LoadReport
from samhandling_kg.load.swap import load_into
from samhandling_kg.sparql.binding import bind_with_values, sparql_term
from samhandling_kg.sparql.guard import (
    check_read_query,
)
from samhandling_kg.sparql.results import QueryResult, decode_answer, raw_bindings
from samhandling_kg.stores.base import load_paths

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
    """A SPARQL 1.1 endpoint (the SPARQL 1.1 Protocol over :class:`~samhandling_kg.io.http.HttpClient`);
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
        if (graph is not None and IRI_FORBIDDEN.search(graph)) or graph == "":
            raise localised(SamhandlingError, {"nb": "--graph: ikke en IRI: «{graph}»",
                                               "nn": "--graph: ikkje ein IRI: «{graph}»",
                                               "en": "--graph: not an IRI: {graph_repr}"},
                            graph=graph, graph_repr=repr(graph))

    def sibling(self) -> EndpointStore:
        """The same store on a connection of its own, which warns nobody (its owner warned
        already): the heartbeat of a load beats on it."""
        twin = EndpointStore(self.endpoint, graph_store=self.graph_store,
                             update_endpoint=self.update_endpoint, credentials=self.credentials,
                             timeout=self.http.timeout)
        twin.http = HttpClient(self.credentials, self.http.timeout, on_warning=lambda message: None)
        return twin

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

    def select_bindings(self, text: str) -> tuple[tuple[str, ...], list[dict[str, dict[str, Any]]]]:
        """A SELECT of the package's own whose answer is read as plain JSON, no term built:
        the variables and, per row, each bound variable's ``{"type", "value", …}`` object for
        the caller to check (``load`` reads its records this way and trusts none of them)."""
        response = self._ask(text, _ACCEPT["SELECT"])
        return raw_bindings(response.content, display_url(str(self.endpoint)))

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

    # -- loading (samhandling_kg.load.swap)

    def load(self, files: Sequence[str | Path] = (), *, graph: str | None = None,
             include_ontology: bool = True) -> LoadReport:
        if not self.graph_store or not self.update_endpoint:
            raise SamhandlingError("loading needs the store's graph-store URL")
        target = graph or str(ONTOLOGY_IRI)
        if IRI_FORBIDDEN.search(target) or not ABSOLUTE_IRI.match(target):
            raise SamhandlingError(f"--graph: not an IRI: {target!r}")
        return load_into(self, load_paths(files, include_ontology), target)

    def clean(self) -> list[str]:
        """Remove every temporary graph and record of loads into this store (only when no load
        is under way); the names removed."""
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
