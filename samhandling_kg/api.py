"""The small public API: ask a competency question or run any read query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from .errors import QueryError
from .graph import closest_term, load_knowledge_graph
from .namespace import SAM
from .questions import Question, get_question
from .sparql import QueryResult
from .stores import RdflibStore, Store


def check_parameter_terms(question: Question, bindings: Mapping[str, Node], store: Store) -> None:
    """Refuse an IRI that is not an instance of the class a parameter asks for (``iri[CLASS]``
    in the question's header), in the graph queried, with the closest term of the ontology as
    a suggestion. Without this check a misspelt IRI answers with no rows, which reads like a
    true empty answer."""
    for parameter in question.parameters:
        term = bindings.get(parameter.name)
        if parameter.of_class is None or not isinstance(term, URIRef):
            continue
        if not store.query(_INSTANCE_OF, {"term": term, "cls": parameter.of_class}).boolean:
            raise QueryError(f"{question.id}: {parameter.name}={_short(term, question)} is not an "
                             f"instance of {_short(parameter.of_class, question)}"
                             f"{_suggestion(term)}")


_INSTANCE_OF = (
    "ASK { ?term <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?cls }"
)


def _short(term: URIRef, question: Question) -> str:
    for prefix, namespace in question.prefixes.items():
        if term.startswith(namespace) and len(term) > len(namespace):
            return f"{prefix}:{term[len(namespace):]}"
    return f"<{term}>"


def _suggestion(term: URIRef) -> str:
    close = closest_term(str(term)) if term.startswith(str(SAM)) else None
    return f" (did you mean {close}?)" if close else ""


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
    check_parameter_terms(question, terms, store)
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
