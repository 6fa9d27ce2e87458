"""The recommendation: forms ranked for a need and characteristics, with reasons."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from samhandling_kg.core.errors import QueryError, localised
from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import PREFIXES
from samhandling_kg.kg.graph import closest_term, load_knowledge_graph
from samhandling_kg.kg.questions import expand_iri
from samhandling_kg.recommendation.data import _texts, decision_data

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
    hints = {"nb": f"mente du {close[0]}? ", "nn": f"meinte du {close[0]}? ",
             "en": f"did you mean {close[0]}? "} if close else {"nb": "", "nn": "", "en": ""}
    raise localised(QueryError, {
        "nb": "ukjent kjennetegn {name!r}; {nb}«samhandling recommend --list» viser dem",
        "nn": "ukjent kjenneteikn {name!r}; {nn}«samhandling recommend --list» viser dei",
        "en": "unknown characteristic {name!r}; {en}'samhandling recommend --list' lists them"},
        name=name, **hints)


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
    close = closest_term(iri, str(SAM.Need)) if iri.startswith(str(SAM)) else None
    hints = {"nb": f" (mente du {close}?)", "nn": f" (meinte du {close}?)",
             "en": f" (did you mean {close}?)"} if close else {"nb": "", "nn": "", "en": ""}
    raise localised(QueryError, {
        "nb": "--need {name}: ikke et samhandlingsbehov (sam:Need) i kunnskapsgrafen{nb}; "
              "«samhandling recommend --list» viser behovene",
        "nn": "--need {name}: ikkje eit samhandlingsbehov (sam:Need) i kunnskapsgrafen{nn}; "
              "«samhandling recommend --list» viser behova",
        "en": "--need {name}: not an interaction need (sam:Need) of the knowledge graph{en}; "
              "'samhandling recommend --list' lists the needs"}, name=name, **hints)


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
        raise localised(QueryError, {
            "nb": "{names} er oppgitt både med --has og --not",
            "nn": "{names} er oppgjeve både med --has og --not",
            "en": "{names} is given both with --has and --not"}, names=", ".join(names[c] for c in both))
    if need is None and not has_iris and not not_iris:
        raise localised(QueryError, {
            "nb": "si hva anbefalingen gjelder: --need IRI, --has eller --not (se «samhandling recommend --list»)",
            "nn": "sei kva tilrådinga gjeld: --need IRI, --has eller --not (sjå «samhandling recommend --list»)",
            "en": "say what to recommend for: --need IRI, --has or --not (see 'samhandling recommend --list')"})
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
    excludes = {c["iri"]: set(c.get("excludes", ())) for c in decision["characteristics"]}
    _refuse_exclusive(holds, excludes, decision)

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
    # A characteristic excluded by one that holds is answered by it (it cannot hold too).
    answered = set(holds) | absent | {x for c in holds for x in excludes.get(c, ())}
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


class ExclusiveCharacteristics(QueryError):
    """Two characteristics that exclude each other (``sam:excludes``) both hold. ``str()`` is
    the English line; :meth:`message` gives it in nb, nn or en."""

    def __init__(self, first: str, second: str, from_need: str | None) -> None:
        self.first, self.second, self.from_need = first, second, from_need
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        text = EXCLUSIVE[lang if lang in EXCLUSIVE else "en"]
        line = text["both"].format(a=self.first, b=self.second)
        if self.from_need is not None:
            line += text["need"].format(c=self.from_need)
        return line


EXCLUSIVE = {
    "nb": {"both": "{a} og {b} utelukker hverandre og kan ikke gjelde samtidig",
           "need": " ({c} kommer fra behovet; overstyr med --not {c})"},
    "nn": {"both": "{a} og {b} utelukkar kvarandre og kan ikkje gjelde samstundes",
           "need": " ({c} kjem frå behovet; overstyr med --not {c})"},
    "en": {"both": "{a} and {b} exclude each other and cannot both hold",
           "need": " ({c} comes from the need; override it with --not {c})"},
}


def _refuse_exclusive(holds: dict[str, str], excludes: dict[str, set[str]], decision: dict[str, Any]) -> None:
    names = {c["iri"]: c["name"] for c in decision["characteristics"]}
    for first in sorted(holds, key=lambda c: names.get(c, c)):
        for second in sorted(excludes.get(first, ()), key=lambda c: names.get(c, c)):
            if second in holds:
                from_need = next((names[c] for c in (first, second) if holds[c] == "need"), None)
                raise ExclusiveCharacteristics(names[first], names[second], from_need)


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
