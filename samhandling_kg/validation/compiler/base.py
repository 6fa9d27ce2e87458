"""The compiler's core: shapes in, one SELECT per constraint of each shape out.

What is common to every constraint component lives here: reading a shape's parameters
(checked when the shapes are read: a malformed ``sh:minCount`` is an error naming the shape),
paths, targets and focus nodes, "does this node conform to that shape" as a SPARQL
expression, and :func:`compile_shapes`. Each constraint component has one compile function
in the module of its family, selected from the one map :data:`.registry.COMPONENTS`.

A compiled constraint is a group pattern that expects ``?this`` bound to a focus node and
yields one row per finding (``?value`` bound where the component reports a value, ``?path``
where the finding brings its own result path).
"""


from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    RDF,
    RDFS,
    SH,  # closed: a misspelt SHACL term fails at once
)
from rdflib.term import Node

from samhandling_kg.core.errors import localised
from samhandling_kg.validation.compiler.literals import sparql_term
from samhandling_kg.validation.compiler.shapes import (
    FOCUS,
    FOCUS_OF,
    CompiledCheck,
    Found,
    Headed,
    Local,
    MalformedShape,
    Shapes,
    Standalone,
    UnsupportedShape,
    name,
    same,
    shape_error,
    simple_path,
)

#: A path that is not one.
NOT_A_PATH = {"nb": "sh:path {node} er ikke en SHACL-sti", "nn": "sh:path {node} er ikkje ein SHACL-sti",
              "en": "sh:path {node} is not a SHACL path"}

if TYPE_CHECKING:
    from samhandling_kg.validation.compiler.registry import Component

__all__ = ["FOCUS", "FOCUS_OF", "CompiledCheck", "Found", "Headed", "Local", "MalformedShape",
           "UnsupportedShape", "name"]

# --- the compiler -------------------------------------------------------------------------


@dataclass
class Scope:
    """What a component's compile function sees: the shape and its parameters, the variables
    of the focus node and the value, the path, and the helpers that write the common forms."""

    compiler: Compiler
    shape: Node
    focus: str
    value: str
    #: The shape's sh:path in SPARQL syntax, and its node; None on a node shape.
    path: str | None
    path_node: Node | None
    #: At the top of a check, with a path without closure: a value test may be evaluated
    #: once over every subject with the path and joined to the focus nodes by hash.
    hashable: bool
    top: bool

    @property
    def g(self) -> Graph:
        return self.compiler.g

    @property
    def shapes(self) -> Shapes:
        return self.compiler.shapes

    @property
    def values(self) -> str:
        """The value nodes of the focus node, bound to :attr:`value`."""
        if self.path is None:
            return f"BIND ({self.focus} AS {self.value})"
        return self.compiler.reach(self.focus, self.path_node, self.value, self.shape)  # type: ignore[arg-type]

    @property
    def zero_start(self) -> bool:
        """True when the path is ``p*`` or ``p?``: the focus node is one of its values."""
        return self.compiler.zero_start(self.path_node)

    def fresh(self, stem: str = "v") -> str:
        return self.compiler.fresh(stem)

    def valued(self, plain: str) -> str:
        """A pattern over the values (starting with :attr:`values`), in its hashable form
        where allowed."""
        if not self.hashable:
            return plain
        local = f"{{ SELECT {self.focus} {self.value} WHERE {{ {plain} }} }}"
        return Local(plain, Standalone(local) if self.focus == "?this" else local)

    def failing(self, test: str) -> str:
        """The values for which the boolean expression ``test`` is not true (false or an
        error: an error is a failure, never a pass)."""
        return self.valued(f"{self.values} FILTER (!COALESCE({test}, false))")

    def absent(self, group: str) -> str:
        """``FILTER NOT EXISTS { group }``; at the top, ``MINUS`` (the same here: the focus
        nodes bind ``?this`` and share nothing else with ``group``)."""
        plain = f"FILTER NOT EXISTS {{ {group} }}"
        return Local(plain, f"MINUS {{ {group} }}") if self.hashable else plain

    def property_shape(self, parameter: URIRef) -> str:
        if self.path is None:
            raise shape_error(MalformedShape, self.shape, {
                "nb": "{param} hører hjemme i en egenskapsform (en med sh:path)",
                "nn": "{param} høyrer heime i ei eigenskapsform (ei med sh:path)",
                "en": "{param} belongs on a property shape (one with sh:path)"}, param=name(parameter))
        return self.path


class Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.shapes = Shapes(shapes)
        self.counter = 0
        self.prefixes = declared_prefixes(shapes)
        self._conforming: list[Node] = []  # shapes being expanded (recursion guard)
        from samhandling_kg.validation.compiler.registry import components_of

        self.components: Callable[[Node], list[tuple[Component, Node]]] = \
            lambda shape: components_of(self, shape)

    def fresh(self, stem: str = "v") -> str:
        self.counter += 1
        return f"?samh_{stem}{self.counter}"

    def active(self, shape: Node) -> bool:
        deactivated = self.shapes.one(shape, SH.deactivated)
        return not (deactivated is not None and self.shapes.boolean(shape, SH.deactivated, deactivated))

    # --- paths ----------------------------------------------------------------------

    def path(self, node: Node, shape: Node | None = None, seen: frozenset[Node] = frozenset()
             ) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        g = self.g
        if not isinstance(node, BNode) or node in seen:
            raise shape_error(MalformedShape, shape, NOT_A_PATH, node=name(node))
        seen = seen | {node}
        if (node, RDF.first, None) in g:
            items = self.shapes.members(shape or node, SH.path, node)
            if len(items) < 2:
                raise shape_error(MalformedShape, shape, {
                    "nb": "en sekvenssti må ha minst to ledd",
                    "nn": "ein sekvenssti må ha minst to ledd",
                    "en": "a sequence path needs at least two members"})
            return "(" + "/".join(self.path(i, shape, seen) for i in items) + ")"
        kinds = [(p, o) for p, o in g.predicate_objects(node) if p in _PATH_KINDS]
        if len(kinds) != 1:
            raise shape_error(MalformedShape, shape, NOT_A_PATH, node=name(node))
        predicate, inner = kinds[0]
        if predicate == SH.alternativePath:
            items = self.shapes.members(shape or node, SH.alternativePath, inner)
            if len(items) < 2:
                raise shape_error(MalformedShape, shape, {
                    "nb": "en alternativ sti må ha minst to ledd",
                    "nn": "ein alternativ sti må ha minst to ledd",
                    "en": "an alternative path needs at least two members"})
            return "(" + "|".join(self.path(i, shape, seen) for i in items) + ")"
        return _PATH_KINDS[predicate].format(self.path(inner, shape, seen))  # type: ignore[index]

    def path_triples(self, node: Node) -> tuple[tuple[Node, Node, Node], ...]:
        """The triples of a complex path's structure in the shapes graph, as SHACL reads it
        (a list node is a sequence, whatever else it says)."""
        found: list[tuple[Node, Node, Node]] = []

        def cells(cell: Node) -> None:
            while cell != RDF.nil:
                first, rest = self.g.value(cell, RDF.first), self.g.value(cell, RDF.rest)
                assert first is not None and rest is not None  # a list, checked by path()
                found.append((cell, RDF.first, first))
                found.append((cell, RDF.rest, rest))
                copy(first)
                cell = rest

        def copy(current: Node) -> None:
            if not isinstance(current, BNode):
                return
            if (current, RDF.first, None) in self.g:
                cells(current)
                return
            for predicate, inner in self.g.predicate_objects(current):
                if predicate in _PATH_KINDS:
                    found.append((current, predicate, inner))
                    if predicate == SH.alternativePath:
                        cells(inner)
                    else:
                        copy(inner)

        self.path(node)  # checked first: a malformed path never gets here
        copy(node)
        return tuple(found)

    # --- targets --------------------------------------------------------------------

    def targets(self, shape: Node) -> str | None:
        """A group pattern binding ?this to each focus node of ``shape`` once, or None."""
        g = self.g
        parts: list[str] = []
        classes = list(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g and _is_shape(g, shape):
            classes.append(shape)  # an implicit class target
        for cls in classes:
            if isinstance(cls, Literal):
                raise shape_error(MalformedShape, shape, {
                    "nb": "sh:targetClass {cls} er ikke en klasse",
                    "nn": "sh:targetClass {cls} er ikkje ein klasse",
                    "en": "sh:targetClass {cls} is not a class"}, cls=name(cls))
            if isinstance(cls, BNode):
                raise shape_error(UnsupportedShape, shape, {
                    "nb": "en blank node som sh:targetClass støttes ikke",
                    "nn": "ein blank node som sh:targetClass er ikkje støtta",
                    "en": "a blank node as sh:targetClass is not supported"})
            t = "?samh_class"  # scoped by the sub-SELECT
            parts.append(f"?this <{RDF.type}> <{cls}> .")
            parts.append(f"{t} <{RDFS.subClassOf}>+ <{cls}> . ?this <{RDF.type}> {t} .")
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append("VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " }")
        for parameter, template in ((SH.targetSubjectsOf, "?this {} ?samh_any ."),
                                    (SH.targetObjectsOf, "?samh_any {} ?this .")):
            for predicate in g.objects(shape, parameter):
                parts.append(template.format(sparql_term(self.shapes.iri(shape, parameter, predicate))))
        for target in g.objects(shape, SH.target):
            from samhandling_kg.validation.compiler.sparql import target_pattern

            parts.append(target_pattern(self, shape, target))
        if not parts:
            return None
        # Sorted and without repeats: shapes that select the same focus nodes in another
        # order share one text, so their focus nodes are written once (compile_shapes keys).
        union = " UNION ".join("{ " + p + " }" for p in sorted(set(parts)))
        return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"

    # --- constraints ----------------------------------------------------------------

    def scope(self, shape: Node, focus: str, value: str, *, top: bool) -> Scope:
        path_node = self.shapes.one(shape, SH.path)
        path = self.path(path_node, shape) if path_node is not None else None
        return Scope(self, shape, focus, value, path, path_node,
                     hashable=top and path is not None and simple_path(path), top=top)

    def constraints(self, shape: Node, focus: str = "?this", value: str = "?value", *,
                    top: bool = True) -> Iterator[Found]:
        """Every constraint of ``shape`` itself (not of its sh:property shapes)."""
        scope = self.scope(shape, focus, value, top=top)
        for component, parameter_value in self.components(shape):
            yield from component.compile(scope, parameter_value)

    def conforms(self, shape: Node, value: str) -> str:
        """A boolean expression: the node in ``value`` conforms to ``shape`` (its own
        constraints, its property shapes', and theirs)."""
        if not self.active(shape):
            return "true"
        if shape in self._conforming:
            raise localised(UnsupportedShape, {
                "nb": "SHACL-formen {shape} viser til seg selv (en rekursiv form); SHACL lar betydningen stå åpen",
                "nn": "SHACL-forma {shape} viser til seg sjølv (ei rekursiv form); SHACL lèt tydinga stå open",
                "en": "shape {shape} refers to itself (a recursive shape); SHACL leaves its meaning open"},
                shape=name(shape))
        flat = self.value_test(shape, value)
        if flat is not None:
            return flat
        self._conforming.append(shape)
        try:
            parts = [f"!EXISTS {{ {found.pattern} }}"
                     for found in self.constraints(shape, value, self.fresh(), top=False)]
            path_node = self.shapes.one(shape, SH.path)
            for child in self.g.objects(shape, SH.property):
                if not self.active(child):
                    continue
                if path_node is None:
                    parts.append(self.conforms(child, value))
                else:
                    inner = self.fresh()
                    parts.append(f"!EXISTS {{ {value} {self.path(path_node, shape)} {inner} "
                                 f"FILTER (!{self.conforms(child, inner)}) }}")
        finally:
            self._conforming.pop()
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def value_test(self, shape: Node, value: str) -> str | None:
        """"``value`` conforms to ``shape``" as a flat boolean expression (no nested group:
        Virtuoso evaluates a filter-only group inside EXISTS wrongly), when the shape is a node
        shape whose every constraint allows it; else None."""
        if (shape, SH.property, None) in self.g:
            return None
        path_node = self.shapes.one(shape, SH.path)
        if path_node is not None:
            # A property shape of sh:hasValue alone: "reaches the value" (the profile's
            # sh:class test through rdf:type/rdfs:subClassOf*).
            components = self.components(shape)
            if components and all(c.iri == SH.HasValueConstraintComponent for c, _ in components):
                return "(" + " && ".join(self.reaches(value, path_node, sparql_term(v), shape)
                                         for _, v in components) + ")"
            return None
        tests: list[str] = []
        for component, parameter_value in self.components(shape):
            if component.test is None:
                return None
            tests.append(component.test(self, shape, value, parameter_value))
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def count(self, focus: str, path: str, test: str, *, v: str | None = None,
              condition: str | None = None, zero: bool = True, itself: bool = False) -> str:
        """``focus`` has a number of values (that meet ``condition``) passing ``test``.
        ``itself``: the path is ``p*`` or ``p?`` and no condition, so a focus node the store
        finds no row for (one outside the data) has one value, itself."""
        v = v or self.fresh()
        c = self.fresh("c")
        where = f"{focus} {path} {v} ." + (f" FILTER ({condition})" if condition else "")
        inner = f"SELECT {focus} (COUNT(DISTINCT {v}) AS {c}) WHERE {{ {where} }} GROUP BY {focus}"
        if zero or itself:  # a focus node without values counts 0 (or 1: itself)
            return f"OPTIONAL {{ {inner} }} FILTER (COALESCE({c}, {1 if itself else 0}) {test})"
        return f"{{ {inner} }} FILTER ({c} {test})"

    def zero_start(self, path_node: Node | None) -> bool:
        return isinstance(path_node, BNode) and (
            (path_node, SH.zeroOrMorePath, None) in self.g or (path_node, SH.zeroOrOnePath, None) in self.g)

    def reach(self, focus: str, path_node: Node, value: str, shape: Node | None = None) -> str:
        """``focus PATH value .`` as a pattern of the group ``focus`` is bound in. Oxigraph
        matches the zero steps of ``p*`` and ``p?`` only for nodes of the graph (SPARQL says
        any node): such a path is written as "the node itself, or one or more steps" without
        a nested group, which would not see ``focus``."""
        if self.zero_start(path_node):
            star = self.g.value(path_node, SH.zeroOrMorePath)
            step = star if star is not None else self.g.value(path_node, SH.zeroOrOnePath)
            assert step is not None
            inner = self.path(step, shape)
            steps = f"({inner})+" if star is not None else inner
            z, w = self.fresh("z"), self.fresh("w")
            return (f"VALUES {z} {{ 0 1 }} OPTIONAL {{ {focus} {steps} {w} FILTER ({z} = 1) }} "
                    f"BIND (IF({z} = 0, {focus}, {w}) AS {value}) FILTER (BOUND({value}))")
        return f"{focus} {self.path(path_node, shape)} {value} ."

    def instance_of(self, value: str, cls: Node) -> str:
        """``EXISTS { value rdf:type/rdfs:subClassOf* cls }`` written without a zero-length
        path (Virtuoso misses the zero-length match against a constant; Oxigraph plans a
        zero-length path inside EXISTS as a scan of every node)."""
        t = self.fresh("t")
        return (f"EXISTS {{ {value} <{RDF.type}> {t} . FILTER ({same(t, cls)} "
                f"|| EXISTS {{ {t} <{RDFS.subClassOf}>+ {sparql_term(cls)} }}) }}")

    def reaches(self, focus: str, path_node: Node, target: str, shape: Node | None = None) -> str:
        """``EXISTS { focus PATH target }``; a zero-or-more path as "the same node, or one or
        more steps" (see :meth:`instance_of`)."""
        inner = self.g.value(path_node, SH.zeroOrMorePath) if isinstance(path_node, BNode) else None
        if inner is not None:
            return (f"({same(focus, target)} || "
                    f"EXISTS {{ {focus} ({self.path(inner, shape)})+ {target} }})")
        return f"EXISTS {{ {focus} {self.path(path_node, shape)} {target} }}"


_PATH_KINDS = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+",
               SH.zeroOrOnePath: "({})?", SH.alternativePath: ""}

_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


def _is_shape(g: Graph, node: Node) -> bool:
    return any((node, RDF.type, t) in g for t in _SHAPE_TYPES)


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is None or namespace is None:
            continue
        if prefixes.get(str(prefix), str(namespace)) != str(namespace):
            raise localised(UnsupportedShape, {"nb": "prefikset {prefix}: er deklarert med to navnerom",
                                               "nn": "prefikset {prefix}: er deklarert med to namnerom",
                                               "en": "prefix {prefix}: declared with two namespaces"},
                            prefix=prefix)
        prefixes[str(prefix)] = str(namespace)
    return prefixes


_SEVERITY_DEFAULT = SH.Violation


def shapes_with_targets(shapes: Graph) -> set[Node]:
    found: set[Node] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                      SH.target):
        found.update(shapes.subjects(predicate, None))
    for shape_type in _SHAPE_TYPES:
        for shape in shapes.subjects(RDF.type, shape_type):
            if (shape, RDF.type, RDFS.Class) in shapes:
                found.add(shape)  # implicit class target
    return found


def compile_shapes(shapes: Graph) -> tuple[CompiledCheck, ...]:
    """Every constraint of every shape with targets (of the property shapes they hold, and
    of theirs, with the values of the holding shape's path as focus nodes) as a SELECT over
    the data graph; raises :class:`UnsupportedShape` for what it cannot translate (the whole
    set: never run half) and :class:`MalformedShape` for a parameter SHACL does not allow."""
    compiler = Compiler(shapes)
    prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(compiler.prefixes.items()))
    checks: list[CompiledCheck] = []
    targets_seen: dict[str, int] = {}

    def key_of(target: str) -> str:
        return f"urn:x-samhandling:target:{targets_seen.setdefault(target, len(targets_seen))}"

    def add(member: Node, target: str, key: str, chain: tuple[str, ...]) -> None:
        """The checks of ``member``, whose focus nodes are those of ``target`` (written under
        ``key``) followed along the paths of ``chain`` (the property shapes holding it)."""
        if len(chain) > 8:
            raise shape_error(UnsupportedShape, member, {
                "nb": "sh:property er nøstet mer enn 8 nivåer dypt",
                "nn": "sh:property er nøsta meir enn 8 nivå djupt",
                "en": "sh:property nested more than 8 deep"})
        path_node = compiler.shapes.one(member, SH.path)
        severity = compiler.shapes.one(member, SH.severity) or _SEVERITY_DEFAULT
        if not isinstance(severity, URIRef):
            raise shape_error(MalformedShape, member, {
                "nb": "sh:severity {severity} er ikke en IRI",
                "nn": "sh:severity {severity} er ikkje ein IRI",
                "en": "sh:severity {severity} is not an IRI"}, severity=name(severity))
        path_triples = compiler.path_triples(path_node) if isinstance(path_node, BNode) else ()
        if chain:
            # One focus node per value of the holding shapes' paths: a value reached from two
            # focus nodes is validated (and reported) twice, as SHACL says.
            parents = [f"?samh_parent{i}" for i in range(len(chain))]
            steps = " ".join(f"{parents[i]} {step} {(parents + ['?this'])[i + 1]} ."
                             for i, step in enumerate(chain))
            each = " ".join([*parents, "?this"])
            plain_target = (f"{{ SELECT DISTINCT {each} WHERE {{ "
                            f"{{ SELECT (?this AS {parents[0]}) WHERE {{ {target} }} }} {steps} }} }}")
            cached_target = (f"{{ SELECT DISTINCT {each} WHERE {{ "
                             f"GRAPH <{FOCUS}> {{ <{key}> <{FOCUS_OF}> {parents[0]} }} {steps} }} }}")
            extra = " ".join(parents)
        else:
            plain_target = target
            cached_target = f"GRAPH <{FOCUS}> {{ <{key}> <{FOCUS_OF}> ?this }}"
            extra = ""
        for found in compiler.constraints(member):
            pattern = found.pattern
            if isinstance(pattern, Headed):
                head, local_head = pattern.head, pattern.local_head
            else:
                head = local_head = _head(found)
            local = getattr(pattern, "local", pattern)
            checks.append(CompiledCheck(
                shape=member, component=found.component, severity=severity,
                path=path_node, node_shape=path_node is None,
                query=f"{prologue}{_with(head, extra)} WHERE {{\n  {plain_target}\n  {pattern}\n}}",
                cached_query=(f"{prologue}{_with(local_head, extra)} WHERE {{\n  {cached_target}\n"
                              f"  {local}\n}}"),
                unfocused_query=(f"{prologue}{local_head} WHERE {{\n  {local}\n}}"
                                 if isinstance(local, Standalone) and not chain else ""),
                targets=f"{prologue}SELECT ?this WHERE {{ {target} }}", target_key=key,
                target_insert=(f"{prologue}INSERT {{ GRAPH <{FOCUS}> {{ <{key}> <{FOCUS_OF}> ?this }} }}\n"
                               "{using}"
                               f"WHERE {{ {target} }}"),
                selects_path=re.search(r"\?path\b", head) is not None, reports_value=found.reports_value,
                local_only=found.local_only, path_triples=path_triples,
                sparql=isinstance(pattern, Headed) and found.component != SH.ClosedConstraintComponent,
                constraint=found.constraint, bindings=found.bindings))
        for child in sorted(shapes.objects(member, SH.property), key=str):
            if not compiler.active(child):
                continue
            if path_node is None:
                add(child, target, key, chain)
            else:
                add(child, target, key, (*chain, compiler.path(path_node, member)))

    for shape in sorted(shapes_with_targets(shapes), key=str):
        if not compiler.active(shape):
            continue
        target = compiler.targets(shape)
        assert target is not None
        add(shape, target, key_of(target), ())
    return tuple(checks)


def _with(head: str, extra: str) -> str:
    """``head`` projecting ``extra`` variables too (after ?this)."""
    return head.replace("?this", f"?this {extra}", 1) if extra else head


def _head(found: Found) -> str:
    extra = f" {found.distinct_by}" if found.distinct_by else ""
    if found.reports_value:
        return f"SELECT DISTINCT ?this ?value{extra}"
    return f"SELECT DISTINCT ?this{extra}"
