"""Reading the W3C SHACL test suite (../shared/w3c-shacl-tests, see its README) and comparing
validation reports by the suite's rule.

An entry of type ``sht:Validate`` names a data graph and a shapes graph (often the test file
itself) and either an expected ``sh:ValidationReport`` or ``sht:Failure`` (the engine must
refuse the shapes). Reports are compared as RDF: ``sh:conforms``, and the set of results by
``sh:focusNode``, ``sh:resultPath`` (a complex path as its SHACL path structure),
``sh:value``, ``sh:resultSeverity``, ``sh:sourceShape`` and ``sh:sourceConstraintComponent``;
blank nodes by isomorphism; messages are not compared.

Shared by tests/validation/test_w3c_suite.py (the public command), the parity test against
pySHACL and benchmarks/general_shapes.py.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[2]


def _suite() -> Path:
    """``../shared/w3c-shacl-tests`` from the project's root (a worktree one level deeper
    finds it one level up), or where ``SAMHANDLING_W3C_SUITE`` says."""
    given = os.environ.get("SAMHANDLING_W3C_SUITE")
    if given:
        return Path(given)
    for parent in ROOT.parents:
        candidate = parent / "shared" / "w3c-shacl-tests"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "w3c-shacl-tests"


SUITE = _suite()

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

#: The six fields of a result the suite compares.
FIELDS = (SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity, SH.sourceShape,
          SH.sourceConstraintComponent)
#: The predicates of a SHACL path's structure (followed from sh:resultPath).
PATH_PREDICATES = (RDF.first, RDF.rest, SH.inversePath, SH.alternativePath,
                   SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


@dataclass(frozen=True)
class Entry:
    """One ``sht:Validate`` entry of the suite."""

    name: str  # e.g. core/node/and-001
    folder: str  # core or sparql
    label: str
    data: Path
    shapes: Path
    #: The expected report (only its comparable triples), or None for ``sht:Failure``.
    expected: Graph | None
    approved: bool

    @property
    def failure(self) -> bool:
        return self.expected is None


def parse(path: Path) -> Graph:
    """A test file as rdflib reads it, with the file's own IRI as base (``<>`` is the file).
    Literals keep their lexical form (no normalisation: the suite compares terms)."""
    with as_written():
        return Graph().parse(path, format="turtle", publicID=path.as_uri())


@contextmanager
def as_written() -> Iterator[None]:
    """rdflib reads literals as written (``"01"^^xsd:integer`` stays ``"01"``), and quietly:
    ill-typed literals are legal RDF, and tested."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = before
        quiet.setLevel(level)


def _local(uri: Node, base: Path) -> Path:
    text = str(uri)
    assert text.startswith("file://"), text
    return Path(text[len("file://"):])


def entries(root: Path = SUITE) -> list[Entry]:
    """Every ``sht:Validate`` entry reachable from ``root/manifest.ttl`` (in manifest
    order)."""
    found: list[Entry] = []
    seen: set[Path] = set()
    for manifest in _manifests(root / "manifest.ttl", seen):
        graph = parse(manifest)
        for node in graph.subjects(RDF.type, MF.Manifest):
            for entries_list in graph.objects(node, MF.entries):
                for entry in Collection(graph, entries_list):
                    if (entry, RDF.type, SHT.Validate) not in graph:
                        continue
                    found.append(_entry(graph, entry, manifest, root))
    return found


def _manifests(path: Path, seen: set[Path]) -> Iterator[Path]:
    if path in seen:
        return
    seen.add(path)
    yield path
    graph = parse(path)
    for include in sorted(graph.objects(None, MF.include), key=str):
        yield from _manifests(_local(include, path), seen)


def _entry(graph: Graph, entry: Node, manifest: Path, root: Path) -> Entry:
    action = graph.value(entry, MF.action)
    data = _local(graph.value(action, SHT.dataGraph), manifest)
    shapes = _local(graph.value(action, SHT.shapesGraph), manifest)
    result = graph.value(entry, MF.result)
    expected = None if result == SHT.Failure else comparable(graph, result)
    name = str(manifest.relative_to(root).with_suffix(""))
    label = str(graph.value(entry, RDFS_LABEL) or "")
    return Entry(name=name, folder=name.split("/", 1)[0], label=label, data=data,
                 shapes=shapes, expected=expected,
                 approved=graph.value(entry, MF.status) == SHT.approved)


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def comparable(graph: Graph, report: Node) -> Graph:
    """The triples of ``report`` the suite compares, as a graph of their own: the report node
    and its ``sh:conforms``, each result with the six fields, and the structure of every
    complex result path. Blank nodes stay blank (compared by isomorphism)."""
    out = Graph()
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    conforms = graph.value(report, SH.conforms)
    out.add((root, SH.conforms, Literal(_as_bool(conforms), datatype=XSD.boolean)))
    for result in graph.objects(report, SH.result):
        node = BNode()
        out.add((root, SH.result, node))
        for field in FIELDS:
            for value in graph.objects(result, field):
                if field == SH.resultPath and isinstance(value, BNode):
                    # Each result its own copy of a complex path: one engine shares the
                    # shape's path node, another writes it again per result.
                    value = _copy_path(graph, value, out, 0)
                out.add((node, field, value))
    return out


def _as_bool(term: Node | None) -> bool:
    if isinstance(term, Literal):
        return str(term).strip() in ("true", "1")
    raise AssertionError(f"sh:conforms missing or not a literal: {term!r}")


def _copy_path(graph: Graph, node: Node, out: Graph, depth: int) -> Node:
    """A fresh copy of the path structure at ``node`` in ``out``, unfolded as a tree (a path
    node used twice is copied twice: paths are compared by their structure); its new root."""
    if not isinstance(node, BNode):
        return node
    if depth > 50:
        raise AssertionError("a cyclic path structure")
    copy = BNode()
    for predicate in PATH_PREDICATES:
        for value in graph.objects(node, predicate):
            out.add((copy, predicate, _copy_path(graph, value, out, depth + 1)))
    return copy


def report_of(text: str) -> Graph:
    """The comparable part of a validation report written in Turtle."""
    with as_written():
        graph = Graph().parse(data=text, format="turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"{len(reports)} sh:ValidationReport nodes in the output"
    return comparable(graph, reports[0])


def conforms(report: Graph) -> bool:
    return any(str(o) == "true" for o in report.objects(None, SH.conforms))


def same(expected: Graph, actual: Graph) -> bool:
    """The suite's rule: the comparable graphs are isomorphic. What isomorphism keeps (the
    size, the conformance, each result's fields with blank nodes blanked) is compared first:
    a wrong report differs there at once, where rdflib's canonical form of a large one can
    take many minutes (a test would hang instead of failing)."""
    if (len(expected) != len(actual) or conforms(expected) != conforms(actual)
            or _results(expected) != _results(actual)):
        return False
    return isomorphic(expected, actual)


def _results(graph: Graph) -> list[str]:
    """Each result of a comparable report as one line of its fields (blank nodes blanked)."""
    lines = []
    for result in graph.objects(None, SH.result):
        parts = []
        for field in FIELDS:
            for value in graph.objects(result, field):
                shown = ("[path]" if field == SH.resultPath and isinstance(value, BNode)
                         else ("_:b" if isinstance(value, BNode) else value.n3()))
                parts.append(f"{field.split('#')[1]}={shown}")
        lines.append(" ".join(sorted(parts)))
    return sorted(lines)


def describe_difference(expected: Graph, actual: Graph) -> str:
    """A readable account of how two comparable reports differ (for a failing test)."""
    want, got = _results(expected), _results(actual)
    missing = [line for line in want if line not in got]
    extra = [line for line in got if line not in want]
    return (f"conforms expected {conforms(expected)}, got {conforms(actual)}; "
            f"{len(want)} results expected, {len(got)} got\n"
            + "".join(f"  missing: {line}\n" for line in missing)
            + "".join(f"  extra:   {line}\n" for line in extra))


def canonical(graph: Graph) -> Graph:
    return to_isomorphic(graph)


def run_pyshacl(entry: Entry) -> Graph | None:
    """pySHACL's report on ``entry`` (comparable part), or None when it refuses the shapes.
    The graphs are read as pySHACL's users read them (rdflib's defaults)."""
    import pyshacl
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet = logging.getLogger("rdflib.term")
        quiet.setLevel(logging.CRITICAL)
        data = Graph().parse(entry.data, format="turtle", publicID=entry.data.as_uri())
        shapes = (data if entry.shapes == entry.data
                  else Graph().parse(entry.shapes, format="turtle", publicID=entry.shapes.as_uri()))
        try:
            _, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True,
                                            inference="none", do_owl_imports=False,
                                            allow_warnings=False, allow_infos=False)
        except (ReportableRuntimeError, ShapeLoadError, ConstraintLoadError):
            return None
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    return comparable(report, root)
