"""Loading the knowledge graph and materialising it under OWL 2 RL."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from samhandling_kg.core import limits, resources
from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import PREFIXES, merge_into
from samhandling_kg.io.network import no_network
from samhandling_kg.io.rdf import parse_file, read_rdf_files

__all__ = ["PREFIXES", "bind_prefixes", "closest_term", "load_knowledge_graph", "materialise",
           "ontology_graph", "ontology_local_names", "shapes_graph"]



def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@cache
def _ontology() -> Graph:
    # Parsed once per process; callers always get a copy, so the cache cannot be changed.
    return parse_file(resources.ontology_path())


@cache
def _shapes() -> Graph:
    return read_rdf_files(list(resources.shape_paths()))


def ontology_graph() -> Graph:
    """A fresh copy of the ontology (``ontology/samhandling.ttl``)."""
    return bind_prefixes(_copy(_ontology()))


def shapes_graph() -> Graph:
    """A fresh copy of all SHACL shapes (``shapes/*.ttl``)."""
    return bind_prefixes(_copy(_shapes()))


def load_knowledge_graph(
    data: Iterable[str | Path] = (),
    *,
    shapes: bool = False,
    infer: bool = False,
) -> Graph:
    """The ontology, plus the shapes if asked, plus the data files, in one new graph.

    A data file that cannot be read raises :class:`~samhandling_kg.core.errors.InputError` naming
    it. With ``infer`` the result is materialised under OWL 2 RL (see :func:`materialise`).
    """
    graph = ontology_graph()
    if shapes:
        graph += _shapes()
    read_rdf_files(list(data), graph)
    return materialise(graph) if infer else graph


def materialise(graph: Graph) -> Graph:
    """A new graph holding ``graph`` and its OWL 2 RL entailments; ``graph`` is not changed.

    owlrl's OWL-RL mode is used on purpose: its RDFS mode grows quadratically with the number
    of literals. Axiomatic and datatype triples are left out: they add thousands of triples
    about the vocabularies themselves and answer no question of ours. So are two kinds of
    noise owlrl emits: triples with a literal subject (generalised RDF, which no RDF syntax
    can write) and the reflexive ``x owl:sameAs x`` of every term (rule eq-ref).
    """
    closure = _copy(graph)
    with no_network():
        owlrl.DeductiveClosure(
            _BoundedSemantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(closure)
    noise = [
        (s, p, o)
        for s, p, o in closure
        if isinstance(s, Literal) or (p == OWL.sameAs and s == o)
    ]
    for triple in noise:
        closure.remove(triple)
    return closure


class _BoundedSemantics(owlrl.OWLRL_Semantics):  # type: ignore[misc]
    """owlrl's OWL 2 RL closure, stopped with one line when it runs longer than
    :data:`limits.INFER_SECONDS` or derives more than :data:`limits.INFER_TRIPLES` triples: a
    55 KB ``owl:sameAs`` chain derives the square of its length and ran for minutes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seconds, self._most = limits.INFER_SECONDS.value(), limits.INFER_TRIPLES.value()
        self._deadline = time.monotonic() + self._seconds
        self._start = len(self.graph)
        self._calls = 0

    def store_triple(self, t: Any) -> None:
        super().store_triple(t)
        self._calls += 1
        if self._calls % 2048:
            return
        if len(self.graph) + len(self.added_triples) - self._start > self._most:
            raise localised(SamhandlingError, limits.INFERENCE_DERIVED, limit=limits.INFER_TRIPLES.described(self._most))
        if time.monotonic() > self._deadline:
            raise localised(SamhandlingError, limits.INFERENCE_RAN, limit=limits.INFER_SECONDS.described(self._seconds))


def _copy(graph: Graph) -> Graph:
    return merge_into(Graph(), graph)


@cache
def ontology_local_names() -> tuple[str, ...]:
    """The local names of the ontology's terms in the sam: namespace, sorted."""
    namespace = str(SAM)
    return tuple(sorted({str(s)[len(namespace):] for s in ontology_graph().subjects()
                         if isinstance(s, URIRef) and str(s).startswith(namespace)
                         and len(str(s)) > len(namespace)}))


def _squash(text: str) -> str:
    """A name or label for comparing: lower case, without spaces, hyphens and other signs."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@cache
def _ontology_labels() -> dict[str, tuple[str, ...]]:
    """Each sam: term's nb, nn and en labels (skos:prefLabel, rdfs:label, skos:altLabel),
    squashed, → the local names of the terms that carry them."""
    namespace = str(SAM)
    graph = ontology_graph()
    found: dict[str, set[str]] = {}
    for predicate in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
        for subject, literal in graph.subject_objects(predicate):
            if (isinstance(subject, URIRef) and str(subject).startswith(namespace)
                    and isinstance(literal, Literal) and (literal.language or "") in ("nb", "nn", "en")):
                found.setdefault(_squash(str(literal)), set()).add(str(subject)[len(namespace):])
    return {label: tuple(sorted(names)) for label, names in found.items() if label}


@cache
def _instances(cls: str) -> frozenset[str]:
    """The local names of the ontology's instances of ``cls`` (rdf:type, asserted)."""
    namespace = str(SAM)
    return frozenset(str(s)[len(namespace):] for s in ontology_graph().subjects(RDF.type, URIRef(cls))
                     if isinstance(s, URIRef) and str(s).startswith(namespace))


@lru_cache(maxsize=4096)  # a catalogue repeats its misspellings
def closest_term(iri: str, among: str | None = None) -> str | None:
    """``sam:Solution`` for ``https://w3id.org/samhandling#Soluton`` (or a local name alone):
    the closest term of the ontology, or None. A name that is a term's label in nb, nn or en
    (``sam:Portaltilgang``, the Bokmål label of ``sam:PortalAccess``: the most natural slip
    of a Norwegian writer) gives that term; else the closest name by
    :func:`difflib.get_close_matches`, then the closest label. With ``among`` (a class IRI)
    only the ontology's instances of that class are suggested."""
    local = iri.removeprefix(str(SAM))
    allowed = _instances(among) if among else None
    names = [n for n in ontology_local_names() if allowed is None or n in allowed]
    labels = {label: [n for n in found if allowed is None or n in allowed]
              for label, found in _ontology_labels().items()}
    labels = {label: found for label, found in labels.items() if found}
    by_label = labels.get(_squash(local))
    if by_label and local not in by_label:
        return f"sam:{by_label[0]}"
    match = difflib.get_close_matches(local, names, n=1)
    if not match:  # case slips (sam:solution) are not always close enough by ratio alone
        folded = {name.lower(): name for name in names}
        match = difflib.get_close_matches(local.lower(), list(folded), n=1)
        match = [folded[m] for m in match]
    # A misspelt label (sam:Portaltilgan) wins over a name only when it is the closer.
    close = difflib.get_close_matches(_squash(local), list(labels), n=1, cutoff=0.8)
    if close and (not match or _ratio(_squash(local), close[0]) > _ratio(local.lower(), match[0].lower())):
        match = [labels[close[0]][0]]
    return f"sam:{match[0]}" if match and match[0] != local else None
