"""The concepts as a SKOS-AP-NO-Begrep (Digdir, v2) concept collection, and the project's check.

``samhandling export --profile skos-ap-no [--publisher ORGNR] [--contact-email ADDRESS]
[--contact-url URL]`` writes the ``skos:Concept``s of the knowledge graph (the eight forms, the
needs, the EIF layers, and any a data file adds; not the decision characteristics, whose labels
are statements, not terms) as the national concept catalogue expects them: a ``skos:Collection``
with identifier, title, description, publisher and contact point; each concept with an
``xsd:anyURI`` identifier, ``skos:prefLabel`` in nb and nn (en too), definitions as
``euvoc:xlDefinition`` objects (text, relationship with source: ``derived-from-source`` with its
source where the concept quotes the source passage it paraphrases, else ``self-composed``),
publisher typed ``org:Organization`` (default the organisation that owns the source today,
:mod:`samhandling_kg.publish.publisher`), a ``vcard:Organization`` contact point that reaches
someone, the project as creator, the subject field, dates, status, notes, the need hierarchy as
generic relations (``xkos:``) and the supported-by links as associative relations whose role is
the label of ``sam:supportedBy`` / ``sam:supports``.

The mapping is written here rather than with Digdir's ``concepttordf``: that library (3.0.1,
and 3.1.5 which needs Python 3.12) writes the first version of the profile (``skosxl:`` labels,
``skosno:Definisjon``), which the v2 requirements reject, and it pins setuptools at run time.

:func:`check` validates a graph against ``shapes/skos-ap-no/skos-ap-no-begrep.ttl``, the
project's own shapes written from the specification's requirements, or (``profile="digdir-like"``)
against ``digdir-like.ttl`` with the code lists present as Digdir's validator fetches them,
counting findings on the export's own nodes only; through the public validation API with the
compiled engine, and :func:`check_reference` runs the same shapes with pySHACL.
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
    SKOS,
    XSD,
)
from rdflib.term import Node

from samhandling_kg.core import resources
from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.io.rdf import parse_file
from samhandling_kg.publish.publisher import (
    ORG,
    VCARD,
    Contact,
    add_contact_point,
    add_publisher,
    contact,
    source_owner,
)
from samhandling_kg.validation.engines import validate

EUVOC = Namespace("http://publications.europa.eu/ontology/euvoc#")
SKOSNO = Namespace("https://data.norge.no/vocabulary/skosno#")
XKOS = Namespace("http://rdf-vocabulary.ddialliance.org/xkos#")

#: The collection's IRI (and identifier): the concepts of the ontology as one catalogue entry.
COLLECTION = URIRef("https://w3id.org/samhandling/concepts")

# Codes of the controlled vocabularies the specification names (Definisjon: forhold til kilde;
# Begrep: status): a definition that paraphrases a source passage is "basert på kilde", one the
# project wrote itself "egendefinert".
RELATIONSHIP = "https://data.norge.no/vocabulary/relationship-with-source-type#"
DERIVED_FROM_SOURCE = URIRef(RELATIONSHIP + "derived-from-source")
SELF_COMPOSED = URIRef(RELATIONSHIP + "self-composed")
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
          "Definisjonene som bygger på Direktoratet for e-helses side om samhandlingsformene, er "
          "merket «basert på kilde» og oppgir siden som kilde; de andre har prosjektet skrevet selv.",
    "nn": "Samhandlingsbehov, organisatoriske og tekniske samhandlingsformer og laga i det "
          "europeiske rammeverket for samhandling (EIF), med kva former som støttar kva. "
          "Definisjonane som byggjer på sida til Direktoratet for e-helse om samhandlingsformene, er "
          "merkte «basert på kjelde» og oppgjev sida som kjelde; dei andre har prosjektet skrive sjølv.",
    "en": "Interaction needs, organisational and technical interaction forms and the layers of "
          "the European Interoperability Framework (EIF), with which forms support which. The "
          "definitions based on the Norwegian Directorate of eHealth's page on the interaction forms "
          "are marked derived from source and cite the page; the project wrote the others itself.",
}


def skos_ap_no(graph: Graph, publisher: URIRef | None = None, *, email: str | None = None,
               url: str | None = None) -> Graph:
    """The concepts of ``graph`` (ontology plus data, asserted) as a SKOS-AP-NO-Begrep
    collection. ``publisher`` defaults to the organisation that owns the source today; the
    contact point is ``email``/``url``, else the publisher's addresses the graph knows."""
    publisher = publisher or source_owner(graph)
    return _Mapping(graph, publisher, contact(graph, publisher, email, url)).run()


def exported_concepts(graph: Graph) -> list[URIRef]:
    """The concepts the collection holds: every skos:Concept but the decision characteristics
    (their labels are statements to confirm, not terms; docs/model.md)."""
    return sorted(c for c in set(graph.subjects(RDF.type, SKOS.Concept))
                  if isinstance(c, URIRef) and (c, RDF.type, SAM.Characteristic) not in graph)


@dataclass
class _Mapping:
    source: Graph
    publisher: URIRef
    point: Contact

    def run(self) -> Graph:
        out = Graph()
        for prefix, namespace in PREFIXES.items():
            out.bind(prefix, namespace)
        self.out = out
        concepts = exported_concepts(self.source)
        if not concepts:
            raise SamhandlingError("there are no concepts (skos:Concept) to export")
        self.concepts = set(concepts)
        self.contact = add_contact_point(out, self.point)
        add_publisher(out, self.source, self.publisher)
        self.creator = self._creator()
        self._collection(concepts)
        for concept in concepts:
            self._concept(concept)
        return out

    # --- the collection and the parties -----------------------------------------------------

    def _creator(self) -> URIRef | None:
        # "Ansvarlig virksomhet": the organisation responsible for the descriptions when it is
        # not the publisher; the descriptions are the project's (the ontology's dct:creator).
        creator = self.source.value(ONTOLOGY_IRI, DCTERMS.creator)
        if not isinstance(creator, URIRef) or creator == self.publisher:
            return None
        add_publisher(self.out, self.source, creator)
        return creator

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
        derived = self._derived(concept, sources)
        for text in sorted(src.objects(concept, SKOS.definition), key=lambda t: t.n3()):
            note = BNode()
            add((concept, EUVOC.xlDefinition, note))
            add((note, RDF.type, EUVOC.XlNote))
            add((note, RDF.value, text))
            add((note, SKOSNO.relationshipWithSource, DERIVED_FROM_SOURCE if derived else SELF_COMPOSED))
            for source in sources if derived else ():
                add((note, DCTERMS.source, source))
        for source in sources if derived else ():
            self._source(source)
        add((concept, DCTERMS.publisher, self.publisher))
        add((concept, DCAT.contactPoint, self.contact))
        if self.creator is not None:
            add((concept, DCTERMS.creator, self.creator))
        for subject in src.objects(ONTOLOGY_IRI, DCTERMS.subject):
            add((concept, DCTERMS.subject, subject))
        for prop in (DCTERMS.created, DCTERMS.modified):
            date = src.value(concept, prop) or src.value(ONTOLOGY_IRI, prop)
            if date is not None:
                add((concept, prop, date))
        add((concept, EUVOC.status, CURRENT))
        self._generic(concept)
        self._associative(concept)

    def _derived(self, concept: URIRef, sources: list[URIRef]) -> bool:
        # "Basert på kilde" only where the definition paraphrases a source: an ontology concept
        # quotes the passage it paraphrases (sam:sourcePassage); a concept of the user's data
        # counts as based on the sources it names. Everything else is the project's own wording.
        if (concept, SAM.sourcePassage, None) in self.source:
            return True
        ours = (concept, RDFS.isDefinedBy, ONTOLOGY_IRI) in self.source
        return bool(sources) and not ours

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


#: The checks :func:`check` runs: the project's own, and one that checks like Digdir's validator.
CHECKS = {"project": "skos-ap-no-begrep.ttl", "digdir-like": "digdir-like.ttl"}


@cache
def _shapes(name: str) -> Graph:
    return parse_file(resources.data_dir("shapes") / "skos-ap-no" / name)


def _check_shapes() -> Graph:
    return _shapes(CHECKS["project"])


def code_lists() -> Graph:
    """The two vocabularies' values typed skos:Concept, as Digdir's validator fetches them."""
    graph = Graph()
    graph += _shapes("code-lists.ttl")
    return graph


def check(graph: Graph, *, lang: str = DEFAULT_LANGUAGE, profile: str = "project",
          with_code_lists: bool = True, engine: str = "compiled") -> list[Finding]:
    """Findings on ``graph``, sorted (empty when it conforms). ``profile`` "project" is the
    project's own check; "digdir-like" checks coded values as skos:Concepts the way Digdir's
    validator does, with the code lists added to the data as its fetch adds them (unless
    ``with_code_lists`` is false: the bare run) and findings counted on ``graph``'s own nodes.

    The shapes run through the public validation API (``validate(..., shapes=…,
    profile="none")``): ``compiled`` by default; ``pyshacl`` is the reference the tests
    compare it with (:func:`check_reference`). A SHACL-SPARQL rule is named by its constraint
    (a node shape here holds two), its message is the constraint's own."""
    data = graph
    if profile == "digdir-like" and with_code_lists:
        data = Graph()
        data += graph
        data += code_lists()
    report = validate(data, shapes=_shapes(CHECKS[profile]), profile="none", engine=engine,
                      fail_on="info", lang=lang)
    own = set(graph.subjects())
    findings = []
    for result in report.results:
        focus = result.focus_term if result.focus_term is not None else URIRef(result.focus_node)
        if focus not in own:  # a code-list value, not a node of the export
            continue
        findings.append(Finding(str(focus), result.source_constraint or result.source_shape,
                                result.severity.value, result.message))
    return sorted(findings, key=lambda f: (f.focus, f.shape, f.message))


def check_reference(graph: Graph, *, lang: str = DEFAULT_LANGUAGE, profile: str = "project",
                    with_code_lists: bool = True) -> list[Finding]:
    """The same check with pySHACL, the reference engine."""
    return check(graph, lang=lang, profile=profile, with_code_lists=with_code_lists,
                 engine="pyshacl")
