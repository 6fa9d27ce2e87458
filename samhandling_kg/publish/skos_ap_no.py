"""The concepts as a SKOS-AP-NO-Begrep (Digdir, v2) concept collection, and the project's check.

``samhandling export --profile skos-ap-no [--publisher ORGNR]`` writes every ``skos:Concept``
of the knowledge graph (the eight forms, the needs, the EIF layers, and any a data file adds)
as the national concept catalogue expects them: a ``skos:Collection`` with identifier, title,
description, publisher and contact point; each concept with an ``xsd:anyURI`` identifier,
``skos:prefLabel`` in nb and nn (en too), definitions as ``euvoc:xlDefinition`` objects (text,
relationship with source, source), publisher typed ``org:Organization``, a ``vcard:Organization``
contact point, dates, status, notes, the need hierarchy as generic relations (``xkos:``) and the
supported-by links as associative relations whose role is the label of ``sam:supportedBy`` /
``sam:supports``.

The mapping is written here rather than with Digdir's ``concepttordf``: that library (3.0.1,
and 3.1.5 which needs Python 3.12) writes the first version of the profile (``skosxl:`` labels,
``skosno:Definisjon``), which the v2 requirements reject, and it pins setuptools at run time.

:func:`check` validates a graph against ``shapes/skos-ap-no/skos-ap-no-begrep.ttl``, the
project's own shapes written from the specification's requirements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    RDF,
    RDFS,
    SH,  # closed: a misspelt SHACL term fails at once
    SKOS,
    XSD,
)
from rdflib.term import Node

from samhandling_kg.core import resources
from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.io.network import no_network
from samhandling_kg.io.rdf import parse_file

EUVOC = Namespace("http://publications.europa.eu/ontology/euvoc#")
SKOSNO = Namespace("https://data.norge.no/vocabulary/skosno#")
XKOS = Namespace("http://rdf-vocabulary.ddialliance.org/xkos#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ORG = Namespace("http://www.w3.org/ns/org#")

#: The export profiles ``samhandling export --profile`` knows (one registry).
PROFILES = ("skos-ap-no",)

#: The collection's IRI (and identifier): the concepts of the ontology as one catalogue entry.
COLLECTION = URIRef("https://w3id.org/samhandling/concepts")

#: Enhetsregisteret, the Central Coordinating Register for Legal Entities.
ENHETSREGISTERET = "https://data.brreg.no/enhetsregisteret/api/enheter/"

# Codes of the controlled vocabularies the specification names (Definisjon: forhold til kilde;
# Begrep: status). The definitions are the project's paraphrases of the Directorate's text.
DERIVED_FROM_SOURCE = URIRef("https://data.norge.no/vocabulary/relationship-with-source-type#derived-from-source")
CURRENT = URIRef("http://publications.europa.eu/resource/authority/concept-status/CURRENT")

PREFIXES = {
    "dcat": DCAT, "dct": DCTERMS, "euvoc": EUVOC, "org": ORG, "rdf": RDF, "skos": SKOS,
    "skosno": SKOSNO, "vcard": VCARD, "xkos": XKOS, "xsd": XSD, "foaf": FOAF,
}

_TITLE = {
    "nb": "Begreper for digitale samhandlingsformer i helse- og omsorgssektoren",
    "nn": "Omgrep for digitale samhandlingsformer i helse- og omsorgssektoren",
    "en": "Concepts of the digital interaction forms in Norwegian health and care",
}
_DESCRIPTION = {
    "nb": "Samhandlingsbehov, organisatoriske og tekniske samhandlingsformer og lagene i det "
          "europeiske rammeverket for samhandling (EIF), med hvilke former som støtter hvilke. "
          "Definisjonene er omskrevet fra dokumenter fra Direktoratet for e-helse, som er oppgitt "
          "som kilde.",
    "nn": "Samhandlingsbehov, organisatoriske og tekniske samhandlingsformer og laga i det "
          "europeiske rammeverket for samhandling (EIF), med kva former som støttar kva. "
          "Definisjonane er omskrivne frå dokument frå Direktoratet for e-helse, som er oppgjevne "
          "som kjelde.",
    "en": "Interaction needs, organisational and technical interaction forms and the layers of "
          "the European Interoperability Framework (EIF), with which forms support which. The "
          "definitions are paraphrased from documents of the Norwegian Directorate of eHealth, "
          "which are given as their sources.",
}


def publisher_iri(number: str) -> URIRef:
    """The Enhetsregisteret IRI of organisation number ``number`` (spaces allowed, as in
    ``974 760 673``); a number with a wrong check digit is refused."""
    from samhandling_kg.core.orgnr import organisation_number_valid

    digits = number.replace(" ", "")
    if not digits.isdigit() or len(digits) != 9:
        raise localised(SamhandlingError, {
            "nb": "--publisher {number!r}: et organisasjonsnummer har 9 sifre",
            "nn": "--publisher {number!r}: eit organisasjonsnummer har 9 siffer",
            "en": "--publisher {number!r}: an organisation number has 9 digits"}, number=number)
    if not organisation_number_valid(digits):
        raise localised(SamhandlingError, {
            "nb": "--publisher {number}: ikke et organisasjonsnummer (feil kontrollsiffer, modulus 11)",
            "nn": "--publisher {number}: ikkje eit organisasjonsnummer (feil kontrollsiffer, modulus 11)",
            "en": "--publisher {number}: not an organisation number (wrong check digit, modulus 11)"},
            number=number)
    return URIRef(ENHETSREGISTERET + digits)


def skos_ap_no(graph: Graph, publisher: URIRef | None = None) -> Graph:
    """The concepts of ``graph`` (ontology plus data, asserted) as a SKOS-AP-NO-Begrep
    collection. ``publisher`` defaults to the publisher of the ontology (the project)."""
    return _Mapping(graph, publisher or _ontology_publisher(graph)).run()


def _ontology_publisher(graph: Graph) -> URIRef:
    value = graph.value(ONTOLOGY_IRI, DCTERMS.publisher)
    if not isinstance(value, URIRef):
        raise localised(SamhandlingError, {
            "nb": "ontologien oppgir ingen utgiver; gi --publisher ORGNR",
            "nn": "ontologien oppgjev ingen utgjevar; gje --publisher ORGNR",
            "en": "the ontology names no publisher; give --publisher ORGNR"})
    return value


@dataclass
class _Mapping:
    source: Graph
    publisher: URIRef

    def run(self) -> Graph:
        out = Graph()
        for prefix, namespace in PREFIXES.items():
            out.bind(prefix, namespace)
        self.out = out
        concepts = sorted(c for c in self.source.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))
        if not concepts:
            raise SamhandlingError("there are no concepts (skos:Concept) to export")
        self.concepts = set(concepts)
        self.contact = self._contact_point()
        self._organisation()
        self._collection(concepts)
        for concept in concepts:
            self._concept(concept)
        return out

    # --- the collection and the parties -----------------------------------------------------

    def _organisation(self) -> None:
        self.out.add((self.publisher, RDF.type, ORG.Organization))
        for name in self.source.objects(self.publisher, FOAF.name):
            self.out.add((self.publisher, FOAF.name, name))

    def _contact_point(self) -> BNode:
        # A vCard organisation named like the publisher where the graph knows its name; the
        # project knows no e-mail address or telephone of any publisher, so gives none.
        contact = BNode()
        self.out.add((contact, RDF.type, VCARD.Organization))
        for name in self.source.objects(self.publisher, FOAF.name):
            self.out.add((contact, VCARD.hasOrganizationName, name))
        return contact

    def _collection(self, concepts: Iterable[URIRef]) -> None:
        add = self.out.add
        add((COLLECTION, RDF.type, SKOS.Collection))
        add((COLLECTION, DCTERMS.identifier, Literal(str(COLLECTION), datatype=XSD.anyURI)))
        for lang, text in _TITLE.items():
            add((COLLECTION, DCTERMS.title, Literal(text, lang=lang)))
        for lang, text in _DESCRIPTION.items():
            add((COLLECTION, DCTERMS.description, Literal(text, lang=lang)))
        add((COLLECTION, DCTERMS.publisher, self.publisher))
        add((COLLECTION, DCAT.contactPoint, self.contact))
        for concept in concepts:
            add((COLLECTION, SKOS.member, concept))

    # --- one concept ---------------------------------------------------------------------------

    def _concept(self, concept: URIRef) -> None:
        src, add = self.source, self.out.add
        add((concept, RDF.type, SKOS.Concept))
        # The identifier is the concept's IRI as xsd:anyURI; the plain local name the ontology
        # gives (e.g. "SendAndReceive") is left out: every value must be an IRI or anyURI.
        add((concept, DCTERMS.identifier, Literal(str(concept), datatype=XSD.anyURI)))
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.example, SKOS.scopeNote):
            for value in src.objects(concept, prop):
                add((concept, prop, value))
        for value in src.objects(concept, SAM.projectExample):
            add((concept, SKOS.example, value))
        sources = sorted(s for s in src.objects(concept, DCTERMS.source) if isinstance(s, URIRef))
        for text in sorted(src.objects(concept, SKOS.definition), key=lambda t: t.n3()):
            note = BNode()
            add((concept, EUVOC.xlDefinition, note))
            add((note, RDF.type, EUVOC.XlNote))
            add((note, RDF.value, text))
            add((note, SKOSNO.relationshipWithSource, DERIVED_FROM_SOURCE))
            for source in sources:
                add((note, DCTERMS.source, source))
        for source in sources:
            self._source(source)
        add((concept, DCTERMS.publisher, self.publisher))
        add((concept, DCAT.contactPoint, self.contact))
        for prop in (DCTERMS.created, DCTERMS.modified):
            date = src.value(concept, prop) or src.value(ONTOLOGY_IRI, prop)
            if date is not None:
                add((concept, prop, date))
        add((concept, EUVOC.status, CURRENT))
        self._generic(concept)
        self._associative(concept)

    def _source(self, source: URIRef) -> None:
        # Enough for a reader to find the document: its title and public page where known.
        for prop in (DCTERMS.title, FOAF.page):
            for value in self.source.objects(source, prop):
                self.out.add((source, prop, value))

    def _generic(self, concept: URIRef) -> None:
        # The need hierarchy: a seed example is a kind of its information service (generic
        # relation), described both ways as the specification recommends.
        for broader in self.source.objects(concept, SKOS.broader):
            if broader in self.concepts:
                self.out.add((concept, XKOS.specializes, broader))
                self.out.add((broader, XKOS.generalizes, concept))

    def _associative(self, concept: URIRef) -> None:
        for target in self.source.objects(concept, SAM.supportedBy):
            if target in self.concepts:
                self._relation(concept, target, SAM.supportedBy)
                self._relation(target, concept, SAM.supports)

    def _relation(self, source: Node, target: Node, role: URIRef) -> None:
        relation = BNode()
        self.out.add((source, SKOSNO.isFromConceptIn, relation))
        self.out.add((relation, RDF.type, SKOSNO.AssociativeConceptRelation))
        self.out.add((relation, SKOSNO.hasToConcept, target))
        for label in self.source.objects(role, RDFS.label):
            self.out.add((relation, SKOSNO.relationRole, label))


# --- the check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One result of :func:`check`: the focus node, the rule (shape) that fired and its message."""

    focus: str
    shape: str
    severity: str
    message: str


@cache
def _check_shapes() -> Graph:
    return parse_file(resources.data_dir("shapes") / "skos-ap-no" / "skos-ap-no-begrep.ttl")


def check(graph: Graph, *, lang: str = DEFAULT_LANGUAGE) -> list[Finding]:
    """Findings of the project's SKOS-AP-NO-Begrep shapes on ``graph``, sorted (empty when it
    conforms)."""
    import pyshacl

    with no_network():
        _, report, _ = pyshacl.validate(graph, shacl_graph=_check_shapes(), advanced=True,
                                        allow_warnings=False)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        # A SPARQL rule reports its node shape as source; the rule itself is the constraint.
        shape = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
        messages = list(report.objects(result, SH.resultMessage))
        text = next((m for m in messages if isinstance(m, Literal) and m.language == lang),
                    messages[0] if messages else "")
        findings.append(Finding(str(report.value(result, SH.focusNode)), str(shape),
                                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                                str(text)))
    return sorted(findings, key=lambda f: (f.focus, f.shape, f.message))
