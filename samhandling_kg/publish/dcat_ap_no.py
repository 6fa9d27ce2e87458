"""The solution catalogue as a DCAT-AP-NO (v2) catalogue of data services, and its check.

``samhandling export --profile dcat-ap-no --data FILE... [--publisher ORGNR]`` writes one
``dcat:Catalog`` and one ``dcat:DataService`` per ``sam:Solution`` that has an API endpoint
(``dcat:endpointURL``, mandatory for a data service). A solution without one is left out,
each named on stderr with the reason: DCAT-AP-NO v2 catalogues data sets and data services
only, and a portal or a shared application is neither (its place is a CPSV-AP-NO service
catalogue). The mapping, what is lost and v2 against v3: docs/dcat-ap-no.md.

Each data service keeps the solution's IRI, and links to the concepts the SKOS-AP-NO export
publishes with the same IRIs: the organisational and technical forms it realises and uses and
the needs it addresses, as ``dct:subject``. Its themes (``dcat:theme``) are the ones the
specification asks for, from EU Data theme (Health) and Los (Helse og omsorg).

:func:`check` validates the result against ``shapes/dcat-ap-no/dcat-ap-no.ttl``, the project's
own shapes written from the specification, through the public validation API with the compiled
engine (the shapes compiled to SPARQL, run in Oxigraph); :func:`check_reference` runs the same
shapes with pySHACL, the reference the compiled run is tested against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from samhandling_kg.core import resources
from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.core.orgnr import organisation_number_of
from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.io.rdf import parse_file
from samhandling_kg.publish.publisher import VCARD, contact_point, names, source_owner
from samhandling_kg.validation.engines import validate

DCATAP = Namespace("http://data.europa.eu/r5r/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

#: The catalogue's IRI (and identifier) unless the data declares its own ``dcat:Catalog``.
CATALOGUE = URIRef("https://w3id.org/samhandling/catalogue")

#: ``dcat:theme`` of every data service: EU Data theme "Health" (v3 §Datatjeneste-tema: the
#: value SHALL come from Data theme) and Los "Helse og omsorg" (SHOULD be used in addition).
THEMES = (URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL"),
          URIRef("https://psi.norge.no/los/tema/helse-og-omsorg"))

#: ``dct:language`` of the catalogue: the languages its texts are written in.
LANGUAGES = {
    "nb": URIRef("http://publications.europa.eu/resource/authority/language/NOB"),
    "nn": URIRef("http://publications.europa.eu/resource/authority/language/NNO"),
    "en": URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
}

LANGUAGE_TABLE = URIRef("http://publications.europa.eu/resource/authority/language")

PREFIXES = {
    "dcat": DCAT, "dcatap": DCATAP, "dct": DCTERMS, "eli": ELI, "foaf": FOAF, "rdf": RDF,
    "sam": SAM, "skos": SKOS, "vcard": VCARD, "xsd": XSD,
}

_TITLE = {
    "nb": "Løsninger for digital samhandling i helse- og omsorgssektoren",
    "nn": "Løysingar for digital samhandling i helse- og omsorgssektoren",
    "en": "Solutions for digital interaction in Norwegian health and care",
}
_DESCRIPTION = {
    "nb": "Datatjenester (API-er) for samhandling i helse- og omsorgssektoren, hver knyttet til "
          "de organisatoriske og tekniske samhandlingsformene den realiserer og bruker og "
          "samhandlingsbehovene den dekker.",
    "nn": "Datatenester (API) for samhandling i helse- og omsorgssektoren, kvar knytt til dei "
          "organisatoriske og tekniske samhandlingsformene ho realiserer og brukar og "
          "samhandlingsbehova ho dekkjer.",
    "en": "Data services (APIs) for interaction in Norwegian health and care, each linked to the "
          "organisational and technical interaction forms it realises and uses and the "
          "interaction needs it addresses.",
}

#: Why a solution is left out, in the three languages of the project's messages.
NO_ENDPOINT = {
    "nb": "ingen API-endepunkt oppgitt (dcat:endpointURL), som en datatjeneste i DCAT-AP-NO må ha "
          "(docs/dcat-ap-no.md)",
    "nn": "ikkje noko API-endepunkt oppgjeve (dcat:endpointURL), som ei datateneste i DCAT-AP-NO må ha "
          "(docs/dcat-ap-no.md)",
    "en": "no API endpoint given (dcat:endpointURL), which a DCAT-AP-NO data service must have "
          "(docs/dcat-ap-no.md)",
}
NO_ELI = {
    "nb": "rettslig grunnlag {law} har ingen Lovdata-ELI-adresse og er ikke tatt med som "
          "dcatap:applicableLegislation",
    "nn": "rettsleg grunnlag {law} har inga ELI-adresse hos Lovdata og er ikkje teke med som "
          "dcatap:applicableLegislation",
    "en": "legal basis {law} has no Lovdata ELI address and is not written as "
          "dcatap:applicableLegislation",
}

# An act's Lovdata id (dct:identifier "LOV-2018-06-15-38") and its ELI address.
_LOV_ID = re.compile(r"^LOV-([0-9]{4})-([0-9]{2})-([0-9]{2})-([0-9]+)$")


def eli_address(source: Graph, law: Node) -> URIRef | None:
    """Lovdata's ELI address of an act (``https://lovdata.no/eli/lov/2018/06/15/38`` for
    ``LOV-2018-06-15-38``), or None when the graph gives it no Lovdata id. An IRI that is
    already an ELI address is its own."""
    if isinstance(law, URIRef) and str(law).startswith("https://lovdata.no/eli/"):
        return law
    for identifier in sorted(str(i) for i in source.objects(law, DCTERMS.identifier)):
        match = _LOV_ID.match(identifier)
        if match:
            year, month, day, number = match.groups()
            return URIRef(f"https://lovdata.no/eli/lov/{year}/{month}/{day}/{int(number)}")
    return None


@dataclass(frozen=True)
class Note:
    """One line the export says about a solution: left out, or a value it could not carry."""

    solution: URIRef
    title: str
    text: str


@dataclass(frozen=True)
class Export:
    """The catalogue, the solutions that became data services, and what was said about the
    others."""

    graph: Graph
    services: tuple[URIRef, ...]
    left_out: tuple[Note, ...]
    notes: tuple[Note, ...]


def dcat_ap_no(source: Graph, publisher: URIRef | None = None, *, lang: str = DEFAULT_LANGUAGE,
               email: str | None = None, url: str | None = None) -> Export:
    """The solutions of ``source`` (ontology plus data, asserted) as a DCAT-AP-NO catalogue.
    ``publisher`` (the catalogue's) defaults to the organisation that owns the source today
    (:func:`~samhandling_kg.publish.publisher.source_owner`, the rule of every profile); the
    catalogue's contact point is ``email``/``url``, else what the graph knows of the publisher.
    Each data service keeps its solution's publisher and contact point. ``lang`` picks the
    language of the notes."""
    return _Mapping(source, publisher or source_owner(source), lang, email, url).run()


def _title(source: Graph, node: Node, lang: str) -> str:
    titles = {t.language: str(t) for t in source.objects(node, DCTERMS.title) if isinstance(t, Literal)}
    return titles.get(lang) or titles.get("nb") or next(iter(sorted(titles.values())), str(node))


class _Mapping:
    def __init__(self, source: Graph, publisher: URIRef, lang: str, email: str | None,
                 url: str | None) -> None:
        self.source, self.publisher, self.lang = source, publisher, lang
        self.email, self.url = email, url
        self.out = Graph()
        for prefix, namespace in PREFIXES.items():
            self.out.bind(prefix, namespace)
        self.notes: list[Note] = []

    def run(self) -> Export:
        src = self.source
        solutions = sorted(s for s in src.subjects(RDF.type, SAM.Solution) if isinstance(s, URIRef))
        if not solutions:
            raise SamhandlingError("there are no solutions (sam:Solution) to export; give them with --data")
        catalogue = self._catalogue_node()
        services, left_out = [], []
        for solution in solutions:
            if src.value(solution, DCAT.endpointURL) is None:
                left_out.append(Note(solution, _title(src, solution, self.lang), NO_ENDPOINT[self.lang]))
                continue
            self._service(solution)
            self.out.add((catalogue, DCAT.service, solution))
            services.append(solution)
        self._catalogue(catalogue, services)
        return Export(self.out, tuple(services), tuple(left_out), tuple(self.notes))

    # --- the catalogue -------------------------------------------------------------------

    def _catalogue_node(self) -> URIRef:
        declared = sorted(c for c in self.source.subjects(RDF.type, DCAT.Catalog) if isinstance(c, URIRef))
        if len(declared) > 1:
            raise SamhandlingError("the data declares several catalogues (dcat:Catalog): "
                                   + ", ".join(f"<{c}>" for c in declared) + "; export one at a time")
        return declared[0] if declared else CATALOGUE

    def _catalogue(self, catalogue: URIRef, services: list[URIRef]) -> None:
        src, add = self.source, self.out.add
        add((catalogue, RDF.type, DCAT.Catalog))
        add((catalogue, DCTERMS.identifier, Literal(str(catalogue))))
        for prop, default in ((DCTERMS.title, _TITLE), (DCTERMS.description, _DESCRIPTION)):
            given = [t for t in src.objects(catalogue, prop) if isinstance(t, Literal)]
            for text in given or [Literal(t, lang=lang) for lang, t in default.items()]:
                add((catalogue, prop, text))
        languages = {t.language for t in self.out.objects(catalogue, DCTERMS.title) if isinstance(t, Literal)}
        for lang, language in LANGUAGES.items():
            if lang in languages:
                add((catalogue, DCTERMS.language, language))
                # The code list's own statement, which Digdir's validator otherwise fetches.
                add((language, RDF.type, SKOS.Concept))
                add((language, SKOS.inScheme, LANGUAGE_TABLE))
        add((catalogue, DCTERMS.publisher, self.publisher))
        self._agent(self.publisher)
        contacts = list(src.objects(catalogue, DCAT.contactPoint))
        for contact in contacts:
            self._contact(catalogue, contact)
        if not contacts or self.email is not None or self.url is not None:
            # The shared rule (the options, else the publisher's addresses the graph knows;
            # the check reports one that reaches no one); DCAT-AP-NO names it with vcard:fn.
            point = contact_point(self.out, src, self.publisher, self.email, self.url)
            add((catalogue, DCAT.contactPoint, point))
            for name in names(src, self.publisher):
                add((point, VCARD.fn, name))
        modified = self._modified(catalogue, services)
        if modified is not None:
            add((catalogue, DCTERMS.modified, modified))

    def _modified(self, catalogue: URIRef, services: list[URIRef]) -> Literal | None:
        """The latest date among the catalogue's own, its services' and the ontology's
        ``dct:modified``: the catalogue changed when one of its parts last did. Never the
        clock: the same input gives the same date."""
        dates = [d for node in (catalogue, ONTOLOGY_IRI, *services)
                 for d in self.source.objects(node, DCTERMS.modified)
                 if isinstance(d, Literal) and d.datatype in (XSD.date, XSD.dateTime)]
        if not dates:
            return None
        return Literal(max(str(d)[:10] for d in dates), datatype=XSD.date)

    # --- parties ---------------------------------------------------------------------------

    def _agent(self, agent: Node) -> None:
        if isinstance(agent, Literal):
            return  # a text where a party belongs: kept as the value, and the check says so
        self.out.add((agent, RDF.type, FOAF.Agent))
        if isinstance(agent, URIRef):
            for name in names(self.source, agent):
                self.out.add((agent, FOAF.name, name))
            number = organisation_number_of(agent)
            if number is not None:
                self.out.add((agent, DCTERMS.identifier, Literal(number)))

    def _contact(self, subject: Node, contact: Node) -> None:
        self.out.add((subject, DCAT.contactPoint, contact))
        for prop in (RDF.type, VCARD.fn, VCARD["organization-name"], VCARD.hasEmail,
                     VCARD.hasTelephone, VCARD.hasURL):
            for value in self.source.objects(contact, prop):
                self.out.add((contact, prop, value))

    # --- one data service ------------------------------------------------------------------

    def _service(self, solution: URIRef) -> None:
        src, add = self.source, self.out.add
        add((solution, RDF.type, DCAT.DataService))
        add((solution, DCTERMS.identifier, Literal(str(solution))))
        for prop in (DCTERMS.identifier, DCTERMS.title, DCTERMS.description, DCAT.endpointURL,
                     DCAT.endpointDescription, DCAT.landingPage):
            for value in src.objects(solution, prop):
                add((solution, prop, value))
        for page in src.objects(solution, RDFS.seeAlso):
            if isinstance(page, URIRef):
                add((solution, FOAF.page, page))
        for publisher in src.objects(solution, DCTERMS.publisher):
            add((solution, DCTERMS.publisher, publisher))
            self._agent(publisher)
        for contact in src.objects(solution, DCAT.contactPoint):
            self._contact(solution, contact)
        for theme in THEMES:
            add((solution, DCAT.theme, theme))
        for prop in (SAM.realises, SAM.uses, SAM.addresses):
            for concept in src.objects(solution, prop):
                add((solution, DCTERMS.subject, concept))
                self._concept(concept)
        for standard in src.objects(solution, DCTERMS.conformsTo):
            add((solution, DCTERMS.conformsTo, standard))
            self._titled(standard, DCTERMS.Standard)
        for law in sorted(src.objects(solution, DCATAP.applicableLegislation), key=str):
            address = eli_address(src, law)
            if address is None:
                self.notes.append(Note(solution, _title(src, solution, self.lang),
                                       NO_ELI[self.lang].format(law=f"<{law}>")))
                continue
            add((solution, DCATAP.applicableLegislation, address))
            self._titled(address, ELI.LegalResource, described_by=law)

    def _concept(self, concept: Node) -> None:
        if isinstance(concept, Literal):
            return  # a literal is never the subject of a statement
        self.out.add((concept, RDF.type, SKOS.Concept))
        # Its kind (form or need) too, so a reader of the catalogue alone can tell them apart.
        for kind in (SAM.OrganisationalForm, SAM.TechnicalForm, SAM.Need):
            if (concept, RDF.type, kind) in self.source:
                self.out.add((concept, RDF.type, kind))
        for label in self.source.objects(concept, SKOS.prefLabel):
            self.out.add((concept, SKOS.prefLabel, label))

    def _titled(self, node: Node, kind: URIRef, *, described_by: Node | None = None) -> None:
        """``node`` typed ``kind`` with a title per language: the graph's ``dct:title``, and
        its label in the languages that have no title (one title per language)."""
        if isinstance(node, Literal):
            return  # a text where a standard belongs: kept as the value, and the check says so
        about = described_by if described_by is not None else node
        self.out.add((node, RDF.type, kind))
        chosen: dict[str | None, Literal] = {}
        for prop in (DCTERMS.title, RDFS.label):
            for text in sorted(self.source.objects(about, prop), key=lambda t: t.n3()):
                if isinstance(text, Literal):
                    chosen.setdefault(text.language, text)
        for text in chosen.values():
            self.out.add((node, DCTERMS.title, text))


# --- the check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One result of :func:`check`: the focus node, the rule (shape) that fired, its severity
    and message."""

    focus: str
    shape: str
    severity: str
    message: str


def _shapes_path() -> Path:
    return resources.data_dir("shapes") / "dcat-ap-no" / "dcat-ap-no.ttl"


@cache
def _check_shapes() -> Graph:
    return parse_file(_shapes_path())


def check(graph: Graph, *, lang: str = DEFAULT_LANGUAGE, engine: str = "compiled") -> list[Finding]:
    """Findings of the project's DCAT-AP-NO shapes on ``graph``, sorted and without repeats
    (empty when it conforms). The shapes run through the public validation API
    (``validate(..., shapes=…, profile="none")``): ``compiled`` by default, the shapes compiled
    to SPARQL and run in Oxigraph; ``pyshacl`` is the reference the tests compare it with."""
    report = validate(graph, shapes=_shapes_path(), profile="none", engine=engine, fail_on="info",
                      lang=lang)
    found = set()
    for result in report.results:
        # A SHACL-SPARQL rule is named by its constraint (SHACL reports its node shape as the
        # source shape), and its message is the constraint's own.
        rule = result.source_constraint or result.source_shape
        focus = result.focus_term if result.focus_term is not None else URIRef(result.focus_node)
        found.add(Finding(str(focus), rule, result.severity.value, result.message))
    return sorted(found, key=lambda f: (f.focus, f.shape, f.message))


def check_reference(graph: Graph, *, lang: str = DEFAULT_LANGUAGE) -> list[Finding]:
    """The same check with pySHACL, the reference engine."""
    return check(graph, lang=lang, engine="pyshacl")


def record_of(graph: Graph, focus: str) -> URIRef | None:
    """The data service or catalogue a finding's focus node belongs to (itself, or the one
    that refers to it), for naming the record on stderr."""
    for kind in (DCAT.DataService, DCAT.Catalog):
        node = URIRef(focus)
        if (node, RDF.type, kind) in graph:
            return node
    for subject in sorted({s for s, _, o in graph if str(o) == focus and isinstance(s, URIRef)}, key=str):
        for kind in (DCAT.DataService, DCAT.Catalog):
            if (subject, RDF.type, kind) in graph:
                return subject
    return None
