"""Other constraint components (SHACL 4.8): sh:closed (with sh:ignoredProperties),
sh:hasValue, sh:in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.literals import sparql_term
from samhandling_kg.validation.compiler.shapes import Found, Headed, Local, MalformedShape, name

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope




def closed(scope: Scope, flag: Node) -> Iterator[Found]:
    """Each statement of a value node whose predicate is neither the path of one of the
    shape's property shapes nor ignored: its predicate is the result path, its object the
    value."""
    shapes = scope.shapes
    if not shapes.boolean(scope.shape, SH.closed, flag):
        return
    allowed: list[Node] = []
    for child in scope.g.objects(scope.shape, SH.property):
        path = shapes.one(child, SH.path)
        if isinstance(path, URIRef):
            allowed.append(path)
    ignored = shapes.one(scope.shape, SH.ignoredProperties)
    if ignored is not None:
        for item in shapes.members(scope.shape, SH.ignoredProperties, ignored):
            allowed.append(shapes.iri(scope.shape, SH.ignoredProperties, item))
    node = scope.focus
    reach = ""
    if scope.path is not None:
        node = scope.fresh("n")
        reach = f"{scope.focus} {scope.path} {node} . "
    outside = (f"FILTER (?path NOT IN ({', '.join(sparql_term(p) for p in sorted(set(allowed), key=str))}))"
               if allowed else "")
    yield Found(SH.ClosedConstraintComponent,
                Headed("SELECT DISTINCT ?this ?value ?path",
                       f"{reach}{node} ?path {scope.value} . {outside}"))


def has_value_test(compiler: Compiler, shape: Node, value: str, wanted: Node) -> str:
    return f"sameTerm({value}, {sparql_term(wanted)})"


def has_value(scope: Scope, wanted: Node) -> Iterator[Found]:
    if scope.path is None:
        yield Found(SH.HasValueConstraintComponent,
                    f"FILTER (!sameTerm({scope.focus}, {sparql_term(wanted)}))", False)
        return
    plain = f"FILTER (!{scope.compiler.reaches(scope.focus, scope.path_node, sparql_term(wanted), scope.shape)})"  # type: ignore[arg-type]
    yield Found(SH.HasValueConstraintComponent,
                Local(plain, f"MINUS {{ {scope.focus} {scope.path} {sparql_term(wanted)} }}")
                if scope.hashable else plain, False)


def in_test(compiler: Compiler, shape: Node, value: str, members: Node) -> str:
    items = compiler.shapes.members(shape, SH["in"], members)
    return "(" + (" || ".join(f"sameTerm({value}, {sparql_term(i)})" for i in items) or "false") + ")"


def in_(scope: Scope, members: Node) -> Iterator[Found]:
    test = in_test(scope.compiler, scope.shape, scope.value, members)
    yield Found(SH.InConstraintComponent, scope.valued(f"{scope.values} FILTER (!{test})"))


__all__ = ["MalformedShape", "name"]
