"""``samhandling export``: the byte-stable writers and their one format table.

The same graph gives the same bytes in every run and under every hash seed: blank nodes get
canonical labels (hashes of their surroundings) and the triples go into a fresh graph in sorted
order. Turtle is rdflib's long Turtle with the ontology header first; N-Triples is sorted line
by line; JSON-LD is compacted with the project's prefixes as ``@context`` and sorted; RDF/XML
is written here (rdflib's RDF/XML and JSON-LD writers walk Python sets, whose order changes
with the per-process hash seed).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, printable
from samhandling_kg.core.terms import PREFIXES, copy_prefixes
from samhandling_kg.io.canonical import canonical_triples
from samhandling_kg.kg.graph import bind_prefixes

Triple = tuple[Node, Node, Node]

__all__ = ["EXPORT_FORMATS", "ExportFormat", "export_format", "export_text", "write_atomically"]


class _OntologyFirstTurtle(LongTurtleSerializer):
    """Long Turtle that opens with the ``owl:Ontology`` node (title, version, licence), as a
    reader of the file expects, before the sorted rest."""

    topClasses = [OWL.Ontology, RDFS.Class]


def _turtle(graph: Graph, triples: list[Triple]) -> str:
    stream = io.BytesIO()
    # Instantiated here rather than registered as an rdflib plugin: a library must not change
    # rdflib's process-wide plugin table on import.
    _OntologyFirstTurtle(graph).serialize(stream, encoding="utf-8")  # type: ignore[no-untyped-call]
    return stream.getvalue().decode("utf-8")


def _ntriples(graph: Graph, triples: list[Triple]) -> str:
    return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))


def _json_ld(graph: Graph, triples: list[Triple]) -> str:
    # Compacted with the project's prefixes (not the graph's: a data file's stray bindings
    # would change the context from run to run of different inputs, and rdflib's defaults
    # hold dozens of unrelated vocabularies).
    document = json.loads(graph.serialize(format="json-ld", context=dict(sorted(PREFIXES.items())),
                                          auto_compact=True))
    nodes = document if isinstance(document, list) else document.get("@graph", [document])
    for node in nodes:
        for key, values in node.items():
            if key != "@context" and isinstance(values, list):  # values of a property: a set
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rdf_xml(graph: Graph, triples: list[Triple]) -> str:
    """Flat RDF/XML, one rdf:Description per subject, in the order of ``triples``."""
    used: dict[str, str] = {}
    body: list[str] = []
    current: Node | None = None
    for subject, predicate, obj in triples:
        if subject != current:
            if current is not None:
                body.append("  </rdf:Description>")
            what = f"rdf:nodeID={quoteattr(str(subject))}" if isinstance(subject, BNode) else (
                f"rdf:about={quoteattr(str(subject))}")
            body.append(f"  <rdf:Description {what}>")
            current = subject
        try:
            prefix, namespace, local = graph.namespace_manager.compute_qname_strict(str(predicate))
        except ValueError:
            raise SamhandlingError(f"the predicate <{predicate}> cannot be written as RDF/XML") from None
        used[prefix] = str(namespace)
        element = f"{prefix}:{local}"
        if isinstance(obj, Literal):
            attributes = f" xml:lang={quoteattr(obj.language)}" if obj.language else (
                f" rdf:datatype={quoteattr(str(obj.datatype))}" if obj.datatype else "")
            body.append(f"    <{element}{attributes}>{xml_escape(str(obj))}</{element}>")
        elif isinstance(obj, BNode):
            body.append(f"    <{element} rdf:nodeID={quoteattr(str(obj))}/>")
        else:
            body.append(f"    <{element} rdf:resource={quoteattr(str(obj))}/>")
    if current is not None:
        body.append("  </rdf:Description>")
    used["rdf"] = str(RDF)
    declarations = "".join(f"\n   xmlns:{p}={quoteattr(n)}" for p, n in sorted(used.items()))
    return "\n".join(['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF{declarations}>", *body,
                      "</rdf:RDF>", ""])


@dataclass(frozen=True)
class ExportFormat:
    name: str
    aliases: tuple[str, ...]
    #: the rdflib parser name that reads the output back
    rdflib_format: str
    description: str
    write: Callable[[Graph, list[Triple]], str]


#: The one table of export formats: the command line's choices and help, the site's ontology
#: files and the tests read it.
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("turtle", ("ttl",), "turtle", "long Turtle, the ontology header first (default)", _turtle),
    ExportFormat("json-ld", ("jsonld",), "json-ld", "JSON-LD compacted with the project's prefixes",
                 _json_ld),
    ExportFormat("nt", ("ntriples",), "nt", "N-Triples, sorted lines", _ntriples),
    ExportFormat("xml", ("rdf",), "xml", "RDF/XML, one rdf:Description per subject", _rdf_xml),
)}


def export_format(name: str) -> ExportFormat:
    """The format called ``name`` or one of its aliases (``ttl``, ``jsonld``…)."""
    for fmt in EXPORT_FORMATS.values():
        if name == fmt.name or name in fmt.aliases:
            return fmt
    known = ", ".join(n for f in EXPORT_FORMATS.values() for n in (f.name, *f.aliases))
    raise SamhandlingError(f"unknown export format {name!r}; known: {known}")


def export_text(graph: Graph, fmt: str) -> str:
    """``graph`` in the format ``fmt`` (a name or alias of :data:`EXPORT_FORMATS`), the same
    bytes in every run."""
    writer = export_format(fmt)
    canonical = bind_prefixes(copy_prefixes(Graph(), graph))
    # Linear canonical labels where the blank nodes form no cycle (rdflib's to_canonical_graph,
    # the reference, for cycles): tests/io/test_canonical.py.
    triples = canonical_triples(graph)
    if writer.name == "xml":
        _refuse_what_xml_cannot_carry(triples)
    for triple in triples:
        canonical.add(triple)
    try:
        return writer.write(canonical, triples)
    except RecursionError:  # rdflib's writers nest unshared blank nodes by recursion
        raise SamhandlingError(f"blank nodes nested too deeply to write as {fmt}; export them "
                               "with --format nt or --format xml") from None


#: Characters XML 1.0 cannot carry at all, not even as character references (section 2.2):
#: C0 controls but tab, LF and CR, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _refuse_what_xml_cannot_carry(triples: list[Triple]) -> None:
    """RDF/XML of a literal or IRI holding such a character is a file no parser reads: refuse
    it with one line instead of writing it with exit 0 (issue 23)."""
    for triple in triples:
        for term in triple:
            found = _NOT_XML.search(str(term))
            if found:
                raise SamhandlingError(
                    f"RDF/XML cannot carry the character U+{ord(found.group()):04X} of "
                    f"{printable(str(term)[:80])!r}; export with --format nt or --format turtle")


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder: a failed write never leaves the target
    half-written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # Replacing it would swap a link, a device or a folder for a plain file.
        raise SamhandlingError(f"{path}: not a regular file; refusing to replace it")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise SamhandlingError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private (0600); a written export is an ordinary file that
        # follows the umask like any other writer's (a web server must be able to publish it).
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SamhandlingError(f"{path}: cannot write: {exc.strerror or exc}") from None
