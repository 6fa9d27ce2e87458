"""Who publishes an export and how to reach them: one rule for every publishing profile.

The national catalogues (Felles begrepskatalog, Felles datakatalog) harvest per organisation,
by its Norwegian organisation number, so a publisher is always given as one:
:func:`publisher_iri` turns the number into its Enhetsregisteret IRI and refuses a number
with a wrong check digit (the project's one mod-11 rule, ``organisation_number_valid``).
:func:`source_owner` is the organisation that owns the source today: the seed page's
``dct:publisher`` (Direktoratet for e-helse), followed along ``dct:isReplacedBy``
(Helsedirektoratet since 1 January 2024; the ontology says where that comes from).

A contact point must reach someone (SKOS-AP-NO: "kan nås ved f.eks. spørsmål"):
:func:`contact` takes the e-mail address and web address given on the command line, else what
the knowledge graph knows of the publisher (``foaf:mbox``, ``foaf:page``), and refuses to make
one that reaches no one. :func:`add_publisher` and :func:`add_contact_point` write both the
same way into any export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from samhandling_kg.core.errors import SamhandlingError, localised
from samhandling_kg.core.orgnr import organisation_number_valid  # the project's one mod-11 rule

ORG = Namespace("http://www.w3.org/ns/org#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: Enhetsregisteret, the Central Coordinating Register for Legal Entities.
ENHETSREGISTERET = "https://data.brreg.no/enhetsregisteret/api/enheter/"

#: The seed page, whose owner publishes the concepts by default.
SEED_SOURCE = URIRef("https://w3id.org/samhandling/source/oversikt-digitale-samhandlingsformer")

_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def publisher_iri(number: str) -> URIRef:
    """The Enhetsregisteret IRI of organisation number ``number`` (spaces allowed, as in
    ``983 544 622``); a number with a wrong check digit is refused."""
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


def source_owner(graph: Graph, source: URIRef = SEED_SOURCE) -> URIRef:
    """The organisation that owns ``source`` today: its publisher, followed along
    ``dct:isReplacedBy`` to the organisation it became part of."""
    owner = graph.value(source, DCTERMS.publisher)
    if not isinstance(owner, URIRef):
        raise localised(SamhandlingError, {
            "nb": "kunnskapsgrafen oppgir ingen utgiver av kilden; gi --publisher ORGNR",
            "nn": "kunnskapsgrafen oppgjev ingen utgjevar av kjelda; gje --publisher ORGNR",
            "en": "the knowledge graph names no publisher of the source; give --publisher ORGNR"})
    seen = {owner}
    while isinstance(successor := graph.value(owner, DCTERMS.isReplacedBy), URIRef) and successor not in seen:
        owner = successor
        seen.add(owner)
    return owner


@dataclass(frozen=True)
class Contact:
    """How to reach a publisher: at least one of ``email`` (a ``mailto:`` IRI) and ``url``."""

    name: Literal | None
    email: URIRef | None
    url: URIRef | None


def email_iri(text: str) -> URIRef:
    address = text.strip().removeprefix("mailto:")
    if not _EMAIL.fullmatch(address):
        raise localised(SamhandlingError, {
            "nb": "--contact-email {text!r}: ikke en e-postadresse",
            "nn": "--contact-email {text!r}: ikkje ei e-postadresse",
            "en": "--contact-email {text!r}: not an e-mail address"}, text=text)
    return URIRef("mailto:" + address)


def url_iri(text: str) -> URIRef:
    if not _URL.fullmatch(text.strip()):
        raise localised(SamhandlingError, {
            "nb": "--contact-url {text!r}: ikke en nettadresse (http:// eller https://)",
            "nn": "--contact-url {text!r}: ikkje ei nettadresse (http:// eller https://)",
            "en": "--contact-url {text!r}: not a web address (http:// or https://)"}, text=text)
    return URIRef(text.strip())


def contact(graph: Graph, publisher: URIRef, email: str | None = None, url: str | None = None) -> Contact:
    """The contact point of ``publisher``: the given e-mail and web address, else the ones
    the graph knows of the publisher; a SamhandlingError when there is none."""
    mail = email_iri(email) if email is not None else None
    page = url_iri(url) if url is not None else None
    if mail is None and page is None:
        known_mail = graph.value(publisher, FOAF.mbox)
        known_page = graph.value(publisher, FOAF.page)
        mail = known_mail if isinstance(known_mail, URIRef) else None
        page = known_page if isinstance(known_page, URIRef) else None
    if mail is None and page is None:
        raise localised(SamhandlingError, {
            "nb": "ikke noe kontaktpunkt for {publisher}: gi --contact-email eller --contact-url "
                  "(et kontaktpunkt må nå noen)",
            "nn": "ikkje noko kontaktpunkt for {publisher}: gje --contact-email eller --contact-url "
                  "(eit kontaktpunkt må nå nokon)",
            "en": "no contact point for {publisher}: give --contact-email or --contact-url "
                  "(a contact point must reach someone)"}, publisher=publisher)
    name = graph.value(publisher, FOAF.name)
    return Contact(name if isinstance(name, Literal) else None, mail, page)


#: The publisher when none is given and the graph says nothing else: Helsedirektoratet, which
#: owns the source today (the ontology records why; :func:`source_owner` finds it there).
DEFAULT_PUBLISHER = URIRef(ENHETSREGISTERET + "983544622")


def names(graph: Graph, publisher: URIRef) -> list[Literal]:
    """The publisher's names as the graph gives them (``foaf:name``), sorted."""
    return sorted((n for n in graph.objects(publisher, FOAF.name) if isinstance(n, Literal)), key=lambda n: n.n3())


def contact_point(out: Graph, graph: Graph, publisher: URIRef, email: str | None = None,
                  url: str | None = None) -> BNode:
    """Write a contact point for ``publisher`` into ``out`` with what is known (the options,
    else the graph), even when that reaches no one: for exports whose check then reports it.
    :func:`contact` is the strict form, which refuses a contact point that reaches no one."""
    try:
        point = contact(graph, publisher, email, url)
    except SamhandlingError:
        if email is not None or url is not None:
            raise  # a malformed address is a usage error either way
        first = next(iter(names(graph, publisher)), None)
        point = Contact(first, None, None)
    return add_contact_point(out, point)


def add_publisher(out: Graph, graph: Graph, iri: URIRef) -> None:
    """``iri`` typed ``org:Organization`` (as SKOS-AP-NO and DCAT-AP-NO expect), with the
    name the graph knows."""
    out.add((iri, RDF.type, ORG.Organization))
    for name in graph.objects(iri, FOAF.name):
        out.add((iri, FOAF.name, name))


def add_contact_point(out: Graph, point: Contact) -> BNode:
    """A ``vcard:Organization`` that reaches ``point``; returns its node."""
    node = BNode()
    out.add((node, RDF.type, VCARD.Organization))
    if point.name is not None:
        out.add((node, VCARD.hasOrganizationName, point.name))
    if point.email is not None:
        out.add((node, VCARD.hasEmail, point.email))
    if point.url is not None:
        out.add((node, VCARD.hasURL, point.url))
    return node
