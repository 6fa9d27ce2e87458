"""Reading what is validated: the data files into a private store, beside the ontology
as background, and the shapes."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import (
    RDFS,
)
from rdflib.term import Node

from samhandling_kg.core import limits
from samhandling_kg.io.oxigraph import load_file, to_ox, to_ox_iri, to_ox_quads, to_rdflib
from samhandling_kg.io.rdf import RdfBytes, expand_paths
from samhandling_kg.kg.graph import (
    shapes_graph,
)
from samhandling_kg.validation.background import (
    _EQUATING,
    _background_terms,
    _ontology_quads,
    background_statement_kind,
)
from samhandling_kg.validation.compiler.literals import by_value_copy, keep_as_written, unwrap
from samhandling_kg.validation.model import DATA, DATA_BY_VALUE, Triple, node_text
from samhandling_kg.validation.sourcelines import _index_lines

Source = str | Path | RdfBytes | Graph | Iterable[str | Path | RdfBytes]


class _Input:
    """The user's data, read once into a private Oxigraph store (graph :data:`DATA`), with
    the ontology beside it (graph :data:`BACKGROUND`). Every engine validates this, so a step
    that cleans the data runs once, before the engine."""

    def __init__(self, *, spill: bool = False) -> None:
        #: ``spill``: the store on disk, in a temporary folder (:data:`~samhandling_kg.core.
        #: limits.SPILL`), removed by :meth:`close` or when the input is collected.
        self._folder = tempfile.TemporaryDirectory(prefix="samhandling-validate-") if spill else None
        self.store = ox.Store(self._folder.name) if self._folder is not None else ox.Store()
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
        #: True when :data:`DATA` holds literals in their written form and
        #: :data:`DATA_BY_VALUE` the data as SPARQL reads it.
        self.by_value = False

    @property
    def spilled(self) -> bool:
        """True when the store is on disk."""
        return self._folder is not None

    def close(self) -> None:
        """Let the store go, and remove its folder when it is on disk."""
        if self._folder is not None:
            folder, self._folder = self._folder, None
            del self.store  # RocksDB's files closed before the folder goes
            folder.cleanup()

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
                               unwrap(to_rdflib(quad.object))))
            self._graph = graph
        return self._graph

    def finish_reading(self) -> None:
        """After the files: the data as SPARQL reads it, where it holds literals kept as
        written (one update inside the store)."""
        if self.by_value:
            self.store.update(by_value_copy(DATA.value, DATA_BY_VALUE.value))

    def is_data_subject(self, node: Node) -> bool:
        if node in self.restated:
            return True
        try:
            term = to_ox(node)
        except (TypeError, ValueError):
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
        patterns += [(None, to_ox_iri(p)) for p in (RDFS.isDefinedBy, *_EQUATING)]
        for subject, predicate in patterns:
            for quad in self.store.quads_for_pattern(subject, predicate, None, DATA):
                candidates.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        refused = tuple(sorted((t for t in candidates if background_statement_kind(t, terms)),
                               key=lambda t: tuple(node_text(n) for n in t)))
        for s, p, o in refused:
            subject = to_ox(s)
            assert not isinstance(subject, ox.Literal)  # statements read from the store
            self.store.remove(ox.Quad(subject, to_ox_iri(p), to_ox(o), DATA))
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


def _read(source: Source, *, as_written: bool = False) -> _Input:
    """The data of ``source`` in a private store. ``as_written``: literals the store would
    rewrite are kept as written (:func:`~.compiler.literals.keep_as_written`), and a copy of
    the data as SPARQL reads it is put beside them for SHACL-SPARQL."""
    items = [] if isinstance(source, Graph) else (
        [source] if isinstance(source, (str, Path, RdfBytes)) else list(source))
    paths = [] if isinstance(source, Graph) else expand_paths(items)
    given = _Input(spill=_input_size(paths) > limits.SPILL.value())
    transform = None
    if as_written:
        def transform(quads: list[ox.Quad]) -> list[ox.Quad]:
            kept = keep_as_written(quads)
            if kept is not quads:
                given.by_value = True
            return kept
    if isinstance(source, Graph):
        # A copy: the caller's graph is never touched.
        quads = to_ox_quads(source, DATA)
        given.store.extend(transform(quads) if transform is not None else quads)
        given.prefixes = {str(p): str(n) for p, n in source.namespaces() if str(p)}
        given.finish_reading()
        return given
    indexer = ThreadPoolExecutor(1)
    try:
        for path in paths:
            if isinstance(path, RdfBytes):  # standard input: its lines are shown as a file's
                given.in_memory[str(path)] = path.data
            given.line_index[str(path)] = indexer.submit(
                _index_lines, str(path), given.in_memory.get(str(path)))
            # Each file whole or not at all: the first bad one raises, naming it, before any
            # output.
            prefixes = load_file(given.store, path, DATA, transform=transform,
                                 bulk=given.spilled)
            given.files.append(str(path))
            given.file_prefixes[str(path)] = prefixes
            for prefix, namespace in prefixes.items():
                given.prefixes.setdefault(prefix, namespace)
    except BaseException:
        for future in given.line_index.values():
            future.cancel()
        given.close()
        raise
    finally:
        indexer.shutdown(wait=False)
    given.finish_reading()
    return given


def _input_size(paths: Sequence[str | Path | RdfBytes]) -> int:
    """The bytes of ``paths`` together (a file that cannot be read counts 0: reading it
    raises the error)."""
    total = 0
    for path in paths:
        if isinstance(path, RdfBytes):
            total += len(path.data)
            continue
        try:
            total += Path(path).stat().st_size
        except OSError:
            pass
    return total


@cache
def _shapes() -> Graph:
    return shapes_graph()


