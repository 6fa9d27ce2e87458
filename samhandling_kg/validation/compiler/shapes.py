"""What the compiler's parts share: the checks it writes (:class:`CompiledCheck`), what a
component's compile function returns (:class:`Found` and its pattern forms), the errors, and
the shapes graph read with its parameters checked (:class:`Shapes`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    RDF,
    SH,  # closed: a misspelt SHACL term fails at once
    XSD,
)
from rdflib.term import Node

from samhandling_kg.core.errors import UnsupportedShape, localised
from samhandling_kg.validation.compiler.literals import sparql_term

__all__ = ["UnsupportedShape"]


class MalformedShape(UnsupportedShape):
    """A shape's parameter is not what SHACL allows (``sh:minCount "x"``)."""


def shape_error(error: type[UnsupportedShape], shape: Node | None, texts: dict[str, str],
                **values: object) -> UnsupportedShape:
    """``error`` about ``shape`` in nb, nn and en: ``shape NAME: `` (nb ``SHACL-formen NAME: ``)
    before each of ``texts``; nothing before them when ``shape`` is None."""
    lead = ({"nb": "SHACL-formen {shape}: ", "nn": "SHACL-forma {shape}: ", "en": "shape {shape}: "}
            if shape is not None else {"nb": "", "nn": "", "en": ""})
    return localised(error, {lang: lead[lang] + text for lang, text in texts.items()},
                     shape=name(shape) if shape is not None else "", **values)


def name(node: Node) -> str:
    """A node of the shapes graph as a message shows it."""
    if isinstance(node, URIRef):
        text = str(node)
        if text.startswith(str(SH)):
            return "sh:" + text[len(str(SH)):]
        return f"<{text}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3() if isinstance(node, Literal) else str(node)


@dataclass(frozen=True)
class CompiledCheck:
    """One SELECT answering one constraint of one shape for every focus node."""

    shape: Node
    component: URIRef
    severity: URIRef
    #: The shape's sh:path (an IRI, or the blank node of a complex path in the shapes graph),
    #: the result path of every row that does not select its own ?path; None on a node shape.
    path: Node | None
    #: True for a node shape: the value of a row without ?value is the focus node.
    node_shape: bool
    query: str
    #: True when the query selects ?path (a finding with its own result path).
    selects_path: bool = False
    #: The same query with the focus nodes read from :data:`FOCUS` instead of computed.
    cached_query: str = ""
    #: The rows of :attr:`cached_query` and those of nodes that are no focus nodes, without
    #: reading the focus nodes ("" when the check has no such form; see :class:`Standalone`):
    #: a run keeps the rows whose ``?this`` is a focus node. Reading a large target's focus
    #: nodes in every check costs more than most checks' own pattern.
    unfocused_query: str = ""
    #: The SELECT of the focus nodes (``?this``), and the key they are written under.
    targets: str = ""
    target_key: str = ""
    #: The SPARQL update writing :attr:`targets` under :attr:`target_key` (``{using}`` is left
    #: for the USING clauses naming the graphs that are the data).
    target_insert: str = ""
    #: False for components whose results carry no sh:value (sh:minCount, sh:hasValue…).
    reports_value: bool = True
    #: Why :attr:`query` cannot run at a SPARQL endpoint ("" when it can): the local form
    #: uses Oxigraph's LATERAL for SPARQL pre-binding.
    local_only: str = ""
    #: The triples of a complex :attr:`path` (for the report).
    path_triples: tuple[tuple[Node, Node, Node], ...] = field(default=(), compare=False)
    #: True for a SHACL-SPARQL check (it reads the data as SPARQL sees it).
    sparql: bool = False
    #: The sh:sparql constraint a SHACL-SPARQL check answers (the report's
    #: sh:sourceConstraint, whose sh:message is the result's), None for any other.
    constraint: Node | None = None
    #: The other variables its SELECT projects: each row's bindings of them are the values
    #: the constraint's message substitutes for ``{?name}`` (and ``?message``, SHACL 5.3.2).
    bindings: tuple[str, ...] = ()


#: Where a local run writes the focus nodes of each target once, instead of computing them in
#: every query of the shape (a private graph of the private store, never in the data). A
#: focus node is the object (it may be a literal): ``<key> FOCUS_OF ?this``.
FOCUS = "urn:x-samhandling:focus"
FOCUS_OF = "urn:x-samhandling:focus-of"


@dataclass(frozen=True)
class Found:
    """One compiled constraint: its component, the group pattern, whether its rows report a
    value, and why it can only run in the local store ("" when it runs anywhere)."""

    component: URIRef
    pattern: str
    reports_value: bool = True
    local_only: str = ""
    #: More variables the rows are distinct by (one result per pair for sh:lessThan, per
    #: language for sh:uniqueLang).
    distinct_by: str = ""
    #: A SHACL-SPARQL constraint's node, and the other variables its SELECT projects.
    constraint: Node | None = None
    bindings: tuple[str, ...] = ()


class Headed(str):
    """A group pattern that brings its own SELECT clause (a SHACL-SPARQL constraint)."""

    head: str
    local: str
    local_head: str

    def __new__(cls, head: str, body: str, local: str | None = None,
                local_head: str | None = None) -> Headed:
        self = super().__new__(cls, body)
        self.head = head
        self.local = body if local is None else local
        self.local_head = head if local_head is None else local_head
        return self


class Local(str):
    """A group pattern with an equivalent form for the embedded store (:attr:`local`) that
    Oxigraph evaluates once for all focus nodes and joins by hash, instead of once per focus
    node: ``MINUS`` for "has no value", a sub-SELECT for "a value that fails". Both forms need
    ``?this`` bound by the focus nodes outside the pattern (true at the top of a check). The
    endpoint keeps the plain form."""

    local: str

    def __new__(cls, plain: str, local: str) -> Local:
        self = super().__new__(cls, plain)
        self.local = local
        return self


class Standalone(str):
    """A check's group pattern that is one sub-SELECT binding ``?this`` (a focus node's
    variable at the top of a check) in every row. SPARQL evaluates a sub-SELECT on its own,
    whatever binds ``?this`` outside: joined to the focus nodes it only loses the rows of
    other nodes, which a run may drop itself (:attr:`CompiledCheck.unfocused_query`)."""


def same(variable: str, constant: Node | str) -> str:
    """``variable`` is the term ``constant``: ``=`` for an IRI (Virtuoso answers ``sameTerm``
    with a constant IRI wrongly), ``sameTerm`` otherwise."""
    text = sparql_term(constant) if isinstance(constant, (URIRef, Literal, BNode)) else str(constant)
    if text.startswith("<"):
        return f"({variable} = {text})"
    return f"sameTerm({variable}, {text})"


def simple_path(path: str) -> bool:
    """True for a path without closure or zero-length step: evaluated for every subject at
    once it costs about one pass over its predicates' statements, and it never matches a node
    to itself."""
    return not any(mark in path for mark in "*+?")


def is_true(term: Node | None) -> bool:
    """SHACL's boolean parameters are on only with the literal ``true`` (``"1"^^xsd:boolean``
    is another term)."""
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


# --- parameters -----------------------------------------------------------------------------


class Shapes:
    """The shapes graph, read with its parameters checked."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph

    def one(self, shape: Node, parameter: URIRef) -> Node | None:
        values = list(self.g.objects(shape, parameter))
        if len(values) > 1 and parameter in _SINGLE:
            raise shape_error(MalformedShape, shape, {
                "nb": "{param} har {count} verdier; SHACL tillater én",
                "nn": "{param} har {count} verdiar; SHACL tillèt éin",
                "en": "{param} has {count} values; SHACL allows one"}, param=name(parameter), count=len(values))
        return values[0] if values else None

    def integer(self, shape: Node, parameter: URIRef, value: Node) -> int:
        """A non-negative xsd:integer parameter (sh:minCount, sh:maxLength…)."""
        if not (isinstance(value, Literal) and value.datatype == XSD.integer
                and re.fullmatch(r"[+-]?[0-9]+", str(value)) and int(str(value)) >= 0):
            raise shape_error(MalformedShape, shape, {
                "nb": "{param} {value} er ikke en xsd:integer større enn eller lik 0",
                "nn": "{param} {value} er ikkje ein xsd:integer større enn eller lik 0",
                "en": "{param} {value} is not a non-negative xsd:integer"}, param=name(parameter), value=name(value))
        return int(str(value))

    def boolean(self, shape: Node, parameter: URIRef, value: Node) -> bool:
        if not (isinstance(value, Literal) and value.datatype == XSD.boolean):
            raise shape_error(MalformedShape, shape, {
                "nb": "{param} {value} er ikke en xsd:boolean",
                "nn": "{param} {value} er ikkje ein xsd:boolean",
                "en": "{param} {value} is not an xsd:boolean"}, param=name(parameter), value=name(value))
        return is_true(value)

    def iri(self, shape: Node, parameter: URIRef, value: Node) -> URIRef:
        if not isinstance(value, URIRef):
            raise shape_error(MalformedShape, shape, {
                "nb": "{param} {value} er ikke en IRI",
                "nn": "{param} {value} er ikkje ein IRI",
                "en": "{param} {value} is not an IRI"}, param=name(parameter), value=name(value))
        return value

    def string(self, shape: Node, parameter: URIRef, value: Node) -> str:
        if not isinstance(value, Literal) or value.language or value.datatype not in (None, XSD.string):
            raise shape_error(MalformedShape, shape, {
                "nb": "{param} {value} er ikke en strengliteral",
                "nn": "{param} {value} er ikkje ein strengliteral",
                "en": "{param} {value} is not a string literal"}, param=name(parameter), value=name(value))
        return str(value)

    def members(self, shape: Node, parameter: URIRef, value: Node) -> list[Node]:
        """The members of an RDF list parameter (sh:in, sh:and…), checked to be a list."""
        items: list[Node] = []
        node = value
        seen: set[Node] = set()
        while node != RDF.nil:
            first = list(self.g.objects(node, RDF.first))
            rest = list(self.g.objects(node, RDF.rest))
            if isinstance(node, Literal) or node in seen or len(first) != 1 or len(rest) != 1:
                raise shape_error(MalformedShape, shape, {
                    "nb": "{param} er ikke en velformet RDF-liste",
                    "nn": "{param} er ikkje ei velforma RDF-liste",
                    "en": "{param} is not a well-formed RDF list"}, param=name(parameter))
            seen.add(node)
            items.append(first[0])
            node = rest[0]
        return items


_SINGLE = {SH.path, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.flags,
           SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
           SH.closed, SH.ignoredProperties, SH.deactivated, SH.severity}


