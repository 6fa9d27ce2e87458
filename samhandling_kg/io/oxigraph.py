"""Reading RDF files straight into a pyoxigraph store, with :mod:`rdfio`'s guarantees.

Oxigraph's own parsers (Rust) read Turtle, N-Triples, N-Quads, TriG, RDF/XML and JSON-LD many
times faster than rdflib, and straight into the store. What :func:`rdfio.parse_file` promises
holds here too:

* the format is chosen by the file ending (:data:`rdfio.FORMATS`), never guessed;
* the bytes are checked first by the same functions (regular file, UTF-8, no NUL byte; XML
  without DTD entities or external references; JSON-LD without remote or local contexts);
* relative IRIs resolve against the same ``https://base.invalid/NAME`` base, never a file IRI;
* nothing reaches the network (the parsers never fetch; :func:`rdfio.no_network` guards it);
* a bad file raises :class:`~samhandling_kg.core.errors.InputError` ("FILE:LINE: what") and adds
  nothing to the store. For the diagnosis the reference reader (rdflib) is asked first, so the
  message is the one every other command gives for the same file; only when rdflib accepts
  what Oxigraph refuses (Oxigraph checks IRIs and language tags more strictly) is Oxigraph's
  own message, with its line, reported.

Notation3 and TriX, which Oxigraph does not read as plain RDF, go through :mod:`rdfio`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from samhandling_kg.core import limits
from samhandling_kg.core.errors import input_error, printable
from samhandling_kg.io.checks import MALFORMED, TOO_DEEP, _check_json_ld, _check_xml, check_limits
from samhandling_kg.io.network import no_network
from samhandling_kg.io.rdf import (
    _FORMAT_NAMES,
    _base_iri,
    decode_text,
    format_for,
    parse_bytes,
    read_bytes,
)

#: rdflib format name → Oxigraph format, for the formats Oxigraph reads natively.
NATIVE: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
}

_PREFIX_DECLARATION = re.compile(
    r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)
_XMLNS = re.compile(r"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']*)["']""")


def load_file(store: ox.Store, path: str | Path, graph: ox.NamedNode | ox.DefaultGraph,
              *, prefixes: bool = True,
              transform: Callable[[list[ox.Quad]], list[ox.Quad]] | None = None,
              bulk: bool = False) -> dict[str, str]:
    """Parse ``path`` into ``graph`` of ``store`` (named graphs of quad formats merged into
    it); return the prefixes the file declares (not looked for, ``{}``, without ``prefixes``:
    the search is a scan of the whole text). Raises :class:`InputError` and leaves the store
    as it was on any problem. With ``transform``, the statements are parsed as written (the
    store keeps some literals by value, not as written), handed to ``transform`` as quads of
    ``graph``, and what it returns is added. ``bulk``: an on-disk store, written by
    Oxigraph's bulk loader (one transaction per file would hold the file's statements in
    memory); a file that fails may then leave part of itself in the store."""
    fmt = format_for(path)
    data = read_bytes(path)
    check_limits(data, path, fmt)
    if fmt not in NATIVE:
        if transform is not None:
            return _load_via_rdflib(ox.Store(), data, path, fmt, graph, as_quads=(store, transform))
        return _load_via_rdflib(store, data, path, fmt, graph)
    text = decode_text(data, path)  # the same encoding checks and messages as rdfio
    if fmt == "xml":
        _check_xml(data, path)
    elif fmt == "json-ld":
        _check_json_ld(text, path)
    # A byte-order mark is legal at the start of a UTF-8 file; Oxigraph's parsers take it
    # for text.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Named graphs are merged, as everywhere in this tool (JSON-LD may hold them too).
    quads = fmt in ("nquads", "trig", "json-ld")
    # Store.load is all-or-nothing: a file that fails adds nothing. Quad formats go through a
    # scratch store first, their named graphs merged into ``graph``.
    target = ox.Store() if quads else store
    # The prefix declarations of a large file are looked for on another thread while Oxigraph
    # parses it (the parser releases the GIL).
    background = prefixes and len(text) > _BACKGROUND_PREFIXES
    with ThreadPoolExecutor(1) if background else _NO_POOL as pool:
        declared = pool.submit(_prefixes, text, fmt) if pool is not None else None
        try:
            with no_network():
                if transform is not None:
                    parsed = [ox.Quad(q.subject, q.predicate, q.object, graph)
                              for q in ox.parse(data, NATIVE[fmt], base_iri=_base_iri(path))]
                    store.extend(transform(parsed))
                    quads = False
                elif bulk:
                    target.bulk_load(data, NATIVE[fmt], base_iri=_base_iri(path),
                                     to_graph=None if quads else graph)
                else:
                    target.load(data, NATIVE[fmt], base_iri=_base_iri(path),
                                to_graph=None if quads else graph)
        except (SyntaxError, ValueError) as exc:
            _diagnose(data, path, fmt, exc)
        except RecursionError:
            raise input_error(path, TOO_DEEP) from None
        except MemoryError:  # pyoxigraph's own bound on one token (16 MiB), raised past ours
            raise input_error(path, {
                "nb": "har en literal eller IRI som er lengre enn leseren tar (16 MiB; {env} kan "
                      "ikke heve grensen forbi det)",
                "nn": "har ein literal eller IRI som er lengre enn lesaren tek (16 MiB; {env} kan "
                      "ikkje heve grensa forbi det)",
                "en": "holds a literal or IRI longer than the reader takes (16 MiB; {env} cannot "
                      "raise it past that)"}, env=limits.TOKEN.env) from None
        found = declared.result() if declared is not None else None
    if quads:
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in target)
    if found is not None:
        return found
    return _prefixes(text, fmt) if prefixes else {}


#: Characters from which a file's prefixes are looked for beside the parser.
_BACKGROUND_PREFIXES = 1 << 20
_NO_POOL = contextlib.nullcontext()


def _diagnose(data: bytes, path: str | Path, fmt: str, exc: Exception) -> None:
    """Raise the InputError for a file Oxigraph refused."""
    parse_bytes(data, path, format=fmt)  # rdflib's diagnosis, raised as the tool words it
    message = str(exc)
    line = getattr(exc, "lineno", None)
    match = re.match(r"Parser error at line (\d+)[^:]*: (.*)", message, re.DOTALL)
    if match:
        line, message = int(match.group(1)), match.group(2)
    reason = printable(" ".join(message.split())[:200])
    raise input_error(path, MALFORMED, line if isinstance(line, int) and line > 0 else None,
                      syntax=_FORMAT_NAMES.get(fmt, fmt), reason=reason) from None


def _load_via_rdflib(store: ox.Store, data: bytes, path: str | Path, fmt: str,
                     graph: ox.NamedNode | ox.DefaultGraph,
                     as_quads: tuple[ox.Store, Callable[[list[ox.Quad]], list[ox.Quad]]] | None = None
                     ) -> dict[str, str]:
    parsed = parse_bytes(data, path, format=fmt)
    quads = to_ox_quads(parsed, graph, bnode_prefix=f"f{id(parsed):x}")
    if as_quads is not None:
        target, transform = as_quads
        target.extend(transform(quads))
    else:
        store.extend(quads)
    return {str(p): str(n) for p, n in parsed.namespaces() if str(p)}


def _prefixes(text: str, fmt: str) -> dict[str, str]:
    if fmt in ("nt", "nquads", "json-ld"):
        return {}
    if fmt == "xml":
        return {m.group(1): m.group(2) for m in _XMLNS.finditer(text) if m.group(1)}
    # _PREFIX_DECLARATION.finditer, tried only where "prefix" is written (in any case): a
    # case-insensitive alternation tried at every position of a large file costs more than
    # its parsing.
    found: dict[str, str] = {}
    end = 0
    for at in prefix_words(text):
        start = at - 1 if text[at - 1:at] == "@" else at
        if start < end:
            continue
        match = _PREFIX_DECLARATION.match(text, start)
        if match:
            end = match.end()
            if match.group(1):
                found[match.group(1)] = match.group(2)
    return found


_PREFIX_WORD = re.compile(r"[Pp][Rr][Ee][Ff][Ii][Xx]")
#: Characters of text lower-cased at a time by :func:`prefix_words`.
_PREFIX_CHUNK = 1 << 20


def prefix_words(text: str, chunk: int = _PREFIX_CHUNK) -> Iterator[int]:
    """Where ``prefix`` is written with its letters in any case (:data:`_PREFIX_WORD`), in
    order: found by :meth:`str.find` in the lower case of a chunk of the text at a time, in
    about 60 % of the expression's time. A chunk whose lower case is longer than itself
    (a letter such as "İ") is searched by the expression."""
    for base in range(0, len(text), chunk):
        piece = text[base:base + chunk + 5]  # a word that starts in the chunk, whole
        lowered = piece.lower()
        if len(lowered) != len(piece):
            yield from (base + m.start() for m in _PREFIX_WORD.finditer(piece) if m.start() < chunk)
            continue
        at = lowered.find("prefix")
        while -1 < at < chunk:
            yield base + at
            at = lowered.find("prefix", at + 1)


# ---------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An Oxigraph term as the rdflib term with the same meaning (literals as written); a
    quoted triple (RDF-star), which nothing here reads, is a TypeError."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF term of a graph: {term!r}")


def to_ox(term: Node, bnode_prefix: str = "") -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(bnode_prefix + re.sub(r"[^A-Za-z0-9_]", "_", str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_ox_quads(graph: Graph, target: ox.NamedNode | ox.DefaultGraph, *, bnode_prefix: str = ""
                ) -> list[ox.Quad]:
    return [ox.Quad(to_ox(s, bnode_prefix), to_ox(p), to_ox(o, bnode_prefix), target)  # type: ignore[arg-type]
            for s, p, o in graph]


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The rows of a SELECT's answer, typed as such: pyoxigraph's ``Store.query`` answers any
    query form with one union type, and every caller here knows it asked a SELECT."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"a SELECT query was expected, not one answering {type(result).__name__}")
    return result


def term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
         ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A plain RDF term of an answer or a quad (never a quoted triple, which no reader here
    produces): narrows pyoxigraph's union for the type checker, and says so when it is not."""
    if value is None or isinstance(value, ox.Triple):
        raise TypeError(f"an RDF term was expected, not {value!r}")
    return value


def to_ox_iri(term: Node) -> ox.NamedNode:
    """An rdflib IRI as an Oxigraph one (a predicate of a pattern); anything else is a TypeError."""
    converted = to_ox(term)
    if not isinstance(converted, ox.NamedNode):
        raise TypeError(f"not an IRI: {term!r}")
    return converted


def graph_list(*graphs: ox.NamedNode) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """Named graphs as the list pyoxigraph's ``default_graph=`` takes (typed as it declares)."""
    return list(graphs)

