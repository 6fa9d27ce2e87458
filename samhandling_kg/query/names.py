"""The names a table of results shows for its IRIs: their labels, read from the store that
answered (so a local file's labels and an endpoint's alike), named by
:func:`samhandling_kg.core.labels.label`, the one way to name a node."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.term import Node

from samhandling_kg.core.labels import NAME_PREDICATES, label
from samhandling_kg.sparql.results import QueryResult
from samhandling_kg.stores.base import Store

#: At most this many IRIs are named per query to the store (an endpoint's request stays small).
_CHUNK = 500
#: Characters an IRI cannot hold in a query's ``<…>`` (such an IRI keeps its compact name).
_UNSAFE = re.compile(r'[\s<>"{}|^`\\]')
_NAMES = " ".join(f"<{p}>" for p in NAME_PREDICATES)


def term_names(store: Store, result: QueryResult, lang: str) -> dict[Node, str]:
    """Each IRI of ``result`` that has a label in the store, by its label in ``lang`` (else
    Bokmål, then English: the fallback of :func:`~samhandling_kg.core.labels.label`). An IRI
    without a label is left out: the table shows its compact name."""
    iris = sorted({term for row in result.rows for term in row
                   if isinstance(term, URIRef) and not _UNSAFE.search(str(term))}, key=str)
    found = Graph()
    for start in range(0, len(iris), _CHUNK):
        values = " ".join(f"<{iri}>" for iri in iris[start:start + _CHUNK])
        answer = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {_NAMES} }} ?s ?p ?o }}",
            source="labels")
        for triple in answer.graph if answer.graph is not None else ():
            found.add(triple)
    return {iri: label(found, iri, lang) for iri in iris if (iri, None, None) in found}
