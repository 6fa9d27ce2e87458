"""Triple stores behind one small interface: rdflib in memory, embedded Oxigraph, SPARQL endpoints.

Every store answers :meth:`Store.query` with the one :class:`~samhandling_kg.sparql.results.QueryResult`
type; stores that take writes also offer ``load``, which replaces a graph as a whole.

One path for everything, whatever the store:

* a query is checked once (:func:`~samhandling_kg.sparql.guard.check_read_query`: updates refused);
  parameters are bound as RDF terms — ``initBindings`` on rdflib, elsewhere a ``VALUES`` block
  written from the terms (:func:`~samhandling_kg.sparql.binding.bind_with_values`) — never by pasting
  user text into the query;
* answers travel as W3C SPARQL JSON (or N-Triples/Turtle for graphs) and are read by the one
  reader, :func:`~samhandling_kg.sparql.results.decode_answer`; the embedded Oxigraph's rows skip the
  JSON round trip (:func:`solutions_result`, each distinct term converted once), and a test
  holds them equal to that reader's (tests/stores/test_stores.py);
* remote stores are reached through the one HTTP client, :class:`~samhandling_kg.io.http.HttpClient`;
* a load converts the files to one N-Triples file first
  (:func:`~samhandling_kg.io.streams.write_ntriples`); how it then reaches a remote store, whole or
  not at all, is :mod:`samhandling_kg.load.swap`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib.term import Node

from samhandling_kg.core import resources
from samhandling_kg.io.rdf import expand_paths
from samhandling_kg.load.names import LoadReport
from samhandling_kg.sparql.results import QueryResult


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
