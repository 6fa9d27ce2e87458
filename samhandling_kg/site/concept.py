"""What a term's page shows, in the manner of the national concept catalogue (data.norge.no):
the term, its kind, definition with its source, examples, who publishes it and whom to ask,
related terms under the reader's names of the relations (grouped by kind, so needs and forms
never share a list), and, last, a "for machines" section with the RDF property names, the
statements and the Turtle and JSON-LD files. A solution's page starts with its findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS
from rdflib.term import Node

from samhandling_kg.core.labels import NAME_PREDICATES, Text, fallback_order, pick
from samhandling_kg.core.namespace import SAM
from samhandling_kg.site.i18n import INVERSE_NAMES, PROPERTY_NAMES, chrome
from samhandling_kg.site.model import Relation, SiteGraph, sorted_by_label, texts_in

VCARD = "http://www.w3.org/2006/vcard/ns#"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
#: Facts about the term shown near the top (who publishes it, whom to ask, where to read more).
FACT_PREDICATES = (DCTERMS.publisher, URIRef(DCAT + "contactPoint"), URIRef(DCAT + "landingPage"),
                   FOAF.page)
#: Literal-valued properties shown among the facts, in this order.
FACT_LITERALS = (DCTERMS.identifier, SKOS.notation, DCTERMS.created, DCTERMS.modified, DCTERMS.issued,
                 URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
_ORGNR = re.compile(r"^https?://data[.]brreg[.]no/enhetsregisteret/(?:api/)?enhet(?:er)?/([0-9]{9})$")
_NOTES = (SKOS.scopeNote,)
_SKOS_INVERSES = {SKOS.narrower: SKOS.broader, SKOS.broader: SKOS.narrower,
                  SKOS.hasTopConcept: SKOS.topConceptOf, SKOS.topConceptOf: SKOS.hasTopConcept}
_EDITORIAL = (RDFS.comment, SKOS.editorialNote)


@dataclass
class Group:
    """Targets of one relation that share a kind (needs, organisational forms, …)."""

    kind: URIRef | None
    targets: list[tuple[Node, bool]] = field(default_factory=list)


@dataclass
class Shown:
    """A relation as a reader sees it: its name and its targets, grouped by kind."""

    name: str
    predicate: URIRef
    incoming: bool
    groups: list[Group]


def property_name(site: SiteGraph, predicate: URIRef, lang: str) -> str:
    """The reader's name of a property: the graph's label, else the site's registry, else the
    compact name (only for a property nobody named)."""
    shown = site.label(predicate, lang)
    if shown.value != site.compact(predicate):
        return shown.value
    names = PROPERTY_NAMES.get(str(predicate))
    return names[lang] if names else shown.value


def inverse_name(site: SiteGraph, predicate: URIRef, lang: str) -> str:
    names = INVERSE_NAMES.get(str(predicate))
    if names:
        return names[lang]
    return chrome("inverse_of", lang, label=property_name(site, predicate, lang))


def kinds(site: SiteGraph, node: Node, lang: str) -> list[URIRef]:
    """The asserted types a reader learns from: the graph's own classes first; a class of
    another vocabulary (skos:Concept) only when the graph names it or nothing else is there."""
    if not isinstance(node, URIRef):
        return []
    types = [t for t, inferred in site.types(node) if not inferred]
    own = [t for t in types if str(t).startswith(str(SAM))]
    named = [t for t in types if site.label(t, lang).value != site.compact(t)]
    return sorted_by_label(site, own or named or types, lang)


def kind_of(site: SiteGraph, node: Node, lang: str) -> URIRef | None:
    """The type a target is grouped under."""
    found = kinds(site, node, lang)
    return found[0] if found else None


def heading(name: str) -> str:
    """A property's label as a heading: the graph writes them in lower case."""
    return name[:1].upper() + name[1:]


def grouped(site: SiteGraph, relation: Relation, lang: str) -> list[Group]:
    groups: dict[URIRef | None, Group] = {}
    for target, inferred in relation.targets:
        kind = kind_of(site, target, lang)
        groups.setdefault(kind, Group(kind)).targets.append((target, inferred))
    for group in groups.values():
        group.targets.sort(key=lambda pair: site.sort_key(lang)(pair[0]))
    return sorted(groups.values(), key=lambda g: (g.kind is None, site.label(g.kind, lang).value.casefold()
                                                   if g.kind is not None else ""))


def orgnr(node: Node) -> str | None:
    match = _ORGNR.match(str(node)) if isinstance(node, URIRef) else None
    return match.group(1) if match else None


def contact(site: SiteGraph, node: Node) -> dict[str, object]:
    """A contact point (a vcard, often a blank node): its name, e-mail, telephone and web page."""
    graph = site.asserted

    def first(name: str) -> Node | None:
        return graph.value(node, URIRef(VCARD + name))

    email = first("hasEmail")
    phone = first("hasTelephone")
    url = first("hasURL")
    name = pick(graph.objects(node, URIRef(VCARD + "fn")), "nb") or pick(
        graph.objects(node, URIRef(VCARD + "organization-name")), "nb")
    address = str(email)[len("mailto:"):] if email is not None and str(email).startswith("mailto:") else (
        str(email) if email is not None else None)
    telephone = str(phone)[len("tel:"):] if phone is not None and str(phone).startswith("tel:") else (
        str(phone) if phone is not None else None)
    return {"name": name, "email": address, "phone": telephone, "url": str(url) if url is not None else None}


def concept_context(site: SiteGraph, node: URIRef, lang: str) -> dict[str, object]:
    """Everything the concept template shows, except the RDF files and the findings."""
    graph = site.asserted
    outgoing = site.outgoing(node)
    incoming = site.incoming(node)
    relations: list[Shown] = []
    facts: list[tuple[str, list[Node], URIRef]] = []
    for relation in outgoing:
        if relation.predicate in FACT_PREDICATES:
            facts.append((heading(property_name(site, relation.predicate, lang)),
                          [t for t, _ in relation.targets], relation.predicate))
            continue
        relations.append(Shown(heading(property_name(site, relation.predicate, lang)), relation.predicate, False,
                               grouped(site, relation, lang)))
    for relation in incoming:
        # SKOS pairs its relations (broader/narrower, …) without saying so in the graph: a
        # link already shown from this side is not shown again as pointing here.
        inverse = _SKOS_INVERSES.get(relation.predicate)
        relation.targets = [(t, i) for t, i in relation.targets
                            if inverse is None or (node, inverse, t) not in site.inferred]
        if relation.targets:
            relations.append(Shown(heading(inverse_name(site, relation.predicate, lang)), relation.predicate,
                                   True, grouped(site, relation, lang)))
    literals = []
    for predicate in FACT_LITERALS:
        values = sorted(str(v) for v in graph.objects(node, predicate) if isinstance(v, Literal))
        if values:
            literals.append((property_name(site, predicate, lang), values))
    own = {lang, *fallback_order(lang)[:2]} if lang in ("nb", "nn") else {lang}
    editorial_all = [lit for p in _EDITORIAL for lit in graph.objects(node, p) if isinstance(lit, Literal)]
    editorial_here = [Text(str(x), x.language) for x in editorial_all if (x.language or "") in own]
    editorial_elsewhere = [Text(str(x), x.language) for x in editorial_all if (x.language or "") not in own]
    labels_here = pick(graph.objects(node, SKOS.prefLabel), lang)
    alt = [t for t in texts_in(graph.objects(node, SKOS.altLabel), lang) if t.lang == lang]
    other_languages = []
    for other in ("nb", "nn", "en"):
        if other == lang:
            continue
        for predicate in NAME_PREDICATES:
            found = [x for x in graph.objects(node, predicate) if isinstance(x, Literal) and x.language == other]
            if found:
                other_languages.append((other, Text(str(sorted(found)[0]), other)))
                break
    definition = pick(graph.objects(node, SKOS.definition), lang)
    description = None if definition else pick(graph.objects(node, DCTERMS.description), lang)
    statements = sorted(({"property": site.compact(p),
                          "value": str(o) if isinstance(o, Literal) else site.compact(o),
                          "lang": (o.language or "") if isinstance(o, Literal) else "",
                          "literal": isinstance(o, Literal)}
                         for p, o in graph.predicate_objects(node) if isinstance(p, URIRef)),
                        key=lambda row: (row["property"], row["value"]))
    return {
        "kinds": kinds(site, node, lang),
        "definition": definition,
        "description": description,
        "definition_sources": site.sources(node) if definition else [],
        "sources": [] if definition else site.sources(node),
        "examples": texts_in(graph.objects(node, SKOS.example), lang),
        "notes": texts_in([o for p in _NOTES for o in graph.objects(node, p)], lang),
        "editorial": editorial_here,
        "editorial_elsewhere": editorial_elsewhere,
        "evidence": texts_in(graph.objects(node, SAM.evidence), lang),
        "facts": facts,
        "literals": literals,
        "relations": relations,
        "alt_labels": alt,
        "pref_label": labels_here,
        "other_languages": other_languages,
        "statements": statements,
        "any_inferred": any(inferred for r in relations for g in r.groups for _, inferred in g.targets)
        or any(inferred for _, inferred in site.types(node)),
    }


def counts(findings: Iterable[object]) -> dict[str, int]:
    """Findings by severity (Violation, Warning, Info)."""
    out = {"Violation": 0, "Warning": 0, "Info": 0}
    for finding in findings:
        out[finding.severity.value] += 1  # type: ignore[attr-defined]
    return out


def is_blank(node: Node) -> bool:
    return isinstance(node, BNode)


__all__ = ["FACT_PREDICATES", "Group", "Shown", "concept_context", "contact", "counts", "inverse_name",
           "is_blank", "orgnr", "property_name"]
