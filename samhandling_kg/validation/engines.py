"""Validating solution descriptions against the SHACL profile in ``shapes/``.

One pipeline, two engines (:data:`ENGINES`):

1. :func:`_read` reads the files once, with Oxigraph's parsers (:mod:`samhandling_kg.io.oxigraph`),
   into a private store (graph :data:`DATA`). The user's files and graphs are never changed.
   A step that cleans the data belongs here, after reading and before the background is
   added: both engines then see its result.
2. :meth:`_Input.add_background` puts the ontology beside the data (graph
   :data:`BACKGROUND`): pySHACL's ``ont_graph`` would only mix in class axioms, not the
   ``rdf:type`` triples of the forms and needs, so ``sh:class sam:OrganisationalForm`` needs
   the two merged. No RDFS/OWL inference runs; ``sh:class`` walks ``rdfs:subClassOf``.
3. An engine turns the shapes into :class:`Finding` s: ``compiled`` (the default; the profile
   compiled to SPARQL by :mod:`samhandling_kg.validation.compiler.checks`, run in the store) or ``pyshacl``
   (the reference). Shapes target ``sam:Solution`` instances (the ontology has none) and needs
   or forms the user declares; as a guarantee on top, a finding whose focus node is not a
   subject of the user's data is dropped: no result points into the ontology.
4. :class:`~samhandling_kg.validation.assemble.Assembler` writes messages, records, files and
   lines: the same for every engine.

:func:`validate_endpoint` runs step 3 (compiled) at a SPARQL endpoint instead.

Nothing reaches the network: the parsers never fetch, pySHACL runs inside
:func:`~samhandling_kg.io.network.no_network`, the compiled queries refuse ``SERVICE``, and
``owl:imports`` are never followed.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import lru_cache
from pathlib import Path
from queue import Queue
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import (
    RDF,
    SH,  # closed: a misspelt SHACL term fails at once
)
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, UnsupportedShape, localised
from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.progress import ProgressCallback
from samhandling_kg.core.terms import DEFAULT_LANGUAGE, LANGUAGES, copy_prefixes
from samhandling_kg.io.network import no_network
from samhandling_kg.io.oxigraph import graph_list, solutions, to_rdflib
from samhandling_kg.io.rdf import RdfBytes, expand_paths, parse_file
from samhandling_kg.kg.graph import (
    bind_prefixes,
)
from samhandling_kg.validation.assemble import Assembler, _too_deep, _View
from samhandling_kg.validation.background import _ontology_graph
from samhandling_kg.validation.compiler.checks import (
    FOCUS,
    FOCUS_OF,
    CompiledCheck,
    compile_shapes,
    compiled_profile,
)
from samhandling_kg.validation.compiler.literals import unwrap
from samhandling_kg.validation.diagnostics import _require_something_to_validate
from samhandling_kg.validation.input import Source, _Input, _read, _shapes
from samhandling_kg.validation.model import (
    DATA,
    DATA_AND_BACKGROUND,
    DATA_BY_VALUE,
    Finding,
    Severity,
    ValidationReport,
    severity_of,
)
from samhandling_kg.validation.sourcelines import _Locator


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


def _run_compiled(given: _Input, checks: tuple[CompiledCheck, ...] | None = None, *,
                  background: bool = True, keep: Callable[[Node], bool] | None = None,
                  each: Callable[[int, list[Finding]], None] | None = None) -> list[Finding]:
    """Compiled checks (the profile's by default: :func:`compiled_profile`), run in the
    private Oxigraph store over the data and (``background``) the ontology as one default
    graph. ``keep`` filters findings by focus node (default: subjects of the user's data).

    Each distinct target's focus nodes are written once to a private graph (by a SPARQL
    update, inside Oxigraph), one target after the other on a thread of their own, those
    with the most checks first; every check of the shapes with that target then reads them,
    queued as soon as they are written. On a target of :data:`UNFOCUSED_FROM` nodes or
    more, a check whose pattern SPARQL evaluates on its own (one sub-SELECT) runs without
    them (:attr:`~CompiledCheck.unfocused_query`) and keeps the rows of focus nodes. The
    checks run on a few threads: Oxigraph releases the GIL while it evaluates, so a
    machine's cores share the work (:func:`_threads`). A SHACL-SPARQL check reads the data as SPARQL reads it
    (:data:`DATA_BY_VALUE`) where the data holds literals kept as written.

    Returns the kept findings in the order of ``checks``; or, with ``each``, hands each
    check's over instead, on this thread, as soon as the check ends (in the order they end),
    with the number of the check (its place in ``checks``), and keeps none (a large
    catalogue's findings would otherwise be held twice while the caller turns them into
    results), returning an empty list."""
    if checks is None:
        checks = compiled_profile()
    if keep is None:
        keep = given.is_data_subject
    graphs = DATA_AND_BACKGROUND if background else [DATA]
    by_value = [DATA_BY_VALUE, *graphs[1:]] if given.by_value else graphs
    focus, focus_of = ox.NamedNode(FOCUS), ox.NamedNode(FOCUS_OF)
    using = "".join(f"USING <{graph.value}>\n" for graph in graphs)
    inserts: dict[str, str] = {}
    for check in checks:
        inserts.setdefault(check.target_key, check.target_insert.replace("{using}", using))

    #: The focus nodes of each large target with checks that need not read them (their
    #: :attr:`~CompiledCheck.unfocused_query`), as a set the rows are kept by.
    focus_sets: dict[str, set[Any]] = {}

    def rows_of(check: CompiledCheck) -> Iterable[ox.QuerySolution]:
        """The check's rows (inside :func:`no_network`: they are evaluated as read)."""
        default = graph_list(*(by_value if check.sparql else graphs))
        named: list[ox.NamedNode | ox.BlankNode] = [DATA, focus]
        nodes = focus_sets.get(check.target_key) if check.unfocused_query else None
        if nodes is not None:
            kept = []
            for row in solutions(given.store.query(check.unfocused_query, default_graph=default,
                                                   named_graphs=named)):
                this = row["this"]
                if this is None:
                    break  # unbound, it would join every focus node: read them after all
                if this in nodes:
                    kept.append(row)
            else:
                return kept
        return solutions(given.store.query(check.cached_query, default_graph=default,
                                           named_graphs=named))

    def run(check: CompiledCheck) -> list[Finding]:
        severity = severity_of(check.severity)
        with no_network():
            return [_finding(check, row["this"], row["path"] if check.selects_path else None,
                             row["value"] if check.reports_value else None, severity,
                             tuple((v, row[v]) for v in check.bindings))
                    for row in rows_of(check)]

    def write(key: str) -> list[tuple[Future[list[Finding]], CompiledCheck]]:
        """Write one target's focus nodes, then queue the checks that read them."""
        queued = [check for check in checks if check.target_key == key]
        with no_network():
            given.store.update(inserts[key])
            if any(check.unfocused_query for check in queued):
                nodes = {quad.object for quad in given.store.quads_for_pattern(
                    ox.NamedNode(key), focus_of, None, focus)}
                if len(nodes) >= UNFOCUSED_FROM:
                    focus_sets[key] = nodes
        return [(pool.submit(run, check), check) for check in queued]

    numbers = {id(check): number for number, check in enumerate(checks)}
    found: dict[int, list[Finding]] = {}
    # The targets are written one after the other (an update holds the store's one write
    # lock while it evaluates), on a thread of their own, those with the most checks first:
    # their checks run on the pool meanwhile, instead of waiting behind a costly target
    # that few checks read.
    order = sorted(inserts, key=lambda key: -sum(check.target_key == key for check in checks))
    with ThreadPoolExecutor(_threads()) as pool, ThreadPoolExecutor(1) as writer:
        writing = {writer.submit(write, key) for key in order}
        running: dict[Future[list[Finding]], int] = {}
        pending: set[Future[Any]] = set(writing)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                if future in writing:
                    queued = future.result()
                    running.update((f, numbers[id(check)]) for f, check in queued)
                    pending.update(f for f, _ in queued)
                    continue
                number = running.pop(future)  # its findings go with it
                kept = [f for f in future.result() if keep(f.focus)]
                if each is not None:
                    each(number, kept)
                else:
                    found[number] = kept
    return [f for number in sorted(found) for f in found[number]]


#: The focus nodes from which a target's checks run without reading them where they can
#: (:attr:`~CompiledCheck.unfocused_query`): below, reading them costs little, and a pattern
#: that holds many rows of other nodes would cost more.
UNFOCUSED_FROM = 2000


def _threads() -> int:
    """The threads the checks run on: the machine's cores, at most 4 (more buys nothing on
    the profile's 49 checks, and a shared machine keeps some room)."""
    return max(1, min(os.cpu_count() or 1, 4))


def _finding(check: CompiledCheck, focus: Any, path: Any, value: Any, severity: Severity,
             bindings: tuple[tuple[str, Any], ...] = ()) -> Finding:
    focus_term = unwrap(to_rdflib(focus))
    value_term = unwrap(to_rdflib(value)) if value is not None else None
    if value_term is None and check.node_shape and check.reports_value:
        value_term = focus_term
    return Finding(
        focus=focus_term,
        path=to_rdflib(path) if path is not None else check.path,
        value=value_term,
        shape=check.shape,
        component=check.component,
        severity=severity,
        severity_term=check.severity,
        path_triples=check.path_triples if path is None else (),
        constraint=check.constraint,
        bindings=tuple((name, unwrap(to_rdflib(term))) for name, term in bindings
                       if term is not None),
    )


def _run_pyshacl(given: _Input, shapes: Graph | None = None, *, background: bool = True,
                 keep: Callable[[Node], bool] | None = None) -> list[Finding]:
    """The reference engine: pySHACL over an rdflib copy of the data and (``background``)
    the ontology, with ``shapes`` (default: the profile)."""
    import pyshacl  # imported when asked for: it takes a second to import
    from pyshacl.errors import ReportableRuntimeError

    if keep is None:
        keep = given.is_data_subject
    merged = bind_prefixes(_PreparedQueryGraph())
    for prefix, namespace in given.prefixes.items():
        merged.bind(prefix, namespace, override=False)
    if background:
        merged += _ontology_graph()
    merged += given.data_graph()
    shapes_graph = _shapes() if shapes is None else shapes
    try:
        with no_network(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, report, _ = pyshacl.validate(
                merged,
                shacl_graph=shapes_graph,
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
    except ReportableRuntimeError as exc:
        raise localised(UnsupportedShape, _PYSHACL_CANNOT, detail=" ".join(str(exc.message).split())[:300]) from None
    except NotImplementedError as exc:  # pySHACL's word for $shapesGraph and the like
        raise localised(UnsupportedShape, _PYSHACL_CANNOT, detail=" ".join(str(exc).split())[:300]) from None
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure: shapes it cannot run
        text = " ".join(str(getattr(report, "message", report)).split())[:300]
        raise localised(UnsupportedShape, _PYSHACL_CANNOT, detail=text)
    findings = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        if focus is None or not keep(focus):
            continue  # the background's own nodes are never reported
        path = report.value(node, SH.resultPath)
        severity = report.value(node, SH.resultSeverity)
        findings.append(Finding(
            focus=focus,
            path=path,
            value=report.value(node, SH.value),
            shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            severity=severity_of(severity),
            severity_term=severity,
            path_triples=_path_triples(shapes_graph, path),
            constraint=report.value(node, SH.sourceConstraint),
            messages=tuple(report.objects(node, SH.resultMessage)),
        ))
    return findings


def _path_triples(shapes: Graph, path: Node | None) -> tuple[tuple[Node, Node, Node], ...]:
    if not isinstance(path, BNode):
        return ()
    found: list[tuple[Node, Node, Node]] = []
    todo: list[Node] = [path]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if not isinstance(node, BNode) or node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            found.append((node, p, o))
            todo.append(o)
    return tuple(found)


ENGINES: dict[str, Callable[..., list[Finding]]] = {
    "compiled": _run_compiled,
    "pyshacl": _run_pyshacl,
}
DEFAULT_ENGINE = "compiled"

#: The profiles ``--profile`` takes: the project's own, or none (the given shapes alone).
PROFILES = ("samhandling", "none")


def read_shapes(shapes: Source | None) -> Graph | None:
    """The user's shapes (files, folders, or an rdflib graph, copied), read as written, or
    None."""
    if shapes is None:
        return None
    if isinstance(shapes, Graph):
        copy = Graph()
        copy += shapes
        return copy_prefixes(copy, shapes, override=False)
    items = [shapes] if isinstance(shapes, (str, Path, RdfBytes)) else list(shapes)
    if not items:
        return None
    graph = Graph()
    for path in expand_paths(items):
        parse_file(path, graph)
    return graph


#: Shapes the reference engine refused, pySHACL's own reason quoted as it wrote it.
_PYSHACL_CANNOT = {"nb": "pySHACL kan ikke kjøre disse SHACL-formene: «{detail}»",
                   "nn": "pySHACL kan ikkje køyre desse SHACL-formene: «{detail}»",
                   "en": "pySHACL cannot run these shapes: {detail}"}


def checks_for(user: Graph | None, profile: str, *, compiled: bool = True
               ) -> tuple[Graph, tuple[CompiledCheck, ...]]:
    """The shapes graph and (``compiled``) its compiled checks for ``profile`` with the
    ``user``'s shapes on top (the profile's are compiled once per process)."""
    if profile not in PROFILES:
        raise localised(SamhandlingError, {
            "nb": "ukjent profil «{profile}»; kjente profiler: {known}",
            "nn": "ukjend profil «{profile}»; kjende profilar: {known}",
            "en": "unknown profile {profile_repr}; known: {known}"},
            profile=profile, profile_repr=repr(profile), known=", ".join(PROFILES))
    if profile == "none":
        if user is None:
            raise localised(SamhandlingError, {
                "nb": "--profile none validerer bare med SHACL-formene du gir; oppgi --shapes SHAPES",
                "nn": "--profile none validerer berre med SHACL-formene du gjev; gje --shapes SHAPES",
                "en": "--profile none validates with the given shapes alone; give --shapes SHAPES"})
        return user, compile_shapes(user) if compiled else ()
    if user is None:
        return _shapes(), compiled_profile() if compiled else ()
    merged = Graph()
    merged += _shapes()
    merged += user
    return merged, compile_shapes(merged) if compiled else ()


def validate(
    source: Source,
    *,
    lang: str = DEFAULT_LANGUAGE,
    fail_on: Severity | str = Severity.VIOLATION,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback | None = None,
    shapes: Source | None = None,
    profile: str = "samhandling",
    every_record: bool = True,
) -> ValidationReport:
    """Validate solution descriptions against the profile, or any data against any shapes.

    ``source`` is a file or folder path, several of them, or an rdflib ``Graph`` (copied, never
    changed). Files are read by their ending; a file that cannot be read raises
    :class:`~samhandling_kg.core.errors.InputError` naming it. ``lang`` picks the language of the
    messages and titles (``nb``, ``nn`` or ``en``; default ``nb``,
    :data:`~samhandling_kg.core.terms.DEFAULT_LANGUAGE`, as on the command line); ``fail_on`` the
    lowest severity that makes :attr:`ValidationReport.conforms` false; ``engine`` the engine (:data:`ENGINES`):
    ``compiled`` (the shapes compiled to SPARQL, in Oxigraph) or ``pyshacl`` (the reference).
    ``shapes`` (files, folders or a graph) are SHACL shapes added to the profile;
    ``profile="none"`` validates with them alone: no built-in profile, no ontology as
    background, none of the profile's diagnostics, every focus node the shapes select
    (literals included), literals checked as written. Shapes the engine cannot run raise
    :class:`~samhandling_kg.core.errors.UnsupportedShape` naming the component, before any
    check runs.
    ``progress``, when given, is called at the start of each stage with its name and a count:
    ``("read", files)``, ``("check", records)``, ``("report", findings)`` — never inside an
    engine's loop (the command line's :class:`~samhandling_kg.core.progress.Progress` prints them).
    ``every_record``: :attr:`ValidationReport.records` holds every record of the data (the text
    and JUnit reports list each, with or without findings); False, only the records with
    findings (the results and their order are the same), which spares finding the title, file
    and line of every other record: most of a large, mostly valid catalogue's.
    """
    if lang not in LANGUAGES:
        raise localised(SamhandlingError, {
            "nb": "ukjent språk «{lang}»; kjente språk: {known}",
            "nn": "ukjend språk «{lang}»; kjende språk: {known}",
            "en": "unknown language {lang_repr}; known: {known}"},
            lang=lang, lang_repr=repr(lang), known=", ".join(LANGUAGES))
    if engine not in ENGINES:
        raise localised(SamhandlingError, {
            "nb": "ukjent motor «{engine}»; kjente motorer: {known}",
            "nn": "ukjend motor «{engine}»; kjende motorar: {known}",
            "en": "unknown engine {engine_repr}; known: {known}"},
            engine=engine, engine_repr=repr(engine), known=", ".join(ENGINES))
    threshold = Severity.parse(fail_on)
    user = read_shapes(shapes)
    # Refused here, before any data is read (pySHACL reads the shapes its own way).
    shapes_graph, checks = checks_for(user, profile, compiled=engine == "compiled")
    if progress is not None:
        if not isinstance(source, (Graph, str, Path, RdfBytes)):
            source = list(source)  # counted first, read after: an iterator is read once
        progress("read", _count_files(source))
    given = _read(source, as_written=user is not None)
    try:
        return _validate_read(given, checks, shapes_graph, user=user, lang=lang, engine=engine,
                              threshold=threshold, general=profile == "none", progress=progress,
                              every_record=every_record)
    finally:
        given.close()


def _validate_read(given: _Input, checks: tuple[CompiledCheck, ...], shapes_graph: Graph, *,
                   user: Graph | None, lang: str, engine: str, threshold: Severity,
                   general: bool, progress: ProgressCallback | None,
                   every_record: bool = True) -> ValidationReport:
    """:func:`validate` once the data is read."""
    refused: tuple[Any, ...] = ()
    if not general:
        # Statements that would change the ontology's terms never reach the checks (whichever
        # engine runs them); each is a finding of its own.
        refused = given.remove_background_statements()
        given.add_background()
        if not refused and user is None:
            _require_something_to_validate(given)
    keep: Callable[[Node], bool] = (lambda node: True) if general else given.is_data_subject
    if progress is not None:
        progress("check", None if general else _count_records(given))
    if engine == "compiled":
        # The compiled checks run in Oxigraph, off the GIL: meanwhile this thread finds what
        # the report needs whatever the findings (with every_record, every record's title,
        # file and line), then turns each check's findings into results as the check ends.
        arrived: Queue[tuple[int, list[Finding]] | None] = Queue()
        with ThreadPoolExecutor(1) as runner:
            running = runner.submit(_run_compiled, given, checks, background=not general,
                                    keep=keep, each=lambda number, found: arrived.put((number, found)))
            running.add_done_callback(lambda _: arrived.put(None))
            locator = _Locator(given, _View(given), lang)
            if every_record:
                locator.prepare()
            assembler = Assembler(given, lang=lang, locator=locator, shapes=shapes_graph,
                                  every_record=every_record)
            count = 0
            while (batch := arrived.get()) is not None:
                assembler.add(*batch)
                count += len(batch[1])
            running.result()  # an engine's error, raised here
    else:
        findings = _run_pyshacl(given, shapes_graph, background=not general, keep=keep)
        assembler = Assembler(given, lang=lang, shapes=shapes_graph, every_record=every_record)
        assembler.add(0, findings)
        count = len(findings)
    if progress is not None:
        progress("report", count + len(refused))
    return assembler.report(fail_on=threshold, refused=refused, general=general)


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
    for row in solutions(given.store.query(_COUNT_RECORDS)):
        return int(row["n"].value)
    return None
