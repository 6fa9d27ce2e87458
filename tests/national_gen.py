"""Generated inputs for the national-profile checks (SKOS-AP-NO-Begrep and DCAT-AP-NO): the
knowledge graph with generated concepts, or with a generated catalogue of solutions that have
an API endpoint, valid or with chosen defects.

Shared by the engines' differential tests of the checks (tests/publish/) and the benchmark of
general shapes (benchmarks/general_shapes.py). The solutions come from
:mod:`catalogue_gen` as they are; each gets an endpoint here, since a DCAT-AP-NO data service
must have one and a solution without one is left out of the export.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from catalogue_gen import catalogue_text, realistic_specs
from rdflib import Graph

from samhandling_kg import load_knowledge_graph

CONCEPT_PREFIXES = """@prefix dct:  <http://purl.org/dc/terms/> .
@prefix ex:   <https://example.org/concepts/> .
@prefix sam:  <https://w3id.org/samhandling#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

"""

#: Each kind of defect a generated concept may have; each breaks one rule of the SKOS-AP-NO
#: check after the export (``skos:definition`` becomes a definition object).
CONCEPT_DEFECTS: tuple[str, ...] = (
    "no-nn-label", "two-nb-labels", "label-no-lang", "no-definition",
    "two-nb-definitions", "definition-in-other-language", "alt-label-no-lang",
    "scope-note-no-lang", "example-no-lang",
)

#: Forms a generated need is supported by (the ontology's), so it has associative relations.
_FORMS = ("sam:SendAndReceive", "sam:LookUpAndMakeAvailable", "sam:ChangeAndShare",
          "sam:MessageExchange", "sam:DataSharing")


def concept(i: int, defects: Iterable[str] = ()) -> str:
    """One need (a ``skos:Concept`` of the user's data) in Turtle."""
    d = set(defects)
    unknown = d - set(CONCEPT_DEFECTS)
    if unknown:
        raise ValueError(f"unknown defects: {sorted(unknown)}")
    lines = ["a sam:Need , skos:Concept"]
    lines.append(f'skos:prefLabel "Behov {i}"' + ("" if "label-no-lang" in d else "@nb"))
    if "two-nb-labels" in d:
        lines.append(f'skos:prefLabel "Eit anna behov {i}"@nb')
    if "no-nn-label" not in d:
        lines.append(f'skos:prefLabel "Behov {i}"@nn')
    lines.append(f'skos:prefLabel "Need {i}"@en')
    if "no-definition" not in d:
        if "definition-in-other-language" in d:
            lines.append(f'skos:definition "Besoin numéro {i}."@fr')
        else:
            lines.append(f'skos:definition "Et behov for samhandling nummer {i}."@nb')
            lines.append(f'skos:definition "Eit behov for samhandling nummer {i}."@nn')
        if "two-nb-definitions" in d:
            lines.append(f'skos:definition "Enda en definisjon av behov {i}."@nb')
    lines.append(f'skos:altLabel "Samhandlingsbehov {i}"' + ("" if "alt-label-no-lang" in d else "@nb"))
    lines.append('skos:scopeNote "Generert behov."' + ("" if "scope-note-no-lang" in d else "@nb"))
    lines.append(f'skos:example "Eksempel {i}"' + ("" if "example-no-lang" in d else "@nb"))
    lines.append(f"sam:supportedBy {_FORMS[i % len(_FORMS)]}")
    if i % 3:
        lines.append(f"skos:broader ex:need-{i - i % 3}")  # a small need hierarchy
    return f"ex:need-{i} " + " ;\n    ".join(lines) + " .\n"


def concept_specs(concepts: int, *, seed: int = 1, defective: float = 0.1) -> list[list[str]]:
    """``concepts`` concepts, one in ten (``defective``) with one or two defects."""
    rng = random.Random(seed)
    return [rng.sample(CONCEPT_DEFECTS, rng.randint(1, 2)) if rng.random() < defective else []
            for _ in range(concepts)]


def concepts_text(specs: Sequence[Iterable[str]]) -> str:
    return CONCEPT_PREFIXES + "\n".join(concept(n, spec) for n, spec in enumerate(specs))


def with_concepts(folder: Path, specs: Sequence[Iterable[str]]) -> Graph:
    """The knowledge graph with the concepts of ``specs`` added as a data file (written in
    ``folder``), ready for :func:`~samhandling_kg.publish.skos_ap_no.skos_ap_no`."""
    path = folder / "concepts.ttl"
    path.write_text(concepts_text(specs), encoding="utf-8")
    return load_knowledge_graph([path])


def endpoints(count: int, *, start: int = 0) -> str:
    """Turtle giving solutions ``start``… of a generated catalogue an API endpoint each."""
    return "".join(f"<https://example.org/catalogue/solution-{n}> "
                   f"<http://www.w3.org/ns/dcat#endpointURL> <https://api.example.org/solution/{n}> .\n"
                   for n in range(start, start + count))


def with_services(folder: Path, specs: Sequence[Iterable[str]]) -> Graph:
    """The knowledge graph with a generated catalogue (:func:`catalogue_gen.catalogue_text` of
    ``specs``) whose every solution has an endpoint, ready for
    :func:`~samhandling_kg.publish.dcat_ap_no.dcat_ap_no`."""
    path = folder / "catalogue.ttl"
    path.write_text(catalogue_text(specs) + endpoints(len(specs)), encoding="utf-8")
    return load_knowledge_graph([path])


def realistic_services(folder: Path, records: int, *, seed: int = 1,
                       defective: float = 0.1) -> Graph:
    """:func:`with_services` of :func:`catalogue_gen.realistic_specs`."""
    return with_services(folder, realistic_specs(records, seed=seed, defective=defective))
