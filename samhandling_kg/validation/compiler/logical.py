"""Logical constraint components (SHACL 4.6): sh:not, sh:and, sh:or, sh:xone; each value
node tested against the shapes named, as one boolean expression."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.shapes import Found

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope



def not_test(compiler: Compiler, shape: Node, value: str, other: Node) -> str:
    return f"!{compiler.conforms(other, value)}"


def _members(compiler: Compiler, shape: Node, parameter: Node, members: Node) -> list[Node]:
    return compiler.shapes.members(shape, parameter, members)  # type: ignore[arg-type]


def and_test(compiler: Compiler, shape: Node, value: str, members: Node) -> str:
    tests = [compiler.conforms(m, value) for m in _members(compiler, shape, SH["and"], members)]
    return "(" + (" && ".join(tests) or "true") + ")"


def or_test(compiler: Compiler, shape: Node, value: str, members: Node) -> str:
    tests = [compiler.conforms(m, value) for m in _members(compiler, shape, SH["or"], members)]
    return "(" + (" || ".join(tests) or "false") + ")"


def xone_test(compiler: Compiler, shape: Node, value: str, members: Node) -> str:
    tests = [f"IF({compiler.conforms(m, value)}, 1, 0)"
             for m in _members(compiler, shape, SH.xone, members)]
    return f"(({' + '.join(tests) or '0'}) = 1)"


def _compile(component: URIRef, test_of: Callable[[Compiler, Node, str, Node], str]
             ) -> Callable[[Scope, Node], Iterator[Found]]:
    def compile_(scope: Scope, parameter_value: Node) -> Iterator[Found]:
        test = test_of(scope.compiler, scope.shape, scope.value, parameter_value)
        yield Found(component, scope.valued(f"{scope.values} FILTER (!{test})"))
    return compile_


not_ = _compile(SH.NotConstraintComponent, not_test)
and_ = _compile(SH.AndConstraintComponent, and_test)
or_ = _compile(SH.OrConstraintComponent, or_test)
xone = _compile(SH.XoneConstraintComponent, xone_test)
