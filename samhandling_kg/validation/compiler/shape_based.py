"""Shape-based constraint components (SHACL 4.7): sh:node, sh:qualifiedValueShape (with
sh:qualifiedMinCount, sh:qualifiedMaxCount, sh:qualifiedValueShapesDisjoint). sh:property is
structural: the compiler gives each property shape its own checks, with the values of the
holding shape's path as focus nodes (:func:`.base.compile_shapes`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.shapes import Found

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope



def node_test(compiler: Compiler, shape: Node, value: str, other: Node) -> str:
    return compiler.conforms(other, value)


def node(scope: Scope, other: Node) -> Iterator[Found]:
    test = node_test(scope.compiler, scope.shape, scope.value, other)
    yield Found(SH.NodeConstraintComponent, scope.valued(f"{scope.values} FILTER (!{test})"))


def _siblings(compiler: Compiler, shape: Node, qualified: Node) -> list[Node]:
    """The qualified value shapes of the shape's siblings (the other property shapes of the
    shapes holding it), for sh:qualifiedValueShapesDisjoint."""
    found: list[Node] = []
    for parent in compiler.g.subjects(SH.property, shape):
        for sibling in compiler.g.objects(parent, SH.property):
            if sibling == shape:
                continue
            for other in compiler.g.objects(sibling, SH.qualifiedValueShape):
                if other != qualified and other not in found:
                    found.append(other)
    return sorted(found, key=str)


def qualified_value_shape(scope: Scope, qualified: Node) -> Iterator[Found]:
    compiler, shape, focus = scope.compiler, scope.shape, scope.focus
    path = scope.property_shape(SH.qualifiedValueShape)
    shapes = compiler.shapes
    v = scope.fresh()
    test = compiler.conforms(qualified, v)
    disjoint = shapes.one(shape, SH.qualifiedValueShapesDisjoint)
    if disjoint is not None and shapes.boolean(shape, SH.qualifiedValueShapesDisjoint, disjoint):
        for other in _siblings(compiler, shape, qualified):
            test = f"({test} && !{compiler.conforms(other, v)})"
    minimum = shapes.one(shape, SH.qualifiedMinCount)
    if minimum is not None:
        n = shapes.integer(shape, SH.qualifiedMinCount, minimum)
        if n == 1:
            yield Found(SH.QualifiedMinCountConstraintComponent,
                        scope.absent(f"{focus} {path} {v} FILTER ({test})"), False)
        elif n > 1:
            yield Found(SH.QualifiedMinCountConstraintComponent,
                        compiler.count(focus, path, f"< {n}", v=v, condition=test), False)
    maximum = shapes.one(shape, SH.qualifiedMaxCount)
    if maximum is not None:
        n = shapes.integer(shape, SH.qualifiedMaxCount, maximum)
        yield Found(SH.QualifiedMaxCountConstraintComponent,
                    compiler.count(focus, path, f"> {n}", v=v, condition=test, zero=False), False)
