"""Property pair constraint components (SHACL 4.5): sh:equals, sh:disjoint, sh:lessThan,
sh:lessThanOrEquals. The other property's values are those of the focus node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.literals import value_of
from samhandling_kg.validation.compiler.shapes import Found

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Scope



def equals(scope: Scope, other: Node) -> Iterator[Found]:
    """Each value that is not a value of the other property, and each value of the other
    property that is not a value."""
    p = f"<{scope.shapes.iri(scope.shape, SH.equals, other)}>"
    focus, value = scope.focus, scope.value
    if scope.path is None:
        mine = f"BIND ({focus} AS {value}) FILTER NOT EXISTS {{ {focus} {p} {focus} }}"
        theirs = f"{focus} {p} {value} FILTER (!sameTerm({value}, {focus}))"
    else:
        mine = f"{scope.values} FILTER NOT EXISTS {{ {focus} {p} {value} }}"
        theirs = (f"{focus} {p} {value} "
                  f"FILTER (!{scope.compiler.reaches(focus, scope.path_node, value, scope.shape)})")  # type: ignore[arg-type]
    # Two checks of the one component (no UNION: a nested group would not see ?this).
    yield Found(SH.EqualsConstraintComponent, mine)
    yield Found(SH.EqualsConstraintComponent, theirs)


def disjoint(scope: Scope, other: Node) -> Iterator[Found]:
    p = f"<{scope.shapes.iri(scope.shape, SH.disjoint, other)}>"
    yield Found(SH.DisjointConstraintComponent, scope.valued(
        f"{scope.values} FILTER EXISTS {{ {scope.focus} {p} {scope.value} }}"))


def _compare(scope: Scope, other: Node, parameter: Node, operator: str, component: Node
             ) -> Iterator[Found]:
    p = f"<{scope.shapes.iri(scope.shape, parameter, other)}>"  # type: ignore[arg-type]
    scope.property_shape(parameter)  # type: ignore[arg-type]
    o = scope.fresh("o")
    # One result per pair of a value and a value of the other property that fail.
    test = f"COALESCE({value_of(scope.value)} {operator} {value_of(o)}, false)"
    yield Found(component, f"{scope.values} {scope.focus} {p} {o} . FILTER (!{test})",  # type: ignore[arg-type]
                distinct_by=o)


def less_than(scope: Scope, other: Node) -> Iterator[Found]:
    yield from _compare(scope, other, SH.lessThan, "<", SH.LessThanConstraintComponent)


def less_than_or_equals(scope: Scope, other: Node) -> Iterator[Found]:
    yield from _compare(scope, other, SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent)
