"""The one way to name a node for a reader: its label in a language, or a compact name."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    DCTERMS,
    RDFS,
    SKOS,
)
from rdflib.term import Node

from samhandling_kg.core.terms import DEFAULT_LANGUAGE

_NAME_PREDICATES = (DCTERMS.title, SKOS.prefLabel, RDFS.label)


def _fallback(lang: str) -> tuple[str, ...]:
    """The languages looked for, in order, when a text in ``lang`` is wanted."""
    return (lang, DEFAULT_LANGUAGE, "en", "")


def _pick(literals: Iterable[Node], lang: str) -> str | None:
    """The text in ``lang``, else in Bokmål (:data:`~samhandling_kg.core.terms.DEFAULT_LANGUAGE`:
    the profile and the contract require every message and title in it), else English, else
    without a language tag; None when there is none of these. The one fallback order of
    messages, labels and titles."""
    by_lang: dict[str, str] = {}
    for item in literals:
        if isinstance(item, Literal):
            by_lang.setdefault((item.language or "").lower(), str(item))
    for wanted in _fallback(lang):
        if wanted in by_lang:
            return by_lang[wanted]
    return None


def label(graph: Graph, node: Node, lang: str) -> str:
    """How a node is shown to a reader: its name in ``lang`` (:data:`_NAME_PREDICATES`,
    :func:`_pick`), else a compact IRI, else the literal's text."""
    if isinstance(node, Literal):
        return str(node)
    for predicate in _NAME_PREDICATES:
        text = _pick(graph.objects(node, predicate), lang)
        if text:
            return text
    return compact(graph, node)


def compact(graph: Graph, node: Node) -> str:
    """``sam:ChangeAndShare`` for a bound namespace, else the IRI; ``_:id`` for a blank node."""
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        try:
            prefix, _namespace, local = graph.namespace_manager.compute_qname(str(node), generate=False)
        except (ValueError, KeyError):
            return str(node)
        if local and prefix:
            return f"{prefix}:{local}"
        return str(node)
    return str(node)
