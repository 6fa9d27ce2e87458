"""The local stores: rdflib (the reference) and embedded Oxigraph (the engine)."""

from __future__ import annotations

import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from samhandling_kg.core.errors import EndpointError, QueryError, SamhandlingError, localised
from samhandling_kg.core.terms import IRI_FORBIDDEN
from samhandling_kg.io.oxigraph import to_rdflib
from samhandling_kg.io.streams import write_ntriples
from samhandling_kg.load.names import LoadReport, temporary_graph_name
from samhandling_kg.sparql.binding import bind_with_values, sparql_term
from samhandling_kg.sparql.guard import (
    canonical_query,
    check_read_query_local,
    refuse_service,
    run_on_graph,
)
from samhandling_kg.sparql.results import QueryKind, QueryResult, decode_answer
from samhandling_kg.stores.base import load_paths

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
        from samhandling_kg.io.rdf import read_rdf_files

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
            raise localised(SamhandlingError, {
                "nb": "{location}: kan ikke åpne Oxigraph-lageret: {reason}",
                "nn": "{location}: kan ikkje opne Oxigraph-lageret: {reason}",
                "en": "{location}: cannot open the Oxigraph store: {reason}"},
                location=location, reason=exc) from None

    @classmethod
    def with_knowledge_graph(cls, data: Iterable[str | Path] = (), *,
                             infer: bool = False) -> OxigraphStore:
        """An in-memory store with the ontology plus ``data``. Each file is parsed by
        Oxigraph's own parser straight into the store, with rdfio's guarantees and one-line
        errors (:func:`~samhandling_kg.io.oxigraph.load_file`: the same message as every other
        command for the same bad file); with ``infer``, the OWL 2 RL rules of
        :mod:`samhandling_kg.kg.rules` run to a fixpoint inside the store (owlrl, the reference,
        answers the same: tests/kg/test_rules.py)."""
        from samhandling_kg.io.oxigraph import load_file

        store = cls()
        for path in load_paths(list(data), include_ontology=True):
            load_file(store.store, path, ox.DefaultGraph(), prefixes=False)  # a bad file raises
        if infer:
            from samhandling_kg.kg.rules import materialise_store

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
            raise localised(QueryError, {"nb": "{source}: Oxigraph kan ikke kjøre spørringen: «{detail}»",
                                         "nn": "{source}: Oxigraph kan ikkje køyre spørjinga: «{detail}»",
                                         "en": "{source}: {detail}"},
                            source=source, detail=' '.join(str(exc).split())[:300]) from None

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
    :func:`~samhandling_kg.sparql.results.decode_answer` reads from the same answer serialised as
    SPARQL JSON (literals as written, ``xsd:string`` plain, an IRI with a forbidden character
    refused), without writing and parsing the JSON; each distinct term is converted once."""
    variables = tuple(v.value for v in solutions.variables)
    terms = _Terms(source)
    with warnings.catch_warnings():  # rdflib warns of ill-typed literals (legal RDF)
        warnings.simplefilter("ignore")
        rows = tuple(tuple(None if t is None else terms[t] for t in solution)
                     for solution in solutions)
    return QueryResult("SELECT", variables, rows)
