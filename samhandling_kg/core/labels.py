"""The one way to name a node for a reader: its label in a language, or a compact name.

Validation's messages and titles, the documentation site, ``recommend`` and the query tables
all name nodes through this module, so a term reads the same everywhere: its preferred
label (:data:`NAME_PREDICATES`, in that order) in the wanted language, else the closest
language (:func:`fallback_order`), else a text without a language tag, else a compact name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS, NamespaceManager
from rdflib.term import Node

#: What names a node, most specific first: a concept's preferred term, a label, a title (a
#: solution's or a document's name), a name (an organisation's).
NAME_PREDICATES: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name)


@dataclass(frozen=True)
class Text:
    """A literal as shown: its text and language (None when it has none)."""

    value: str
    lang: str | None


def fallback_order(lang: str) -> tuple[str, ...]:
    """Languages to try for a text in ``lang``: itself, the other Norwegian, English (for a
    language outside nb, nn, en: itself, then Bokmål, Nynorsk, English)."""
    others = {"nb": ("nn", "en"), "nn": ("nb", "en"), "en": ("nb", "nn")}.get(lang, ("nb", "nn", "en"))
    return (lang, *others)


def pick(literals: Iterable[Node], lang: str) -> Text | None:
    """The literal in ``lang``, else the closest language (:func:`fallback_order`), else one
    without a tag, else one in any language (the first by tag, so the choice is stable)."""
    found: dict[str, str] = {}
    plain: list[str] = []
    for literal in literals:
        if not isinstance(literal, Literal):
            continue
        if literal.language:
            found.setdefault(literal.language.lower(), str(literal))
        else:
            plain.append(str(literal))
    for wanted in fallback_order(lang):
        if wanted in found:
            return Text(found[wanted], wanted)
    if plain:
        return Text(min(plain), None)
    if found:
        first = min(found)
        return Text(found[first], first)
    return None


def pick_text(literals: Iterable[Node], lang: str) -> str | None:
    """The text :func:`pick` picks, or None."""
    found = pick(literals, lang)
    return found.value if found is not None else None


def name_of(objects: Callable[[Node, URIRef], Iterable[Node]], node: Node, lang: str,
            predicates: tuple[URIRef, ...] = NAME_PREDICATES) -> Text | None:
    """The name of ``node`` in ``lang`` read through ``objects(node, predicate)`` (a graph's,
    or a store's), or None when it has none."""
    if isinstance(node, Literal):
        return Text(str(node), node.language)
    for predicate in predicates:
        found = pick(objects(node, predicate), lang)
        if found is not None:
            return found
    return None


def label(graph: Graph, node: Node, lang: str) -> str:
    """How a node of ``graph`` is shown to a reader in ``lang``: its name, else a compact
    name (:func:`compact`)."""
    found = name_of(lambda s, p: graph.objects(s, p), node, lang)
    return found.value if found is not None else compact(graph, node)


def compact(names: Graph | NamespaceManager, node: Node) -> str:
    """``sam:ChangeAndShare`` for a bound namespace, else the IRI; ``_:id`` for a blank node."""
    manager = names.namespace_manager if isinstance(names, Graph) else names
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        try:
            prefix, _namespace, local = manager.compute_qname(str(node), generate=False)
        except (ValueError, KeyError):
            return str(node)
        if local and prefix:
            return f"{prefix}:{local}"
        return str(node)
    return str(node)
