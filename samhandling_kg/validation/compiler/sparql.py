"""SHACL-SPARQL (SHACL 5 and 6): sh:sparql constraints, SPARQL-based constraint components
(``sh:ConstraintComponent`` with ``sh:parameter`` and a validator), and SPARQL-based targets.

Pre-binding (SHACL 5.2.1): ``$this`` is bound before the query runs. Where every group that
mentions ``$this`` binds it by a triple pattern of its own (or is an EXISTS group, which
SPARQL evaluates with the current bindings), joining the focus nodes into the query is the
same as pre-binding, and runs as one pass over the data. Anywhere else (``$this`` only in a
filter of a nested group, in a UNION branch without a triple, in a subquery) the query runs
under Oxigraph's ``LATERAL``, once per focus node with ``$this`` substituted (SEP-0006/0007):
local only, refused at an endpoint. ASK validators run as ``FILTER NOT EXISTS``, which
substitutes ``$this`` and ``$value`` everywhere in the group.

Refused, as SHACL 5.2.1 requires: ``MINUS``, ``VALUES``, ``SERVICE`` (and ``FROM``/``GRAPH``,
which would reach outside the data), a subquery that does not project ``$this``, and binding
a pre-bound variable (``AS $this``). ``$shapesGraph`` is refused (the shapes are not a graph
the queries can read); ``$currentShape`` is the shape's IRI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from samhandling_kg.core.errors import localised
from samhandling_kg.validation.compiler.literals import sparql_term
from samhandling_kg.validation.compiler.shapes import (
    Found,
    Headed,
    MalformedShape,
    Standalone,
    UnsupportedShape,
    name,
    shape_error,
)

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope



LATERAL_REASON = ("a SHACL-SPARQL constraint that needs $this pre-bound inside a nested group "
                  "or subquery (Oxigraph's LATERAL; no SPARQL 1.1 endpoint has it)")
#: :data:`LATERAL_REASON` in nb, nn and en.
LATERAL_REASONS = {
    "nb": "en SHACL-SPARQL-begrensning som trenger $this forhåndsbundet inne i en nøstet gruppe eller "
          "underspørring (Oxigraphs LATERAL; ingen SPARQL 1.1-endepunkter har det)",
    "nn": "ei SHACL-SPARQL-avgrensing som treng $this førehandsbunden inne i ei nøsta gruppe eller "
          "underspørjing (LATERAL i Oxigraph; ingen SPARQL 1.1-endepunkt har det)",
    "en": LATERAL_REASON}
_UNREADABLE_SELECT = {"nb": "SELECT-delen av SPARQL-spørringen kan ikke leses",
                      "nn": "SELECT-delen av SPARQL-spørjinga kan ikkje lesast",
                      "en": "cannot read the SELECT of its SPARQL query"}
_OWN_PREFIXES = {"nb": "en SPARQL-spørring deklarerer egne prefikser; bruk sh:prefixes",
                 "nn": "ei SPARQL-spørjing deklarerer eigne prefiks; bruk sh:prefixes",
                 "en": "a SPARQL query declares its own prefixes; use sh:prefixes"}
_SHAPES_GRAPH = {"nb": "$shapesGraph støttes ikke av den kompilerte motoren (SHACL-formene er ingen graf "
                       "spørringene leser)",
                 "nn": "$shapesGraph er ikkje støtta av den kompilerte motoren (SHACL-formene er ingen graf "
                       "spørjingane les)",
                 "en": "$shapesGraph is not supported by the compiled engine (the shapes are no graph its "
                       "queries read)"}


def _is_iri_node(value: Node) -> bool:
    return isinstance(value, URIRef)


# --- reading a query ---------------------------------------------------------------------


_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                      r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
                      r'|<[^<>"{}|^`\\\x00-\x20]*>' r"|#[^\n]*")


def code(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length), so braces and
    keywords inside them are not mistaken for syntax."""
    return _STRINGS.sub(lambda m: " " * len(m.group()) if m.group().startswith("#")
                        else m.group()[0] + "_" * (len(m.group()) - 2) + m.group()[-1], text)


def replace_variable(text: str, variable: str, replacement: str) -> str:
    """Every ``?variable``/``$variable`` of the query ``text`` (not in strings or IRIs)
    replaced by ``replacement``."""
    blanked = code(text)
    out, last = [], 0
    for match in re.finditer(rf"[?$]{re.escape(variable)}\b", blanked):
        out.append(text[last:match.start()])
        out.append(replacement)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def uses(text: str, variable: str) -> bool:
    return re.search(rf"[?$]{re.escape(variable)}\b", code(text)) is not None


def _projection(text: str, shape: Node) -> dict[str, str]:
    """Variable name → how the SELECT projects it (``?v`` or ``(expression AS ?v)``)."""
    found: dict[str, str] = {}
    blanked = code(text)
    position = 0
    while position < len(blanked):
        if blanked[position].isspace():
            position += 1
            continue
        if blanked[position] == "(":
            depth = 0
            for end in range(position, len(blanked)):
                depth += {"(": 1, ")": -1}.get(blanked[end], 0)
                if depth == 0:
                    break
            item = text[position:end + 1]
            alias = re.search(r"\bAS\s+[?$](\w+)\s*\)\s*$", code(item), re.IGNORECASE)
            if not alias:
                raise shape_error(MalformedShape, shape, {
                    "nb": "kan ikke lese «{item}» i en SELECT",
                    "nn": "kan ikkje lese «{item}» i ein SELECT",
                    "en": "cannot read {item_repr} in a SELECT"}, item=item, item_repr=repr(item))
            found[alias.group(1)] = item
            position = end + 1
            continue
        match = re.compile(r"[?$](\w+)").match(blanked, position)
        if not match:
            raise shape_error(MalformedShape, shape, _UNREADABLE_SELECT)
        found[match.group(1)] = "?" + match.group(1)
        position = match.end()
    return found


def split_select(text: str, shape: Node) -> tuple[dict[str, str], str, bool]:
    """The projected variable names, the body of the WHERE group and whether the SELECT is
    DISTINCT, of a SHACL-SPARQL ``sh:select``."""
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise shape_error(UnsupportedShape, shape, _OWN_PREFIXES)
    head = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*(WHERE\s*)?\{", blanked,
                    re.IGNORECASE | re.DOTALL)
    if not head:
        raise shape_error(MalformedShape, shape, _UNREADABLE_SELECT)
    projected = text[head.start(2):head.end(2)]
    if "*" in head.group(2):
        raise shape_error(UnsupportedShape, shape, {
            "nb": "en SPARQL-begrensning må navngi det den projiserer ($this ?value ?path), ikke *",
            "nn": "ei SPARQL-avgrensing må namngje det ho projiserer ($this ?value ?path), ikkje *",
            "en": "a SPARQL constraint must name what it projects ($this ?value ?path), not *"})
    projection = _projection(projected, shape)
    start = head.end() - 1
    depth = 0
    for index in range(start, len(blanked)):
        if blanked[index] == "{":
            depth += 1
        elif blanked[index] == "}":
            depth -= 1
            if depth == 0:
                if blanked[index + 1:].strip():
                    raise shape_error(UnsupportedShape, shape, {
                        "nb": "løsningsmodifikatorer etter WHERE-gruppen i en SPARQL-begrensning støttes ikke",
                        "nn": "løysingsmodifikatorar etter WHERE-gruppa i ei SPARQL-avgrensing er ikkje støtta",
                        "en": "solution modifiers after the WHERE group of a SPARQL constraint are not supported"})
                distinct = bool(head.group(1)) and head.group(1).strip().upper() == "DISTINCT"
                return projection, text[start + 1:index], distinct
    raise shape_error(MalformedShape, shape, {
        "nb": "krøllparentesene i SPARQL-spørringen er ikke balansert",
        "nn": "krøllparentesane i SPARQL-spørjinga er ikkje balanserte",
        "en": "unbalanced braces in its SPARQL query"})


def ask_body(text: str, shape: Node) -> str:
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise shape_error(UnsupportedShape, shape, _OWN_PREFIXES)
    head = re.match(r"\s*ASK\s*(WHERE\s*)?\{", blanked, re.IGNORECASE)
    end = blanked.rfind("}")
    if not head or end < head.end():
        raise shape_error(MalformedShape, shape, {
            "nb": "ASK-delen av SPARQL-validatoren kan ikke leses",
            "nn": "ASK-delen av SPARQL-validatoren kan ikkje lesast",
            "en": "cannot read the ASK of its SPARQL validator"})
    return text[head.end():end]


def check_prebinding(body: str, shape: Node, prebound: tuple[str, ...]) -> None:
    """Refuse what SHACL 5.2.1 does not allow with pre-bound variables."""
    blanked = code(body)
    if uses(body, "shapesGraph"):
        raise shape_error(UnsupportedShape, shape, _SHAPES_GRAPH)
    for keyword in ("MINUS", "VALUES", "SERVICE", "FROM", "GRAPH"):
        if re.search(rf"\b{keyword}\b", blanked, re.IGNORECASE):
            raise shape_error(UnsupportedShape, shape, {
                "nb": "{keyword} er ikke tillatt i en SHACL-SPARQL-spørring (SHACL 5.2.1)",
                "nn": "{keyword} er ikkje tillate i ei SHACL-SPARQL-spørjing (SHACL 5.2.1)",
                "en": "{keyword} is not allowed in a SHACL-SPARQL query (SHACL 5.2.1)"}, keyword=keyword)
    for variable in prebound:
        if re.search(rf"\bAS\s+[?$]{variable}\b", blanked, re.IGNORECASE):
            raise shape_error(UnsupportedShape, shape, {
                "nb": "en SHACL-SPARQL-spørring kan ikke binde den forhåndsbundne variabelen ${variable} (SHACL 5.2.1)",
                "nn": "ei SHACL-SPARQL-spørjing kan ikkje binde den førehandsbundne variabelen ${variable} (SHACL 5.2.1)",
                "en": "a SHACL-SPARQL query may not bind the pre-bound variable ${variable} (SHACL 5.2.1)"}, variable=variable)
    for sub in _subqueries(body):
        projection = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*(WHERE\s*)?\{",
                              code(sub), re.IGNORECASE | re.DOTALL)
        projected = projection.group(2) if projection else ""
        for variable in prebound:
            if not re.search(rf"[?$]{variable}\b", projected):
                raise shape_error(UnsupportedShape, shape, {
                    "nb": "en underspørring i en SHACL-SPARQL-spørring må projisere den forhåndsbundne variabelen ${variable} (SHACL 5.2.1)",
                    "nn": "ei underspørjing i ei SHACL-SPARQL-spørjing må projisere den førehandsbundne variabelen ${variable} (SHACL 5.2.1)",
                    "en": "a subquery of a SHACL-SPARQL query must project the pre-bound variable ${variable} (SHACL 5.2.1)"}, variable=variable)
    if uses(body, "shapesGraph"):
        raise shape_error(UnsupportedShape, shape, _SHAPES_GRAPH)


_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)


def _subqueries(body: str) -> list[str]:
    """The text of each sub-SELECT in ``body`` (outermost ones), from SELECT to its group's
    end."""
    blanked = code(body)
    found: list[str] = []
    position = 0
    while True:
        match = _SELECT.search(blanked, position)
        if match is None:
            return found
        start = blanked.find("{", match.end())
        if start < 0:
            found.append(body[match.start():])
            return found
        depth, index = 0, start
        for index in range(start, len(blanked)):
            depth += {"{": 1, "}": -1}.get(blanked[index], 0)
            if depth == 0:
                break
        found.append(body[match.start():index + 1])
        position = index + 1


_CALLS = re.compile(r"\b(FILTER|BIND)\s*\(", re.IGNORECASE)


def _without_calls(text: str) -> str:
    """``text`` without its ``FILTER (…)`` and ``BIND (…)`` expressions."""
    out, position = [], 0
    while True:
        match = _CALLS.search(text, position)
        if match is None:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:match.start()])
        depth, index = 0, match.end() - 1
        for index in range(match.end() - 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            if depth == 0:
                break
        position = index + 1


def needs_lateral(body: str, variable: str = "this") -> bool:
    """True when joining the focus nodes into ``body`` would not be pre-binding: a nested
    group (not an EXISTS group) mentions ``$this`` at its own level without binding it by a
    triple pattern there, or a subquery uses it."""
    blanked = code(body)
    if any(uses(sub, variable) for sub in _subqueries(body)):
        return True
    # Groups as (start, end, kind), innermost text read per level.
    stack: list[tuple[int, bool]] = []  # (start, inside an EXISTS group)
    groups: list[tuple[int, int, bool]] = []
    for index, char in enumerate(blanked):
        if char == "{":
            before = blanked[:index].rstrip()
            exists = bool(re.search(r"\bEXISTS$", before, re.IGNORECASE))
            stack.append((index, exists or (stack[-1][1] if stack else False)))
        elif char == "}" and stack:
            start, exists = stack.pop()
            groups.append((start, index, exists))
    for start, end, exists in groups:
        if exists:
            continue
        inner = blanked[start + 1:end]
        # This group's own level: its nested groups blanked out.
        own, depth = [], 0
        for char in inner:
            if char == "{":
                depth += 1
            if depth == 0:
                own.append(char)
            if char == "}":
                depth -= 1
        level = "".join(own)
        if re.search(rf"[?$]{variable}\b", level) and \
                not re.search(rf"[?$]{variable}\b", _without_calls(level)):
            return True
    return False


# --- sh:sparql constraints -------------------------------------------------------------------


def constraint(scope: Scope, node: Node) -> Iterator[Found]:
    compiler, shape = scope.compiler, scope.shape
    if not compiler.active(node):
        return
    if not scope.top:
        raise shape_error(UnsupportedShape, shape, {
            "nb": "en SHACL-SPARQL-begrensning inne i sh:node, sh:not, sh:and, sh:or, sh:xone eller en kvalifisert verdiform støttes ikke av den kompilerte motoren",
            "nn": "ei SHACL-SPARQL-avgrensing inne i sh:node, sh:not, sh:and, sh:or, sh:xone eller ei kvalifisert verdiform er ikkje støtta av den kompilerte motoren",
            "en": "a SHACL-SPARQL constraint inside sh:node, sh:not, sh:and, sh:or, sh:xone or a qualified value shape is not supported by the compiled engine"})
    if (node, SH.ask, None) in compiler.g and (node, SH.select, None) not in compiler.g:
        raise shape_error(MalformedShape, shape, {
            "nb": "en SPARQL-begrensning er en SELECT (sh:select); sh:ask hører til validatorer",
            "nn": "ei SPARQL-avgrensing er ein SELECT (sh:select); sh:ask høyrer til validatorar",
            "en": "a SPARQL constraint is a SELECT (sh:select); sh:ask belongs to validators"})
    select = compiler.shapes.one(node, SH.select)
    if select is None:
        raise shape_error(MalformedShape, shape, {
            "nb": "en sh:sparql-begrensning uten sh:select",
            "nn": "ei sh:sparql-avgrensing utan sh:select",
            "en": "a sh:sparql constraint without sh:select"})
    yield replace(_select(scope, str(select), SH.SPARQLConstraintComponent, {}), constraint=node)


def _substitute(text: str, scope: Scope, parameters: dict[str, Node]) -> str:
    shape = scope.shape
    if uses(text, "PATH"):
        if scope.path is None:
            raise shape_error(MalformedShape, shape, {
                "nb": "$PATH i en SPARQL-spørring i en nodeform",
                "nn": "$PATH i ei SPARQL-spørjing i ei nodeform",
                "en": "$PATH in a SPARQL query of a node shape"})
        text = replace_variable(text, "PATH", scope.path)
    if uses(text, "currentShape"):
        if not isinstance(shape, URIRef):
            raise shape_error(UnsupportedShape, shape, {
                "nb": "$currentShape i en SHACL-form som er en blank node, støttes ikke",
                "nn": "$currentShape i ei SHACL-form som er ein blank node, er ikkje støtta",
                "en": "$currentShape of a blank node shape is not supported"})
        text = replace_variable(text, "currentShape", f"<{shape}>")
    for variable, value in parameters.items():
        text = replace_variable(text, variable, sparql_term(value))
    return text


def _select(scope: Scope, text: str, component: URIRef, parameters: dict[str, Node]) -> Found:
    shape = scope.shape
    projection, body, distinct = split_select(text, shape)
    if "this" not in projection:
        raise shape_error(MalformedShape, shape, {
            "nb": "en SPARQL-begrensning må projisere $this",
            "nn": "ei SPARQL-avgrensing må projisere $this",
            "en": "a SPARQL constraint must project $this"})
    check_prebinding(body, shape, ("this",))
    body = _substitute(body, scope, parameters)
    # Every projected variable is kept: each solution is a result (SHACL 5.3.2), and the
    # variables beyond $this, ?path and ?value fill the message's {?name} placeholders.
    others = tuple(v for v in projection if v not in ("this", "path", "value")
                   and not v.startswith("samh_"))
    selected = [v for v in ("this", "path", "value") if v in projection] + list(others)
    items = " ".join(_substitute(projection[v], scope, parameters) for v in selected)
    names = " ".join("?" + v for v in selected)
    distinct_word = "DISTINCT " if distinct else ""
    head = f"SELECT {distinct_word}{items}"
    if needs_lateral(body):
        local = f"LATERAL {{ SELECT {items} WHERE {{ {body} }} }}"
        return Found(component, Headed(head, body, local, f"SELECT {distinct_word}{names}"),
                     local_only=LATERAL_REASON, bindings=others)
    if _BOUND_FIRST.match(code(body)):
        # The group starts with a triple pattern whose subject is $this: every solution of it
        # binds ?this, so evaluating it once for all subjects and joining the focus nodes by
        # hash gives what pre-binding gives, in one pass.
        local = f"{{ SELECT {items} WHERE {{ {body} }} }}"
        # ?this projected as itself (not as an expression's value) is bound in every row.
        standalone = scope.top and scope.focus == "?this" and projection["this"] in ("?this", "$this")
        return Found(component, Headed(head, body, Standalone(local) if standalone else local,
                                       f"SELECT {distinct_word}{names}"),
                     bindings=others)
    return Found(component, Headed(head, body), bindings=others)


#: A group that starts with a triple pattern whose subject is $this and whose predicate is
#: one term (or its inverse), not a path that may match zero steps (strings blanked out).
_BOUND_FIRST = re.compile(
    r"\s*[?$]this\s+\^?(?:<[^<>\s]*>|a|[A-Za-z][\w.-]*:[\w.-]*|[?$][A-Za-z_]\w*)\s")


# --- SPARQL-based constraint components (SHACL 6) ----------------------------------------------


@dataclass(frozen=True)
class Custom:
    """A SPARQL-based constraint component a shape activates, with its compile function."""

    iri: URIRef
    compile: Callable[[Scope, Node], Iterator[Found]]


def _parameters(compiler: Compiler, component: Node) -> list[tuple[URIRef, bool]]:
    found = []
    for parameter in compiler.g.objects(component, SH.parameter):
        path = compiler.shapes.one(parameter, SH.path)
        if not isinstance(path, URIRef):
            raise localised(MalformedShape, {
                "nb": "begrensningskomponenten {component}: sh:path til en parameter må være en IRI",
                "nn": "avgrensingskomponenten {component}: sh:path til ein parameter må vere ein IRI",
                "en": "constraint component {component}: a parameter's sh:path must be an IRI"}, component=name(component))
        optional = compiler.shapes.one(parameter, SH.optional)
        found.append((path, optional is not None and compiler.shapes.boolean(parameter, SH.optional, optional)))
    return sorted(found, key=lambda p: str(p[0]))


def _local_name(iri: URIRef) -> str:
    return re.split(r"[#/:]", str(iri))[-1]


def _instances(compiler: Compiler, cls: URIRef) -> list[Node]:
    """The instances of ``cls`` in the shapes graph, through rdfs:subClassOf."""
    classes: set[Node] = {cls}
    todo: list[Node] = [cls]
    while todo:
        for sub in compiler.g.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in classes:
                classes.add(sub)
                todo.append(sub)
    return sorted({s for c in classes for s in compiler.g.subjects(RDF.type, c)}, key=str)


def custom_components(compiler: Compiler, shape: Node) -> list[tuple[Custom, Node]]:
    """The SPARQL-based constraint components ``shape`` activates (it has a value for every
    mandatory parameter), each with the shape itself as the "parameter value" (the
    component's compile function reads the parameters)."""
    found: list[tuple[Custom, Node]] = []
    for component in _instances(compiler, SH.ConstraintComponent):
        parameters = _parameters(compiler, component)
        if not parameters or any(p.startswith(str(SH)) for p, _ in parameters):
            continue  # SHACL's own components are compiled from the registry
        if not all((shape, p, None) in compiler.g for p, optional in parameters if not optional):
            continue
        if not isinstance(component, URIRef):
            raise shape_error(UnsupportedShape, shape, {
                "nb": "en begrensningskomponent som er en blank node, støttes ikke",
                "nn": "ein avgrensingskomponent som er ein blank node, er ikkje støtta",
                "en": "a blank node constraint component"})

        def compile_(scope: Scope, _shape: Node, component: URIRef = component,
                    parameters: list[tuple[URIRef, bool]] = parameters) -> Iterator[Found]:
            yield _custom(scope, component, parameters)

        found.append((Custom(component, compile_), shape))
    return found


def _custom(scope: Scope, component: URIRef, parameters: list[tuple[URIRef, bool]]) -> Found:
    compiler, shape = scope.compiler, scope.shape
    bound: dict[str, Node] = {}
    for path, _optional in parameters:
        values = list(compiler.g.objects(shape, path))
        if len(values) > 1:
            raise shape_error(UnsupportedShape, shape, {
                "nb": "flere verdier av parameteren {param} i {component} støttes ikke",
                "nn": "fleire verdiar av parameteren {param} i {component} er ikkje støtta",
                "en": "several values of the parameter {param} of {component} are not supported"}, param=name(path), component=name(component))
        if values:
            if isinstance(values[0], BNode):
                raise shape_error(UnsupportedShape, shape, {
                    "nb": "en blank node som verdi av {param} støttes ikke",
                    "nn": "ein blank node som verdi av {param} er ikkje støtta",
                    "en": "a blank node as the value of {param} is not supported"}, param=name(path))
            bound[_local_name(path)] = values[0]
    node_shape = scope.path is None
    specific = compiler.shapes.one(component, SH.nodeValidator if node_shape else SH.propertyValidator)
    validator = specific if specific is not None else compiler.shapes.one(component, SH.validator)
    if validator is None:
        raise shape_error(UnsupportedShape, shape, {
            "nb": "begrensningskomponenten {component} har ingen validator for en {nb}",
            "nn": "avgrensingskomponenten {component} har ingen validator for ei {nn}",
            "en": "the constraint component {component} has no validator for a {en} shape"}, component=name(component), nb='nodeform' if node_shape else 'egenskapsform', nn='nodeform' if node_shape else 'eigenskapsform', en='node' if node_shape else 'property')
    select = compiler.shapes.one(validator, SH.select)
    ask = compiler.shapes.one(validator, SH.ask)
    if select is not None and specific is not None:
        if not scope.top:
            raise shape_error(UnsupportedShape, shape, {
                "nb": "SELECT-validatoren til {component} inne i sh:node, sh:or og liknende støttes ikke",
                "nn": "SELECT-validatoren til {component} inne i sh:node, sh:or og liknande er ikkje støtta",
                "en": "the SELECT validator of {component} inside sh:node, sh:or and the like is not supported"}, component=name(component))
        return _select(scope, str(select), component, bound)
    if ask is None:
        raise shape_error(MalformedShape, shape, {
            "nb": "validatoren til {component} har verken sh:ask (sh:validator) eller sh:select (sh:nodeValidator, sh:propertyValidator)",
            "nn": "validatoren til {component} har verken sh:ask (sh:validator) eller sh:select (sh:nodeValidator, sh:propertyValidator)",
            "en": "the validator of {component} has no sh:ask (sh:validator) or sh:select (sh:nodeValidator, sh:propertyValidator)"}, component=name(component))
    body = ask_body(str(ask), shape)
    check_prebinding(body, shape, ("this", "value"))
    body = _substitute(body, scope, bound)
    body = replace_variable(body, "value", scope.value)
    body = replace_variable(body, "this", scope.focus)
    return Found(component, scope.valued(f"{scope.values} FILTER NOT EXISTS {{ {body} }}"))


# --- SPARQL-based targets ----------------------------------------------------------------------


def target_pattern(compiler: Compiler, shape: Node, target: Node) -> str:
    select = compiler.shapes.one(target, SH.select)
    if select is None:
        raise shape_error(UnsupportedShape, shape, {
            "nb": "blant sh:target støttes bare SPARQL-baserte mål (sh:select)",
            "nn": "blant sh:target er berre SPARQL-baserte mål (sh:select) støtta",
            "en": "only SPARQL-based targets (sh:select) are supported among sh:target"})
    text = str(select).strip()
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise shape_error(UnsupportedShape, shape, {
            "nb": "et SPARQL-mål deklarerer egne prefikser; bruk sh:prefixes",
            "nn": "eit SPARQL-mål deklarerer eigne prefiks; bruk sh:prefixes",
            "en": "a SPARQL target declares its own prefixes; use sh:prefixes"})
    if re.search(r"\b(SERVICE|FROM|GRAPH)\b", blanked, re.IGNORECASE):
        raise shape_error(UnsupportedShape, shape, {
            "nb": "SERVICE, FROM og GRAPH er ikke tillatt i et SPARQL-mål",
            "nn": "SERVICE, FROM og GRAPH er ikkje tillate i eit SPARQL-mål",
            "en": "SERVICE, FROM and GRAPH are not allowed in a SPARQL target"})
    return "{ " + text + " }"


__all__ = ["Literal", "_is_iri_node"]
