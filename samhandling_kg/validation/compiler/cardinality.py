"""Cardinality constraint components (SHACL 4.2): sh:minCount, sh:maxCount. Their results
carry no value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.shapes import Found, Standalone

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Scope


MIN = SH.MinCountConstraintComponent
MAX = SH.MaxCountConstraintComponent


def min_count(scope: Scope, value: Node) -> Iterator[Found]:
    n = scope.shapes.integer(scope.shape, SH.minCount, value)
    path = scope.property_shape(SH.minCount)
    if n == 1 and scope.zero_start:
        return  # the focus node is a value of its own
    if n == 1:
        yield Found(MIN, scope.absent(f"{scope.focus} {path} {scope.fresh()}"), False)
    elif n > 1:
        yield Found(MIN, scope.compiler.count(scope.focus, path, f"< {n}",
                                              itself=scope.zero_start), False)


def max_count(scope: Scope, value: Node) -> Iterator[Found]:
    n = scope.shapes.integer(scope.shape, SH.maxCount, value)
    path = scope.property_shape(SH.maxCount)
    if scope.zero_start:  # the focus node is a value of its own, in the data or not
        yield Found(MAX, scope.compiler.count(scope.focus, path, f"> {n}", itself=True), False)
        return
    v = scope.fresh()
    grouped = (f"{{ SELECT {scope.focus} WHERE {{ {scope.focus} {path} {v} }} "
               f"GROUP BY {scope.focus} HAVING (COUNT(DISTINCT {v}) > {n}) }}")
    yield Found(MAX, Standalone(grouped) if scope.top and scope.focus == "?this" else grouped, False)
