"""Validating solution descriptions against the SHACL profile in ``shapes/``.

One pipeline, two engines (:data:`ENGINES`):

1. :func:`_read` reads the files once, with Oxigraph's parsers (:mod:`samhandling_kg.oxio`),
   into a private store (graph :data:`DATA`). The user's files and graphs are never changed.
   A step that cleans the data belongs here, after reading and before the background is
   added: both engines then see its result.
2. :meth:`_Input.add_background` puts the ontology beside the data (graph
   :data:`BACKGROUND`): pySHACL's ``ont_graph`` would only mix in class axioms, not the
   ``rdf:type`` triples of the forms and needs, so ``sh:class sam:OrganisationalForm`` needs
   the two merged. No RDFS/OWL inference runs; ``sh:class`` walks ``rdfs:subClassOf``.
3. An engine turns the shapes into :class:`Finding` s: ``compiled`` (the default; the profile
   compiled to SPARQL by :mod:`samhandling_kg.shacl_sparql`, run in the store) or ``pyshacl``
   (the reference). Shapes target ``sam:Solution`` instances (the ontology has none) and needs
   or forms the user declares; as a guarantee on top, a finding whose focus node is not a
   subject of the user's data is dropped: no result points into the ontology.
4. :func:`report_for` writes messages, records, files and lines: the same for every engine.

:func:`validate_endpoint` runs step 3 (compiled) at a SPARQL endpoint instead.

Nothing reaches the network: the parsers never fetch, pySHACL runs inside
:func:`~samhandling_kg.rdfio.no_network`, the compiled queries refuse ``SERVICE``, and
``owl:imports`` are never followed.
"""

from __future__ import annotations

import enum
import os
import re
import sys
import warnings
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, overload

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import (
    DCTERMS,
    OWL,
    RDF,
    RDFS,
    SH,  # closed: a misspelt SHACL term fails at once
    SKOS,
)
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from . import resources
from .errors import InputError, SamhandlingError
from .graph import bind_prefixes, closest_term, ontology_graph, ontology_local_names, shapes_graph
from .hints import DID_YOU_MEAN, Lookup, with_hints
from .namespace import SAM, SAMSH
from .oxio import load_file, to_ox, to_ox_quads, to_rdflib
from .progress import ProgressCallback
from .rdfio import IRI_FORBIDDEN, RdfBytes, decode_text, expand_paths, no_network, read_bytes
from .shacl_sparql import FOCUS, CompiledCheck, compiled_profile
from .stores import display_url
from .terms import DEFAULT_LANGUAGE, LANGUAGES, ONTOLOGY_IRI

Source = str | Path | RdfBytes | Graph | Iterable[str | Path | RdfBytes]


class Severity(str, enum.Enum):
    """The SHACL severities, in the order of the profile levels."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        """0 for Violation (most severe), 2 for Info."""
        return _RANK[self]

    @property
    def level(self) -> str:
        """The profile level: mandatory, recommended or optional."""
        return _LEVEL[self]

    @classmethod
    def parse(cls, text: str | Severity) -> Severity:
        """``violation``/``Violation``/``sh:Violation`` → :attr:`VIOLATION` (etc.)."""
        if isinstance(text, Severity):
            return text
        name = str(text).rsplit("#", 1)[-1].rsplit(":", 1)[-1].strip().capitalize()
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(s.value.lower() for s in cls)
            raise SamhandlingError(f"unknown severity {text!r}; known: {known}") from None


_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
_LEVEL = {Severity.VIOLATION: "mandatory", Severity.WARNING: "recommended", Severity.INFO: "optional"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding. The first seven fields are the contract's JSON object."""

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    constraint_component: str
    #: The record (solution, or a need or form declared by the user) the finding belongs to.
    record: str
    #: The file the record was read from and the line where it starts, where known.
    file: str | None = None
    line: int | None = None
    # The RDF terms behind the strings, for the Turtle report.
    focus_term: Node | None = field(default=None, repr=False, compare=False)
    path_term: Node | None = field(default=None, repr=False, compare=False)
    value_term: Node | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, object]:
        """The object the public contract fixes for ``--format json``."""
        return {
            "severity": self.severity.value,
            "focus_node": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "source_shape": self.source_shape,
            "constraint_component": self.constraint_component,
        }


@dataclass(frozen=True)
class Record:
    """A described thing the report is grouped by: a solution, or a need or form the user
    declared in their own file."""

    node: str
    title: str
    kind: str  # "solution" or "concept"
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`. Never holds the data or the ontology."""

    results: tuple[ValidationResult, ...]
    records: tuple[Record, ...]
    files: tuple[str, ...]
    lang: str = DEFAULT_LANGUAGE
    fail_on: Severity = Severity.VIOLATION

    @property
    def conforms(self) -> bool:
        """True when no finding is at or above the ``fail_on`` level (what the exit status
        says)."""
        return not any(r.severity.rank <= self.fail_on.rank for r in self.results)

    @property
    def shacl_conforms(self) -> bool:
        """The SHACL meaning of conformance: no finding at all, whatever its severity."""
        return not self.results

    def count(self, severity: Severity | str) -> int:
        wanted = Severity.parse(severity)
        return sum(1 for r in self.results if r.severity is wanted)

    def for_record(self, record: Record | str) -> tuple[ValidationResult, ...]:
        node = record.node if isinstance(record, Record) else record
        return tuple(r for r in self.results if r.record == node)

    def failing(self) -> tuple[ValidationResult, ...]:
        """The findings at or above the ``fail_on`` level."""
        return tuple(r for r in self.results if r.severity.rank <= self.fail_on.rank)


# ---------------------------------------------------------------------------------------
# Organisation numbers
# ---------------------------------------------------------------------------------------

_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_ORG_IRI = re.compile(r"^https?://data[.]brreg[.]no/enhetsregisteret/(api/)?enhet(er)?/([0-9]{9})$")


def organisation_number_valid(number: str) -> bool:
    """True for a 9-digit Norwegian organisation number with a correct mod-11 check digit
    (weights 3 2 7 6 5 4 3 2; check digit 11 − sum mod 11, 11 → 0, 10 never valid)."""
    if not re.fullmatch(r"[0-9]{9}", number):
        return False
    digits = [int(c) for c in number]
    remainder = sum(w * d for w, d in zip(_ORG_WEIGHTS, digits)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == digits[8]


def organisation_number_of(iri: str) -> str | None:
    """The organisation number in an Enhetsregisteret IRI, or None."""
    match = _ORG_IRI.match(str(iri))
    return match.group(3) if match else None


# ---------------------------------------------------------------------------------------
# Reading the input
# ---------------------------------------------------------------------------------------

#: The graphs of the private store: the user's data, and the ontology as background.
DATA = ox.NamedNode("urn:x-samhandling:data")
BACKGROUND = ox.NamedNode("urn:x-samhandling:background")
_BOTH = [DATA, BACKGROUND]


class _Input:
    """The user's data, read once into a private Oxigraph store (graph :data:`DATA`), with
    the ontology beside it (graph :data:`BACKGROUND`). Every engine validates this, so a step
    that cleans the data runs once, before the engine."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.files: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.file_prefixes: dict[str, dict[str, str]] = {}
        #: The bytes of inputs that are no file (standard input), by name.
        self.in_memory: dict[str, bytes] = {}
        #: Subjects of data statements that restate the ontology (kept in the background only).
        self.restated: set[Node] = set()
        #: Subjects of data statements refused for changing the ontology's terms (reported).
        self.refused: set[Node] = set()
        self._graph: Graph | None = None
        #: Each file's line index (:func:`_index_lines`) for the report, built on another
        #: thread while Oxigraph parses (the parser releases the GIL).
        self.line_index: dict[str, Future[tuple[Sequence[str], dict[str, int], list[str]]]] = {}

    def data_graph(self) -> Graph:
        """The data as an rdflib graph (for pySHACL and for the hints of an input error)."""
        if self._graph is None:
            graph = Graph()
            for prefix, namespace in self.prefixes.items():
                graph.bind(prefix, namespace, override=False)
            with warnings.catch_warnings():  # rdflib warns of ill-typed literals (legal RDF)
                warnings.simplefilter("ignore")
                for quad in self.store.quads_for_pattern(None, None, None, DATA):
                    graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                               to_rdflib(quad.object)))
            self._graph = graph
        return self._graph

    def is_data_subject(self, node: Node) -> bool:
        if node in self.restated:
            return True
        try:
            term = to_ox(node)
        except TypeError:
            return False
        if isinstance(term, ox.Literal):
            return False
        return next(iter(self.store.quads_for_pattern(term, None, None, DATA)), None) is not None

    def remove_background_statements(self) -> tuple[Triple, ...]:
        """The engine-independent pre-step: take out of the data every statement that would
        change the ontology's terms (:func:`background_statement_kind`) and return them, in a
        stable order, to be reported. Looked up by pattern in the store, not by copying the
        data into rdflib: a national catalogue pays nothing for it."""
        terms = _background_terms()
        candidates: set[Triple] = set()
        patterns: list[tuple[Any, Any]] = [(to_ox(t), None) for t in terms if not isinstance(t, Literal)]
        patterns += [(None, to_ox(p)) for p in (RDFS.isDefinedBy, *_EQUATING)]
        for subject, predicate in patterns:
            for quad in self.store.quads_for_pattern(subject, predicate, None, DATA):
                candidates.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        refused = tuple(sorted((t for t in candidates if background_statement_kind(t, terms)),
                               key=lambda t: tuple(_node_text(n) for n in t)))
        for s, p, o in refused:
            self.store.remove(ox.Quad(to_ox(s), to_ox(p), to_ox(o), DATA))
            self.refused.add(s)
        if refused:
            self._graph = None
        return refused

    def add_background(self) -> None:
        """Put the ontology beside the data. A data statement that restates one of the
        ontology's is kept once (in the background): the queries see the two graphs as one
        default graph, and the RDF merge of the two is a set."""
        self.store.extend(_ontology_quads())
        for quad in _ontology_quads():
            if quad.subject.__class__ is ox.BlankNode:
                continue
            data_quad = ox.Quad(quad.subject, quad.predicate, quad.object, DATA)
            if data_quad in self.store:
                self.restated.add(to_rdflib(quad.subject))
                self.store.remove(data_quad)
        self._graph = None


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    store = ox.Store()
    load_file(store, resources.ontology_path(), BACKGROUND)
    return tuple(store)


def _read(source: Source) -> _Input:
    given = _Input()
    if isinstance(source, Graph):
        # A copy: the caller's graph is never touched.
        given.store.extend(to_ox_quads(source, DATA))
        given.prefixes = {str(p): str(n) for p, n in source.namespaces() if str(p)}
        return given
    items = [source] if isinstance(source, (str, Path, RdfBytes)) else list(source)
    indexer = ThreadPoolExecutor(1)
    try:
        for path in expand_paths(items):
            if isinstance(path, RdfBytes):  # standard input: its lines are shown as a file's
                given.in_memory[str(path)] = path.data
            given.line_index[str(path)] = indexer.submit(
                _index_lines, str(path), given.in_memory.get(str(path)))
            # Each file whole or not at all: the first bad one raises, naming it, before any
            # output.
            prefixes = load_file(given.store, path, DATA)
            given.files.append(str(path))
            given.file_prefixes[str(path)] = prefixes
            for prefix, namespace in prefixes.items():
                given.prefixes.setdefault(prefix, namespace)
    except BaseException:
        for future in given.line_index.values():
            future.cancel()
        raise
    finally:
        indexer.shutdown(wait=False)
    return given


# ---------------------------------------------------------------------------------------
# The background is not the user's to change (engine-independent pre-step)
# ---------------------------------------------------------------------------------------

Triple = tuple[Node, Node, Node]

#: Predicates that would make a term of the user's the same as a term of the ontology.
_EQUATING = (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty)

#: Where a finding about such a statement comes from (no SHACL shape: it is checked before
#: any engine runs).
BACKGROUND_SHAPE = SAMSH.OntologyUnchanged
BACKGROUND_COMPONENT = SAMSH.OntologyUnchangedComponent

_BACKGROUND_MESSAGES = {
    "subject": {
        "en": "Statements about the ontology's own terms are not taken from the data; the "
              "checks use the ontology as published.",
        "nb": "Utsagn om ontologiens egne termer hentes ikke fra dataene; kontrollene bruker "
              "ontologien slik den er publisert.",
        "nn": "Utsegner om ontologien sine eigne termar vert ikkje henta frå dataa; kontrollane "
              "brukar ontologien slik han er publisert.",
    },
    "defined-by": {
        "en": "Only the ontology itself defines terms of the ontology (rdfs:isDefinedBy); the "
              "statement is not used.",
        "nb": "Bare ontologien selv definerer termer i ontologien (rdfs:isDefinedBy); utsagnet "
              "blir ikke brukt.",
        "nn": "Berre ontologien sjølv definerer termar i ontologien (rdfs:isDefinedBy); utsegna "
              "vert ikkje brukt.",
    },
    "equating": {
        "en": "A term of the data cannot be made the same as a term of the ontology; the "
              "statement is not used.",
        "nb": "En term i dataene kan ikke gjøres lik en term i ontologien; utsagnet blir ikke "
              "brukt.",
        "nn": "Ein term i dataa kan ikkje gjerast lik ein term i ontologien; utsegna vert ikkje "
              "brukt.",
    },
}


def background_terms(ontology: Graph) -> frozenset[Node]:
    """The ontology's own terms: the IRIs of its own namespaces (``sam:``, its sources and
    organisations under ``https://w3id.org/samhandling``) that it makes a statement about, and
    its own IRI. Terms of other vocabularies it describes (``dct:title``, a publisher's
    Enhetsregisteret IRI) stay open to the data."""
    own = str(ONTOLOGY_IRI)
    return frozenset({s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(own)}
                     | {ONTOLOGY_IRI})


@cache
def _background_terms() -> frozenset[Node]:
    """:func:`background_terms` of the bundled ontology, read from its Oxigraph copy: no
    rdflib parse of the ontology before a small file's validation."""
    own = str(ONTOLOGY_IRI)
    return frozenset({URIRef(q.subject.value) for q in _ontology_quads()
                      if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(own)}
                     | {ONTOLOGY_IRI})


def background_statement_kind(triple: Triple, terms: frozenset[Node]) -> str | None:
    """Why ``triple`` would change the background, or None when it would not:

    * ``"subject"`` — its subject is a term of the ontology (``sam:MessageExchange a
      sam:OrganisationalForm``, ``sam:SendAndReceive sam:supportedBy sam:PortalAccess``);
    * ``"defined-by"`` — it claims a term for the ontology (``ex:MyNeed rdfs:isDefinedBy
      <https://w3id.org/samhandling>``, or any term of the sam: namespace as object);
    * ``"equating"`` — it makes a term the same as one of the ontology (``owl:sameAs``,
      ``owl:equivalentClass``, ``owl:equivalentProperty``) in either direction.

    Subclasses of the ontology's classes (``ex:Portal rdfs:subClassOf sam:Solution``) and
    ordinary uses of its terms are the data's own and are kept.
    """
    subject, predicate, obj = triple
    if subject in terms:
        return "subject"
    if predicate == RDFS.isDefinedBy and (obj in terms or str(obj).startswith(str(SAM))):
        return "defined-by"
    if predicate in _EQUATING and obj in terms:
        return "equating"
    return None


def background_results(refused: Sequence[Triple], ontology: Graph, lang: str) -> list[ValidationResult]:
    """One Violation per refused statement (from :meth:`_Input.remove_background_statements`): the
    focus node is its subject, the path its predicate, the value its object; the message is
    in ``lang``. File and line are left for the caller to fill in."""
    terms = background_terms(ontology)
    results = []
    for triple in refused:
        subject, predicate, obj = triple
        kind = background_statement_kind(triple, terms) or "subject"
        results.append(ValidationResult(
            severity=Severity.VIOLATION,
            focus_node=_node_text(subject),
            path=str(predicate),
            value=_node_text(obj),
            message=_BACKGROUND_MESSAGES[kind][lang],
            source_shape=str(BACKGROUND_SHAPE),
            constraint_component=str(BACKGROUND_COMPONENT),
            record=_node_text(subject),
            focus_term=subject,
            path_term=predicate if isinstance(predicate, URIRef) else None,
            value_term=obj,
        ))
    return results


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


@cache
def _shapes() -> Graph:
    return shapes_graph()


@lru_cache(maxsize=512)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _PreparedQueryGraph(Graph):
    """The private data graph handed to pySHACL. pySHACL sends the text of each SPARQL
    constraint once per focus node, and rdflib parses it every time (over 80 % of the run);
    here each text is parsed once and the prepared query reused, as ``prepareQuery`` is meant
    to be. Results are the same."""

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Result:
        if isinstance(query_object, str):
            init_ns = kwargs.get("initNs") or dict(self.namespaces())
            key = tuple(sorted((str(k), str(v)) for k, v in init_ns.items()))
            query_object = _prepared(query_object, key)
        return super().query(query_object, *args, **kwargs)


@dataclass(frozen=True)
class Finding:
    """What an engine reports: the SHACL result's terms, before messages and locations."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: Node
    severity: Severity


def _run_compiled(given: _Input) -> list[Finding]:
    """The profile compiled to SPARQL (:mod:`samhandling_kg.shacl_sparql`), run in the
    private Oxigraph store over the data and the background as one default graph.

    Each distinct target's focus nodes are written once to a private graph (by a SPARQL
    update, inside Oxigraph); every check of the shapes with that target then reads them,
    queued as soon as they are written. The targets and checks run on a few threads:
    Oxigraph releases the GIL while it evaluates, so a machine's cores share the work
    (:func:`_threads`)."""
    checks = compiled_profile()
    focus = ox.NamedNode(FOCUS)
    using = "".join(f"USING <{graph.value}>\n" for graph in _BOTH)
    inserts: dict[str, str] = {}
    for check in checks:
        inserts.setdefault(check.target_key, check.target_insert.replace("{using}", using))

    def run(check: CompiledCheck) -> list[Finding]:
        severity = Severity.parse(str(check.severity))
        with no_network():
            rows = given.store.query(check.cached_query, default_graph=_BOTH,
                                     named_graphs=[DATA, focus])
            return [_finding(check, row["this"], row["path"] if check.selects_path else None,
                             row["value"], severity) for row in rows]

    def write(key: str) -> list[Future[list[Finding]]]:
        """Write one target's focus nodes, then queue the checks that read them."""
        with no_network():
            given.store.update(inserts[key])
        return [pool.submit(run, check) for check in checks if check.target_key == key]

    with ThreadPoolExecutor(_threads()) as pool:
        written = [pool.submit(write, key) for key in inserts]
        found = [future.result() for target in written for future in target.result()]
    return [f for part in found for f in part if given.is_data_subject(f.focus)]


def _threads() -> int:
    """The threads the checks run on: the machine's cores, at most 4 (more buys nothing on
    the profile's 44 checks, and a shared machine keeps some room)."""
    return max(1, min(os.cpu_count() or 1, 4))


def _finding(check: CompiledCheck, focus: Any, path: Any, value: Any, severity: Severity) -> Finding:
    focus_term = to_rdflib(focus)
    value_term = to_rdflib(value) if value is not None else None
    if value_term is None and check.node_shape:
        value_term = focus_term
    return Finding(
        focus=focus_term,
        path=to_rdflib(path) if path is not None else check.path,
        value=value_term,
        shape=check.shape,
        component=check.component,
        severity=severity,
    )


def _run_pyshacl(given: _Input) -> list[Finding]:
    """The reference engine: pySHACL over an rdflib copy of the data and the background."""
    import pyshacl  # imported when asked for: it takes a second to import

    merged = bind_prefixes(_PreparedQueryGraph())
    for prefix, namespace in given.prefixes.items():
        merged.bind(prefix, namespace, override=False)
    merged += _ontology_graph()
    merged += given.data_graph()
    try:
        with no_network():
            _, report, _ = pyshacl.validate(
                merged,
                shacl_graph=_shapes(),
                advanced=True,  # SPARQL-based targets
                inference="none",
                inplace=True,  # ``merged`` is our own copy
                do_owl_imports=False,
                allow_warnings=False,
                allow_infos=False,
            )
    except RecursionError:
        # rdflib follows property paths (rdfs:subClassOf*) by recursion, one call per step.
        raise _too_deep(given, given.data_graph()) from None
    findings = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        if focus is None or not given.is_data_subject(focus):
            continue  # the background's own nodes are never reported
        findings.append(Finding(
            focus=focus,
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            severity=Severity.parse(str(report.value(node, SH.resultSeverity))),
        ))
    return findings


@cache
def _ontology_graph() -> Graph:
    return ontology_graph()


#: The validation engines by the names ``--engine`` takes (fixed by the public contract).
ENGINES: dict[str, Callable[[_Input], list[Finding]]] = {
    "compiled": _run_compiled,
    "pyshacl": _run_pyshacl,
}
DEFAULT_ENGINE = "compiled"


def validate(
    source: Source,
    *,
    lang: str = DEFAULT_LANGUAGE,
    fail_on: Severity | str = Severity.VIOLATION,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Validate solution descriptions against the profile.

    ``source`` is a file or folder path, several of them, or an rdflib ``Graph`` (copied, never
    changed). Files are read by their ending; a file that cannot be read raises
    :class:`~samhandling_kg.errors.InputError` naming it. ``lang`` picks the language of the
    messages and titles (``nb``, ``nn`` or ``en``; default ``nb``,
    :data:`~samhandling_kg.terms.DEFAULT_LANGUAGE`, as on the command line); ``fail_on`` the
    lowest severity that makes :attr:`ValidationReport.conforms` false; ``engine`` the engine (:data:`ENGINES`):
    ``compiled`` (the profile compiled to SPARQL, in Oxigraph) or ``pyshacl`` (the reference).
    ``progress``, when given, is called at the start of each stage with its name and a count:
    ``("read", files)``, ``("check", records)``, ``("report", findings)`` — never inside an
    engine's loop (the command line's :class:`~samhandling_kg.progress.Progress` prints them).
    """
    if lang not in LANGUAGES:
        raise SamhandlingError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    if engine not in ENGINES:
        raise SamhandlingError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    threshold = Severity.parse(fail_on)
    if progress is not None:
        if not isinstance(source, (Graph, str, Path, RdfBytes)):
            source = list(source)  # counted first, read after: an iterator is read once
        progress("read", _count_files(source))
    given = _read(source)
    # Statements that would change the ontology's terms never reach the checks (whichever
    # engine runs them); each is a finding of its own.
    refused = given.remove_background_statements()
    given.add_background()
    if not refused:
        _require_something_to_validate(given)
    if progress is not None:
        progress("check", _count_records(given))
    locator = None
    if engine == "compiled":
        # The compiled checks run in Oxigraph, off the GIL: meanwhile this thread finds what
        # the report needs whatever the findings (every record's title, file and line).
        with ThreadPoolExecutor(1) as runner:
            running = runner.submit(_run_compiled, given)
            locator = _Locator(given, _View(given), lang)
            locator.prepare()
            findings = running.result()
    else:
        findings = ENGINES[engine](given)
    if progress is not None:
        progress("report", len(findings) + len(refused))
    return report_for(given, findings, lang=lang, fail_on=threshold, refused=refused,
                      locator=locator)


def _count_files(source: Source) -> int | None:
    if isinstance(source, Graph):
        return None
    items = [source] if isinstance(source, (str, Path, RdfBytes)) else list(source)
    try:
        return len(expand_paths(items))
    except SamhandlingError:
        return None  # _read raises it, with its message


_COUNT_RECORDS = f"""
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{DATA.value}> {{
  {{ ?s a <{SAM.Solution}> }} UNION {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }}
}} }}"""


def _count_records(given: _Input) -> int | None:
    """The solutions to check (for progress only: one query, outside the engines)."""
    for row in given.store.query(_COUNT_RECORDS):
        return int(row["n"].value)
    return None


# ---------------------------------------------------------------------------------------
# Validation at a SPARQL endpoint
# ---------------------------------------------------------------------------------------

#: Rows asked for per request at an endpoint; a store that caps answers lower is detected
#: (its truncation mark) and the page shrunk to its cap: nothing is cut off silently.
PAGE_SIZE = 5000

_REPORT_TRIPLES = f"""SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER (?p IN (<{RDF.type}>, <{DCTERMS.title}>, <{SKOS.prefLabel}>, <{RDFS.label}>,
                 <{SAM.realises}>, <{SAM.uses}>, <{SAM.addresses}>))
}}"""
_REMOTE_HAS_RECORDS = f"""ASK {{
  {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }}
  UNION {{ ?s a/<{RDFS.subClassOf}>* <{SAM.Solution}> }}
  UNION {{ ?s a/<{RDFS.subClassOf}>* ?k FILTER (?k IN (<{SAM.Need}>, <{SAM.InteractionForm}>))
          FILTER NOT EXISTS {{ ?s <{RDFS.isDefinedBy}> <https://w3id.org/samhandling> }} }}
}}"""


class _RemoteInput(_Input):
    """A catalogue held by a SPARQL endpoint. The compiled queries run there; only what the
    report shows (types, titles, labels, the solution properties) is copied into the private
    store for the report. The background's own nodes are the bundled ontology's subjects."""

    def __init__(self, store: Any, page_size: int) -> None:
        super().__init__()
        self.remote = store
        self.page_size = page_size

    def is_data_subject(self, node: Node) -> bool:
        return node not in _ontology_subjects()

    def select(self, query: str) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        """All rows of a SELECT, fetched in pages in a fixed order."""
        head = re.search(r"^SELECT ", query, re.MULTILINE)
        assert head is not None
        prologue, body = query[:head.start()], query[head.start():]
        page = self.page_size
        rows: list[tuple[Node | None, ...]] = []
        variables: tuple[str, ...] = ()
        while True:
            text = (f"{prologue}SELECT * WHERE {{ {{ {body} }} }} "
                    f"ORDER BY ?this ?path ?value ?s ?p ?o LIMIT {page} OFFSET {len(rows)}")
            result = self.remote.query(text, source="compiled profile")
            variables = result.variables
            got = list(result.rows)
            rows.extend(got)
            if result.truncated:
                if not got:
                    raise SamhandlingError(f"{display_url(str(self.remote.endpoint))}: the "
                                           "endpoint cut an answer to no rows; cannot validate")
                # The store's own cap is below the page: fetch the rest in pages of that size.
                page = min(page, len(got))
                continue
            if len(got) < page:
                return variables, rows

    def fetch_report_triples(self) -> None:
        variables, rows = self.select(_REPORT_TRIPLES)
        quads = []
        for row in rows:
            values = dict(zip(variables, row))
            s, p, o = values.get("s"), values.get("p"), values.get("o")
            if s is None or p is None or o is None or isinstance(s, Literal):
                continue
            quads.append(ox.Quad(to_ox(s, "r"), to_ox(p), to_ox(o, "r"), DATA))  # type: ignore[arg-type]
        self.store.extend(quads)
        self.store.extend(_ontology_quads())


@cache
def _ontology_subjects() -> frozenset[Node]:
    return frozenset(to_rdflib(q.subject) for q in _ontology_quads())


def validate_endpoint(
    endpoint: str,
    *,
    graph: str | None = None,
    background_graph: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    fail_on: Severity | str = Severity.VIOLATION,
    store: Any = None,
    page_size: int = PAGE_SIZE,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Validate the catalogue a SPARQL 1.1 endpoint holds with the compiled profile, run at
    the endpoint. ``graph`` names the graph holding the catalogue (the protocol's
    default-graph-uri; ``samhandling load`` puts the ontology beside it), ``background_graph``
    a graph holding the ontology when it is elsewhere. ``store`` is an
    :class:`~samhandling_kg.stores.EndpointStore` to use instead of one made from
    ``endpoint`` (credentials and timeout from the environment). ``progress`` as for
    :func:`validate` (the number of records is not known at an endpoint: None)."""
    from .stores import open_store

    if lang not in LANGUAGES:
        raise SamhandlingError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    threshold = Severity.parse(fail_on)
    if store is None:
        store = open_store(endpoint=endpoint, graph=graph)
    if background_graph:
        if IRI_FORBIDDEN.search(background_graph) or not background_graph:
            raise SamhandlingError(f"--background-graph: not an IRI: {background_graph!r}")
        store.extra_default_graphs = (background_graph,)
    given = _RemoteInput(store, page_size)
    if not store.query(_REMOTE_HAS_RECORDS, source="compiled profile").boolean:
        where = f" (graph <{graph}>)" if graph else ""
        raise SamhandlingError(f"{display_url(endpoint)}{where}: no solution description "
                               "(sam:Solution) found")
    findings: list[Finding] = []
    if progress is not None:
        progress("check", None)
    for check in compiled_profile():
        severity = Severity.parse(str(check.severity))
        variables, rows = given.select(check.query)
        for row in rows:
            values = dict(zip(variables, row))
            focus = values.get("this")
            if focus is None or not given.is_data_subject(focus):
                continue
            findings.append(_finding(check, to_ox(focus, "r"),
                                     to_ox(values["path"]) if check.selects_path and values.get("path") is not None else None,
                                     to_ox(values["value"], "r") if values.get("value") is not None else None,
                                     severity))
    if progress is not None:
        progress("report", len(findings))
    given.fetch_report_triples()
    return report_for(given, findings, lang=lang, fail_on=threshold)


def report_for(given: _Input, findings: Sequence[Finding], *, lang: str, fail_on: Severity,
               refused: Sequence[Triple] = (), locator: _Locator | None = None
               ) -> ValidationReport:
    """The report of ``findings`` (of any engine) and of the ``refused`` statements about the
    ontology's terms: messages, records, files and lines (``locator``: one already made for
    ``given`` in ``lang``)."""
    shapes = _shapes()
    if locator is None:
        locator = _Locator(given, _View(given), lang)
    view = locator.view
    results = [_result(f, shapes, view, lang, locator) for f in findings]
    results = with_hints(results, view.lookup(), lang)
    for result in background_results(refused, _ontology_graph(), lang) if refused else ():
        assert result.focus_term is not None
        file, line = locator.where(result.focus_term)
        results.append(replace(result, file=file, line=line))
    records = locator.records([r.record for r in results])
    order = {record.node: index for index, record in enumerate(records)}
    results.sort(key=lambda r: (order.get(r.record, len(order)), r.severity.rank,
                                _shape_order(r.source_shape), r.focus_node,
                                r.path or "", r.value or "", r.constraint_component))
    return ValidationReport(
        results=tuple(_dedupe(results)),
        records=tuple(records),
        files=tuple(given.files),
        lang=lang,
        fail_on=fail_on,
    )


def _too_deep(given: _Input, data: Graph) -> SamhandlingError:
    """The error for data whose chains are deeper than validation can follow, naming the
    longest chain."""
    depth, predicate = max((longest_chain(data, p), p) for p in (RDFS.subClassOf, RDF.rest, SKOS.broader))
    name = {RDFS.subClassOf: "rdfs:subClassOf", RDF.rest: "rdf:rest", SKOS.broader: "skos:broader"}[predicate]
    message = (f"a chain of {depth} {name} statements is too deep to validate (the checks follow "
               "such chains step by step; keep them below a few hundred)")
    if len(given.files) == 1:
        return InputError(given.files[0], message)
    return SamhandlingError(message)


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

    def objects(self, node: Node, predicate: Node, graphs: Sequence[ox.NamedNode] = _BOTH
                ) -> list[Node]:
        try:
            subject = to_ox(node)
        except TypeError:
            return []
        if isinstance(subject, ox.Literal):
            return []
        found = []
        for graph in graphs:
            for quad in self.store.quads_for_pattern(subject, to_ox(predicate), None, graph):
                found.append(to_rdflib(quad.object))
        return found

    def subjects(self, predicate: Node, node: Node) -> list[Node]:
        try:
            value = to_ox(node)
        except TypeError:
            return []
        return [to_rdflib(quad.subject) for graph in _BOTH
                for quad in self.store.quads_for_pattern(None, to_ox(predicate), value, graph)]

    def lookup(self) -> Lookup:
        """What the report's hints (:mod:`samhandling_kg.hints`) read."""
        return Lookup(self.objects, self.subjects, self.label, lambda node: compact(self.names, node))

    def label(self, node: Node, lang: str) -> str:
        if isinstance(node, Literal):
            return str(node)
        key = (node, lang)
        if key not in self._labels:
            self._labels[key] = self._label(node, lang)
        return self._labels[key]

    def _label(self, node: Node, lang: str) -> str:
        for predicate in _NAME_PREDICATES:
            text = _pick(self.objects(node, predicate), lang)
            if text:
                return text
        return compact(self.names, node)


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
    message = _message(shapes, shape, lang, value, view)
    if message is None:  # a shape without our messages (should not happen)
        message = "constraint not satisfied"
    if shape == SAMSH.KnownTerm and isinstance(value, URIRef):
        close = closest_term(str(value))
        if close:
            message = f"{message} {_DID_YOU_MEAN[lang].format(close)}"
    record = locator.record_of(focus)
    file, line = locator.where(record)
    if file is not None:
        line = locator.triple_line(file, focus, path, value) or line
    return ValidationResult(
        severity=finding.severity,
        focus_node=_node_text(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        value=_node_text(value) if value is not None else None,
        message=message,
        source_shape=_node_text(shape) if shape is not None else "",
        constraint_component=str(finding.component) if finding.component is not None else "",
        record=_node_text(record),
        file=file,
        line=line,
        focus_term=focus,
        path_term=path if isinstance(path, URIRef) else None,
        value_term=value,
    )


# ---------------------------------------------------------------------------------------
# Terms of the sam: namespace, and input with nothing to validate
# ---------------------------------------------------------------------------------------

_DID_YOU_MEAN = DID_YOU_MEAN


_NAMESPACE_VARIANT = re.compile(r"^(https?)://w3id[.]org/samhandling([#/]?)(.+)$")


def _declared_in(data: Graph) -> set[Node]:
    declaring = (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf)
    return {s for p in declaring for s in data.subjects(p, None)}


def _unknown_terms(data: Graph) -> list[URIRef]:
    """IRIs of the sam: namespace in ``data`` that the ontology does not define and ``data``
    does not declare: classes first, then predicates, then other objects and subjects."""
    namespace = str(SAM)
    known = set(ontology_local_names())
    declared = _declared_in(data)

    def unknown(node: Node) -> bool:
        return (isinstance(node, URIRef) and str(node).startswith(namespace)
                and len(str(node)) > len(namespace) and str(node)[len(namespace):] not in known
                and node not in declared)

    classes = sorted({o for o in data.objects(None, RDF.type) if unknown(o)}, key=str)
    predicates = sorted({p for p in data.predicates() if unknown(p)}, key=str)
    others = sorted({n for triple in data for n in (triple[0], triple[2]) if unknown(n)}, key=str)
    ordered: list[URIRef] = []
    for node in (*classes, *predicates, *others):
        if node not in ordered:
            ordered.append(node)  # type: ignore[arg-type]
    return ordered


def _namespace_variants(data: Graph) -> list[str]:
    """Namespaces in ``data`` that differ from the sam: namespace only by scheme (http) or
    by the character that ends it (``/`` or nothing instead of ``#``)."""
    names = set(ontology_local_names())
    found: list[str] = []
    for triple in data:
        for node in triple:
            if not isinstance(node, URIRef) or str(node).startswith(str(SAM)):
                continue
            match = _NAMESPACE_VARIANT.match(str(node))
            if not match:
                continue
            scheme, end, local = match.groups()
            # http + '#' is always the namespace mistyped; otherwise the local part must be a
            # term of the ontology (https://w3id.org/samhandling/shapes#X is not a variant).
            if (scheme == "http" and end == "#") or local in names:
                variant = str(node)[: len(str(node)) - len(local)]
                if variant not in found:
                    found.append(variant)
    return sorted(found)


_HAS_RECORDS = f"""
ASK {{
  {{ GRAPH <{DATA.value}> {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }} }}
  UNION {{ GRAPH <{DATA.value}> {{ ?s a ?c }} ?c <{RDFS.subClassOf}>* <{SAM.Solution}> }}
  UNION {{ GRAPH <{DATA.value}> {{ ?s a ?c }} ?c <{RDFS.subClassOf}>* ?k
          FILTER (?k IN (<{SAM.Need}>, <{SAM.InteractionForm}>))
          FILTER NOT EXISTS {{ ?s <{RDFS.isDefinedBy}> <{ONTOLOGY_IRI}> }} }}
}}"""


def _has_records(given: _Input) -> bool:
    """True when the data holds a solution (typed, or a subject of the solution properties)
    or a need or form the user declares."""
    return bool(given.store.query(_HAS_RECORDS, default_graph=_BOTH, named_graphs=[DATA]))


def _require_something_to_validate(given: _Input) -> None:
    """Raise a one-line error when the input holds nothing the profile applies to: an empty
    file, a misspelt class, the wrong namespace would otherwise 'conform'."""
    if _has_records(given):
        return
    data = given.data_graph()
    reason = "no solution description (sam:Solution) found"
    hints: list[str] = []
    if len(data) == 0 and not given.restated:
        hints.append("the input holds no RDF statements" if len(given.files) != 1
                     else "the file holds no RDF statements")
    for variant in _namespace_variants(data):
        hints.append(f"the data uses the namespace <{variant}>, but the ontology's is <{SAM}>")
    unknown = _unknown_terms(data)
    if unknown:
        first = "sam:" + str(unknown[0])[len(str(SAM)):]
        hint = f"{first} is not a term of the ontology"
        close = closest_term(str(unknown[0]))
        if close:
            hint += f" — did you mean {close}?"
        hints.append(hint)
    message = "; ".join([reason, *hints])
    if len(given.files) == 1:
        raise InputError(given.files[0], message)
    if given.files:
        raise SamhandlingError(f"{message} (in {len(given.files)} files: "
                               f"{', '.join(given.files[:3])}"
                               f"{', …' if len(given.files) > 3 else ''})")
    raise SamhandlingError(message)


def _node_text(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


#: The predicates that name a node, in the one order they are looked at: a solution's title,
#: a concept's preferred label, any label.
_NAME_PREDICATES = (DCTERMS.title, SKOS.prefLabel, RDFS.label)


def _fallback(lang: str) -> tuple[str, ...]:
    """The languages looked for, in order, when a text in ``lang`` is wanted."""
    return (lang, DEFAULT_LANGUAGE, "en", "")


def _pick(literals: Iterable[Node], lang: str) -> str | None:
    """The text in ``lang``, else in Bokmål (:data:`~samhandling_kg.terms.DEFAULT_LANGUAGE`:
    the profile and the contract require every message and title in it), else English, else
    without a language tag; None when there is none of these. The one fallback order of
    messages, labels and titles."""
    by_lang: dict[str, str] = {}
    for item in literals:
        if isinstance(item, Literal):
            by_lang.setdefault((item.language or "").lower(), str(item))
    for wanted in _fallback(lang):
        if wanted in by_lang:
            return by_lang[wanted]
    return None


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


@lru_cache(maxsize=1024)
def _shape_message(shapes: Graph, shape: Node, lang: str) -> str | None:
    return _pick(shapes.objects(shape, SH.message), lang)


def label(graph: Graph, node: Node, lang: str) -> str:
    """How a node is shown to a reader: its name in ``lang`` (:data:`_NAME_PREDICATES`,
    :func:`_pick`), else a compact IRI, else the literal's text."""
    if isinstance(node, Literal):
        return str(node)
    for predicate in _NAME_PREDICATES:
        text = _pick(graph.objects(node, predicate), lang)
        if text:
            return text
    return compact(graph, node)


_DCT_TITLE = ox.NamedNode(str(DCTERMS.title))
#: ``a`` (rdf:type) as a word of Turtle.
_A_WORD = re.compile(r"(?<![\w:<])a(?![\w:>-])")

#: The leading token of each line, for text whose lines end in \n or \r\n only.
_LEADING_TOKEN = re.compile(r"^[^\S\n]*(\S*)", re.MULTILINE)
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _index_lines(name: str, data: bytes | None = None
                 ) -> tuple[Sequence[str], dict[str, int], list[str]]:
    """A file's lines (``data``, when it was read already, as standard input is), the first
    line each leading token starts, and the leading token of every line (what
    :class:`_Locator` looks records and statements up in)."""
    try:
        text = decode_text(read_bytes(name) if data is None else data, name)
    except InputError:
        text = ""
    lines: Sequence[str] = text.splitlines()
    tokens = _leading_tokens(text, len(lines))
    if tokens is None:  # line breaks other than \n and \r\n: line by line
        tokens = [line.split(None, 1)[0] if line.strip() else "" for line in lines]
    elif "\r" not in text:
        lines = _Lines(text, lines)
    # The first line of each token: the smallest number wins, as the last one written.
    starts = dict(zip(reversed(tokens), range(len(tokens), 0, -1)))
    return lines, starts, tokens


class _Lines(Sequence[str]):
    """The lines of a text broken by \n alone, kept as the text and where each line ends:
    a catalogue's millions of lines as separate strings would take a sixth of the memory
    of a large validation."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self._text = text
        self._ends = array("q", accumulate(map(len, lines)))  # without the line breaks

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = (self._ends[index - 1] if index else 0) + index
        return self._text[start:self._ends[index] + index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._text.splitlines())


def _leading_tokens(text: str, count: int) -> list[str] | None:
    """``line.split(None, 1)[0]`` (or "") of each of the ``count`` lines of ``text``, found
    in one pass; None when the text breaks lines otherwise than :meth:`str.splitlines` does
    with \n and \r\n alone."""
    if any(mark in text for mark in _OTHER_BREAKS) or text.count("\r") != text.count("\r\n"):
        return None
    # Interned: a catalogue repeats a few dozen tokens (its predicates) a million times.
    tokens = list(map(sys.intern, _LEADING_TOKEN.findall(text)))
    return tokens[:count] if len(tokens) >= count else None


def compact(graph: Graph, node: Node) -> str:
    """``sam:ChangeAndShare`` for a bound namespace, else the IRI; ``_:id`` for a blank node."""
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        try:
            prefix, _namespace, local = graph.namespace_manager.compute_qname(str(node), generate=False)
        except (ValueError, KeyError):
            return str(node)
        if local and prefix:
            return f"{prefix}:{local}"
        return str(node)
    return str(node)


@cache
def _shape_orders() -> dict[str, float]:
    shapes = _shapes()
    return {str(s): float(o.toPython()) for s, o in shapes.subject_objects(SH.order)
            if isinstance(o, Literal)}


def _shape_order(shape: str) -> float:
    return _shape_orders().get(shape, 1000.0)


_SOLUTIONS = f"""
SELECT DISTINCT ?s WHERE {{ GRAPH <{DATA.value}> {{
  {{ ?s a <{SAM.Solution}> }} UNION {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }}
}} }}"""


class _Locator:
    """Finds the record a focus node belongs to, its title, file and line."""

    def __init__(self, given: _Input, view: _View, lang: str) -> None:
        self.given = given
        self.store = given.store
        self.files = given.files
        self.view = view
        self.lang = lang
        self.solutions: set[Node] = {
            to_rdflib(row[0]) for row in self.store.query(_SOLUTIONS, named_graphs=[DATA])}
        self._texts: dict[str, tuple[Sequence[str], dict[str, int]]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._every: dict[str, dict[str, list[int]]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._where: dict[Node, tuple[str | None, int | None]] = {}
        self._titles: dict[Any, tuple[int, str, bool]] | None = None
        self._candidate_cache: dict[tuple[str, str], list[str]] = {}
        self._namespaces: dict[str, tuple[tuple[str, str], ...]] = {}
        self._records: dict[str, Record] = {}

    def _parents(self, node: Node) -> list[Node]:
        term = to_ox(node)
        return [to_rdflib(q.subject) for q in self.store.quads_for_pattern(None, None, term, DATA)]

    def record_of(self, focus: Node) -> Node:
        """The solution a focus node belongs to: itself, or, for a blank node hanging off
        solutions (contact point and the like, through blank nodes only), the first of them
        by IRI."""
        if not isinstance(focus, BNode):
            return focus
        owners = [focus] if focus in self.solutions else []
        seen = {focus}
        queue: deque[Node] = deque([focus])
        while queue:
            for parent in self._parents(queue.popleft()):
                if parent in seen:
                    continue
                seen.add(parent)
                if parent in self.solutions:
                    owners.append(parent)
                if isinstance(parent, BNode):
                    queue.append(parent)
        return min(owners, key=str) if owners else focus

    def where(self, node: Node) -> tuple[str | None, int | None]:
        """The first file (in the order given) that describes ``node``, and the line where
        its description starts."""
        if node not in self._where:
            found: tuple[str | None, int | None] = (None, None)
            # A solution is a subject of the data by its definition (_SOLUTIONS).
            if not isinstance(node, BNode) and (node in self.solutions
                                                or self.given.is_data_subject(node)
                                                or node in self.given.refused):
                for anywhere in (False, True):
                    for name in self.files:
                        line = self._line(name, node, anywhere)
                        if line is not None:
                            found = (name, line)
                            break
                    if found[0] is not None:
                        break
            self._where[node] = found
        return self._where[node]

    def _lines(self, name: str) -> tuple[Sequence[str], dict[str, int]]:
        """The file's lines, and the first line each leading token (a subject) starts."""
        if name not in self._texts:
            ready = self.given.line_index.pop(name, None)
            try:
                lines, starts, tokens = (ready.result() if ready is not None
                                         else _index_lines(name, self.given.in_memory.get(name)))
            except Exception:  # noqa: BLE001 - the background reading failed: read it here
                lines, starts, tokens = _index_lines(name, self.given.in_memory.get(name))
            self._texts[name] = (lines, starts)
            self._tokens[name] = tokens
            self._every[name] = {}
        return self._texts[name]

    def _starting(self, name: str, token: str) -> list[int]:
        """Every line of ``name`` whose leading token is ``token`` (found once per token)."""
        every = self._every[name]
        if token not in every:
            _, starts = self._lines(name)
            first = starts.get(token)
            if first is None:
                every[token] = []
            else:
                counts = self._counts.get(name)
                if counts is None:
                    counts = self._counts[name] = Counter(self._tokens[name])
                tokens, found = self._tokens[name], [first]
                while len(found) < counts[token]:
                    found.append(tokens.index(token, found[-1]) + 1)
                every[token] = found
        return every[token]

    def _candidates(self, name: str, iri: str) -> list[str]:
        key = (name, iri)
        if key not in self._candidate_cache:
            self._candidate_cache[key] = self._spellings(name, iri)
        return self._candidate_cache[key]

    def _spellings(self, name: str, iri: str) -> list[str]:
        if name not in self._namespaces:
            self._namespaces[name] = (
                tuple(self.given.file_prefixes.get(name, self.given.prefixes).items()))
        return [f"<{iri}>",
                *(f"{prefix}:{iri[len(namespace):]}" for prefix, namespace in self._namespaces[name]
                  if iri.startswith(namespace) and len(iri) > len(namespace)),
                f'"{iri}"']

    def _line(self, name: str, node: Node, anywhere: bool) -> int | None:
        lines, starts = self._lines(name)
        candidates = self._candidates(name, str(node))
        # First where the node starts a statement (a subject at the start of a line), then
        # anywhere.
        found = [starts[c] for c in candidates if c in starts]
        if found:
            return min(found)
        if anywhere:
            for number, text in enumerate(lines, start=1):
                if any(candidate in text for candidate in candidates):
                    return number
        return None

    def triple_line(self, name: str, focus: Node, path: Node | None, value: Node | None
                    ) -> int | None:
        """The line of the offending statement (focus, path, value) in ``name``, where the
        file shows it: within the statements about ``focus``, the first line naming the
        path and the value, else the path alone. None when there is no such statement (a
        missing property) or it cannot be told."""
        if not isinstance(path, URIRef) or isinstance(focus, BNode):
            return None
        lines, _ = self._lines(name)
        subjects = self._candidates(name, str(focus))
        predicates = self._candidates(name, str(path)) + (["a"] if path == RDF.type else [])
        if isinstance(value, URIRef):
            values = self._candidates(name, str(value))
        elif isinstance(value, Literal):
            values = [str(value)[:40]] if str(value) else []
        else:
            values = []
        block: list[int] = []
        for start in sorted({n for token in subjects for n in self._starting(name, token)}):
            for number in range(start, len(lines) + 1):
                block.append(number)
                if lines[number - 1].rstrip().endswith("."):  # the end of the statement
                    break
        if not block:
            return None

        def names(text: str, words: list[str]) -> bool:
            return any(_A_WORD.search(text) if w == "a" else w in text for w in words)

        with_path = [n for n in block if names(lines[n - 1], predicates)]
        both = [n for n in with_path if values and names(lines[n - 1], values)]
        if both:
            return both[0]
        if values:
            # A value on a continuation line (``dct:title "a"@nb ,\n "b"@nb``).
            after = [n for n in block if names(lines[n - 1], values)]
            if after:
                return after[0]
        return with_path[0] if with_path else None

    def title(self, node: Node) -> str:
        if self._titles is None:
            self._titles = self._read_titles()
        try:
            best = self._titles.get(to_ox(node))
        except TypeError:
            best = None
        if best is not None and best[2]:
            # Two titles in the chosen language: the one _pick picks.
            text = _pick(self.view.objects(node, DCTERMS.title, [DATA]), self.lang)
        else:
            text = best[1] if best is not None else None
        if text:
            return text
        for predicate in _NAME_PREDICATES[1:]:  # after dct:title
            text = _pick(self.view.objects(node, predicate, [DATA]), self.lang)
            if text:
                return text
        return compact(self.view.names, node)

    def _read_titles(self) -> dict[Any, tuple[int, str, bool]]:
        """The dct:title :func:`_pick` picks for each subject of the data, found in
        one pass (a catalogue's records are looked up by the thousand): subject → (rank of
        its language, text, whether another title has that language)."""
        ranks: dict[str, int] = {}
        for wanted in _fallback(self.lang):
            ranks.setdefault(wanted, len(ranks))
        best: dict[Any, tuple[int, str, bool]] = {}
        for quad in self.store.quads_for_pattern(None, _DCT_TITLE, None, DATA):
            title = quad.object
            if not isinstance(title, ox.Literal):
                continue
            rank = ranks.get((title.language or "").lower())
            if rank is None:
                continue
            known = best.get(quad.subject)
            if known is None or rank < known[0]:
                best[quad.subject] = (rank, title.value, False)
            elif rank == known[0]:
                best[quad.subject] = (rank, known[1], True)
        return best

    def prepare(self) -> None:
        """The record of every solution (title, file, line): what the report needs whatever
        the findings, found ahead (while the checks run)."""
        for node in self.solutions:
            self._record(_node_text(node), node)

    def _record(self, text: str, node: Node) -> Record:
        if text not in self._records:
            file, line = self.where(node)
            kind = "solution" if node in self.solutions else "concept"
            self._records[text] = Record(text, self.title(node), kind, file, line)
        return self._records[text]

    def records(self, extra: Iterable[str]) -> list[Record]:
        nodes: dict[str, Node] = {_node_text(n): n for n in self.solutions}
        for text in extra:
            if text not in nodes:
                node: Node = BNode(text[2:]) if text.startswith("_:") else URIRef(text)
                if self.given.is_data_subject(node) or node in self.given.refused:
                    nodes[text] = node
        records = [self._record(text, node) for text, node in nodes.items()]
        file_order = {name: index for index, name in enumerate(self.files)}
        records.sort(key=lambda r: (file_order.get(r.file or "", len(file_order)), r.line or 0,
                                    r.kind != "solution", r.title.lower(), r.node))
        return records
