"""Assembling the report: findings of any engine become results with messages, records,
files and lines, in one order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    RDF,
    RDFS,
    SH,  # closed: a misspelt SHACL term fails at once
    SKOS,
)
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, input_error, localised
from samhandling_kg.core.labels import compact, name_of, pick_text
from samhandling_kg.core.namespace import SAMSH
from samhandling_kg.io.oxigraph import to_ox, to_ox_iri, to_rdflib
from samhandling_kg.kg.graph import (
    bind_prefixes,
    closest_term,
)
from samhandling_kg.validation.background import _ontology_graph, background_results
from samhandling_kg.validation.hints import DID_YOU_MEAN, Lookup, with_hints
from samhandling_kg.validation.input import _Input, _shapes
from samhandling_kg.validation.model import (
    DATA_AND_BACKGROUND,
    Finding,
    Severity,
    Triple,
    ValidationReport,
    ValidationResult,
    node_text,
)
from samhandling_kg.validation.sourcelines import _Locator


class Assembler:
    """Findings (of any engine) become results as they arrive: messages, records, files and
    lines. The compiled engine hands over each check's findings while the other checks still
    run (:func:`~samhandling_kg.validation.engines.validate`); :meth:`report` then adds the
    hints, the records and the one order."""

    def __init__(self, given: _Input, *, lang: str, locator: _Locator | None = None,
                 shapes: Graph | None = None, every_record: bool = True) -> None:
        self.given = given
        self.lang = lang
        #: Whether the report lists every record, or only those with findings.
        self.every_record = every_record
        self.shapes = _shapes() if shapes is None else shapes
        self.locator = _Locator(given, _View(given), lang) if locator is None else locator
        #: The results of each batch, by the batch's number (the engine's order).
        self._batches: dict[int, list[ValidationResult]] = {}

    def add(self, number: int, findings: Sequence[Finding]) -> None:
        """The findings of batch ``number`` (any order of batches; the report's order is
        theirs by number)."""
        view, locator = self.locator.view, self.locator
        self._batches[number] = [_result(f, self.shapes, view, self.lang, locator) for f in findings]

    def report(self, *, fail_on: Severity, refused: Sequence[Triple] = (),
               general: bool = False) -> ValidationReport:
        """The report of what was added, and of the ``refused`` statements about the
        ontology's terms. ``general`` (``--profile none``): no hints of the profile, and
        every result kept as the engine found it (SHACL's report, not the profile's one
        message per shape and value)."""
        given, lang, locator = self.given, self.lang, self.locator
        locator.forget_statements()
        results = [r for number in sorted(self._batches) for r in self._batches[number]]
        self._batches.clear()
        if not general:
            results = with_hints(results, locator.view.lookup(), lang)
        for result in background_results(refused, _ontology_graph(), lang) if refused else ():
            assert result.focus_term is not None
            file, line = locator.where(result.focus_term)
            results.append(replace(result, file=file, line=line))
        records = locator.records([r.record for r in results], every=self.every_record)
        order = {record.node: index for index, record in enumerate(records)}
        results.sort(key=lambda r: (order.get(r.record, len(order)), r.severity.rank,
                                    _shape_order(r.source_shape), r.focus_node,
                                    r.path or "", r.value or "", r.constraint_component))
        return ValidationReport(
            results=tuple(results if general else _dedupe(results)),
            records=tuple(records),
            files=tuple(given.files),
            lang=lang,
            fail_on=fail_on,
        )


def report_for(given: _Input, findings: Sequence[Finding], *, lang: str, fail_on: Severity,
               refused: Sequence[Triple] = (), locator: _Locator | None = None,
               shapes: Graph | None = None, general: bool = False) -> ValidationReport:
    """The report of ``findings`` (of any engine) and of the ``refused`` statements about the
    ontology's terms (``locator``: one already made for ``given`` in ``lang``; ``shapes``
    holds the messages, default: the profile's): :class:`Assembler` in one step."""
    assembler = Assembler(given, lang=lang, locator=locator, shapes=shapes)
    assembler.add(0, findings)
    return assembler.report(fail_on=fail_on, refused=refused, general=general)


def _too_deep(given: _Input, data: Graph) -> SamhandlingError:
    """The error for data whose chains are deeper than validation can follow, naming the
    longest chain."""
    depth, predicate = max((longest_chain(data, p), p) for p in (RDFS.subClassOf, RDF.rest, SKOS.broader))
    name = {RDFS.subClassOf: "rdfs:subClassOf", RDF.rest: "rdf:rest", SKOS.broader: "skos:broader"}[predicate]
    message = {"nb": "en kjede av {depth} {name}-utsagn er for dyp til å valideres (kontrollene følger "
                     "slike kjeder steg for steg; hold dem under noen hundre)",
               "nn": "ei kjede av {depth} {name}-utsegner er for djup til å validerast (kontrollane følgjer "
                     "slike kjeder steg for steg; hald dei under nokre hundre)",
               "en": "a chain of {depth} {name} statements is too deep to validate (the checks follow "
                     "such chains step by step; keep them below a few hundred)"}
    if len(given.files) == 1:
        return input_error(given.files[0], message, depth=depth, name=name)
    return localised(SamhandlingError, message, depth=depth, name=name)


def longest_chain(graph: Graph, predicate: URIRef) -> int:
    """The number of ``predicate`` statements in the longest chain of them in ``graph``
    (cycles counted once round). Iterative: any depth."""
    longest: dict[Node, int] = {}
    for start in set(graph.subjects(predicate, None)):
        if start in longest:
            continue
        stack: list[tuple[Node, list[Node]]] = [(start, list(graph.objects(start, predicate)))]
        on_path = {start}
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in longest and nxt not in on_path:
                    on_path.add(nxt)
                    stack.append((nxt, list(graph.objects(nxt, predicate))))
                continue
            stack.pop()
            on_path.discard(node)
            longest[node] = max((1 + longest.get(o, 0) for o in graph.objects(node, predicate)
                                 if o not in on_path), default=0)
    return max(longest.values(), default=0)


class _View:
    """Reads the private store for the report: labels, titles, compact names."""

    def __init__(self, given: _Input) -> None:
        self.store = given.store
        self._labels: dict[tuple[Node, str], str] = {}
        self.names = bind_prefixes(Graph())
        for prefix, namespace in given.prefixes.items():
            self.names.bind(prefix, namespace, override=False)

    def objects(self, node: Node, predicate: Node, graphs: Sequence[ox.NamedNode] = DATA_AND_BACKGROUND
                ) -> list[Node]:
        try:
            subject = to_ox(node)
        except TypeError:
            return []
        if isinstance(subject, ox.Literal):
            return []
        found = []
        for graph in graphs:
            for quad in self.store.quads_for_pattern(subject, to_ox_iri(predicate), None, graph):
                found.append(to_rdflib(quad.object))
        return found

    def subjects(self, predicate: Node, node: Node) -> list[Node]:
        try:
            value = to_ox(node)
        except TypeError:
            return []
        return [to_rdflib(quad.subject) for graph in DATA_AND_BACKGROUND
                for quad in self.store.quads_for_pattern(None, to_ox_iri(predicate), value, graph)]

    def lookup(self) -> Lookup:
        """What the report's hints (:mod:`samhandling_kg.validation.hints`) read."""
        return Lookup(self.objects, self.subjects, self.label, lambda node: compact(self.names, node))

    def label(self, node: Node, lang: str) -> str:
        if isinstance(node, Literal):
            return str(node)
        key = (node, lang)
        if key not in self._labels:
            self._labels[key] = self._label(node, lang)
        return self._labels[key]

    def _label(self, node: Node, lang: str) -> str:
        found = name_of(self.objects, node, lang)
        return found.value if found is not None else compact(self.names, node)


def _dedupe(results: Sequence[ValidationResult]) -> list[ValidationResult]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for r in results:
        # One finding per shape, focus, path and value: a literal landing page breaks both the
        # node kind and the pattern of one shape, with one message; it is reported once.
        key = (r.severity, r.focus_node, r.path, r.value, r.source_shape)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def _result(finding: Finding, shapes: Graph, view: _View, lang: str,
            locator: _Locator) -> ValidationResult:
    focus, path, value, shape = finding.focus, finding.path, finding.value, finding.shape
    message = _constraint_message(finding, shapes, lang)
    if message is None:
        message = _message(shapes, shape, lang, value, view)
    if message is None:  # a shape without a message of its own (the user's)
        message = _DEFAULT_MESSAGE[lang].format(compact(view.names, finding.component)
                                                if finding.component is not None else "?")
    if shape == SAMSH.KnownTerm and isinstance(value, URIRef):
        close = closest_term(str(value))
        if close:
            message = f"{message} {DID_YOU_MEAN[lang].format(close)}"
    record = locator.record_of(focus)
    file, line = locator.where(record)
    if file is not None:
        line = locator.triple_line(file, focus, path, value) or line
    return ValidationResult(
        severity=finding.severity,
        focus_node=node_text(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        severity_term=finding.severity_term,
        path_structure=finding.path_triples,
        value=node_text(value) if value is not None else None,
        message=message,
        source_shape=node_text(shape) if shape is not None else "",
        constraint_component=str(finding.component) if finding.component is not None else "",
        source_constraint=node_text(finding.constraint) if finding.constraint is not None else None,
        record=node_text(record),
        file=file,
        line=line,
        focus_term=focus,
        path_term=path if isinstance(path, (URIRef, BNode)) else None,
        value_term=value,
    )


_DEFAULT_MESSAGE = {
    "nb": "Verdien oppfyller ikke {0}.",
    "nn": "Verdien oppfyller ikkje {0}.",
    "en": "The value does not satisfy {0}.",
}


def _message(shapes: Graph, shape: Node | None, lang: str, value: Node | None,
             view: _View) -> str | None:
    if shape is None:
        return None
    text = _shape_message(shapes, shape, lang)
    if text is None:
        return None
    if "{?value}" in text or "{$value}" in text:
        shown = view.label(value, lang) if value is not None else "?"
        text = text.replace("{?value}", shown).replace("{$value}", shown)
    return text


def _constraint_message(finding: Finding, shapes: Graph, lang: str) -> str | None:
    """The message of a SHACL-SPARQL result (SHACL 5.3.2): the solution's ``?message``, else
    the constraint's own sh:message in ``lang`` with each ``{?name}``/``{$name}`` replaced by
    the solution's value of that variable (its lexical form or IRI, as pySHACL writes it);
    None when the constraint gives none (the shape's message is then the result's).

    pySHACL gives no bindings but its own messages, one per sh:message, substituted and
    without their language tag: the one that the template in ``lang`` matches is taken."""
    bound = dict(finding.bindings)
    given = bound.get("message")
    if isinstance(given, Literal):
        return str(given)
    if finding.constraint is None:
        return None
    template = _shape_message(shapes, finding.constraint, lang)
    if template is None:
        return None
    if finding.messages:
        pattern = _template_pattern(template)
        for text in sorted(str(m) for m in finding.messages):
            if pattern.fullmatch(text):
                return text
    values: dict[str, str] = {name: str(term) for name, term in (
        ("this", finding.focus), ("path", finding.path), ("value", finding.value),
        *finding.bindings) if term is not None}
    return re.sub(r"\{[?$](\w+)\}",
                  lambda m: values.get(m.group(1), m.group(0)), template)


@lru_cache(maxsize=256)
def _template_pattern(template: str) -> re.Pattern[str]:
    """A message template as a pattern its substituted texts match."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile("(?s)" + ".*".join(re.escape(p) for p in parts))


@lru_cache(maxsize=1024)
def _shape_message(shapes: Graph, shape: Node, lang: str) -> str | None:
    return pick_text(shapes.objects(shape, SH.message), lang)


@cache
def _shape_orders() -> dict[str, float]:
    shapes = _shapes()
    return {str(s): float(o.toPython()) for s, o in shapes.subject_objects(SH.order)
            if isinstance(o, Literal)}


def _shape_order(shape: str) -> float:
    return _shape_orders().get(shape, 1000.0)
