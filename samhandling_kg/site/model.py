"""What the site shows, read from the knowledge graph: labels, relations, the matrix, the tree.

Nothing here knows a term of the ontology by its label: every text a reader sees is a literal
of the graph (or a word of the site's own registry, :mod:`.i18n`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from samhandling_kg.core.labels import NAME_PREDICATES, Text, compact, fallback_order, name_of
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM, SAMSRC
from samhandling_kg.core.terms import LANGUAGES, copy_prefixes
from samhandling_kg.kg.graph import bind_prefixes, materialise, ontology_graph

#: Predicates whose values name a thing (tried in this order for a reader's label).
#: Vocabularies the ontology only declares; their terms get no page of their own.
_EXTERNAL = tuple(str(ns) for ns in (SKOS, DCTERMS, FOAF, OWL, RDF, RDFS)) + (
    "http://purl.org/vocab/vann/", "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/ns/shacl#")
#: Types a reader learns nothing from.
_QUIET_TYPES = {OWL.NamedIndividual, OWL.Thing, RDFS.Resource, OWL.Class, OWL.ObjectProperty,
                OWL.DatatypeProperty, OWL.AnnotationProperty}
_TEXT_SECTIONS = {SKOS.definition, SKOS.example, SKOS.scopeNote, RDFS.comment, SKOS.editorialNote,
                  SAM.evidence} | set(NAME_PREDICATES) | {SKOS.altLabel, DCTERMS.description}
#: Namespaces under the w3id.org IRI whose pages get a fixed name (docs/publishing.md redirects to it).
_SLUG_PREFIXES = {str(SAMSRC): "samsrc", "https://w3id.org/samhandling/catalogue/": "cat"}
_SKIP_RELATIONS = {RDF.type, OWL.sameAs, RDFS.isDefinedBy, DCTERMS.source, OWL.differentFrom}


def texts_in(literals: Iterable[Node], lang: str) -> list[Text]:
    """All literals in ``lang`` (or, when there are none, in the closest language that has some)."""
    by_lang: dict[str | None, list[str]] = {}
    for literal in literals:
        if isinstance(literal, Literal):
            tag = literal.language.lower() if literal.language else None
            by_lang.setdefault(tag, []).append(str(literal))
    for wanted in (*fallback_order(lang), None):
        if wanted in by_lang:
            return [Text(v, wanted) for v in sorted(by_lang[wanted])]
    for tag, values in sorted(by_lang.items(), key=lambda kv: str(kv[0])):
        return [Text(v, tag) for v in sorted(values)]
    return []


@dataclass
class Relation:
    predicate: URIRef
    targets: list[tuple[Node, bool]] = field(default_factory=list)  # (object, inferred?)


@dataclass
class SupportCell:
    organisational: URIRef
    technical: URIRef
    link: URIRef | None
    status: URIRef | None


class SiteGraph:
    """The graph a site is built from: asserted triples, their OWL 2 RL closure, the pages."""

    def __init__(self, graph: Graph) -> None:
        self.asserted = bind_prefixes(graph)
        self.inferred = materialise(graph)
        self.slugs: dict[URIRef, str] = {}
        for subject in sorted({s for s in self.asserted.subjects() if isinstance(s, URIRef)}):
            if subject == ONTOLOGY_IRI or str(subject).startswith(_EXTERNAL):
                continue
            self.slugs[subject] = self._slug(subject)

    # -- names

    def compact(self, node: Node) -> str:
        return compact(self.asserted, node)

    def _slug(self, iri: URIRef) -> str:
        text = str(iri)
        under = next((ns for ns in _SLUG_PREFIXES if text.startswith(ns) and len(text) > len(ns)), None)
        if text.startswith(str(SAM)):
            name = text[len(str(SAM)):]
        elif under is not None:
            name = f"{_SLUG_PREFIXES[under]}-{text[len(under):]}"
        else:
            name = self.compact(iri).replace(":", "-")
            if name == text:
                name = re.sub(r"^https?://", "", text)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "term"
        if name in self.slugs.values():
            name += "-" + hashlib.sha1(text.encode()).hexdigest()[:8]
        return name

    def page(self, node: Node) -> str | None:
        """The page of a term, relative to a language folder (``concept/X.html``), if it has one."""
        slug = self.slugs.get(node) if isinstance(node, URIRef) else None
        return f"concept/{slug}.html" if slug else None

    def label(self, node: Node, lang: str) -> Text:
        """How a node is named for a reader in ``lang``."""
        found = name_of(lambda s, p: self.asserted.objects(s, p), node, lang)
        return found if found is not None else Text(self.compact(node), None)

    def sort_key(self, lang: str):  # type: ignore[no-untyped-def]
        return lambda node: (self.label(node, lang).value.casefold(), str(node))

    # -- kinds of things

    def instances(self, cls: URIRef, graph: Graph | None = None) -> list[URIRef]:
        graph = graph if graph is not None else self.inferred
        return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))

    @cached_property
    def organisational_forms(self) -> list[URIRef]:
        return self.instances(SAM.OrganisationalForm)

    @cached_property
    def technical_forms(self) -> list[URIRef]:
        return self.instances(SAM.TechnicalForm)

    @cached_property
    def needs(self) -> list[URIRef]:
        return self.instances(SAM.Need)

    @cached_property
    def solutions(self) -> list[URIRef]:
        return self.instances(SAM.Solution)

    @cached_property
    def legal_frameworks(self) -> list[URIRef]:
        return self.instances(SAM.LegalFramework)

    @cached_property
    def declared_needs(self) -> set[URIRef]:
        """Needs a solution description (catalogue) declares: the ontology does not know them."""
        ontology = ontology_graph()
        return {n for n in self.needs if (n, None, None) not in ontology}

    def constrained_by(self, node: URIRef) -> list[URIRef]:
        """The legal frameworks ``node`` is asserted to be constrained by."""
        return sorted(o for o in self.asserted.objects(node, SAM.constrainedBy)
                      if isinstance(o, URIRef) and o in self.legal_frameworks)

    def layer_of(self, node: URIRef) -> URIRef | None:
        value = self.asserted.value(node, SAM.eifLayer)
        return value if isinstance(value, URIRef) else None

    def supported_by(self, node: URIRef) -> list[URIRef]:
        """The asserted ``sam:supportedBy`` targets of ``node``."""
        return sorted(o for o in self.asserted.objects(node, SAM.supportedBy) if isinstance(o, URIRef))

    # -- the matrix and the tree

    def support_cell(self, organisational: URIRef, technical: URIRef) -> SupportCell | None:
        if (organisational, SAM.supportedBy, technical) not in self.asserted:
            return None
        for link in self.asserted.objects(organisational, SAM.qualifiedSupport):
            if (link, SAM.supportingForm, technical) in self.asserted:
                status = self.asserted.value(link, SAM.evidenceStatus)
                return SupportCell(organisational, technical, link if isinstance(link, URIRef) else None,
                                   status if isinstance(status, URIRef) else None)
        return SupportCell(organisational, technical, None, None)

    def narrower(self, need: URIRef) -> list[URIRef]:
        return sorted(s for s in self.asserted.subjects(SKOS.broader, need)
                      if isinstance(s, URIRef) and s in self.needs)

    def need_tree(self, roots: list[URIRef]) -> list[tuple[URIRef, int]]:
        """The tree of needs under ``roots`` as (need, depth) in document order, walked without
        recursion; each need's narrower needs are listed once (where it first appears), so a
        skos:broader cycle or a chain thousands deep ends (issue 23)."""
        found: list[tuple[URIRef, int]] = []
        expanded: set[URIRef] = set()
        pending: list[tuple[URIRef, int]] = [(need, 0) for need in reversed(roots)]
        while pending:
            need, depth = pending.pop()
            found.append((need, depth))
            if need not in expanded:
                expanded.add(need)
                pending.extend((child, depth + 1) for child in reversed(self.narrower(need)))
        return found

    def top_needs(self) -> list[URIRef]:
        return [n for n in self.needs
                if not any(b in self.needs for b in self.asserted.objects(n, SKOS.broader))]

    # -- a concept

    def types(self, node: URIRef) -> list[tuple[URIRef, bool]]:
        asserted = set(self.asserted.objects(node, RDF.type))
        found = {t for t in self.inferred.objects(node, RDF.type) if isinstance(t, URIRef)}
        return [(t, t not in asserted) for t in sorted(found) if t not in _QUIET_TYPES]

    def outgoing(self, node: URIRef) -> list[Relation]:
        relations: dict[URIRef, Relation] = {}
        for predicate, obj in sorted(self.inferred.predicate_objects(node)):
            if (predicate in _SKIP_RELATIONS or predicate in _TEXT_SECTIONS
                    or isinstance(obj, Literal) or not isinstance(predicate, URIRef)):
                continue
            if obj == node:
                continue
            relations.setdefault(predicate, Relation(predicate)).targets.append(
                (obj, (node, predicate, obj) not in self.asserted))
        return list(relations.values())

    def incoming(self, node: URIRef) -> list[Relation]:
        """Links pointing at ``node`` through properties without a declared inverse (an inverse
        shows up among the outgoing relations already)."""
        relations: dict[URIRef, Relation] = {}
        for subject, predicate in sorted(self.asserted.subject_predicates(node)):
            if (predicate in _SKIP_RELATIONS or not isinstance(predicate, URIRef)
                    or subject == node or self.has_inverse(predicate)
                    or not isinstance(subject, URIRef)):
                continue
            relations.setdefault(predicate, Relation(predicate)).targets.append((subject, False))
        return list(relations.values())

    def has_inverse(self, predicate: URIRef) -> bool:
        return (predicate, OWL.inverseOf, None) in self.asserted or (
            None, OWL.inverseOf, predicate) in self.asserted

    def literals(self, node: URIRef, predicate: URIRef) -> list[Literal]:
        return [o for o in self.asserted.objects(node, predicate) if isinstance(o, Literal)]

    def other_literals(self, node: URIRef) -> list[tuple[URIRef, Literal]]:
        return sorted(((p, o) for p, o in self.asserted.predicate_objects(node)
                       if isinstance(o, Literal) and p not in _TEXT_SECTIONS and isinstance(p, URIRef)),
                      key=lambda pair: (str(pair[0]), str(pair[1])))

    def sources(self, node: URIRef) -> list[URIRef]:
        return sorted(o for o in self.asserted.objects(node, DCTERMS.source) if isinstance(o, URIRef))

    def description(self, node: URIRef) -> Graph:
        """The concise bounded description of ``node``: its triples and its blank nodes'."""
        out = copy_prefixes(bind_prefixes(Graph()), self.asserted, override=False)
        pending: list[Node] = [node]
        seen: set[Node] = set()
        while pending:
            subject = pending.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for predicate, obj in self.asserted.predicate_objects(subject):
                out.add((subject, predicate, obj))
                if isinstance(obj, BNode):
                    pending.append(obj)
        return out


def all_languages_labels(site: SiteGraph, node: URIRef) -> list[tuple[str, Text]]:
    """(compact predicate, text) for every naming literal of ``node``, languages in site order."""
    rows = []
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    for predicate in (*NAME_PREDICATES, SKOS.altLabel):
        for literal in sorted(site.literals(node, predicate),
                              key=lambda lit: (order.get(lit.language or "", 9), str(lit))):
            rows.append((site.compact(predicate), Text(str(literal), literal.language)))
    return rows


def sorted_by_label(site: SiteGraph, nodes: Sequence[URIRef], lang: str) -> list[URIRef]:
    return sorted(nodes, key=site.sort_key(lang))
