"""The one map from constraint parameter to constraint component and its compile function.

Each family of SHACL's constraint components (SHACL 4.1–4.8, and SHACL-SPARQL) has its module;
each component one compile function there. :data:`COMPONENTS` selects them by the parameter
that activates them; a shape's other parameters are companions read with them
(:data:`COMPANIONS`), or carry no constraint (:data:`NOT_CONSTRAINTS`). Any other parameter
of the SHACL namespace is refused by name: never a silent pass. Parameters outside it belong
to SHACL-SPARQL constraint components declared in the shapes graph
(:mod:`.sparql`), or to nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from samhandling_kg.validation.compiler import (
    cardinality,
    logical,
    other,
    property_pair,
    shape_based,
    sparql,
    string,
    value_range,
    value_type,
)
from samhandling_kg.validation.compiler.shapes import Found, UnsupportedShape, name, shape_error

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope


Compile = Callable[["Scope", Node], Iterator[Found]]
#: A flat test "the node in VALUE conforms" for a node shape's constraint, or None.
Test = Callable[["Compiler", Node, str, Node], str]


@dataclass(frozen=True)
class Component:
    """A constraint component: its IRI, the function that compiles it, and (where the
    component allows one) the flat boolean test used inside sh:node, sh:or and the like."""

    iri: URIRef
    compile: Compile
    test: Test | None = None


def _c(local: str, compile: Compile, test: Test | None = None) -> Component:
    return Component(SH[f"{local}ConstraintComponent"], compile, test)


#: Parameter → component, by family.
COMPONENTS: dict[URIRef, Component] = {
    # cardinality (4.2)
    SH.minCount: _c("MinCount", cardinality.min_count),
    SH.maxCount: _c("MaxCount", cardinality.max_count),
    # value type (4.1)
    SH["class"]: _c("Class", value_type.class_, value_type.class_test),
    SH.datatype: _c("Datatype", value_type.datatype, value_type.datatype_test),
    SH.nodeKind: _c("NodeKind", value_type.node_kind, value_type.node_kind_test),
    # value range (4.3)
    SH.minExclusive: _c("MinExclusive", value_range.min_exclusive, value_range.min_exclusive_test),
    SH.minInclusive: _c("MinInclusive", value_range.min_inclusive, value_range.min_inclusive_test),
    SH.maxExclusive: _c("MaxExclusive", value_range.max_exclusive, value_range.max_exclusive_test),
    SH.maxInclusive: _c("MaxInclusive", value_range.max_inclusive, value_range.max_inclusive_test),
    # string based (4.4)
    SH.minLength: _c("MinLength", string.min_length, string.min_length_test),
    SH.maxLength: _c("MaxLength", string.max_length, string.max_length_test),
    SH.pattern: _c("Pattern", string.pattern, string.pattern_test),
    SH.languageIn: _c("LanguageIn", string.language_in, string.language_in_test),
    SH.uniqueLang: _c("UniqueLang", string.unique_lang),
    # property pair (4.5)
    SH.equals: _c("Equals", property_pair.equals),
    SH.disjoint: _c("Disjoint", property_pair.disjoint),
    SH.lessThan: _c("LessThan", property_pair.less_than),
    SH.lessThanOrEquals: _c("LessThanOrEquals", property_pair.less_than_or_equals),
    # logical (4.6)
    SH["not"]: _c("Not", logical.not_, logical.not_test),
    SH["and"]: _c("And", logical.and_, logical.and_test),
    SH["or"]: _c("Or", logical.or_, logical.or_test),
    SH.xone: _c("Xone", logical.xone, logical.xone_test),
    # shape based (4.7)
    SH.node: _c("Node", shape_based.node, shape_based.node_test),
    # (two components, sh:QualifiedMinCount… and sh:QualifiedMaxCount…, one parameter)
    SH.qualifiedValueShape: _c("QualifiedMinCount", shape_based.qualified_value_shape),
    # other (4.8)
    SH.closed: _c("Closed", other.closed),
    SH.hasValue: _c("HasValue", other.has_value, other.has_value_test),
    SH["in"]: _c("In", other.in_, other.in_test),
    # SHACL-SPARQL (5)
    SH.sparql: _c("SPARQL", sparql.constraint),
}

#: Parameters read with a component above.
COMPANIONS = {SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
              SH.qualifiedValueShapesDisjoint, SH.ignoredProperties}
#: Parameters (and other predicates of the SHACL namespace) that carry no constraint.
NOT_CONSTRAINTS = {
    RDF.type, SH.path, SH.property, SH.severity, SH.message, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.declare, SH.prefixes,
    SH.shapesGraph, SH.suggestedShapesGraph, SH.select, SH.ask, SH.entailment, SH.rule, SH.condition,
    RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, RDFS.subClassOf,
}


def components_of(compiler: Compiler, shape: Node) -> list[tuple[Component, Node]]:
    """The constraint components ``shape`` activates, each with its parameter's value, in a
    fixed order; refuses a SHACL parameter it does not know."""
    found: list[tuple[Component, Node]] = []
    for predicate, value in sorted(compiler.g.predicate_objects(shape), key=lambda pv: (str(pv[0]), str(pv[1]))):
        component = COMPONENTS.get(predicate)  # type: ignore[call-overload]
        if component is not None:
            found.append((component, value))
        elif predicate in COMPANIONS or predicate in NOT_CONSTRAINTS:
            continue
        elif str(predicate).startswith(str(SH)):
            raise shape_error(UnsupportedShape, shape, {
                "nb": "SHACL-parameteren {param} støttes ikke av den kompilerte motoren; bruk --engine pyshacl",
                "nn": "SHACL-parameteren {param} er ikkje støtta av den kompilerte motoren; bruk --engine pyshacl",
                "en": "the SHACL parameter {param} is not supported by the compiled engine; use --engine pyshacl"}, param=name(predicate))
    for custom, value in sparql.custom_components(compiler, shape):
        found.append((Component(custom.iri, custom.compile), value))
    return found
