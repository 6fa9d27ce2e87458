"""Small shared vocabulary of the package: the prefixes, the languages, IRI checks, the IRI
shortener and the graph merge that modules used to write each for themselves.

Only rdflib and :mod:`.namespace` are imported, so every module can use this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VANN, XSD

from samhandling_kg.core.namespace import ONTOLOGY_IRI, SAM, SAMSRC

__all__ = [
    "ABSOLUTE_IRI", "DEFAULT_LANGUAGE", "IRI_FORBIDDEN", "LANGUAGES", "ONTOLOGY_IRI", "PREFIXES",
    "copy_prefixes", "merge_into", "shorten",
]

#: The prefixes of the project: bound in every graph it writes, used in every short name.
PREFIXES: dict[str, str] = {
    "sam": str(SAM),
    "samsrc": str(SAMSRC),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "vann": str(VANN),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The languages of labels, messages and pages: Bokmål, Nynorsk, English. Every ``--lang``
#: option offers these.
LANGUAGES: tuple[str, ...] = ("nb", "nn", "en")
#: The one default: the users are Norwegian health architects who read Bokmål first, and the
#: competency questions' ``lang`` parameters default to it too (tests/kg/test_questions.py).
DEFAULT_LANGUAGE = "nb"

#: Characters no IRI may hold (RFC 3987 excludes them; N-Triples and SPARQL cannot write them).
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: An absolute IRI starts with a scheme (RFC 3986 section 3.1) and a colon.
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def shorten(iri: str, prefixes: Mapping[str, str] | None = None, *, brackets: bool = False) -> str:
    """``sam:Solution`` for ``https://w3id.org/samhandling#Solution``: the prefixed name under
    the longest matching namespace of ``prefixes`` (default :data:`PREFIXES`), else the IRI
    itself, in ``<…>`` with ``brackets`` (as SPARQL and Turtle write it)."""
    text = str(iri)
    matches = [(len(str(namespace)), prefix) for prefix, namespace in
               (PREFIXES if prefixes is None else prefixes).items()
               if namespace and text.startswith(str(namespace)) and len(text) > len(str(namespace))]
    if matches:
        length, prefix = max(matches)
        return f"{prefix}:{text[length:]}"
    return f"<{text}>" if brackets else text


def copy_prefixes(target: Graph, source: Graph, *, override: bool = True) -> Graph:
    """Bind ``source``'s prefixes in ``target`` (with ``override=False`` a prefix ``target``
    already binds keeps its namespace); returns ``target``."""
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace, override=override)
    return target


def merge_into(target: Graph, source: Graph, triples: Iterable[tuple] | None = None) -> Graph:  # type: ignore[type-arg]
    """Add ``source``'s triples (or ``triples``, read with ``source``'s prefixes) to ``target``
    with ``source``'s prefixes; returns ``target``."""
    copy_prefixes(target, source)
    if triples is None:
        target += source
    else:
        for triple in triples:
            target.add(triple)
    return target

