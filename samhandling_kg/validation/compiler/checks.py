"""SHACL shapes compiled to SPARQL: one query per shape and constraint, answering every focus
node at once.

pySHACL evaluates each constraint node by node (and each SHACL-SPARQL constraint once per
focus node, about 90,000 evaluations on 10,000 records). Here each constraint of each shape
becomes one SELECT whose rows are the findings: ``?this`` (focus node), ``?value`` (value
node, when the constraint has one) and ``?path`` (when a SHACL-SPARQL constraint selects it).
The queries are plain SPARQL 1.1, so they run as well in the embedded Oxigraph store as at a
SPARQL endpoint.

Supported (the SHACL Core and SHACL-SPARQL parts the profile uses, and a few neighbours):
targets ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``
and SPARQL targets; paths (predicate, inverse, sequence, alternative, zero-or-more, one-or-more,
zero-or-one); ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:nodeKind``, ``sh:datatype``,
``sh:languageIn``, ``sh:uniqueLang``, ``sh:pattern`` (with ``sh:flags``), ``sh:in``,
``sh:hasValue``, ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``,
``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``, and
``sh:sparql`` constraints (``$this`` pre-bound by joining the focus nodes into the same group,
``$PATH`` substituted, ``$value`` = ``$this`` on node shapes). Anything else raises
:class:`UnsupportedShape` naming the component: never a silent pass.

The semantics follow SHACL (W3C Recommendation, 2017) and were checked against pySHACL, the
reference engine, by tests/validation/test_engine_parity.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import (
    RDF,
    RDFS,
    SH,  # closed: a misspelt SHACL term fails at once
)
from rdflib.term import Node

from samhandling_kg.core.errors import UnsupportedShape
from samhandling_kg.validation.compiler.sparql_constraints import (
    _BOUND_FIRST,
    _code,
    _subqueries,
    split_select,
)
from samhandling_kg.validation.compiler.terms import (
    _CASTABLE,
    _NODE_KINDS,
    _constant,
    _Headed,
    _iri,
    _Local,
    _same,
    _simple_path,
)


@dataclass(frozen=True)
class CompiledCheck:
    """One SELECT answering one constraint of one shape for every focus node."""

    shape: Node
    component: URIRef
    severity: URIRef
    #: The shape's sh:path when it is a single IRI (the result path of every row that does
    #: not select its own ?path), else None.
    path: URIRef | None
    #: True for a node shape: the value of a row without ?value is the focus node.
    node_shape: bool
    query: str
    #: True when the query selects ?path (a SHACL-SPARQL constraint reporting its own path).
    selects_path: bool = False
    #: The same query with the focus nodes read from :data:`FOCUS` (``?this FOCUS_OF key``)
    #: instead of computed, for a store where :attr:`targets` has been written there.
    cached_query: str = ""
    #: The SELECT of the focus nodes (``?this``), and the key they are written under.
    targets: str = ""
    target_key: str = ""
    #: The SPARQL update writing :attr:`targets` under :attr:`target_key`; ``{using}`` is
    #: left for the USING clauses naming the graphs that are the data (a literal is never a
    #: focus node worth writing: it is no subject of the data).
    target_insert: str = ""


#: Where a local run writes the focus nodes of each target once, instead of computing them in
#: every query of the shape (a private graph of the private store, never in the data).
FOCUS = "urn:x-samhandling:focus"
FOCUS_OF = "urn:x-samhandling:focus-of"


# Constraint parameters and the components they belong to.
_COMPONENTS: dict[URIRef, str] = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH["class"]: "Class",
    SH.nodeKind: "NodeKind", SH.datatype: "Datatype", SH.languageIn: "LanguageIn",
    SH.uniqueLang: "UniqueLang", SH.pattern: "Pattern", SH["in"]: "In", SH.hasValue: "HasValue",
    SH.node: "Node", SH["not"]: "Not", SH["and"]: "And", SH["or"]: "Or", SH.xone: "Xone",
    SH.qualifiedValueShape: "QualifiedValueShape", SH.sparql: "SPARQL",
}
# Parameters that belong to one of the above (read with it) or that carry no constraint.
_COMPANIONS = {SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
               SH.qualifiedValueShapesDisjoint}
_NOT_CONSTRAINTS = {
    RDF.type, SH.path, SH.property, SH.severity, SH.message, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, RDFS.label, RDFS.comment,
    RDFS.seeAlso, RDFS.isDefinedBy,
}
_KNOWN_UNSUPPORTED = {
    SH.closed: "Closed", SH.ignoredProperties: "Closed", SH.minLength: "MinLength",
    SH.maxLength: "MaxLength", SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive", SH.equals: "Equals",
    SH.disjoint: "Disjoint", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals",
}


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.counter = 0
        self.prefixes = _declared_prefixes(shapes)

    def fresh(self, name: str = "v") -> str:
        self.counter += 1
        return f"?samh_{name}{self.counter}"

    # --- paths ----------------------------------------------------------------------

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return _iri(node)
        g = self.g
        if (node, RDF.first, None) in g:
            items = list(Collection(g, node))
            return "(" + "/".join(self.path(i) for i in items) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(i) for i in Collection(g, alternatives)) + ")"
        raise UnsupportedShape(f"unsupported sh:path {node!r}")

    # --- targets --------------------------------------------------------------------

    def targets(self, shape: Node) -> str | None:
        """A group pattern binding ?this to each focus node of ``shape`` once, or None."""
        g = self.g
        parts: list[str] = []
        for cls in g.objects(shape, SH.targetClass):
            # rdf:type/rdfs:subClassOf* without a zero-length path (see _instance_of).
            t = "?samh_class"  # scoped by the sub-SELECT: the same text for the same class
            parts.append(f"?this <{RDF.type}> {_iri(cls)} .")
            parts.append(f"{t} <{RDFS.subClassOf}>+ {_iri(cls)} . ?this <{RDF.type}> {t} .")
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("VALUES ?this { " + " ".join(_constant(n) for n in nodes) + " }")
        for predicate in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_iri(predicate)} ?samh_any .")
        for predicate in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"?samh_any {_iri(predicate)} ?this .")
        for target in g.objects(shape, SH.target):
            select = g.value(target, SH.select)
            if select is None:
                raise UnsupportedShape(f"shape {shape}: only SPARQL-based targets (sh:select) "
                                       "are supported among sh:target")
            text = str(select).strip()
            if re.search(r"^\s*(PREFIX|BASE)\b", text, re.IGNORECASE | re.MULTILINE):
                raise UnsupportedShape(f"shape {shape}: a SPARQL target declares its own "
                                       "prefixes; use sh:prefixes")
            if re.search(r"\b(SERVICE|FROM|GRAPH)\b", _code(text), re.IGNORECASE):
                raise UnsupportedShape(f"shape {shape}: SERVICE, FROM and GRAPH are not allowed "
                                       "in a SPARQL target")
            parts.append("{ " + text + " }")
        if not parts:
            return None
        union = " UNION ".join("{ " + p + " }" for p in parts)
        return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"

    # --- constraints ----------------------------------------------------------------

    def constraints(self, shape: Node) -> Iterator[tuple[URIRef, str]]:
        """(component, group pattern) for every constraint of ``shape`` itself. The pattern
        expects ?this bound and yields one row per finding (?value bound where the
        constraint has a value node)."""
        yield from self._constraints(shape, "?this", "?value", top=True)

    def _check_parameters(self, shape: Node) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if predicate in _COMPONENTS or predicate in _COMPANIONS or predicate in _NOT_CONSTRAINTS:
                continue
            if predicate in _KNOWN_UNSUPPORTED:
                raise UnsupportedShape(
                    f"shape {shape}: the SHACL component sh:{_KNOWN_UNSUPPORTED[predicate]}"
                    f"ConstraintComponent ({predicate}) is not supported by the compiled engine; "
                    "use --engine pyshacl")
            if str(predicate).startswith(str(SH)):
                raise UnsupportedShape(f"shape {shape}: the SHACL parameter {predicate} is not "
                                       "supported by the compiled engine; use --engine pyshacl")

    def _values(self, shape: Node, focus: str, value: str) -> str:
        path = self.g.value(shape, SH.path)
        if path is None:
            return f"BIND ({focus} AS {value})"
        return f"{focus} {self.path(path)} {value} ."

    def _constraints(self, shape: Node, focus: str, value: str, *, top: bool
                     ) -> Iterator[tuple[URIRef, str]]:
        g = self.g
        self._check_parameters(shape)
        path_node = g.value(shape, SH.path)
        path = self.path(path_node) if path_node is not None else None
        values = self._values(shape, focus, value)
        # At the top of a check, with a path without closure, a value test is evaluated once
        # over every subject with the path and joined to the focus nodes by hash.
        hashable = top and path is not None and _simple_path(path)

        def valued(plain: str) -> str:
            if not hashable:
                return plain
            return _Local(plain, f"{{ SELECT {focus} {value} WHERE {{ {plain} }} }}")

        def absent(group: str) -> str:
            """``FILTER NOT EXISTS { group }``; at the top, ``MINUS`` (the same here: the
            focus nodes bind ``?this`` and share nothing else with ``group``)."""
            plain = f"FILTER NOT EXISTS {{ {group} }}"
            return _Local(plain, f"MINUS {{ {group} }}") if hashable else plain

        def component(name: str) -> URIRef:
            return SH[f"{name}ConstraintComponent"]

        for count in g.objects(shape, SH.minCount):
            n = int(count)
            if path is None:
                raise UnsupportedShape(f"shape {shape}: sh:minCount on a node shape")
            if n == 1:
                yield component("MinCount"), absent(f"{focus} {path} {self.fresh()}")
            elif n > 1:
                yield component("MinCount"), self._count(focus, path, f"< {n}")
        for count in g.objects(shape, SH.maxCount):
            if path is None:
                raise UnsupportedShape(f"shape {shape}: sh:maxCount on a node shape")
            v = self.fresh()
            yield component("MaxCount"), (
                f"{{ SELECT {focus} WHERE {{ {focus} {path} {v} }} GROUP BY {focus} "
                f"HAVING (COUNT(DISTINCT {v}) > {int(count)}) }}")
        for cls in g.objects(shape, SH["class"]):
            yield component("Class"), valued(f"{values} FILTER (!{self._instance_of(value, cls)})")
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise UnsupportedShape(f"shape {shape}: unknown sh:nodeKind {kind}")
            yield component("NodeKind"), valued(f"{values} FILTER (!{_NODE_KINDS[kind].format(v=value)})")
        for datatype in g.objects(shape, SH.datatype):
            yield component("Datatype"), valued(f"{values} FILTER (!({self._has_datatype(value, datatype)}))")
        for languages in g.objects(shape, SH.languageIn):
            ranges = [str(x) for x in Collection(g, languages)]
            matches = " || ".join(f'langMatches(LANG({value}), {_constant(Literal(r))})'
                                  for r in ranges) or "false"
            yield component("LanguageIn"), valued(f"{values} FILTER (!isLiteral({value}) || !({matches}))")
        for unique in g.objects(shape, SH.uniqueLang):
            if not (isinstance(unique, Literal) and unique.toPython() is True):
                continue
            if path is None:
                raise UnsupportedShape(f"shape {shape}: sh:uniqueLang on a node shape")
            a, b, lang = self.fresh(), self.fresh(), self.fresh("lang")
            plain = (
                f"{{ SELECT DISTINCT {focus} {lang} WHERE {{ {focus} {path} {a} . {focus} {path} {b} . "
                f"FILTER (isLiteral({a}) && isLiteral({b}) && !sameTerm({a}, {b}) "
                f"&& LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b}))) "
                f"BIND (LCASE(LANG({a})) AS {lang}) }} }}")
            # The same as one grouping (two different literals sharing a language) instead of
            # a self-join of every focus node's values.
            grouped = (
                f"{{ SELECT {focus} {lang} WHERE {{ {focus} {path} {a} . "
                f"FILTER (isLiteral({a}) && LANG({a}) != \"\") BIND (LCASE(LANG({a})) AS {lang}) }} "
                f"GROUP BY {focus} {lang} HAVING (COUNT(DISTINCT {a}) > 1) }}")
            yield component("UniqueLang"), _Local(plain, grouped) if hashable else plain
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = _constant(Literal(str(pattern)))
            if flags is not None:
                args += ", " + _constant(Literal(str(flags)))
            yield component("Pattern"), valued(
                f"{values} FILTER (isBlank({value}) || !REGEX(STR({value}), {args}))")
        for members in g.objects(shape, SH["in"]):
            items = list(Collection(g, members))
            test = " || ".join(f"sameTerm({value}, {_constant(i)})" for i in items) or "false"
            yield component("In"), valued(f"{values} FILTER (!({test}))")
        for wanted in g.objects(shape, SH.hasValue):
            if path is None:
                yield component("HasValue"), f"FILTER (!sameTerm({focus}, {_constant(wanted)}))"
            else:
                plain = f"FILTER (!{self._reaches(focus, path_node, _constant(wanted))})"
                yield component("HasValue"), (
                    _Local(plain, f"MINUS {{ {focus} {path} {_constant(wanted)} }}")
                    if hashable else plain)
        for other in g.objects(shape, SH.node):
            yield component("Node"), valued(f"{values} FILTER (!({self.conforms(other, value)}))")
        for other in g.objects(shape, SH["not"]):
            yield component("Not"), valued(f"{values} FILTER ({self.conforms(other, value)})")
        for members in g.objects(shape, SH["and"]):
            tests = [self.conforms(m, value) for m in Collection(g, members)]
            yield component("And"), valued(f"{values} FILTER (!({' && '.join(tests) or 'true'}))")
        for members in g.objects(shape, SH["or"]):
            tests = [self.conforms(m, value) for m in Collection(g, members)]
            yield component("Or"), valued(f"{values} FILTER (!({' || '.join(tests) or 'false'}))")
        for members in g.objects(shape, SH.xone):
            tests = [f"IF({self.conforms(m, value)}, 1, 0)" for m in Collection(g, members)]
            yield component("Xone"), valued(f"{values} FILTER (({' + '.join(tests) or '0'}) != 1)")
        for qualified in g.objects(shape, SH.qualifiedValueShape):
            if path is None:
                raise UnsupportedShape(f"shape {shape}: sh:qualifiedValueShape on a node shape")
            disjoint = g.value(shape, SH.qualifiedValueShapesDisjoint)
            if disjoint is not None and disjoint.toPython() is True:
                raise UnsupportedShape(f"shape {shape}: sh:qualifiedValueShapesDisjoint is not "
                                       "supported by the compiled engine; use --engine pyshacl")
            v = self.fresh()
            test = self.conforms(qualified, v)
            for bound in g.objects(shape, SH.qualifiedMinCount):
                if int(bound) == 1:
                    yield component("QualifiedMinCount"), absent(
                        f"{focus} {path} {v} FILTER ({test})")
                elif int(bound) > 1:
                    yield component("QualifiedMinCount"), self._count(
                        focus, path, f"< {int(bound)}", v=v, condition=test)
            for bound in g.objects(shape, SH.qualifiedMaxCount):
                yield component("QualifiedMaxCount"), self._count(
                    focus, path, f"> {int(bound)}", v=v, condition=test, zero=False)
        sparql = list(g.objects(shape, SH.sparql))
        if sparql and not top:
            raise UnsupportedShape(f"shape {shape}: a SHACL-SPARQL constraint inside sh:node, "
                                   "sh:not, sh:and, sh:or, sh:xone or a qualified value shape "
                                   "is not supported by the compiled engine")
        for constraint in sparql:
            if self._active(constraint):
                head, body, local = self.sparql(shape, constraint, path)
                yield SH.SPARQLConstraintComponent, _Headed(head, body, local)

    def _count(self, focus: str, path: str, test: str, *, v: str | None = None,
               condition: str | None = None, zero: bool = True) -> str:
        v = v or self.fresh()
        c = self.fresh("c")
        where = f"{focus} {path} {v} ." + (f" FILTER ({condition})" if condition else "")
        inner = f"SELECT {focus} (COUNT(DISTINCT {v}) AS {c}) WHERE {{ {where} }} GROUP BY {focus}"
        if zero:  # a focus node without values counts 0
            return f"OPTIONAL {{ {inner} }} FILTER (COALESCE({c}, 0) {test})"
        return f"{{ {inner} }} FILTER ({c} {test})"

    def _has_datatype(self, value: str, datatype: Node) -> str:
        if str(datatype) == str(RDF.langString):
            return f"isLiteral({value}) && LANG({value}) != \"\""
        test = f"isLiteral({value}) && sameTerm(DATATYPE({value}), {_iri(datatype)})"
        if str(datatype) in _CASTABLE:
            test += f" && COALESCE(isLiteral({_iri(datatype)}(STR({value}))), false)"
        return test

    def _instance_of(self, value: str, cls: Node) -> str:
        """``EXISTS { value rdf:type/rdfs:subClassOf* cls }`` written without a zero-length
        path: Virtuoso misses the zero-length match against a constant, and Oxigraph plans a
        zero-length path inside EXISTS as a scan of every node."""
        t = self.fresh("t")
        return (f"EXISTS {{ {value} <{RDF.type}> {t} . FILTER ({_same(t, cls)} "
                f"|| EXISTS {{ {t} <{RDFS.subClassOf}>+ {_iri(cls)} }}) }}")

    def _reaches(self, focus: str, path_node: Node, target: str) -> str:
        """``EXISTS { focus PATH target }``; a zero-or-more path as "the same node, or one or
        more steps" (see :meth:`_instance_of`)."""
        inner = self.g.value(path_node, SH.zeroOrMorePath) if not isinstance(path_node, URIRef) else None
        if inner is not None:
            return (f"({_same(focus, target)} || "
                    f"EXISTS {{ {focus} ({self.path(inner)})+ {target} }})")
        return f"EXISTS {{ {focus} {self.path(path_node)} {target} }}"

    def value_test(self, shape: Node, value: str) -> str | None:
        """A boolean expression for "``value`` conforms to ``shape``" without a nested group,
        when every constraint of ``shape`` allows it (Virtuoso evaluates a filter-only group
        inside EXISTS wrongly); else None."""
        g = self.g
        self._check_parameters(shape)
        path_node = g.value(shape, SH.path)
        tests: list[str] = []
        handled = {SH.path, RDF.type, SH.name, SH.description, SH.message, SH.severity,
                   SH.order, RDFS.label, RDFS.comment}
        for predicate, obj in g.predicate_objects(shape):
            if predicate in handled:
                continue
            if path_node is None and predicate == SH.nodeKind and obj in _NODE_KINDS:
                tests.append(_NODE_KINDS[obj].format(v=value))
            elif path_node is None and predicate == SH.datatype:
                tests.append(f"({self._has_datatype(value, obj)})")
            elif path_node is None and predicate == SH.languageIn:
                ranges = [str(x) for x in Collection(g, obj)]
                matches = " || ".join(f"langMatches(LANG({value}), {_constant(Literal(r))})"
                                      for r in ranges) or "false"
                tests.append(f"(isLiteral({value}) && ({matches}))")
            elif path_node is None and predicate == SH["in"]:
                items = list(Collection(g, obj))
                tests.append("(" + (" || ".join(f"sameTerm({value}, {_constant(i)})"
                                                for i in items) or "false") + ")")
            elif path_node is None and predicate == SH.hasValue:
                tests.append(f"sameTerm({value}, {_constant(obj)})")
            elif path_node is None and predicate == SH["class"]:
                tests.append(self._instance_of(value, obj))
            elif path_node is not None and predicate == SH.hasValue:
                tests.append(self._reaches(value, path_node, _constant(obj)))
            else:
                return None
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def conforms(self, shape: Node, value: str) -> str:
        """A boolean expression: the node in ``value`` conforms to ``shape``."""
        flat = self.value_test(shape, value) if self._active(shape) else None
        if flat is not None:
            return flat
        parts: list[str] = []
        deactivated = self.g.value(shape, SH.deactivated)
        if deactivated is not None and deactivated.toPython() is True:
            return "true"
        for _component, pattern in self._constraints(shape, value, self.fresh(), top=False):
            parts.append(f"!EXISTS {{ {pattern} }}")
        for child in self.g.objects(shape, SH.property):
            if self._active(child):
                for _component, pattern in self._constraints(child, value, self.fresh(), top=False):
                    parts.append(f"!EXISTS {{ {pattern} }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _active(self, shape: Node) -> bool:
        deactivated = self.g.value(shape, SH.deactivated)
        return not (deactivated is not None and deactivated.toPython() is True)

    # --- SHACL-SPARQL ---------------------------------------------------------------

    def sparql(self, shape: Node, constraint: Node, path: str | None
               ) -> tuple[str, str, str | None]:
        g = self.g
        select = g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"shape {shape}: only sh:select SPARQL constraints are "
                                   "supported (not sh:ask)")
        text = str(select)
        projection, body, distinct = split_select(text, shape)
        if "$PATH" in body:
            if path is None:
                raise UnsupportedShape(f"shape {shape}: $PATH in a node shape's SPARQL constraint")
            body = body.replace("$PATH", path)
        if path is None:
            # On a node shape the value node is the focus node.
            body = re.sub(r"[?$]value\b", "?this", body)
        if any(re.search(r"[?$]this\b", sub) for sub in _subqueries(body)):
            raise UnsupportedShape(f"shape {shape}: a SPARQL constraint with a subquery that "
                                   "uses $this is not supported by the compiled engine")
        if re.search(r"\b(SERVICE|FROM|GRAPH)\b", _code(body), re.IGNORECASE):
            # Oxigraph would run SERVICE over HTTP, out of reach of rdfio.no_network().
            raise UnsupportedShape(f"shape {shape}: SERVICE, FROM and GRAPH are not allowed in "
                                   "a SPARQL constraint")
        for variable in ("currentShape", "shapesGraph"):
            if re.search(rf"[?$]{variable}\b", body):
                raise UnsupportedShape(f"shape {shape}: ${variable} is not supported")
        selected = [v for v in ("path", "value") if v in projection]
        variables = " ".join(["?this", *("?" + v for v in selected)])
        head = f"SELECT {'DISTINCT ' if distinct else ''}{variables}"
        local = None
        if _BOUND_FIRST.match(_code(body)):
            # The group starts with a triple pattern whose subject is $this: every solution of
            # it binds ?this, so evaluating it once for all subjects and joining the focus
            # nodes by hash gives what pre-binding gives, in one pass instead of one
            # evaluation per focus node.
            local = f"{{ SELECT {variables} WHERE {{ {body} }} }}"
        return head, body, local


def _declared_prefixes(shapes: Graph) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is None or namespace is None:
            continue
        if prefixes.get(str(prefix), str(namespace)) != str(namespace):
            raise UnsupportedShape(f"prefix {prefix}: declared with two namespaces")
        prefixes[str(prefix)] = str(namespace)
    return prefixes


_SEVERITY_DEFAULT = SH.Violation


def compile_shapes(shapes: Graph) -> tuple[CompiledCheck, ...]:
    """Every constraint of every shape with targets (and of the property shapes they hold)
    as a SELECT over the data graph; raises :class:`UnsupportedShape` for what it cannot
    translate."""
    compiler = _Compiler(shapes)
    prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(compiler.prefixes.items()))
    checks: list[CompiledCheck] = []
    targets_seen: dict[str, int] = {}
    for shape in sorted(_shapes_with_targets(shapes), key=str):
        if not compiler._active(shape):
            continue
        target = compiler.targets(shape)
        assert target is not None
        members: list[Node] = [shape]
        if shapes.value(shape, SH.path) is None:
            members += sorted((c for c in shapes.objects(shape, SH.property) if compiler._active(c)),
                              key=str)
        for member in members:
            path_node = shapes.value(member, SH.path)
            severity = shapes.value(member, SH.severity) or _SEVERITY_DEFAULT
            for component, pattern in compiler.constraints(member):
                head = pattern.head if isinstance(pattern, _Headed) else "SELECT ?this ?value"
                local = getattr(pattern, "local", pattern)
                query = f"{prologue}{head} WHERE {{\n  {target}\n  {pattern}\n}}"
                # Shapes with the same targets share their focus nodes (six shapes target
                # sam:Solution): computed and written once.
                key = f"urn:x-samhandling:target:{targets_seen.setdefault(target, len(targets_seen))}"
                cached = (f"{prologue}{head} WHERE {{\n  GRAPH <{FOCUS}> {{ ?this <{FOCUS_OF}> <{key}> }}\n"
                          f"  {local}\n}}")
                checks.append(CompiledCheck(
                    shape=member, component=component, severity=severity,  # type: ignore[arg-type]
                    path=path_node if isinstance(path_node, URIRef) else None,
                    node_shape=path_node is None, query=query, cached_query=cached,
                    targets=f"{prologue}SELECT ?this WHERE {{ {target} }}", target_key=key,
                    target_insert=(f"{prologue}INSERT {{ GRAPH <{FOCUS}> {{ ?this <{FOCUS_OF}> <{key}> }} }}\n"
                                   "{using}"
                                   f"WHERE {{ {target} FILTER (!isLiteral(?this)) }}"),
                    selects_path="?path" in head))
    return tuple(checks)


def _shapes_with_targets(shapes: Graph) -> set[Node]:
    found: set[Node] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                      SH.target):
        found.update(shapes.subjects(predicate, None))
    # Implicit class targets (a shape that is also an rdfs:Class) are not part of the profile.
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if (shape, RDF.type, RDFS.Class) in shapes:
            raise UnsupportedShape(f"shape {shape}: implicit class targets are not supported")
    return found


@cache
def compiled_profile() -> tuple[CompiledCheck, ...]:
    """The project's profile (shapes/*.ttl), compiled once per process."""
    from samhandling_kg.kg.graph import shapes_graph

    return compile_shapes(shapes_graph())
