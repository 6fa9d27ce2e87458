"""The small public API: ask a competency question or run any read query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from samhandling_kg.core.errors import QueryError, localised
from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import shorten
from samhandling_kg.kg.graph import closest_term, load_knowledge_graph
from samhandling_kg.kg.questions import Question, get_question, resolve_query
from samhandling_kg.sparql.binding import bind_with_values
from samhandling_kg.sparql.results import QueryResult
from samhandling_kg.stores.base import Store
from samhandling_kg.stores.local import OxigraphStore, RdflibStore


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
            raise localised(QueryError, {
                "nb": "{id}: {name}={term} er ikke en instans av {cls}{hint}",
                "nn": "{id}: {name}={term} er ikkje ein instans av {cls}{hint}",
                "en": "{id}: {name}={term} is not an instance of {cls}{hint}"},
                id=question.id, name=parameter.name, term=_short(term, question),
                cls=_short(parameter.of_class, question), hint=_suggestion(term))


_INSTANCE_OF = (
    "ASK { ?term <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?cls }"
)


def _short(term: URIRef, question: Question) -> str:
    return shorten(term, question.prefixes, brackets=True)


def _suggestion(term: URIRef) -> dict[str, str]:
    close = closest_term(str(term)) if term.startswith(str(SAM)) else None
    if not close:
        return {"nb": "", "nn": "", "en": ""}
    return {"nb": f" (mente du {close}?)", "nn": f" (meinte du {close}?)", "en": f" (did you mean {close}?)"}


#: The engines a local query runs on; the first is the default. The command line's
#: ``--store`` choices read this list.
LOCAL_ENGINES: tuple[str, ...] = ("oxigraph", "rdflib")


def local_store(
    data: Iterable[str | Path] = (),
    *,
    infer: bool = False,
    graph: Graph | None = None,
    engine: str = LOCAL_ENGINES[0],
) -> Store:
    """The ontology plus ``data`` (materialised under OWL 2 RL when ``infer``) in a local
    engine: embedded Oxigraph by default, or rdflib, the reference. A ``graph`` given is
    queried as it is, on rdflib."""
    if engine not in LOCAL_ENGINES:
        raise localised(QueryError, {
            "nb": "ukjent lokal motor «{engine}»; en av {known}",
            "nn": "ukjend lokal motor «{engine}»; ein av {known}",
            "en": "unknown local engine {engine_repr}; one of {known}"},
            engine=engine, engine_repr=repr(engine), known=", ".join(LOCAL_ENGINES))
    if graph is not None:
        return RdflibStore(graph)
    if engine == "oxigraph":
        return OxigraphStore.with_knowledge_graph(data, infer=infer)
    return RdflibStore(load_knowledge_graph(data, infer=infer))


def run(
    query: str | Path | Question,
    bindings: Mapping[str, str | Node] | None = None,
    *,
    data: Iterable[str | Path] = (),
    infer: bool = False,
    graph: Graph | None = None,
    store: Store | None = None,
    engine: str = LOCAL_ENGINES[0],
) -> QueryResult:
    """The one path every query takes (the command line and ``serve`` call it too).

    ``query`` is a competency-question id, the path of a ``.rq`` file (whose ``# param:``
    header lines declare its parameters, as the questions' do) or a :class:`Question`.
    ``bindings`` maps parameter names to values (``"sam:SendAndReceive"``, a full IRI, text,
    or an rdflib term); parameters left out take their default, and an IRI that is not an
    instance of the class its parameter names is refused with the closest term suggested —
    locally and at an endpoint alike. Without ``store`` the query runs over the ontology plus
    ``data`` in a :func:`local_store`.
    """
    if store is None:
        store = local_store(data, infer=infer, graph=graph, engine=engine)
    question, terms = prepared(query, bindings, store)
    return store.query(question.query, terms, source=str(question.path))


def prepared(query: str | Path | Question, bindings: Mapping[str, str | Node] | None,
             store: Store) -> tuple[Question, dict[str, Node]]:
    """The steps every query takes before the store runs it: the question (an id, a ``.rq``
    path or a :class:`Question`), its parameters as terms (defaults filled in) and the check of
    each IRI against the class its parameter names, in ``store``."""
    question = query if isinstance(query, Question) else resolve_query(str(query))
    terms = question.bindings(bindings)
    check_parameter_terms(question, terms, store)
    return question, terms


def bound_text(question: Question, bindings: Mapping[str, str | Node] | None, store: Store) -> str:
    """The text :func:`run` would have ``store`` execute for ``question``: its parameters
    checked and bound as VALUES (what the query page shows before it runs)."""
    checked, terms = prepared(question, bindings, store)
    return bind_with_values(checked.query, checked.kind, terms)


def run_question(
    question_id: str,
    bindings: Mapping[str, str | Node] | None = None,
    *,
    data: Iterable[str | Path] = (),
    infer: bool = False,
    graph: Graph | None = None,
    store: Store | None = None,
    engine: str = LOCAL_ENGINES[0],
) -> QueryResult:
    """Answer competency question ``question_id`` (see :func:`run`)."""
    return run(get_question(question_id), bindings, data=data, infer=infer, graph=graph,
               store=store, engine=engine)


def run_query(
    query: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    data: Iterable[str | Path] = (),
    infer: bool = False,
    graph: Graph | None = None,
    store: Store | None = None,
    engine: str = LOCAL_ENGINES[0],
    source: str = "query",
) -> QueryResult:
    """Run the read query ``query`` (SPARQL text; for a file use :func:`run`) over the
    ontology plus ``data``, over ``graph``, or in ``store``. Updates are refused."""
    if store is None:
        store = local_store(data, infer=infer, graph=graph, engine=engine)
    return store.query(query, bindings, source=source)
