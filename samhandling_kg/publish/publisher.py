"""Who publishes an export, and how a reader reaches them: the one publisher rule of the
national-catalogue exports (SKOS-AP-NO and DCAT-AP-NO).

- A publisher is an organisation in Enhetsregisteret, named by its organisation number
  (9 digits, modulus-11 check digit); its IRI is Enhetsregisteret's
  (``https://data.brreg.no/enhetsregisteret/api/enheter/NNNNNNNNN``).
- Without ``--publisher`` the publisher is :data:`DEFAULT_PUBLISHER`, the organisation that owns
  the source of the interaction forms today: the Directorate of e-health became part of the
  Norwegian Directorate of Health on 1 January 2024 (Helsedirektoratet, "Contact us",
  https://www.helsedirektoratet.no/english/contact-us: "The Directorate of e-health and the
  Directorate of Health have been merged"; organisation number 983 544 622).
- The contact point is a ``vcard:Organization`` named like the publisher, with an e-mail
  address and a contact page where the project knows them (:data:`KNOWN`, each entry citing
  where its address was read), or those the data gives for that organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.core.orgnr import organisation_number_of, organisation_number_valid

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: Enhetsregisteret, the Central Coordinating Register for Legal Entities.
ENHETSREGISTERET = "https://data.brreg.no/enhetsregisteret/api/enheter/"

@dataclass(frozen=True)
class Organisation:
    """What the project knows of an organisation it may name as publisher."""

    number: str
    name: str
    email: str
    page: str
    #: Where the e-mail address was read.
    source: str


#: Organisations whose public contact the project has read (the default publisher and the
#: owner of most example solutions).
KNOWN: dict[str, Organisation] = {o.number: o for o in (
    Organisation("983544622", "Helsedirektoratet", "postmottak@helsedir.no",
                 "https://www.helsedirektoratet.no/",
                 "https://www.helsedirektoratet.no/english/contact-us"),
    Organisation("994598759", "Norsk helsenett SF", "kundesenter@nhn.no", "https://www.nhn.no/",
                 "https://utviklerportal.nhn.no/informasjonstjenester/pasientens-journaldokumenter-i-"
                 "kjernejournal/dokumentdeling/dokumentdeling/docs/introductionmd/"),
)}

#: The publisher when none is given (see the module text).
DEFAULT_PUBLISHER = URIRef(ENHETSREGISTERET + "983544622")


def publisher_iri(number: str) -> URIRef:
    """The Enhetsregisteret IRI of organisation number ``number`` (spaces allowed, as in
    ``974 760 673``); a number with a wrong check digit is refused."""
    digits = number.replace(" ", "")
    if not digits.isdigit() or len(digits) != 9:
        raise SamhandlingError(f"--publisher {number!r}: an organisation number has 9 digits")
    if not organisation_number_valid(digits):
        raise SamhandlingError(f"--publisher {number}: not an organisation number "
                               "(wrong check digit, modulus 11)")
    return URIRef(ENHETSREGISTERET + digits)


def names(source: Graph, publisher: URIRef) -> list[Literal]:
    """The publisher's names: those the graph gives (``foaf:name``), else the known one."""
    found = sorted((n for n in source.objects(publisher, FOAF.name) if isinstance(n, Literal)),
                   key=lambda n: n.n3())
    if found:
        return found
    known = KNOWN.get(organisation_number_of(publisher) or "")
    return [Literal(known.name)] if known else []


def contact_point(out: Graph, source: Graph, publisher: URIRef) -> BNode:
    """Write a ``vcard:Organization`` contact point for ``publisher`` into ``out``: its names,
    and the known e-mail address and contact page (none for an unknown organisation; the
    exports' checks then say the contact point reaches nobody)."""
    contact = BNode()
    out.add((contact, RDF.type, VCARD.Organization))
    for name in names(source, publisher):
        out.add((contact, VCARD.fn, name))
    known = KNOWN.get(organisation_number_of(publisher) or "")
    if known is not None:
        out.add((contact, VCARD.hasEmail, URIRef("mailto:" + known.email)))
        out.add((contact, VCARD.hasURL, URIRef(known.page)))
    return contact
