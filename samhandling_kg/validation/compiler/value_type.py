"""Value type constraint components (SHACL 4.1): sh:class, sh:datatype, sh:nodeKind.

sh:datatype checks the datatype as written and, for the XSD datatypes, that the lexical form
is well-formed (:mod:`.xsd`): ``"5"^^xsd:int`` conforms to xsd:int, ``"2020-13-45"^^xsd:date``
does not conform to xsd:date.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from samhandling_kg.validation.compiler.literals import VALUE_TYPES, datatype_of
from samhandling_kg.validation.compiler.shapes import Found, MalformedShape, name, shape_error
from samhandling_kg.validation.compiler.xsd import sparql_well_formed

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope


NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


def _class_node(shape: Node, value: Node) -> Node:
    if isinstance(value, Literal):
        raise shape_error(MalformedShape, shape, {
            "nb": "sh:class {cls} er ikke en klasse",
            "nn": "sh:class {cls} er ikkje ein klasse",
            "en": "sh:class {cls} is not a class"}, cls=name(value))
    if isinstance(value, BNode):
        from samhandling_kg.validation.compiler.shapes import UnsupportedShape

        raise shape_error(UnsupportedShape, shape, {
            "nb": "en blank node som sh:class støttes ikke",
            "nn": "ein blank node som sh:class er ikkje støtta",
            "en": "a blank node as sh:class is not supported"})
    return value


def class_test(compiler: Compiler, shape: Node, value: str, cls: Node) -> str:
    return compiler.instance_of(value, _class_node(shape, cls))


def class_(scope: Scope, cls: Node) -> Iterator[Found]:
    test = class_test(scope.compiler, scope.shape, scope.value, cls)
    yield Found(SH.ClassConstraintComponent,
                scope.valued(f"{scope.values} FILTER (!{test})"))


def datatype_test(compiler: Compiler, shape: Node, value: str, datatype: Node) -> str:
    if not isinstance(datatype, URIRef):
        raise shape_error(MalformedShape, shape, {
            "nb": "sh:datatype {datatype} er ikke en IRI",
            "nn": "sh:datatype {datatype} er ikkje ein IRI",
            "en": "sh:datatype {datatype} is not an IRI"}, datatype=name(datatype))
    if datatype == RDF.langString:
        return f'(isLiteral({value}) && LANG({value}) != "")'
    # Only a literal of a datatype the store reads by value may be kept in the private form.
    written = datatype_of(value) if str(datatype) in VALUE_TYPES else f"DATATYPE({value})"
    test = f"isLiteral({value}) && sameTerm({written}, <{datatype}>)"
    well_formed = sparql_well_formed(f"STR({value})", str(datatype))
    if well_formed is not None:
        test += f" && COALESCE({well_formed}, false)"
    return f"({test})"


def datatype(scope: Scope, dt: Node) -> Iterator[Found]:
    test = datatype_test(scope.compiler, scope.shape, scope.value, dt)
    yield Found(SH.DatatypeConstraintComponent, scope.valued(f"{scope.values} FILTER (!{test})"))


def node_kind_test(compiler: Compiler, shape: Node, value: str, kind: Node) -> str:
    if kind not in NODE_KINDS:
        raise shape_error(MalformedShape, shape, {
            "nb": "sh:nodeKind {kind} er ikke en av de seks nodetypene i SHACL",
            "nn": "sh:nodeKind {kind} er ikkje ein av dei seks nodetypane i SHACL",
            "en": "sh:nodeKind {kind} is not one of SHACL's six node kinds"}, kind=name(kind))
    return NODE_KINDS[kind].format(v=value)  # type: ignore[index]


def node_kind(scope: Scope, kind: Node) -> Iterator[Found]:
    test = node_kind_test(scope.compiler, scope.shape, scope.value, kind)
    yield Found(SH.NodeKindConstraintComponent, scope.valued(f"{scope.values} FILTER (!{test})"))
