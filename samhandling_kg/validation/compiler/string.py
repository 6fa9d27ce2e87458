"""String-based constraint components (SHACL 4.4): sh:minLength, sh:maxLength, sh:pattern
(with sh:flags), sh:languageIn, sh:uniqueLang. Lengths and patterns read the lexical form as
written (``STR`` of a literal kept in its private form is the data's text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.namespace import SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.literals import sparql_term
from samhandling_kg.validation.compiler.shapes import Found, Local, MalformedShape, Standalone, name

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope




def _length(compiler: Compiler, shape: Node, value: str, bound: Node, parameter: Node,
            operator: str) -> str:
    n = compiler.shapes.integer(shape, parameter, bound)  # type: ignore[arg-type]
    return f"(!isBlank({value}) && STRLEN(STR({value})) {operator} {n})"


def min_length_test(compiler: Compiler, shape: Node, value: str, bound: Node) -> str:
    return _length(compiler, shape, value, bound, SH.minLength, ">=")


def max_length_test(compiler: Compiler, shape: Node, value: str, bound: Node) -> str:
    return _length(compiler, shape, value, bound, SH.maxLength, "<=")


def min_length(scope: Scope, bound: Node) -> Iterator[Found]:
    yield Found(SH.MinLengthConstraintComponent,
                scope.failing(min_length_test(scope.compiler, scope.shape, scope.value, bound)))


def max_length(scope: Scope, bound: Node) -> Iterator[Found]:
    yield Found(SH.MaxLengthConstraintComponent,
                scope.failing(max_length_test(scope.compiler, scope.shape, scope.value, bound)))


def pattern_test(compiler: Compiler, shape: Node, value: str, pattern: Node) -> str:
    text = compiler.shapes.string(shape, SH.pattern, pattern)
    args = sparql_term(Literal(text))
    flags = compiler.shapes.one(shape, SH.flags)
    if flags is not None:
        args += ", " + sparql_term(Literal(compiler.shapes.string(shape, SH.flags, flags)))
    return f"(!isBlank({value}) && REGEX(STR({value}), {args}))"


def pattern(scope: Scope, value: Node) -> Iterator[Found]:
    yield Found(SH.PatternConstraintComponent,
                scope.failing(pattern_test(scope.compiler, scope.shape, scope.value, value)))


def language_in_test(compiler: Compiler, shape: Node, value: str, languages: Node) -> str:
    ranges = []
    for item in compiler.shapes.members(shape, SH.languageIn, languages):
        ranges.append(compiler.shapes.string(shape, SH.languageIn, item))
    matches = " || ".join(f"langMatches(LANG({value}), {sparql_term(Literal(r))})"
                          for r in ranges) or "false"
    return f"(isLiteral({value}) && ({matches}))"


def language_in(scope: Scope, languages: Node) -> Iterator[Found]:
    yield Found(SH.LanguageInConstraintComponent,
                scope.failing(language_in_test(scope.compiler, scope.shape, scope.value, languages)))


def unique_lang(scope: Scope, unique: Node) -> Iterator[Found]:
    if not scope.shapes.boolean(scope.shape, SH.uniqueLang, unique):
        return
    path = scope.property_shape(SH.uniqueLang)
    focus = scope.focus
    a, b, lang = scope.fresh(), scope.fresh(), scope.fresh("lang")
    plain = (
        f"{{ SELECT DISTINCT {focus} {lang} WHERE {{ {focus} {path} {a} . {focus} {path} {b} . "
        f"FILTER (isLiteral({a}) && isLiteral({b}) && !sameTerm({a}, {b}) "
        f"&& LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b}))) "
        f"BIND (LCASE(LANG({a})) AS {lang}) }} }}")
    # The same as one grouping (two different literals sharing a language) instead of a
    # self-join of every focus node's values.
    grouped = (
        f"{{ SELECT {focus} {lang} WHERE {{ {focus} {path} {a} . "
        f"FILTER (isLiteral({a}) && LANG({a}) != \"\") BIND (LCASE(LANG({a})) AS {lang}) }} "
        f"GROUP BY {focus} {lang} HAVING (COUNT(DISTINCT {a}) > 1) }}")
    yield Found(SH.UniqueLangConstraintComponent,
                Local(plain, Standalone(grouped) if focus == "?this" else grouped)
                if scope.hashable else plain, False, distinct_by=lang)


__all__ = ["MalformedShape", "name"]
