"""Reading RDF files safely: format by file ending, one-line errors, no network.

rdflib on its own fetches remote JSON-LD contexts, expands XML entities and raises
RecursionError on deep nesting. Every file the tool reads goes through :func:`parse_file`,
which checks the bytes first and parses with the network switched off.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import stat
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn
from xml.sax import SAXParseException

import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import NamespaceManager
from rdflib.plugins.parsers.notation3 import BadSyntax

from samhandling_kg.core import limits
from samhandling_kg.core.errors import (
    SamhandlingError,
    input_error,
    localised,
    printable,
)
from samhandling_kg.core.terms import IRI_FORBIDDEN
from samhandling_kg.io import messages
from samhandling_kg.io.checks import (
    LONG_IRI,
    LONG_TOKEN,
    MALFORMED,
    TOO_DEEP,
    _check_json_ld,
    _check_xml,
    _check_xml_namespaces,
    _strip_position,
    check_limits,
)
from samhandling_kg.io.network import NetworkRefused, no_network

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trix": "trix",
}

#: The names ``--input-format`` takes: the file endings of :data:`FORMATS` without the dot.
INPUT_FORMATS: tuple[str, ...] = tuple(ending[1:] for ending in FORMATS)

#: The file name that stands for standard input on the command line, as rapper and riot take it.
STDIN = "-"


@dataclass(frozen=True, eq=False)
class RdfBytes:
    """RDF held in memory (standard input) and read as a file is: ``name`` (``<stdin>``) in
    every error, ``format`` an rdflib format of :data:`FORMATS` since there is no file ending
    to choose it by. Every reader of this module and of :mod:`.oxio` takes it where it takes a
    path, with the same checks."""

    name: str
    data: bytes = field(repr=False)
    format: str

    def __str__(self) -> str:
        return self.name


def input_format(name: str) -> str:
    """The rdflib format for an ``--input-format`` name (``ttl``, ``nt``, ``jsonld``…)."""
    fmt = FORMATS.get("." + name.lower().lstrip("."))
    if fmt is None:
        raise localised(SamhandlingError, messages.UNKNOWN_INPUT_FORMAT,
            name=name, name_repr=repr(name), known=", ".join(INPUT_FORMATS))
    return fmt


def read_stdin(stream: IO[bytes], name: str, *, source: str = "<stdin>") -> RdfBytes:
    """Standard input read whole as RDF in the ``--input-format`` ``name``, with the checks
    of :func:`read_bytes`: binary input is refused from its first block, before the rest is
    read."""
    fmt = input_format(name)
    most = limits.INPUT.value()
    try:
        head = stream.read(_HEAD_BYTES)
        _check_head(head, source)
        parts, size = [head], len(head)
        while size <= most:  # bounded while read: an endless stream stops at the limit
            block = stream.read(min(1 << 20, most + 1 - size))
            if not block:
                break
            parts.append(block)
            size += len(block)
    except OSError as exc:
        raise input_error(source, messages.CANNOT_READ, detail=exc.strerror or exc) from None
    if size > most:
        raise input_error(source, messages.LARGER, limit=limits.INPUT.described(most))
    return RdfBytes(source, b"".join(parts), fmt)


_XML_FORMATS = {"xml", "trix"}
_LINE_FORMATS = {"nt", "nquads"}
#: Formats read into a dataset whose named graphs are then merged (JSON-LD may hold named
#: graphs too; a plain graph dropped them).
_QUAD_FORMATS = {"nquads", "trig", "trix", "json-ld"}


_literals_lock = threading.Lock()
_literals_readers = 0
_literals_previous = True


@contextlib.contextmanager
def _literals_as_written() -> Iterator[None]:
    """rdflib's NORMALIZE_LITERALS off while files are read (it rewrites lexical forms), and
    back to what it was when the last reader is done: a counter under a lock, so readers on
    several threads do not restore it under each other."""
    global _literals_readers, _literals_previous
    with _literals_lock:
        if _literals_readers == 0:
            _literals_previous = rdflib.NORMALIZE_LITERALS
            rdflib.NORMALIZE_LITERALS = False
        _literals_readers += 1
    try:
        yield
    finally:
        with _literals_lock:
            _literals_readers -= 1
            if _literals_readers == 0:
                rdflib.NORMALIZE_LITERALS = _literals_previous


def format_for(path: str | Path | RdfBytes) -> str:
    """The rdflib format for a file name, or an :class:`InputError` naming the known endings."""
    if isinstance(path, RdfBytes):
        return path.format
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise input_error(path, messages.UNKNOWN_ENDING, known=known,
            nb=suffix or "(ingen)", nn=suffix or "(inga)", en=suffix or "(none)") from None


def read_bytes(path: str | Path | RdfBytes) -> bytes:
    """The bytes of a regular file, or an :class:`InputError` saying why not."""
    if isinstance(path, RdfBytes):
        return path.data
    p = Path(path)
    try:
        info = p.stat()  # follows links: a link to a regular file is read as that file
    except FileNotFoundError:
        if p.is_symlink():
            raise input_error(path, messages.BROKEN_LINK) from None
        raise input_error(path, messages.NO_SUCH_FILE) from None
    except OSError as exc:
        raise input_error(path, messages.CANNOT_READ, detail=exc.strerror or exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise input_error(path, messages.A_FOLDER)
    if not stat.S_ISREG(info.st_mode):
        raise input_error(path, messages.NOT_REGULAR)
    try:
        with p.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            # A binary file is refused from its first block: a 1 GB file of NUL bytes is not
            # read whole to report byte 0.
            _check_head(head, path)
            most = limits.INPUT.value()
            if info.st_size > most:
                raise input_error(path, messages.LARGER, limit=limits.INPUT.described(most))
            # read() allocates what it is asked for before it reads: ask for the size stat
            # gave (and one byte more), not for the limit, then follow a file that grew, in
            # bounded steps, up to the limit.
            rest = handle.read(max(min(most, info.st_size) + 1 - len(head), 0))
            while len(head) + len(rest) <= most:
                more = handle.read(min(1 << 20, most + 1 - len(head) - len(rest)))
                if not more:
                    break
                rest += more
            if len(head) + len(rest) > most:
                raise input_error(path, messages.LARGER, limit=limits.INPUT.described(most))
    except PermissionError:
        raise input_error(path, messages.PERMISSION_DENIED) from None
    except OSError as exc:
        raise input_error(path, messages.CANNOT_READ, detail=exc.strerror or exc) from None
    return head + rest if rest else head


#: How much of a file is looked at before the rest is read.
_HEAD_BYTES = 64 * 1024


def _check_head(head: bytes, source: str | Path) -> None:
    """Raise the error :func:`decode_text` would raise for the whole file when it is already
    in ``head`` (a byte-order mark of another encoding, a NUL byte, invalid UTF-8)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        decode_text(head, source)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        decode_text(head, source)


def decode_text(data: bytes, source: str | Path) -> str:
    """UTF-8 text without a byte-order mark; other encodings are refused with the line."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise input_error(source, messages.UTF32, line=1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise input_error(source, messages.UTF16, line=1)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise input_error(source, messages.NOT_UTF8, line=line, bad=bad) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise input_error(source, messages.BINARY, line=text.count("\n", 0, nul) + 1)
    return text


def parse_file(path: str | Path | RdfBytes, graph: Graph | None = None, *, format: str | None = None) -> Graph:
    """Parse one RDF file into ``graph`` (a new graph if none). On any problem raise
    :class:`InputError` ("FILE:LINE: what"); ``graph`` is then left as it was."""
    fmt = format or format_for(path)
    return parse_bytes(read_bytes(path), str(path) if isinstance(path, RdfBytes) else path, graph,
                       format=fmt)


def parse_bytes(data: bytes, source: str | Path, graph: Graph | None = None, *, format: str) -> Graph:
    """Parse RDF held in memory; ``source`` names it in errors. See :func:`parse_file`."""
    check_limits(data, source, format)
    if format in _XML_FORMATS:
        # rdflib reads XML as UTF-8 whatever its declaration says; refuse other encodings
        # with the same message as the text formats, before the parser garbles them.
        decode_text(data, source)
        _check_xml(data, source)
        _check_xml_namespaces(data, source)
        payload: str | bytes = data
    else:
        payload = decode_text(data, source)
        if format == "json-ld":
            _check_json_ld(payload, source)
    scratch = _scratch(Graph())
    content: Any = None
    try:
        # rdflib reports ill-typed literals (legal RDF) with warnings.warn, which would print
        # on stderr, and by default rewrites lexical forms: "maybe"^^xsd:boolean became
        # "false". Literals are kept exactly as written.
        with no_network(), warnings.catch_warnings(), _literals_as_written():
            warnings.simplefilter("ignore")
            # The line formats go in one line at a time: rdflib's own reader re-scans its buffer
            # for every 2 KB it reads, which takes minutes on one long line.
            content = _LineReader(payload) if format in _LINE_FORMATS and isinstance(payload, str) else None
            if format in _QUAD_FORMATS:
                # Named graphs are merged: the tool reasons and validates over their union.
                dataset = _scratch(Dataset())
                assert isinstance(dataset, Dataset)
                if content is not None:
                    dataset.parse(source=content, format=format, publicID=_base_iri(source))
                else:
                    dataset.parse(data=payload, format=format, publicID=_base_iri(source))
                # (JSON-LD binds its prefixes through a manager of its own, on the store.)
                for prefix, namespace in (*dataset.namespaces(), *dataset.store.namespaces()):
                    scratch.bind(prefix, namespace, override=False)
                for s, p, o, _ in dataset.quads((None, None, None, None)):
                    scratch.add((s, p, o))
            elif content is not None:
                scratch.parse(source=content, format=format, publicID=_base_iri(source))
            else:
                scratch.parse(data=payload, format=format, publicID=_base_iri(source))
    except NetworkRefused as exc:
        # The guard stopped a fetch that the checks above did not foresee: name the file.
        raise input_error(source, messages.OUTSIDE, exc=exc) from None
    except SamhandlingError:
        raise
    except RecursionError:
        raise input_error(source, TOO_DEEP) from None
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        line, reason = _describe_parse_error(exc, payload, format)
        if isinstance(content, _LineReader):
            line = content.line or None
        raise input_error(source, MALFORMED, line, syntax=_FORMAT_NAMES.get(format, format),
                          reason=reason) from None
    _check_terms(scratch, payload, source)
    # Only a file that parsed whole reaches the caller's graph: nothing half-read is kept.
    if graph is None:
        # The parsed graph itself is the caller's (copying millions of triples would double
        # the time), with rdflib's own prefix bindings.
        recorded = scratch.namespace_manager
        scratch.namespace_manager = NamespaceManager(scratch)
        graph = scratch
        bind_prefixes_from(graph, recorded)
    else:
        if not isinstance(graph, Graph):
            raise TypeError("graph must be an rdflib Graph")
        graph += scratch
        bind_prefixes_from(graph, scratch)
    return graph


#: Prefixes carried over from a file into the graph a caller gets (they only shorten IRIs in
#: output); any beyond are left unbound, which changes no triple.
MAX_BOUND_PREFIXES = 500


class _RecordingNamespaceManager(NamespaceManager):
    """Prefix bindings during one parse, only recorded: rdflib's own manager inserts every
    binding into a trie in time growing with those before (8,000 ``@prefix`` lines took 16 s,
    100,000 hung)."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph, bind_namespaces="none")
        self.declared: dict[str, str] = {}

    def bind(self, prefix: str | None, namespace: Any, override: bool = True,
             replace: bool = False) -> None:
        if prefix is not None and (override or str(prefix) not in self.declared):
            self.declared[str(prefix)] = str(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        for prefix, namespace in self.declared.items():
            yield prefix, URIRef(namespace)


def _scratch(graph: Graph) -> Graph:
    recorder = _RecordingNamespaceManager(graph)
    graph.namespace_manager = recorder
    if isinstance(graph, Dataset):  # the quad parsers bind on the default graph
        graph.default_context.namespace_manager = recorder
    return graph


def bind_prefixes_from(graph: Graph, source: Graph | NamespaceManager) -> None:
    """Bind in ``graph`` the prefixes of ``source`` (those already bound there win), at most
    :data:`MAX_BOUND_PREFIXES` of them."""
    taken = {str(prefix) for prefix, _ in graph.namespaces()}
    for prefix, namespace in source.namespaces():
        if len(taken) >= MAX_BOUND_PREFIXES:
            break
        if prefix not in taken:
            graph.bind(prefix, namespace, override=False)
            taken.add(prefix)


class _LineReader(io.TextIOBase):
    """Text handed out one line per ``read``, whatever size is asked for: rdflib's N-Triples
    reader (which looks for a line end after every 2 KB chunk) then works in linear time, and
    the number of lines handed out is the line a parse error is on."""

    encoding = "utf-8"
    _END = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text
        self._at = 0
        self.line = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        start = self._at
        if start >= len(self._text):
            return ""
        found = self._END.search(self._text, start)
        self._at = found.end() if found else len(self._text)
        self.line += 1
        return self._text[start : self._at]


#: Where a literal stands in a triple, in nb and nn.
_POSITIONS = {"subject": ("subjekt", "subjekt"), "predicate": ("predikat", "predikat"),
              "object": ("objekt", "objekt")}

_FORMAT_NAMES = {
    "turtle": "Turtle",
    "nt": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "n3": "Notation3",
    "json-ld": "JSON-LD",
    "xml": "RDF/XML",
    "trix": "TriX",
}


def _check_terms(graph: Graph, payload: str | bytes, source: str | Path) -> None:
    """Refuse what rdflib's lenient parsers let through but is not RDF: literal subjects,
    predicates that are not IRIs, IRIs with spaces or other forbidden characters, Notation3
    formulas and variables. Any of them breaks export, loading and stores later."""
    checked: set[URIRef] = set()
    longest_iri, longest_token = limits.IRI.value(), limits.TOKEN.value()
    for triple in graph:
        for position, term in zip(("subject", "predicate", "object"), triple):
            if isinstance(term, URIRef):
                if term in checked:
                    continue
                checked.add(term)
                if len(term) > longest_iri:
                    raise input_error(source, LONG_IRI, _line_of(payload, str(term)[:200]),
                                      limit=limits.IRI.described(longest_iri))
                if IRI_FORBIDDEN.search(term):
                    raise input_error(source, messages.INVALID_IRI, _line_of(payload, str(term)),
                                      iri=printable(str(term))[:120], iri_repr=printable(repr(str(term)))[:120])
                if SURROGATE.search(term):
                    _refuse_surrogate(payload, source)
            elif isinstance(term, Literal):
                if len(term) > longest_token:
                    raise input_error(source, LONG_TOKEN, _line_of(payload, str(term)[:200]),
                                      limit=limits.TOKEN.described(longest_token))
                if position != "object":
                    raise input_error(source, messages.LITERAL_POSITION,
                                      _line_of(payload, str(term)), en=position,
                                      nb=_POSITIONS[position][0], nn=_POSITIONS[position][1])
                if SURROGATE.search(term) or (term.datatype is not None and SURROGATE.search(term.datatype)):
                    _refuse_surrogate(payload, source)
            elif isinstance(term, BNode) and type(term) is BNode:
                if position == "predicate":
                    raise input_error(source, messages.BNODE_PREDICATE)
            else:
                raise input_error(source, messages.NOT_RDF_TERMS, kind=type(term).__name__)


#: A lone UTF-16 surrogate: no Unicode character, so no RDF term can hold it. rdflib (and
#: Python's JSON reader) turn an escape such as ``\uD800`` into one, which every UTF-8 writer
#: then fails on.
SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_surrogate(payload: str | bytes, source: str | Path) -> NoReturn:
    text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
    found = SURROGATE_ESCAPE.search(text)
    escape = f" ({found.group()})" if found else ""
    line = text.count("\n", 0, found.start()) + 1 if found else None
    raise input_error(source, messages.SURROGATE_IN_ESCAPE,
        line, escape=escape)


def _line_of(payload: str | bytes, needle: str) -> int | None:
    text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
    at = text.find(needle) if needle else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _base_iri(source: str | Path) -> str:
    # Relative IRIs resolve against a base under the reserved ".invalid" domain, never a file:
    # IRI that would reveal (or later open) a local path.
    return "https://base.invalid/" + re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(source)).name)


def _describe_parse_error(exc: Exception, payload: str | bytes, format: str) -> tuple[int | None, str]:
    """Line (1-based, where known) and a short reason for a parser exception."""
    if isinstance(exc, BadSyntax):
        return exc.lines + 1, printable(" ".join(str(getattr(exc, "_why", "bad syntax")).split())[:200])
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber(), printable(exc.getMessage())
    if format in _LINE_FORMATS:
        return None, _short(exc)  # the line comes from the _LineReader
    # rdflib's RDF/XML reader starts its messages "SYSTEM-ID:LINE:COLUMN: ", with None for
    # the system id of a document read from memory.
    located = re.match(r"^\S*?:(\d+):\d+: (.*)$", " ".join(str(exc).split()))
    if located:
        return int(located.group(1)), printable(located.group(2)[:200])
    match = re.search(r"line (\d+)", str(exc))
    return (int(match.group(1)) if match else None), _strip_position(_short(exc))


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, ParserError):
        text = text.replace("Invalid line: ", "invalid statement: ")
        # N-Quads: "Invalid line (Failed to eat REGEX at REST): 'LINE'" -> the part that failed
        text = re.sub(r"^Invalid line \(Failed to eat .*? at (.*)\): .*$", r"invalid statement near: \1", text)
    return printable(text[:200])


def expand_paths(paths: Iterable[str | Path | RdfBytes], *, allow_none: bool = False) -> list[Path]:
    """Files as given, folders replaced by the RDF files in them (any depth, by file ending,
    hidden files and folders skipped, sorted). A folder without RDF files is an error, and a
    file named twice is read once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for item in paths:
        if isinstance(item, RdfBytes):
            if all(id(item) != id(known) for known in found):
                found.append(item)  # type: ignore[arg-type]
            continue
        path = Path(item)
        if not os.path.lexists(path):  # before its ending is looked at: say what is wrong
            raise input_error(item, messages.NO_SUCH_FILE_OR_FOLDER)
        if path.is_dir():
            inside = sorted(_rdf_files_in(path))
            if not inside:
                known = ", ".join(sorted(FORMATS))
                raise input_error(path, messages.FOLDER_WITHOUT_RDF, known=known)
        else:
            inside = [path]
        for p in inside:
            key = p.resolve() if p.exists() else p
            if key not in seen:
                seen.add(key)
                found.append(p)
    if not found and not allow_none:
        raise localised(SamhandlingError, messages.NO_FILES)
    return found


def _rdf_files_in(folder: Path) -> Iterator[Path]:
    """The RDF files under ``folder`` at any depth, by file ending; hidden files and folders
    are skipped, links to folders are not followed (no loops), links to regular files are.
    A folder that cannot be listed is an error, not silently left out. Iterative: a folder
    1,200 levels deep needs no recursion."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except PermissionError:
            raise input_error(current, messages.FOLDER_PERMISSION_DENIED) from None
        except OSError as exc:
            raise input_error(current, messages.CANNOT_READ_FOLDER,
                              detail=exc.strerror or exc) from None
        for entry in listed:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif Path(entry.name).suffix.lower() in FORMATS and entry.is_file():
                    yield Path(entry.path)
            except OSError:  # a link loop or a file gone meanwhile: not a regular file
                continue


def read_rdf_files(paths: Iterable[str | Path | RdfBytes], graph: Graph | None = None) -> Graph:
    """Parse files (folders give their RDF files) into one graph; the first bad file raises
    and nothing is added."""
    scratch = Graph()
    for path in expand_paths(paths, allow_none=True):
        parse_file(path, scratch)
    if graph is None:
        return scratch
    graph += scratch
    bind_prefixes_from(graph, scratch)
    return graph
