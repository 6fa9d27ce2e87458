"""The compiler (samhandling_kg/validation/compiler/): one registry of constraint components,
parameters checked when the shapes are read, refusals that name the component and the shape,
and pre-binding read right. What the compiled checks find is held to the W3C suite
(test_w3c_suite.py) and to pySHACL (test_parity_general.py)."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from samhandling_kg.validation.compiler.base import MalformedShape, UnsupportedShape, compile_shapes
from samhandling_kg.validation.compiler.registry import COMPANIONS, COMPONENTS
from samhandling_kg.validation.compiler.sparql import needs_lateral

#: Every constraint component of SHACL Core and SHACL-SPARQL (SHACL 4 and 5), by parameter.
CORE_PARAMETERS = {
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
    "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
    "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in", "sparql",
}

SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
ex:P sh:path ex:p ; {constraint} .
"""


def compile_text(constraint: str) -> tuple[object, ...]:
    return compile_shapes(Graph().parse(data=SHAPE.replace("{constraint}", constraint),
                                        format="turtle"))


def test_one_registry_covers_every_component() -> None:
    names = {str(p).split("#")[1] for p in COMPONENTS}
    assert names == CORE_PARAMETERS
    assert {str(p).split("#")[1] for p in COMPANIONS} == {
        "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
        "ignoredProperties"}
    for component in COMPONENTS.values():
        assert str(component.iri).startswith(str(SH)) and str(component.iri).endswith("ConstraintComponent")


@pytest.mark.parametrize("constraint", [
    "sh:minCount 2", "sh:maxCount 0", "sh:class ex:D", "sh:datatype xsd:int",
    "sh:nodeKind sh:IRI", "sh:minExclusive 1", "sh:maxInclusive 5", "sh:minLength 1",
    "sh:maxLength 3", 'sh:pattern "^a" ; sh:flags "i"', 'sh:languageIn ( "en" )',
    "sh:uniqueLang true", "sh:equals ex:q", "sh:disjoint ex:q", "sh:lessThan ex:q",
    "sh:lessThanOrEquals ex:q", "sh:not [ sh:class ex:D ]", "sh:and ( [ sh:class ex:D ] )",
    "sh:or ( [ sh:class ex:D ] [ sh:datatype xsd:string ] )",
    "sh:xone ( [ sh:class ex:D ] )", "sh:node [ sh:closed true ]",
    "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; "
    "sh:qualifiedValueShapesDisjoint true", "sh:hasValue ex:a", "sh:in ( ex:a 1 )",
    "sh:property [ sh:path ex:q ; sh:minCount 1 ]",
])
def test_every_component_compiles(constraint: str) -> None:
    assert compile_text(constraint)


@pytest.mark.parametrize(("constraint", "named"), [
    ('sh:minCount "x"', "sh:minCount"),
    ("sh:minCount -1", "sh:minCount"),
    ("sh:maxLength 1.5", "sh:maxLength"),
    ('sh:nodeKind sh:Thing', "sh:nodeKind"),
    ('sh:uniqueLang "yes"', "sh:uniqueLang"),
    ("sh:in ex:notAList", "sh:in"),
    ("sh:pattern ex:notAString", "sh:pattern"),
    ('sh:datatype "xsd:string"', "sh:datatype"),
    ('sh:equals "p"', "sh:equals"),
])
def test_malformed_parameters_are_named(constraint: str, named: str) -> None:
    with pytest.raises(MalformedShape, match=named) as raised:
        compile_text(constraint)
    assert "https://example.org/P" in str(raised.value)


@pytest.mark.parametrize(("constraint", "named"), [
    ('sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://x/> { $this ?p ?o } }" ]',
     "SERVICE"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ]', "MINUS"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }" ]', "VALUES"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o { SELECT ?o WHERE { ?s ?p ?o } } }" ]',
     "subquery"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { BIND (1 AS $this) }" ]', "pre-bound"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }" ]',
     "$shapesGraph"),
    ("sh:someFutureThing 1", "someFutureThing"),
    ("sh:node ex:P", "recursive"),
])
def test_unsupported_is_refused_by_name(constraint: str, named: str) -> None:
    with pytest.raises(UnsupportedShape, match=named.replace("$", r"\$")):
        compile_text(constraint)


@pytest.mark.parametrize(("body", "lateral"), [
    ("$this ex:p ?value .", False),
    ("$this ex:p ?value . FILTER NOT EXISTS { $this ex:q ?value }", False),
    ("{ $this ex:p ?value } UNION { $this ex:q ?value }", False),
    ("{ FILTER (false) } UNION { FILTER ($this = ex:a) }", True),
    ("{ { FILTER ($this = ex:a) } FILTER bound($this) } FILTER (true)", True),
    ("{ FILTER (bound($this)) } $this ex:p 1 .", True),
    ("{ SELECT $this WHERE { FILTER ($this = ex:a) } }", True),
    ('$this ex:p "{ $this }" .', False),
])
def test_pre_binding_is_read_from_the_groups(body: str, lateral: bool) -> None:
    assert needs_lateral(body) is lateral


def test_lateral_checks_are_local_only() -> None:
    (check,) = [c for c in compile_text(
        'sh:sparql [ sh:select "SELECT $this WHERE { { FILTER ($this = <https://example.org/a>) } }" ]')
        if c.component == SH.SPARQLConstraintComponent]
    assert check.local_only and "LATERAL" in check.cached_query
