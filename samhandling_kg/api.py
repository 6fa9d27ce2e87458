"""The small public API: ask a competency question or run any read query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from .graph import load_knowledge_graph
from .questions import get_question
from .sparql import QueryResult
from .stores import RdflibStore, Store


def run_question(
    question_id: str,
    bindings: Mapping[str, str | Node] | None = None,
    *,
    graph: Graph | None = None,
    data: Iterable[str | Path] = (),
    infer: bool = False,
    store: Store | None = None,
) -> QueryResult:
    """Answer competency question ``question_id``.

    ``bindings`` maps parameter names to values (``"sam:SendAndReceive"``, a full IRI, or an
    rdflib term); parameters left out take their default. Without ``graph`` the question runs
    over the ontology plus ``data``, materialised under OWL 2 RL when ``infer`` is true.
    With ``store`` (any :class:`~samhandling_kg.stores.Store`: pyoxigraph, a SPARQL endpoint…)
    it runs there instead.
    """
    question = get_question(question_id)
    terms = question.bindings(bindings)
    if store is None:
        store = RdflibStore(graph if graph is not None else load_knowledge_graph(data, infer=infer))
    return store.query(question.query, terms, source=str(question.path))


def run_query(
    query: str,
    graph: Graph | None = None,
    bindings: Mapping[str, Node] | None = None,
    *,
    source: str = "query",
    store: Store | None = None,
) -> QueryResult:
    """Run any read query (text) over ``graph`` (the ontology when none), or in ``store``.
    Updates are refused."""
    if store is None:
        store = RdflibStore(graph if graph is not None else load_knowledge_graph())
    return store.query(query, bindings, source=source)
