"""Value range constraint components (SHACL 4.3): sh:minExclusive, sh:minInclusive,
sh:maxExclusive, sh:maxInclusive. A value that cannot be compared with the bound (an IRI, a
string against a number, an ill-formed literal) fails: the comparison's error is a failure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.namespace import SH
from rdflib.term import Node, URIRef

from samhandling_kg.validation.compiler.literals import sparql_term, value_of
from samhandling_kg.validation.compiler.shapes import Found, MalformedShape, name, shape_error

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope



def _bound(shape: Node, parameter: URIRef, bound: Node) -> str:
    if not isinstance(bound, Literal):
        raise shape_error(MalformedShape, shape, {
            "nb": "{param} {bound} er ikke en literal",
            "nn": "{param} {bound} er ikkje ein literal",
            "en": "{param} {bound} is not a literal"}, param=name(parameter), bound=name(bound))
    return sparql_term(bound)


def _family(parameter: URIRef, operator: str
            ) -> tuple[Callable[..., str], Callable[..., Iterator[Found]]]:
    local = parameter.split("#")[1]
    component = URIRef(f"{SH}{local[0].upper()}{local[1:]}ConstraintComponent")

    def test(compiler: Compiler, shape: Node, value: str, bound: Node) -> str:
        constant = _bound(shape, parameter, bound)
        return (f"COALESCE(isLiteral({value}) && {value_of(value)} {operator} "
                f"{value_of(constant)}, false)")

    def compile_(scope: Scope, bound: Node) -> Iterator[Found]:
        yield Found(component, scope.valued(
            f"{scope.values} FILTER (!{test(scope.compiler, scope.shape, scope.value, bound)})"))

    return test, compile_


min_exclusive_test, min_exclusive = _family(SH.minExclusive, ">")
min_inclusive_test, min_inclusive = _family(SH.minInclusive, ">=")
max_exclusive_test, max_exclusive = _family(SH.maxExclusive, "<")
max_inclusive_test, max_inclusive = _family(SH.maxInclusive, "<=")
