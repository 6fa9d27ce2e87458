"""The decision data of ``samhandling recommend``, read from the graph, and its rule.

The decision characteristics of the ontology (``sam:Characteristic``) favour forms, rule them
out, or are required for them; every such link carries a status (``sam:Stated`` or
``sam:Derived``), evidence and a source. :func:`decision_data` gathers all of it, with labels
in nb, nn and en, as one JSON-able dict (the documentation site builds its offline guide from
it); :func:`recommend` ranks the forms for a need and/or given characteristics by one rule:

1. A form is **ruled out** when a characteristic that holds rules it out, or when a
   characteristic it requires is given as not holding (``--not``).
2. The other forms are ordered by the number of holding characteristics that favour them,
   then by how many of those links the source states (``sam:Stated``). Forms equal on both
   share a rank; the order among them is by IRI, which carries no meaning.
3. The forms of the first rank are **recommended** if at least one characteristic favours
   them; the rest are **possible**.
4. Technical forms are ranked by the same rule, among those that support a recommended
   organisational form in the supported-by matrix.

A required characteristic answered neither way does not change the ranking; it is reported as
a requirement to check (``requirements_open``).

No weights, no scores: every place in the answer is explained by the links it counts.
The competency questions ``cq18`` and ``cq19`` give the same ranking in SPARQL.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import LANGUAGES, shorten
from samhandling_kg.kg.graph import load_knowledge_graph

EFFECTS: dict[str, tuple[URIRef, URIRef]] = {
    "favours": (SAM.favours, SAM.qualifiedFavours),
    "rulesOut": (SAM.rulesOut, SAM.qualifiedRulesOut),
    "requiredFor": (SAM.requiredFor, SAM.qualifiedRequiredFor),
}
KINDS = {"organisational": SAM.OrganisationalForm, "technical": SAM.TechnicalForm}
STATUSES = ("recommended", "possible", "ruled-out")


# --- the decision data --------------------------------------------------------------------


def _texts(graph: Graph, subject: Node, *properties: URIRef) -> dict[str, str]:
    """``{lang: text}`` of the first property that has a value in that language."""
    texts: dict[str, str] = {}
    for prop in properties:
        for value in sorted(graph.objects(subject, prop), key=str):
            if isinstance(value, Literal) and value.language in LANGUAGES:
                texts.setdefault(value.language, str(value))
    return {lang: texts[lang] for lang in LANGUAGES if lang in texts}


def _iris(graph: Graph, subject: URIRef, prop: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, prop) if isinstance(o, URIRef))


def _short(iri: str) -> str:
    return shorten(iri, _SAM_ONLY)


_SAM_ONLY = {"sam": str(SAM)}  # other IRIs (the user's own needs) stay whole


def decision_data(graph: Graph | None = None) -> dict[str, Any]:
    """Everything the decision needs, as a JSON-able dict (sorted, so stable across runs).

    ``forms``: the interaction forms with their kind, the technical forms supporting each
    organisational one (with the support link's status, evidence and sources), standards and
    legal frameworks. ``characteristics``: each with its CLI name (``skos:notation``),
    definition and links (``effect`` favours, rulesOut or requiredFor; form; status;
    evidence; sources). ``needs``: each with its characteristics and organisational forms.
    ``labels``: ``{iri: {lang: text}}`` for every term named elsewhere in the dict.
    """
    graph = graph if graph is not None else load_knowledge_graph()
    labels: dict[str, dict[str, str]] = {}

    def label(iri: URIRef) -> str:
        if str(iri) not in labels:
            labels[str(iri)] = _texts(graph, iri, SKOS.prefLabel, RDFS.label, DCTERMS.title)
        return str(iri)

    def qualified(link: URIRef) -> dict[str, Any]:
        status = graph.value(link, SAM.evidenceStatus)
        return {
            "link": label(link),
            "status": label(status) if isinstance(status, URIRef) else None,
            "evidence": _texts(graph, link, SAM.evidence),
            "sources": [label(URIRef(s)) for s in _iris(graph, link, DCTERMS.source)],
        }

    forms: list[dict[str, Any]] = []
    for kind, cls in KINDS.items():
        for form in sorted(set(graph.subjects(RDF.type, cls)), key=str):
            if not isinstance(form, URIRef):
                continue
            support: list[dict[str, Any]] = []
            for link in sorted(graph.objects(form, SAM.qualifiedSupport), key=str):
                tech = graph.value(link, SAM.supportingForm)
                if isinstance(link, URIRef) and isinstance(tech, URIRef):
                    support.append({"form": label(tech), **qualified(link)})
            forms.append({
                "iri": label(form),
                "kind": kind,
                "supportedBy": sorted(support, key=lambda s: s["form"]),
                "standards": [label(URIRef(s)) for s in _iris(graph, form, SAM.standardisedBy)],
                "legalFrameworks": [label(URIRef(s)) for s in _iris(graph, form, SAM.constrainedBy)],
            })

    characteristics: list[dict[str, Any]] = []
    for char in sorted(set(graph.subjects(RDF.type, SAM.Characteristic)), key=str):
        if not isinstance(char, URIRef):
            continue
        links: list[dict[str, Any]] = []
        for effect, (_, qualified_property) in EFFECTS.items():
            for link in graph.objects(char, qualified_property):
                target = graph.value(link, SAM.linkedForm)
                if isinstance(link, URIRef) and isinstance(target, URIRef):
                    links.append({"effect": effect, "form": label(target), **qualified(link)})
        notation = graph.value(char, SKOS.notation)
        # sam:excludes is symmetric: either direction in the graph excludes both ways.
        excluded = {o for o in graph.objects(char, SAM.excludes) if isinstance(o, URIRef)}
        excluded |= {s for s in graph.subjects(SAM.excludes, char) if isinstance(s, URIRef)}
        characteristics.append({
            "iri": label(char),
            "name": str(notation) if notation is not None else _short(str(char)),
            "definition": _texts(graph, char, SKOS.definition),
            "links": sorted(links, key=lambda l: (l["effect"], l["form"])),
            "excludes": sorted(str(c) for c in excluded - {char}),
        })

    needs: list[dict[str, Any]] = []
    for need in sorted(set(graph.subjects(RDF.type, SAM.Need)), key=str):
        if not isinstance(need, URIRef):
            continue
        organisational = [f for f in graph.objects(need, SAM.supportedBy)
                          if (f, RDF.type, SAM.OrganisationalForm) in graph]
        # where each characteristic of the need comes from (sam:NeedCharacteristicLink)
        basis: dict[str, dict[str, Any]] = {}
        for link in sorted(graph.objects(need, SAM.qualifiedCharacteristic), key=str):
            named = graph.value(link, SAM.characteristic)
            if isinstance(link, URIRef) and isinstance(named, URIRef):
                basis[str(named)] = {"characteristic": str(named), **qualified(link)}
        characteristics_of_need = [label(URIRef(c)) for c in _iris(graph, need, SAM.hasCharacteristic)]
        needs.append({
            "iri": label(need),
            "characteristics": characteristics_of_need,
            "basis": [basis[c] for c in characteristics_of_need if c in basis],
            "forms": sorted(label(f) for f in organisational if isinstance(f, URIRef)),
            "legalFrameworks": [label(URIRef(s)) for s in _iris(graph, need, SAM.constrainedBy)],
        })

    for status in (SAM.Stated, SAM.Derived):
        label(status)
    return {
        "languages": list(LANGUAGES),
        "rule": dict(RULE),
        "forms": forms,
        "characteristics": characteristics,
        "needs": needs,
        "labels": dict(sorted(labels.items())),
    }


RULE = {
    "nb": "Regel: en form er utelukket når et kjennetegn som gjelder, utelukker den, eller når et "
          "kjennetegn den krever, er oppgitt som ikke gjeldende (--not). De andre formene ordnes etter "
          "hvor mange gjeldende kjennetegn som taler for dem, og deretter etter hvor mange av disse "
          "koblingene kilden uttrykker; former som står likt etter begge tellingene, deler plass. Formene "
          "på første plass anbefales når minst ett kjennetegn taler for dem. Tekniske former rangeres "
          "på samme måte blant dem som støtter en anbefalt organisatorisk form. To kjennetegn som "
          "utelukker hverandre, kan ikke gjelde samtidig. En konkret vurdering trengs alltid.",
    "nn": "Regel: ei form er utelukka når eit kjenneteikn som gjeld, utelukkar ho, eller når eit "
          "kjenneteikn ho krev, er oppgjeve som ikkje gjeldande (--not). Dei andre formene vert ordna "
          "etter kor mange gjeldande kjenneteikn som talar for dei, og deretter etter kor mange av "
          "desse koplingane kjelda uttrykkjer; former som står likt etter begge teljingane, deler "
          "plass. Formene på første plass vert tilrådde når minst eitt kjenneteikn talar for dei. "
          "Tekniske former vert rangerte på same måte blant dei som støttar ei tilrådd organisatorisk "
          "form. To kjenneteikn som utelukkar kvarandre, kan ikkje gjelde samstundes. Ei konkret "
          "vurdering trengst alltid.",
    "en": "Rule: a form is ruled out when a characteristic that holds rules it out, or when a "
          "characteristic it requires is given as not holding (--not). The other forms are ordered "
          "by the number of holding characteristics that favour them, then by how many of those "
          "links the source states; forms equal on both counts share a place. The forms in first place "
          "are recommended when at least one characteristic favours them. Technical forms are ranked "
          "the same way among those that support a recommended organisational form. Two "
          "characteristics that exclude each other cannot both hold. A concrete assessment is always "
          "needed.",
}
