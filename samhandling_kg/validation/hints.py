"""Hints the report adds to the shapes' messages, where a message alone cannot say what to do
because the fix needs a look into the knowledge graph:

* a technical form given with ``sam:realises`` (or an organisational form with ``sam:uses``):
  the two properties are probably swapped;
* a technical form without a fitting standard (``samsh:StandardFitsTechnicalForm``): the
  standards the knowledge graph links to that form alone, ready to write as ``dct:conformsTo``;
* a known term given with ``sam:addresses`` that is no need (a form, most likely): the needs
  the knowledge graph says that form meets, to write instead;
* a misspelt ``sam:`` term given as the value of a checked property breaks two shapes
  (``samsh:KnownTerm`` and the property's class check): it is reported once — the more severe
  finding, with the suggestion; between equals the one naming the misspelling.

They run on the report, after either engine, so both engines give the same report
(tests/validation/test_engine_parity.py). Every text is in nb, nn and en (tests/validation/test_hints.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from samhandling_kg.core.namespace import SAM, SAMSH
from samhandling_kg.kg.graph import closest_term

if TYPE_CHECKING:
    from samhandling_kg.validation.model import ValidationResult

#: The suggestion for a misspelt term.
DID_YOU_MEAN = {"nb": "Mente du {}?", "nn": "Meinte du {}?", "en": "Did you mean {}?"}

#: Shape → (the class of forms that belongs to the other property, the hint).
SWAPPED: dict[URIRef, tuple[URIRef, dict[str, str]]] = {
    SAMSH.SolutionRealisesOrganisationalForm: (SAM.TechnicalForm, {
        "nb": "Den er en teknisk form: har du byttet om sam:realises og sam:uses? En teknisk form "
              "oppgis med sam:uses.",
        "nn": "Ho er ei teknisk form: har du bytt om sam:realises og sam:uses? Ei teknisk form vert "
              "oppgjeven med sam:uses.",
        "en": "It is a technical form: are sam:realises and sam:uses swapped? A technical form goes "
              "with sam:uses.",
    }),
    SAMSH.SolutionUsesTechnicalForm: (SAM.OrganisationalForm, {
        "nb": "Den er en organisatorisk form: har du byttet om sam:realises og sam:uses? En "
              "organisatorisk form oppgis med sam:realises.",
        "nn": "Ho er ei organisatorisk form: har du bytt om sam:realises og sam:uses? Ei "
              "organisatorisk form vert oppgjeven med sam:realises.",
        "en": "It is an organisational form: are sam:realises and sam:uses swapped? An "
              "organisational form goes with sam:realises.",
    }),
}

#: The needs a form given as ``sam:addresses`` meets (``samsh:SolutionAddressesNeed``).
NEEDS_OF_FORM = {
    "nb": "Behov denne formen dekker ifølge kunnskapsgrafen: {}",
    "nn": "Behov denne forma dekkjer etter kunnskapsgrafen: {}",
    "en": "Needs this form meets according to the knowledge graph: {}",
}
#: At most this many needs are named in that hint.
_NEEDS_SHOWN = 6

#: The standards that fit a technical form, as ``dct:conformsTo`` values.
FITTING_STANDARDS = {
    "nb": "Standarder som passer: {}.",
    "nn": "Standardar som passar: {}.",
    "en": "Standards that fit: {}.",
}


class Lookup:
    """What the hints read of the private store (the data and the ontology beside it)."""

    def __init__(self, objects: Callable[[Node, Node], Sequence[Node]],
                 subjects: Callable[[Node, Node], Sequence[Node]],
                 label: Callable[[Node, str], str], compact: Callable[[Node], str]) -> None:
        self.objects = objects
        self.subjects = subjects
        self.label = label
        self.compact = compact

    def is_a(self, node: Node, cls: URIRef) -> bool:
        """``node`` has type ``cls`` or a subclass of it (rdfs:subClassOf*)."""
        pending = list(self.objects(node, RDF.type))
        seen: set[Node] = set()
        while pending:
            current = pending.pop()
            if current == cls:
                return True
            if current not in seen:
                seen.add(current)
                pending.extend(self.objects(current, RDFS.subClassOf))
        return False

    def own_standards(self, form: Node) -> list[Node]:
        """The standards the knowledge graph links to ``form`` and to no other form: the ones
        samsh:StandardFitsTechnicalForm accepts."""
        return [standard for standard in self.objects(form, SAM.standardisedBy)
                if all(other == form for other in self.subjects(SAM.standardisedBy, standard))]


def with_hints(results: Iterable[ValidationResult], lookup: Lookup, lang: str) -> list[ValidationResult]:
    """``results`` with the hints of this module added to their messages, and one finding per
    misspelt term."""
    hinted = []
    # A hint depends on the shape and the value alone: a catalogue repeats a few of them
    # thousands of times, and each reads the store.
    known: dict[tuple[str, Node | None], str | None] = {}
    for result in _one_finding_per_misspelt_term(list(results), lang):
        key = (result.source_shape, result.value_term)
        if key not in known:
            known[key] = _hint(result, lookup, lang)
        extra = known[key]
        hinted.append(replace(result, message=f"{result.message} {extra}") if extra else result)
    return hinted


def _hint(result: ValidationResult, lookup: Lookup, lang: str) -> str | None:
    shape, value = URIRef(result.source_shape), result.value_term
    if value is None or not isinstance(value, URIRef):
        return None
    if shape in SWAPPED:
        other, texts = SWAPPED[shape]
        return texts[lang] if lookup.is_a(value, other) else None
    if shape == SAMSH.SolutionAddressesNeed:
        needs = sorted(_needs_met(lookup, value), key=lookup.compact)
        if not needs:
            return None
        named = [_standard(lookup, need, lang) for need in needs[:_NEEDS_SHOWN]]
        return NEEDS_OF_FORM[lang].format(", ".join(named) + (", …" if len(needs) > _NEEDS_SHOWN else "."))
    if shape == SAMSH.StandardFitsTechnicalForm:
        standards = sorted(lookup.own_standards(value), key=lookup.compact)
        if not standards:
            return None
        shown = ", ".join(_standard(lookup, standard, lang) for standard in standards)
        return FITTING_STANDARDS[lang].format(shown)
    return None


def _needs_met(lookup: Lookup, form: Node) -> set[Node]:
    """The ontology's needs ``sam:supportedBy`` ``form`` — directly, or through an
    organisational form that ``form`` (a technical one) supports. Only the ontology's: a
    need a catalogue declares is not seen alike by every engine (an endpoint's report reads
    the records, not the whole catalogue), and the report must be the same everywhere."""
    via = [form, *lookup.subjects(SAM.supportedBy, form)]
    return {need for node in via for need in lookup.subjects(SAM.supportedBy, node)
            if str(need).startswith(str(SAM)) and lookup.is_a(need, SAM.Need)}


def _standard(lookup: Lookup, standard: Node, lang: str) -> str:
    name, label = lookup.compact(standard), lookup.label(standard, lang)
    return name if label == name else f"{name} ({label})"


def _one_finding_per_misspelt_term(results: list[ValidationResult], lang: str) -> list[ValidationResult]:
    """A misspelt term found by samsh:KnownTerm and by the check of the property it is a value
    of (the same focus node, path and value) is reported once: the more severe finding, with
    the suggestion added; between equals, KnownTerm's (it says the term is misspelt)."""
    known = str(SAMSH.KnownTerm)

    def key(result: Any) -> tuple[str, str | None, str | None]:
        return result.focus_node, result.path, result.value

    misspelt = {key(r): r for r in results if r.source_shape == known}
    if not misspelt:
        return results
    dropped: set[int] = set()
    amended: dict[int, ValidationResult] = {}
    for result in results:
        found = misspelt.get(key(result))
        if found is None or result.source_shape == known:
            continue
        if result.severity.rank < found.severity.rank:
            dropped.add(id(found))
            close = closest_term(str(result.value)) if result.value else None
            if close:
                amended[id(result)] = replace(
                    result, message=f"{result.message} {DID_YOU_MEAN[lang].format(close)}")
        else:
            dropped.add(id(result))
    return [amended.get(id(r), r) for r in results if id(r) not in dropped]
