"""The pieces compiled checks are written from: constants, paths and their SPARQL text."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.core.errors import QueryError, UnsupportedShape
from samhandling_kg.sparql.binding import sparql_term

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


_XSD = "http://www.w3.org/2001/XMLSchema#"


# Datatypes whose ill-formed literals a cast reveals (an ill-formed literal fails sh:datatype).
_CASTABLE = {f"{_XSD}{name}" for name in ("integer", "decimal", "double", "float", "boolean",
                                           "dateTime")}


def _same(variable: str, constant: Node | str) -> str:
    """``variable`` is the term ``constant``: ``=`` for an IRI (the same for IRIs, and
    Virtuoso answers ``sameTerm`` with a constant IRI wrongly), ``sameTerm`` otherwise."""
    text = _constant(constant) if isinstance(constant, (URIRef, Literal, BNode)) else str(constant)
    if text.startswith("<"):
        return f"({variable} = {text})"
    return f"sameTerm({variable}, {text})"


def _iri(term: Node) -> str:
    return f"<{term}>"


def _constant(term: Node) -> str:
    """A constant term of a shape in SPARQL syntax, written by the one escaping function (a
    check may run at a remote store: control characters escaped as every store needs).
    Blank nodes cannot be constants of a query."""
    if isinstance(term, (URIRef, Literal)):
        try:
            return sparql_term(term, "a constant of a shape")
        except QueryError as exc:
            raise UnsupportedShape(str(exc)) from exc
    raise UnsupportedShape(f"a blank node ({term}) as a constant of a shape is not supported")


class _Headed(str):
    """A group pattern that brings its own SELECT clause (a SHACL-SPARQL constraint)."""

    head: str
    local: str

    def __new__(cls, head: str, body: str, local: str | None = None) -> _Headed:
        self = super().__new__(cls, body)
        self.head = head
        self.local = body if local is None else local
        return self


class _Local(str):
    """A group pattern with an equivalent form for the embedded store (:attr:`local`) that
    Oxigraph evaluates once for all focus nodes and joins by hash, instead of once per focus
    node: ``MINUS`` for "has no value", a sub-SELECT for "a value that fails". Both forms need
    ``?this`` bound by the focus nodes outside the pattern (true at the top of a check). The
    endpoint keeps the plain form (Virtuoso's quirks are known for it)."""

    local: str

    def __new__(cls, plain: str, local: str) -> _Local:
        self = super().__new__(cls, plain)
        self.local = local
        return self


def _simple_path(path: str) -> bool:
    """True for a path without closure or zero-length step (``*``, ``+``, ``?``; an IRI with
    one of these characters counts too): evaluated for every subject at once it costs about
    one pass over its predicates' statements, and it never matches a node to itself, so a
    focus node outside the graph fares the same either way."""
    return not any(mark in path for mark in "*+?")
