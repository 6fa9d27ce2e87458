"""Choosing interaction forms for a need: ``samhandling recommend``.

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

import difflib
import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import QueryError
from .graph import PREFIXES, closest_term, load_knowledge_graph
from .namespace import SAM
from .questions import expand_iri
from .terms import DEFAULT_LANGUAGE, LANGUAGES, shorten

#: The three kinds of link between a characteristic and a form, by their qualified property.
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
        characteristics.append({
            "iri": label(char),
            "name": str(notation) if notation is not None else _short(str(char)),
            "definition": _texts(graph, char, SKOS.definition),
            "links": sorted(links, key=lambda l: (l["effect"], l["form"])),
        })

    needs: list[dict[str, Any]] = []
    for need in sorted(set(graph.subjects(RDF.type, SAM.Need)), key=str):
        if not isinstance(need, URIRef):
            continue
        organisational = [f for f in graph.objects(need, SAM.supportedBy)
                          if (f, RDF.type, SAM.OrganisationalForm) in graph]
        needs.append({
            "iri": label(need),
            "characteristics": [label(URIRef(c)) for c in _iris(graph, need, SAM.hasCharacteristic)],
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


# --- the recommendation -------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One characteristic link that counts for (or against) a form."""

    characteristic: str
    effect: str
    link: str
    status: str | None
    evidence: dict[str, str]
    sources: list[str]


@dataclass
class Ranked:
    """A form's place: rank (1 is best), status and the reasons behind it."""

    form: str
    kind: str
    rank: int
    status: str
    favoured_by: list[Reason]
    ruled_out_by: list[Reason]
    requirements_met: list[Reason]
    #: required characteristics neither given nor ruled out: to be checked
    requirements_open: list[Reason]
    meets_need: bool | None = None
    support: dict[str, Any] | None = None
    technical: list[Ranked] = field(default_factory=list)


@dataclass
class Recommendation:
    need: str | None
    holds: list[tuple[str, str]]  # (characteristic, "need" | "has")
    absent: list[str]
    organisational: list[Ranked]
    open_questions: list[str]
    standards: list[tuple[str, list[str]]]
    legal_frameworks: list[tuple[str, list[str]]]
    solutions: list[dict[str, Any]]
    data_given: bool
    decision: dict[str, Any]

    @property
    def recommended(self) -> list[Ranked]:
        return [r for r in self.organisational if r.status == "recommended"]


def _rank(
    forms: Sequence[str],
    kind: str,
    links: dict[str, list[dict[str, Any]]],
    holds: set[str],
    absent: set[str],
) -> list[Ranked]:
    """The rule of the module docstring, for one set of candidate forms."""
    ranked = []
    for form in forms:
        reasons: dict[str, list[Reason]] = {"favours": [], "rulesOut": [], "requiredMet": [],
                                            "requiredOpen": []}
        for char in sorted(links):
            for link in links[char]:
                if link["form"] != form:
                    continue
                reason = Reason(char, link["effect"], link["link"], link["status"], link["evidence"],
                                link["sources"])
                if char in holds and link["effect"] == "favours":
                    reasons["favours"].append(reason)
                elif (char in holds and link["effect"] == "rulesOut") or (
                        char in absent and link["effect"] == "requiredFor"):
                    reasons["rulesOut"].append(reason)
                elif char in holds and link["effect"] == "requiredFor":
                    reasons["requiredMet"].append(reason)
                elif link["effect"] == "requiredFor" and char not in absent:
                    # not answered: the form stands, but the user must check it
                    reasons["requiredOpen"].append(reason)
        ranked.append(Ranked(form, kind, 0, "", reasons["favours"], reasons["rulesOut"],
                             reasons["requiredMet"], reasons["requiredOpen"]))

    def key(r: Ranked) -> tuple[bool, int, int]:
        stated = sum(1 for reason in r.favoured_by if reason.status == str(SAM.Stated))
        return (bool(r.ruled_out_by), -len(r.favoured_by), -stated)

    keys = {r.form: key(r) for r in ranked}
    for r in ranked:
        r.rank = 1 + sum(1 for other in ranked if keys[other.form] < keys[r.form])
        if r.ruled_out_by:
            r.status = "ruled-out"
        elif r.rank == 1 and r.favoured_by:
            r.status = "recommended"
        else:
            r.status = "possible"
    return sorted(ranked, key=lambda r: (keys[r.form], r.form))


def resolve_characteristic(name: str, decision: dict[str, Any]) -> str:
    """The IRI of a characteristic given by its CLI name (``receiver-known``), ``sam:`` name,
    local name or IRI; a QueryError with the closest name otherwise."""
    by_name: dict[str, str] = {c["name"].lower(): c["iri"] for c in decision["characteristics"]}
    iris = {c["iri"] for c in decision["characteristics"]}
    text = name.strip()
    if text.lower() in by_name:
        return by_name[text.lower()]
    candidates = [str(SAM) + text] if text.replace("_", "").isalnum() else []
    try:
        candidates.append(str(expand_iri(text, PREFIXES)))
    except QueryError:
        pass
    for candidate in candidates:
        if candidate in iris:
            return candidate
    close = difflib.get_close_matches(text.lower(), list(by_name), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise QueryError(f"unknown characteristic {name!r}; {hint}'samhandling recommend --list' lists them")


def resolve_need(name: str, decision: dict[str, Any]) -> str:
    needs = {n["iri"] for n in decision["needs"]}
    text = name.strip()
    candidates = [str(SAM) + text] if text.replace("_", "").isalnum() else []
    try:
        candidates.insert(0, str(expand_iri(text, PREFIXES)))
    except QueryError as exc:
        if not candidates:
            raise QueryError(f"--need: {exc}") from None
    for candidate in candidates:
        if candidate in needs:
            return candidate
    iri = candidates[0]
    close = closest_term(iri) if iri.startswith(str(SAM)) else None
    hint = f" (did you mean {close}?)" if close else ""
    raise QueryError(f"--need {name}: not an interaction need (sam:Need) of the knowledge graph{hint}; "
                     "'samhandling recommend --list' lists the needs")


def recommend(
    need: str | None = None,
    has: Iterable[str] = (),
    not_: Iterable[str] = (),
    *,
    data: Iterable[str | Path] = (),
    graph: Graph | None = None,
) -> Recommendation:
    """Rank the forms for ``need`` (``sam:SendReferral``, an IRI) and/or the characteristics
    given as holding (``has``) or not holding (``not_``), by their CLI name or IRI.

    ``--not`` also overrides a characteristic the need has. Without ``graph`` the ontology
    plus ``data`` is read; solutions in the data that already realise a recommended pair of
    forms are listed.
    """
    data = list(data)
    graph = graph if graph is not None else load_knowledge_graph(data)
    decision = decision_data(graph)
    has_iris = [resolve_characteristic(c, decision) for c in has]
    not_iris = [resolve_characteristic(c, decision) for c in not_]
    both = sorted(set(has_iris) & set(not_iris))
    if both:
        names = {c["iri"]: c["name"] for c in decision["characteristics"]}
        raise QueryError(f"{', '.join(names[c] for c in both)} is given both with --has and --not")
    if need is None and not has_iris and not not_iris:
        raise QueryError("say what to recommend for: --need IRI, --has or --not (see 'samhandling recommend --list')")
    need_iri = resolve_need(need, decision) if need is not None else None
    need_entry = next((n for n in decision["needs"] if n["iri"] == need_iri), None)

    holds: dict[str, str] = {}
    for char in need_entry["characteristics"] if need_entry else []:
        holds[char] = "need"
    for char in has_iris:
        holds.setdefault(char, "has")
    for char in not_iris:
        holds.pop(char, None)
    absent = set(not_iris)

    links: dict[str, list[dict[str, Any]]] = {c["iri"]: c["links"] for c in decision["characteristics"]}
    forms = {f["iri"]: f for f in decision["forms"]}
    organisational_forms = [f["iri"] for f in decision["forms"] if f["kind"] == "organisational"]
    organisational = _rank(organisational_forms, "organisational", links, set(holds), absent)
    for ranked in organisational:
        if need_entry is not None:
            ranked.meets_need = ranked.form in need_entry["forms"]
        if ranked.status != "recommended":
            continue
        support = {s["form"]: s for s in forms[ranked.form]["supportedBy"]}
        ranked.technical = _rank(sorted(support), "technical", links, set(holds), absent)
        for tech in ranked.technical:
            tech.support = support[tech.form]

    # What would tell the remaining candidates apart: characteristics not yet answered that
    # link to a candidate form (organisational when none is recommended, else technical).
    recommended = [r for r in organisational if r.status == "recommended"]
    undecided: set[str] = set()
    if not recommended:
        undecided = {r.form for r in organisational if r.status != "ruled-out"}
    for r in recommended:
        if not any(t.status == "recommended" for t in r.technical):
            undecided |= {t.form for t in r.technical if t.status != "ruled-out"}
    answered = set(holds) | absent
    open_questions = [
        c["iri"] for c in sorted(decision["characteristics"], key=lambda c: c["name"])
        if c["iri"] not in answered and any(l["form"] in undecided for l in c["links"])
    ]

    chosen_tech = [t for r in recommended for t in r.technical if t.status == "recommended"]
    standards: dict[str, list[str]] = {}
    for tech in chosen_tech:
        for standard in forms[tech.form]["standards"]:
            standards.setdefault(standard, []).append(tech.form)
    frameworks: dict[str, list[str]] = {}
    via = ([need_entry] if need_entry else []) + [forms[r.form] for r in recommended] + [forms[t.form] for t in chosen_tech]
    for entry in via:
        for framework in entry["legalFrameworks"]:
            frameworks.setdefault(framework, [])
            if entry["iri"] not in frameworks[framework]:
                frameworks[framework].append(entry["iri"])
    for framework in frameworks:
        decision["labels"].setdefault(framework, _texts(graph, URIRef(framework), RDFS.label, SKOS.prefLabel))

    # Solutions doing it this way: a recommended organisational form with one of its
    # recommended technical forms, or with any it has not ruled out when none is recommended.
    pairs = []
    for r in recommended:
        best = [t for t in r.technical if t.status == "recommended"]
        pairs += [(r.form, t.form) for t in best or [t for t in r.technical if t.status == "possible"]]
    solutions = _solutions(graph, pairs, need_iri, decision) if data else []
    return Recommendation(
        need=need_iri,
        holds=sorted(holds.items()),
        absent=sorted(absent),
        organisational=organisational,
        open_questions=open_questions,
        standards=sorted((s, sorted(v)) for s, v in standards.items()),
        legal_frameworks=sorted((f, v) for f, v in frameworks.items()),
        solutions=solutions,
        data_given=bool(data),
        decision=decision,
    )


def _solutions(graph: Graph, pairs: list[tuple[str, str]], need: str | None,
               decision: dict[str, Any]) -> list[dict[str, Any]]:
    """Solutions of the data (IRIs or blank nodes) that realise an organisational form of
    ``pairs`` together with its technical form."""
    found = []
    for solution in sorted(set(graph.subjects(RDF.type, SAM.Solution)), key=str):
        if isinstance(solution, Literal):
            continue
        realises = {str(o) for o in graph.objects(solution, SAM.realises)}
        uses = {str(o) for o in graph.objects(solution, SAM.uses)}
        matching = [(o, t) for o, t in pairs if o in realises and t in uses]
        if not matching:
            continue
        decision["labels"].setdefault(str(solution), _texts(graph, solution, DCTERMS.title, RDFS.label))
        addresses = {str(o) for o in graph.objects(solution, SAM.addresses)}
        found.append({
            "solution": str(solution),
            "forms": [list(pair) for pair in matching],
            "addressesNeed": (need in addresses) if need else None,
        })
    # Solutions that address the need come first.
    return sorted(found, key=lambda s: (not s["addressesNeed"], s["solution"]))


# --- output -------------------------------------------------------------------------------

RULE = {
    "nb": "Regel: en form er utelukket når et kjennetegn som gjelder, utelukker den, eller når et "
          "kjennetegn den krever, er oppgitt som ikke gjeldende (--not). De andre formene ordnes etter "
          "hvor mange gjeldende kjennetegn som taler for dem, og deretter etter hvor mange av disse "
          "koblingene kilden uttrykker; former som er like på begge, deler plass. Formene på første "
          "plass anbefales når minst ett kjennetegn taler for dem. Tekniske former rangeres på samme "
          "måte blant dem som støtter en anbefalt organisatorisk form. En konkret vurdering trengs alltid.",
    "nn": "Regel: ei form er utelukka når eit kjenneteikn som gjeld, utelukkar ho, eller når eit "
          "kjenneteikn ho krev, er oppgjeve som ikkje gjeldande (--not). Dei andre formene vert ordna "
          "etter kor mange gjeldande kjenneteikn som talar for dei, og deretter etter kor mange av "
          "desse koplingane kjelda uttrykkjer; former som er like på begge, deler plass. Formene på "
          "første plass vert tilrådde når minst eitt kjenneteikn talar for dei. Tekniske former vert "
          "rangerte på same måte blant dei som støttar ei tilrådd organisatorisk form. Ei konkret "
          "vurdering trengst alltid.",
    "en": "Rule: a form is ruled out when a characteristic that holds rules it out, or when a "
          "characteristic it requires is given as not holding (--not). The other forms are ordered "
          "by the number of holding characteristics that favour them, then by how many of those "
          "links the source states; forms equal on both share a place. The forms in first place are "
          "recommended when at least one characteristic favours them. Technical forms are ranked "
          "the same way among those that support a recommended organisational form. A concrete "
          "assessment is always needed.",
}

MESSAGES: dict[str, dict[str, str]] = {
    "nb": {
        "for_need": "Anbefaling for behovet «{label}» ({iri})",
        "for_given": "Anbefaling for de oppgitte kjennetegnene",
        "characteristics": "Kjennetegn som gjelder:",
        "from_need": "fra behovet",
        "from_has": "oppgitt med --has",
        "absent": "Kjennetegn som ikke gjelder (--not):",
        "no_characteristics": "Behovet har ingen kjennetegn i kunnskapsgrafen, så formene kan ikke rangeres.",
        "need_forms": "Etter kunnskapsgrafen dekkes behovet av: {forms}.",
        "organisational": "Organisatoriske samhandlingsformer",
        "technical": "Tekniske samhandlingsformer for «{label}»",
        "recommended": "anbefalt", "possible": "mulig", "ruled-out": "utelukket",
        "favours": "taler for", "rulesOut": "utelukker", "requiredFor": "kreves",
        "absent_required": "kreves, men gjelder ikke",
        "required_met": "krav oppfylt",
        "required_open": "kreves; sjekk om det gjelder (--has eller --not)",
        "meets_need": "dekker behovet etter kunnskapsgrafen",
        "support": "støtte i matrisen",
        "source": "kilde",
        "open": "Kjennetegn som kan skille de gjenværende formene (oppgi med --has eller --not):",
        "nothing_recommended": "Ingen form anbefales ennå: ingen kjennetegn som gjelder, taler for en form.",
        "standards": "Standarder for de anbefalte tekniske formene:",
        "legal": "Rettslige rammer som gjelder:",
        "solutions": "Løsninger i katalogen som allerede gjør det slik:",
        "no_solutions": "Ingen løsning i katalogen realiserer en anbefalt kombinasjon.",
        "addresses_need": "dekker behovet",
        "list_characteristics": "Kjennetegn (navn for --has og --not):",
        "list_needs": "Behov (for --need) og kjennetegnene deres:",
        "none": "ingen",
    },
    "nn": {
        "for_need": "Tilråding for behovet «{label}» ({iri})",
        "for_given": "Tilråding for dei oppgjevne kjenneteikna",
        "characteristics": "Kjenneteikn som gjeld:",
        "from_need": "frå behovet",
        "from_has": "oppgjeve med --has",
        "absent": "Kjenneteikn som ikkje gjeld (--not):",
        "no_characteristics": "Behovet har ingen kjenneteikn i kunnskapsgrafen, så formene kan ikkje rangerast.",
        "need_forms": "Etter kunnskapsgrafen vert behovet dekt av: {forms}.",
        "organisational": "Organisatoriske samhandlingsformer",
        "technical": "Tekniske samhandlingsformer for «{label}»",
        "recommended": "tilrådd", "possible": "mogleg", "ruled-out": "utelukka",
        "favours": "talar for", "rulesOut": "utelukkar", "requiredFor": "vert kravd",
        "absent_required": "vert kravd, men gjeld ikkje",
        "required_met": "krav oppfylt",
        "required_open": "vert kravd; sjekk om det gjeld (--has eller --not)",
        "meets_need": "dekkjer behovet etter kunnskapsgrafen",
        "support": "støtte i matrisa",
        "source": "kjelde",
        "open": "Kjenneteikn som kan skilje dei attverande formene (gje dei med --has eller --not):",
        "nothing_recommended": "Inga form vert tilrådd enno: ingen kjenneteikn som gjeld, talar for ei form.",
        "standards": "Standardar for dei tilrådde tekniske formene:",
        "legal": "Rettslege rammer som gjeld:",
        "solutions": "Løysingar i katalogen som alt gjer det slik:",
        "no_solutions": "Inga løysing i katalogen realiserer ein tilrådd kombinasjon.",
        "addresses_need": "dekkjer behovet",
        "list_characteristics": "Kjenneteikn (namn for --has og --not):",
        "list_needs": "Behov (for --need) og kjenneteikna deira:",
        "none": "ingen",
    },
    "en": {
        "for_need": "Recommendation for the need “{label}” ({iri})",
        "for_given": "Recommendation for the characteristics given",
        "characteristics": "Characteristics that hold:",
        "from_need": "from the need",
        "from_has": "given with --has",
        "absent": "Characteristics that do not hold (--not):",
        "no_characteristics": "The need has no characteristics in the knowledge graph, so the forms cannot be ranked.",
        "need_forms": "According to the knowledge graph the need is met by: {forms}.",
        "organisational": "Organisational interaction forms",
        "technical": "Technical interaction forms for “{label}”",
        "recommended": "recommended", "possible": "possible", "ruled-out": "ruled out",
        "favours": "favours", "rulesOut": "rules out", "requiredFor": "required",
        "absent_required": "required, but does not hold",
        "required_met": "requirement met",
        "required_open": "required; check whether it holds (--has or --not)",
        "meets_need": "meets the need according to the knowledge graph",
        "support": "support in the matrix",
        "source": "source",
        "open": "Characteristics that would tell the remaining forms apart (give them with --has or --not):",
        "nothing_recommended": "No form is recommended yet: no characteristic that holds favours a form.",
        "standards": "Standards of the recommended technical forms:",
        "legal": "Legal frameworks that apply:",
        "solutions": "Solutions of the catalogue that already do it this way:",
        "no_solutions": "No solution of the catalogue realises a recommended combination.",
        "addresses_need": "addresses the need",
        "list_characteristics": "Characteristics (names for --has and --not):",
        "list_needs": "Needs (for --need) and their characteristics:",
        "none": "none",
    },
}


def _label(decision: dict[str, Any], iri: str | None, lang: str) -> str:
    if iri is None:
        return ""
    texts = decision["labels"].get(iri, {})
    return texts.get(lang) or texts.get("en") or texts.get("nb") or _short(iri)


def _name(decision: dict[str, Any], iri: str) -> str:
    return next((c["name"] for c in decision["characteristics"] if c["iri"] == iri), _short(iri))


def _reason_json(reason: Reason, decision: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "characteristic": reason.characteristic,
        "name": _name(decision, reason.characteristic),
        "label": _label(decision, reason.characteristic, lang),
        "effect": reason.effect,
        "link": reason.link,
        "status": reason.status,
        "statusLabel": _label(decision, reason.status, lang),
        "evidence": reason.evidence.get(lang) or reason.evidence.get("en"),
        "sources": reason.sources,
    }


def _ranked_json(ranked: Ranked, decision: dict[str, Any], lang: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "form": ranked.form,
        "label": _label(decision, ranked.form, lang),
        "rank": ranked.rank,
        "status": ranked.status,
        "favouredBy": [_reason_json(r, decision, lang) for r in ranked.favoured_by],
        "ruledOutBy": [_reason_json(r, decision, lang) for r in ranked.ruled_out_by],
        "requirementsMet": [_reason_json(r, decision, lang) for r in ranked.requirements_met],
        "requirementsOpen": [_reason_json(r, decision, lang) for r in ranked.requirements_open],
    }
    if ranked.kind == "organisational":
        entry["meetsNeed"] = ranked.meets_need
        entry["technical"] = [_ranked_json(t, decision, lang) for t in ranked.technical]
    if ranked.support is not None:
        entry["support"] = {
            "link": ranked.support["link"],
            "status": ranked.support["status"],
            "statusLabel": _label(decision, ranked.support["status"], lang),
            "evidence": ranked.support["evidence"].get(lang) or ranked.support["evidence"].get("en"),
            "sources": ranked.support["sources"],
        }
    return entry


def to_json(rec: Recommendation, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The recommendation as a JSON-able dict, texts in ``lang``."""
    d = rec.decision
    return {
        "need": None if rec.need is None else {"iri": rec.need, "label": _label(d, rec.need, lang)},
        "holds": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang), "from": origin}
                  for c, origin in rec.holds],
        "absent": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang)} for c in rec.absent],
        "organisational": [_ranked_json(r, d, lang) for r in rec.organisational],
        "openQuestions": [{"characteristic": c, "name": _name(d, c), "label": _label(d, c, lang)}
                          for c in rec.open_questions],
        "standards": [{"standard": s, "label": _label(d, s, lang), "forms": forms} for s, forms in rec.standards],
        "legalFrameworks": [{"framework": f, "label": _label(d, f, lang), "via": via}
                            for f, via in rec.legal_frameworks],
        "solutions": [{**s, "title": _label(d, s["solution"], lang)} for s in rec.solutions],
        "rule": RULE[lang],
    }


def render(rec: Recommendation, lang: str = DEFAULT_LANGUAGE, fmt: str = "text") -> str:
    """``text`` for people (in ``lang``) or ``json`` for tools."""
    if fmt == "json":
        return json.dumps(to_json(rec, lang), ensure_ascii=False, indent=2) + "\n"
    m, d = MESSAGES[lang], rec.decision
    lines: list[str] = []
    if rec.need:
        lines.append(m["for_need"].format(label=_label(d, rec.need, lang), iri=_short(rec.need)))
    else:
        lines.append(m["for_given"])
    lines.append("")
    if rec.holds:
        lines.append(m["characteristics"])
        for char, origin in rec.holds:
            lines.append(f"  - {_label(d, char, lang)} ({_name(d, char)}; {m['from_' + origin]})")
    if rec.absent:
        lines.append(m["absent"])
        lines.extend(f"  - {_label(d, c, lang)} ({_name(d, c)})" for c in rec.absent)
    if rec.need and not rec.holds:
        lines.append(m["no_characteristics"])
        forms = [r.form for r in rec.organisational if r.meets_need]
        lines.append(m["need_forms"].format(forms=", ".join(_label(d, f, lang) for f in forms) or m["none"]))
    lines.append("")
    lines.append(m["organisational"])
    lines.extend(_ranked_lines(rec.organisational, d, m, lang, "  "))
    if not rec.recommended:
        lines.append("")
        lines.append(m["nothing_recommended"])
    for org in rec.recommended:
        lines.append("")
        lines.append(m["technical"].format(label=_label(d, org.form, lang)))
        lines.extend(_ranked_lines(org.technical, d, m, lang, "  "))
    if rec.open_questions:
        lines.append("")
        lines.append(m["open"])
        lines.extend(f"  - {_name(d, c)}: {_label(d, c, lang)}" for c in rec.open_questions)
    if rec.standards:
        lines.append("")
        lines.append(m["standards"])
        for standard, forms in sorted(rec.standards, key=lambda s: _label(d, s[0], lang)):
            lines.append(f"  - {_label(d, standard, lang)} ({', '.join(_label(d, f, lang) for f in forms)})")
    if rec.legal_frameworks:
        lines.append("")
        lines.append(m["legal"])
        for framework, via in sorted(rec.legal_frameworks, key=lambda f: _label(d, f[0], lang)):
            lines.append(f"  - {_label(d, framework, lang)} ({', '.join(_label(d, v, lang) for v in via)})")
    if rec.data_given:
        lines.append("")
        if rec.solutions:
            lines.append(m["solutions"])
            for s in rec.solutions:
                pairs = "; ".join(f"{_label(d, o, lang)} + {_label(d, t, lang)}" for o, t in s["forms"])
                mark = f" [{m['addresses_need']}]" if s["addressesNeed"] else ""
                lines.append(f"  - {_label(d, s['solution'], lang)}{mark} ({pairs})")
        else:
            lines.append(m["no_solutions"])
    lines.append("")
    lines.append(textwrap.fill(RULE[lang], width=100, break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


def _ranked_lines(ranked: list[Ranked], d: dict[str, Any], m: dict[str, str], lang: str,
                  indent: str) -> list[str]:
    lines = []
    for r in ranked:
        place = "–" if r.status == "ruled-out" else f"{r.rank}."
        lines.append(f"{indent}{place} {_label(d, r.form, lang)} — {m[r.status]}")
        deeper = indent + "     "
        if r.meets_need:
            lines.append(f"{deeper}* {m['meets_need']}")
        for reason in r.favoured_by:
            lines.append(_wrap(f"{deeper}+ {_reason_line(reason, d, m, lang, m['favours'])}", deeper))
        for reason in r.ruled_out_by:
            what = m["absent_required"] if reason.effect == "requiredFor" else m["rulesOut"]
            lines.append(_wrap(f"{deeper}x {_reason_line(reason, d, m, lang, what)}", deeper))
        for reason in r.requirements_met:
            lines.append(_wrap(f"{deeper}= {_reason_line(reason, d, m, lang, m['required_met'])}", deeper))
        if r.status == "recommended":  # what the user must still check before choosing it
            for reason in r.requirements_open:
                lines.append(_wrap(f"{deeper}? {_reason_line(reason, d, m, lang, m['required_open'])}", deeper))
        if r.support is not None:
            lines.append(f"{deeper}~ {m['support']}: {_label(d, r.support['status'], lang)}")
    return lines


def _wrap(line: str, indent: str) -> str:
    # Long evidence texts wrap under their marker; words (and IRIs) are never split.
    return textwrap.fill(line, width=100, subsequent_indent=indent + "  ", break_long_words=False,
                         break_on_hyphens=False)


def _reason_line(reason: Reason, d: dict[str, Any], m: dict[str, str], lang: str, what: str) -> str:
    sources = ", ".join(_label(d, s, lang) for s in reason.sources)
    evidence = reason.evidence.get(lang) or reason.evidence.get("en", "")
    return (f"{_label(d, reason.characteristic, lang)} ({_name(d, reason.characteristic)}): {what} — "
            f"{_label(d, reason.status, lang)}. {evidence} [{m['source']}: {sources}]")


def render_list(decision: dict[str, Any], lang: str = DEFAULT_LANGUAGE, fmt: str = "text") -> str:
    """``recommend --list``: the characteristics (with their links) and the needs."""
    if fmt == "json":
        return json.dumps(decision, ensure_ascii=False, indent=2) + "\n"
    m = MESSAGES[lang]
    lines = [m["list_characteristics"]]
    for c in sorted(decision["characteristics"], key=lambda c: c["name"]):
        lines.append(f"  {c['name']}: {_label(decision, c['iri'], lang)}")
        for effect in EFFECTS:
            forms = [_label(decision, l["form"], lang) for l in c["links"] if l["effect"] == effect]
            if forms:
                lines.append(f"      {m[effect]}: {', '.join(forms)}")
    lines.append("")
    lines.append(m["list_needs"])
    for n in decision["needs"]:
        names = ", ".join(_name(decision, c) for c in n["characteristics"]) or m["none"]
        lines.append(f"  {_short(n['iri'])}: {_label(decision, n['iri'], lang)} — {names}")
    return "\n".join(lines) + "\n"
