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

from samhandling_kg.validation.compiler.literals import sparql_term
from samhandling_kg.validation.compiler.shapes import (
    Found,
    Headed,
    MalformedShape,
    UnsupportedShape,
    name,
)

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.base import Compiler, Scope



LATERAL_REASON = ("a SHACL-SPARQL constraint that needs $this pre-bound inside a nested group "
                  "or subquery (Oxigraph's LATERAL; no SPARQL 1.1 endpoint has it)")


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
                raise MalformedShape(f"shape {name(shape)}: cannot read {item!r} in a SELECT")
            found[alias.group(1)] = item
            position = end + 1
            continue
        match = re.compile(r"[?$](\w+)").match(blanked, position)
        if not match:
            raise MalformedShape(f"shape {name(shape)}: cannot read the SELECT of its SPARQL query")
        found[match.group(1)] = "?" + match.group(1)
        position = match.end()
    return found


def split_select(text: str, shape: Node) -> tuple[dict[str, str], str, bool]:
    """The projected variable names, the body of the WHERE group and whether the SELECT is
    DISTINCT, of a SHACL-SPARQL ``sh:select``."""
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise UnsupportedShape(f"shape {name(shape)}: a SPARQL query declares its own prefixes; "
                               "use sh:prefixes")
    head = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*(WHERE\s*)?\{", blanked,
                    re.IGNORECASE | re.DOTALL)
    if not head:
        raise MalformedShape(f"shape {name(shape)}: cannot read the SELECT of its SPARQL query")
    projected = text[head.start(2):head.end(2)]
    if "*" in head.group(2):
        raise UnsupportedShape(f"shape {name(shape)}: a SPARQL constraint must name what it "
                               "projects ($this ?value ?path), not *")
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
                    raise UnsupportedShape(f"shape {name(shape)}: solution modifiers after the "
                                           "WHERE group of a SPARQL constraint are not supported")
                distinct = bool(head.group(1)) and head.group(1).strip().upper() == "DISTINCT"
                return projection, text[start + 1:index], distinct
    raise MalformedShape(f"shape {name(shape)}: unbalanced braces in its SPARQL query")


def ask_body(text: str, shape: Node) -> str:
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise UnsupportedShape(f"shape {name(shape)}: a SPARQL query declares its own prefixes; "
                               "use sh:prefixes")
    head = re.match(r"\s*ASK\s*(WHERE\s*)?\{", blanked, re.IGNORECASE)
    end = blanked.rfind("}")
    if not head or end < head.end():
        raise MalformedShape(f"shape {name(shape)}: cannot read the ASK of its SPARQL validator")
    return text[head.end():end]


def check_prebinding(body: str, shape: Node, prebound: tuple[str, ...]) -> None:
    """Refuse what SHACL 5.2.1 does not allow with pre-bound variables."""
    blanked = code(body)
    if uses(body, "shapesGraph"):
        raise UnsupportedShape(f"shape {name(shape)}: $shapesGraph is not supported by the "
                               "compiled engine (the shapes are no graph its queries read)")
    for keyword in ("MINUS", "VALUES", "SERVICE", "FROM", "GRAPH"):
        if re.search(rf"\b{keyword}\b", blanked, re.IGNORECASE):
            raise UnsupportedShape(f"shape {name(shape)}: {keyword} is not allowed in a SHACL-SPARQL "
                                   "query (SHACL 5.2.1)")
    for variable in prebound:
        if re.search(rf"\bAS\s+[?$]{variable}\b", blanked, re.IGNORECASE):
            raise UnsupportedShape(f"shape {name(shape)}: a SHACL-SPARQL query may not bind the "
                                   f"pre-bound variable ${variable} (SHACL 5.2.1)")
    for sub in _subqueries(body):
        projection = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*(WHERE\s*)?\{",
                              code(sub), re.IGNORECASE | re.DOTALL)
        projected = projection.group(2) if projection else ""
        for variable in prebound:
            if not re.search(rf"[?$]{variable}\b", projected):
                raise UnsupportedShape(f"shape {name(shape)}: a subquery of a SHACL-SPARQL query "
                                       f"must project the pre-bound variable ${variable} "
                                       "(SHACL 5.2.1)")
    if uses(body, "shapesGraph"):
        raise UnsupportedShape(f"shape {name(shape)}: $shapesGraph is not supported by the "
                               "compiled engine (the shapes are no graph its queries read)")


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
        raise UnsupportedShape(f"shape {name(shape)}: a SHACL-SPARQL constraint inside sh:node, "
                               "sh:not, sh:and, sh:or, sh:xone or a qualified value shape is not "
                               "supported by the compiled engine")
    if (node, SH.ask, None) in compiler.g and (node, SH.select, None) not in compiler.g:
        raise MalformedShape(f"shape {name(shape)}: a SPARQL constraint is a SELECT (sh:select); "
                             "sh:ask belongs to validators")
    select = compiler.shapes.one(node, SH.select)
    if select is None:
        raise MalformedShape(f"shape {name(shape)}: a sh:sparql constraint without sh:select")
    yield replace(_select(scope, str(select), SH.SPARQLConstraintComponent, {}), constraint=node)


def _substitute(text: str, scope: Scope, parameters: dict[str, Node]) -> str:
    shape = scope.shape
    if uses(text, "PATH"):
        if scope.path is None:
            raise MalformedShape(f"shape {name(shape)}: $PATH in a SPARQL query of a node shape")
        text = replace_variable(text, "PATH", scope.path)
    if uses(text, "currentShape"):
        if not isinstance(shape, URIRef):
            raise UnsupportedShape(f"shape {name(shape)}: $currentShape of a blank node shape is not "
                                   "supported")
        text = replace_variable(text, "currentShape", f"<{shape}>")
    for variable, value in parameters.items():
        text = replace_variable(text, variable, sparql_term(value))
    return text


def _select(scope: Scope, text: str, component: URIRef, parameters: dict[str, Node]) -> Found:
    shape = scope.shape
    projection, body, distinct = split_select(text, shape)
    if "this" not in projection:
        raise MalformedShape(f"shape {name(shape)}: a SPARQL constraint must project $this")
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
        return Found(component, Headed(head, body, local, f"SELECT {distinct_word}{names}"),
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
            raise MalformedShape(f"constraint component {name(component)}: a parameter's sh:path "
                                 "must be an IRI")
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
            raise UnsupportedShape(f"shape {name(shape)}: a blank node constraint component")

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
            raise UnsupportedShape(f"shape {name(shape)}: several values of the parameter "
                                   f"{name(path)} of {name(component)} are not supported")
        if values:
            if isinstance(values[0], BNode):
                raise UnsupportedShape(f"shape {name(shape)}: a blank node as the value of "
                                       f"{name(path)} is not supported")
            bound[_local_name(path)] = values[0]
    node_shape = scope.path is None
    specific = compiler.shapes.one(component, SH.nodeValidator if node_shape else SH.propertyValidator)
    validator = specific if specific is not None else compiler.shapes.one(component, SH.validator)
    if validator is None:
        raise UnsupportedShape(f"shape {name(shape)}: the constraint component {name(component)} has "
                               f"no validator for a {'node' if node_shape else 'property'} shape")
    select = compiler.shapes.one(validator, SH.select)
    ask = compiler.shapes.one(validator, SH.ask)
    if select is not None and specific is not None:
        if not scope.top:
            raise UnsupportedShape(f"shape {name(shape)}: the SELECT validator of {name(component)} "
                                   "inside sh:node, sh:or and the like is not supported")
        return _select(scope, str(select), component, bound)
    if ask is None:
        raise MalformedShape(f"shape {name(shape)}: the validator of {name(component)} has no "
                             "sh:ask (sh:validator) or sh:select (sh:nodeValidator, "
                             "sh:propertyValidator)")
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
        raise UnsupportedShape(f"shape {name(shape)}: only SPARQL-based targets (sh:select) are "
                               "supported among sh:target")
    text = str(select).strip()
    blanked = code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", blanked, re.IGNORECASE | re.MULTILINE):
        raise UnsupportedShape(f"shape {name(shape)}: a SPARQL target declares its own prefixes; "
                               "use sh:prefixes")
    if re.search(r"\b(SERVICE|FROM|GRAPH)\b", blanked, re.IGNORECASE):
        raise UnsupportedShape(f"shape {name(shape)}: SERVICE, FROM and GRAPH are not allowed in a "
                               "SPARQL target")
    return "{ " + text + " }"


__all__ = ["Literal", "_is_iri_node"]
