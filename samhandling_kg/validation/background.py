"""The background is not the user's to change: statements about the ontology's own terms
are refused before any engine runs (engine-independent pre-step)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import (
    OWL,
    RDFS,
)
from rdflib.term import Node

from samhandling_kg.core import resources
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM, SAMSH
from samhandling_kg.io.oxigraph import load_file
from samhandling_kg.kg.graph import (
    ontology_graph,
)
from samhandling_kg.validation.model import (
    BACKGROUND,
    Severity,
    Triple,
    ValidationResult,
    node_text,
)

#: Predicates that would make a term of the user's the same as a term of the ontology.
_EQUATING = (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty)

#: Where a finding about such a statement comes from (no SHACL shape: it is checked before
#: any engine runs).
BACKGROUND_SHAPE = SAMSH.OntologyUnchanged
BACKGROUND_COMPONENT = SAMSH.OntologyUnchangedComponent

_BACKGROUND_MESSAGES = {
    "subject": {
        "en": "Statements about the ontology's own terms are not taken from the data; the "
              "checks use the ontology as published.",
        "nb": "Utsagn om ontologiens egne termer hentes ikke fra dataene; kontrollene bruker "
              "ontologien slik den er publisert.",
        "nn": "Utsegner om ontologien sine eigne termar vert ikkje henta frå dataa; kontrollane "
              "brukar ontologien slik han er publisert.",
    },
    "defined-by": {
        "en": "Only the ontology itself defines terms of the ontology (rdfs:isDefinedBy); the "
              "statement is not used.",
        "nb": "Bare ontologien selv definerer termer i ontologien (rdfs:isDefinedBy); utsagnet "
              "blir ikke brukt.",
        "nn": "Berre ontologien sjølv definerer termar i ontologien (rdfs:isDefinedBy); utsegna "
              "vert ikkje brukt.",
    },
    "equating": {
        "en": "A term of the data cannot be made the same as a term of the ontology; the "
              "statement is not used.",
        "nb": "En term i dataene kan ikke gjøres lik en term i ontologien; utsagnet blir ikke "
              "brukt.",
        "nn": "Ein term i dataa kan ikkje gjerast lik ein term i ontologien; utsegna vert ikkje "
              "brukt.",
    },
}


def background_terms(ontology: Graph) -> frozenset[Node]:
    """The ontology's own terms: the IRIs of its own namespaces (``sam:``, its sources and
    organisations under ``https://w3id.org/samhandling``) that it makes a statement about, and
    its own IRI. Terms of other vocabularies it describes (``dct:title``, a publisher's
    Enhetsregisteret IRI) stay open to the data."""
    own = str(ONTOLOGY_IRI)
    return frozenset({s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(own)}
                     | {ONTOLOGY_IRI})


@cache
def _background_terms() -> frozenset[Node]:
    """:func:`background_terms` of the bundled ontology, read from its Oxigraph copy: no
    rdflib parse of the ontology before a small file's validation."""
    own = str(ONTOLOGY_IRI)
    return frozenset({URIRef(q.subject.value) for q in _ontology_quads()
                      if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(own)}
                     | {ONTOLOGY_IRI})


def background_statement_kind(triple: Triple, terms: frozenset[Node]) -> str | None:
    """Why ``triple`` would change the background, or None when it would not:

    * ``"subject"`` — its subject is a term of the ontology (``sam:MessageExchange a
      sam:OrganisationalForm``, ``sam:SendAndReceive sam:supportedBy sam:PortalAccess``);
    * ``"defined-by"`` — it claims a term for the ontology (``ex:MyNeed rdfs:isDefinedBy
      <https://w3id.org/samhandling>``, or any term of the sam: namespace as object);
    * ``"equating"`` — it makes a term the same as one of the ontology (``owl:sameAs``,
      ``owl:equivalentClass``, ``owl:equivalentProperty``) in either direction.

    Subclasses of the ontology's classes (``ex:Portal rdfs:subClassOf sam:Solution``) and
    ordinary uses of its terms are the data's own and are kept.
    """
    subject, predicate, obj = triple
    if subject in terms:
        return "subject"
    if predicate == RDFS.isDefinedBy and (obj in terms or str(obj).startswith(str(SAM))):
        return "defined-by"
    if predicate in _EQUATING and obj in terms:
        return "equating"
    return None


def background_results(refused: Sequence[Triple], ontology: Graph, lang: str) -> list[ValidationResult]:
    """One Violation per refused statement (from :meth:`_Input.remove_background_statements`): the
    focus node is its subject, the path its predicate, the value its object; the message is
    in ``lang``. File and line are left for the caller to fill in."""
    terms = background_terms(ontology)
    results = []
    for triple in refused:
        subject, predicate, obj = triple
        kind = background_statement_kind(triple, terms) or "subject"
        results.append(ValidationResult(
            severity=Severity.VIOLATION,
            focus_node=node_text(subject),
            path=str(predicate),
            value=node_text(obj),
            message=_BACKGROUND_MESSAGES[kind][lang],
            source_shape=str(BACKGROUND_SHAPE),
            constraint_component=str(BACKGROUND_COMPONENT),
            record=node_text(subject),
            focus_term=subject,
            path_term=predicate if isinstance(predicate, URIRef) else None,
            value_term=obj,
        ))
    return results


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    store = ox.Store()
    load_file(store, resources.ontology_path(), BACKGROUND)
    return tuple(store)


@cache
def _ontology_graph() -> Graph:
    return ontology_graph()
