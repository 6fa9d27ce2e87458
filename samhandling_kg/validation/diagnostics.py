"""Input diagnostics: unknown sam: terms, namespace variants, input with nothing to
validate."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.namespace import (
    RDF,
    RDFS,
)
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, fill, input_error, localised
from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM
from samhandling_kg.io.oxigraph import graph_list
from samhandling_kg.kg.graph import (
    closest_term,
    ontology_local_names,
)
from samhandling_kg.validation.input import _Input
from samhandling_kg.validation.model import DATA, DATA_AND_BACKGROUND

_NAMESPACE_VARIANT = re.compile(r"^(https?)://w3id[.]org/samhandling([#/]?)(.+)$")


def _declared_in(data: Graph) -> set[Node]:
    declaring = (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf)
    return {s for p in declaring for s in data.subjects(p, None)}


def _unknown_terms(data: Graph) -> list[URIRef]:
    """IRIs of the sam: namespace in ``data`` that the ontology does not define and ``data``
    does not declare: classes first, then predicates, then other objects and subjects."""
    namespace = str(SAM)
    known = set(ontology_local_names())
    declared = _declared_in(data)

    def unknown(node: Node) -> bool:
        return (isinstance(node, URIRef) and str(node).startswith(namespace)
                and len(str(node)) > len(namespace) and str(node)[len(namespace):] not in known
                and node not in declared)

    classes = sorted({o for o in data.objects(None, RDF.type) if unknown(o)}, key=str)
    predicates = sorted({p for p in data.predicates() if unknown(p)}, key=str)
    others = sorted({n for triple in data for n in (triple[0], triple[2]) if unknown(n)}, key=str)
    ordered: list[URIRef] = []
    for node in (*classes, *predicates, *others):
        if node not in ordered:
            ordered.append(node)  # type: ignore[arg-type]
    return ordered


def _namespace_variants(data: Graph) -> list[str]:
    """Namespaces in ``data`` that differ from the sam: namespace only by scheme (http) or
    by the character that ends it (``/`` or nothing instead of ``#``)."""
    names = set(ontology_local_names())
    found: list[str] = []
    for triple in data:
        for node in triple:
            if not isinstance(node, URIRef) or str(node).startswith(str(SAM)):
                continue
            match = _NAMESPACE_VARIANT.match(str(node))
            if not match:
                continue
            scheme, end, local = match.groups()
            # http + '#' is always the namespace mistyped; otherwise the local part must be a
            # term of the ontology (https://w3id.org/samhandling/shapes#X is not a variant).
            if (scheme == "http" and end == "#") or local in names:
                variant = str(node)[: len(str(node)) - len(local)]
                if variant not in found:
                    found.append(variant)
    return sorted(found)


_HAS_RECORDS = f"""
ASK {{
  {{ GRAPH <{DATA.value}> {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }} }}
  UNION {{ GRAPH <{DATA.value}> {{ ?s a ?c }} ?c <{RDFS.subClassOf}>* <{SAM.Solution}> }}
  UNION {{ GRAPH <{DATA.value}> {{ ?s a ?c }} ?c <{RDFS.subClassOf}>* ?k
          FILTER (?k IN (<{SAM.Need}>, <{SAM.InteractionForm}>))
          FILTER NOT EXISTS {{ ?s <{RDFS.isDefinedBy}> <{ONTOLOGY_IRI}> }} }}
}}"""


def _has_records(given: _Input) -> bool:
    """True when the data holds a solution (typed, or a subject of the solution properties)
    or a need or form the user declares."""
    return bool(given.store.query(_HAS_RECORDS, default_graph=graph_list(*DATA_AND_BACKGROUND), named_graphs=[DATA]))


def _require_something_to_validate(given: _Input) -> None:
    """Raise a one-line error when the input holds nothing the profile applies to: an empty
    file, a misspelt class, the wrong namespace would otherwise 'conform'."""
    if _has_records(given):
        return
    data = given.data_graph()
    texts = [NO_SOLUTION]
    if len(data) == 0 and not given.restated:
        texts.append({"nb": "inndataene har ingen RDF-utsagn", "nn": "inndataa har ingen RDF-utsegner",
                      "en": "the input holds no RDF statements"} if len(given.files) != 1 else
                     {"nb": "filen har ingen RDF-utsagn", "nn": "fila har ingen RDF-utsegner",
                      "en": "the file holds no RDF statements"})
    for variant in _namespace_variants(data):
        texts.append(fill({"nb": "dataene bruker navnerommet <{variant}>, men ontologiens er <{sam}>",
                           "nn": "dataa brukar namnerommet <{variant}>, men ontologien sitt er <{sam}>",
                           "en": "the data uses the namespace <{variant}>, but the ontology's is <{sam}>"},
                          variant=variant, sam=SAM))
    unknown = _unknown_terms(data)
    if unknown:
        first = "sam:" + str(unknown[0])[len(str(SAM)):]
        close = closest_term(str(unknown[0]))
        texts.append(fill({"nb": "{first} er ikke et begrep i ontologien{nb}",
                           "nn": "{first} er ikkje eit omgrep i ontologien{nn}",
                           "en": "{first} is not a term of the ontology{en}"}, first=first,
                          nb=f" — mente du {close}?" if close else "", nn=f" — meinte du {close}?" if close else "",
                          en=f" — did you mean {close}?" if close else ""))
    message = {lang: "; ".join(text[lang] for text in texts) for lang in ("nb", "nn", "en")}
    if len(given.files) == 1:
        raise input_error(given.files[0], dict.fromkeys(message, "{message}"), message=message)
    if given.files:
        raise localised(SamhandlingError, {
            "nb": "{message} (i {count} filer: {files})", "nn": "{message} (i {count} filer: {files})",
            "en": "{message} (in {count} files: {files})"}, message=message, count=len(given.files),
            files=f"{', '.join(given.files[:3])}{', …' if len(given.files) > 3 else ''}")
    raise localised(SamhandlingError, dict.fromkeys(message, "{message}"), message=message)


#: The input holds nothing to validate.
NO_SOLUTION = {"nb": "fant ingen løsningsbeskrivelse (sam:Solution)",
               "nn": "fann inga løysingsskildring (sam:Solution)",
               "en": "no solution description (sam:Solution) found"}
