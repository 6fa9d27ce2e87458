"""Checking RDF input before and after parsing: XML, JSON-LD, surrogates, prefixes, and the
chosen limits on size, tokens and IRIs (:mod:`samhandling_kg.core.limits`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError as XMLParseError

import defusedxml
import defusedxml.ElementTree

from samhandling_kg.core import limits
from samhandling_kg.core.errors import input_error, printable
from samhandling_kg.core.terms import ABSOLUTE_IRI, IRI_FORBIDDEN

# The messages of input errors that more than one reader gives, in nb, nn and en
# (core.errors.input_error): a parser's own detail ({reason}) is quoted as it wrote it.
TOO_DEEP = {"nb": "er nøstet for dypt til å kunne leses", "nn": "er nøsta for djupt til å kunne lesast",
            "en": "nested too deeply to parse"}
MALFORMED = {"nb": "ugyldig {syntax}: «{reason}»", "nn": "ugyldig {syntax}: «{reason}»",
             "en": "malformed {syntax}: {reason}"}
LONG_IRI = {"nb": "har en IRI som er lengre enn {limit}", "nn": "har ein IRI som er lengre enn {limit}",
            "en": "holds an IRI longer than {limit}"}
LONG_TOKEN = {"nb": "har en literal eller IRI som er lengre enn {limit}",
              "nn": "har ein literal eller IRI som er lengre enn {limit}",
              "en": "holds a literal or IRI longer than {limit}"}
LARGER = {"nb": "er større enn {limit}", "nn": "er større enn {limit}", "en": "is larger than {limit}"}


def _check_xml(data: bytes, source: str | Path) -> None:
    """Refuse DTDs (with them entity declarations, attribute defaults, external entities)
    before rdflib's SAX parser sees them: they are how billion-laughs and file-reading attacks
    work, and how a file changes its triples unseen."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise input_error(source, {"nb": "XML-entitetsdeklarasjoner godtas ikke (ekspander dem først)",
                                   "nn": "XML-entitetsdeklarasjonar vert ikkje godtekne (ekspander dei først)",
                                   "en": "XML entity declarations are not accepted (expand them first)"}) from None
    except defusedxml.ExternalReferenceForbidden:
        raise input_error(source, {"nb": "eksterne referanser i XML godtas ikke",
                                   "nn": "eksterne referansar i XML vert ikkje godtekne",
                                   "en": "XML external references are not accepted"}) from None
    except defusedxml.DTDForbidden:
        # Entities and attribute defaults of a DTD would change the data behind the reader's
        # back (an ATTLIST default can set rdf:about); RDF needs none of them.
        raise input_error(source, {"nb": "XML-DTD-er (<!DOCTYPE …>) godtas ikke; fjern DOCTYPE",
                                   "nn": "XML-DTD-ar (<!DOCTYPE …>) vert ikkje godtekne; fjern DOCTYPE",
                                   "en": "XML DTDs (<!DOCTYPE …>) are not accepted; remove the DOCTYPE"}) from None
    except XMLParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise input_error(source, MALFORMED, line, syntax="XML", reason=_strip_position(str(exc))) from None
    except RecursionError:
        raise input_error(source, TOO_DEEP) from None
    if root.tag == "{http://www.w3.org/2002/07/owl#}Ontology":
        # The RDF/XML reader would read an OWL/XML document as some other triples, or none.
        raise input_error(source, {"nb": "er OWL/XML, som ikke leses; lagre den som RDF/XML eller Turtle",
                                   "nn": "er OWL/XML, som ikkje vert lesen; lagra henne som RDF/XML eller Turtle",
                                   "en": "is OWL/XML, which is not read; save it as RDF/XML or Turtle"}, line=1)


#: Different namespace declarations one XML file may hold: rdflib's RDF/XML reader copies
#: all declarations in scope at each new one (20,000 took 10 s); real files need a few dozen.
MAX_XML_NAMESPACES = 2000


_XMLNS = re.compile(rb"""xmlns(?::[^\s=]*)?\s*=\s*(?:"[^"]*"|'[^']*')""")


def _check_xml_namespaces(data: bytes, source: str | Path) -> None:
    distinct: set[bytes] = set()
    for match in _XMLNS.finditer(data):
        distinct.add(match.group())
        if len(distinct) > MAX_XML_NAMESPACES:
            raise input_error(source, {
                "nb": "mer enn {most} ulike deklarasjoner av XML-navnerom (grensen per fil)",
                "nn": "meir enn {most} ulike deklarasjonar av XML-namnerom (grensa per fil)",
                "en": "more than {most} different XML namespace declarations (the limit per file)"},
                data.count(b"\n", 0, match.start()) + 1, most=MAX_XML_NAMESPACES)


def _check_json_ld(text: str, source: str | Path) -> None:
    """Refuse references to remote or local contexts; rdflib would fetch them."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise input_error(source, MALFORMED, exc.lineno, syntax="JSON", reason=exc.msg) from None
    except RecursionError:
        raise input_error(source, TOO_DEEP) from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise input_error(source, MALFORMED, syntax="JSON", reason=printable(str(exc))[:120]) from None
    if not isinstance(document, (dict, list)):
        raise input_error(source, {"nb": "et JSON-LD-dokument er et objekt eller en liste",
                                   "nn": "eit JSON-LD-dokument er eit objekt eller ei liste",
                                   "en": "a JSON-LD document is an object or an array"}, line=1)
    prefixes = 0
    for context in _contexts(document):
        reference = context if isinstance(context, str) else (
            context.get("@import") if isinstance(context, dict) else None)
        if isinstance(reference, str):
            raise input_error(source, {
                "nb": "JSON-LD-konteksten «{ref}» hentes ikke; skriv konteksten inn i filen",
                "nn": "JSON-LD-konteksten «{ref}» vert ikkje henta; skriv konteksten inn i fila",
                "en": "JSON-LD context '{ref}' is not fetched; put the context inline in the file"},
                ref=printable(reference)[:200])
        if isinstance(context, dict):
            prefixes += sum(1 for value in context.values() if _is_prefix_definition(value))
            if prefixes > MAX_JSON_LD_PREFIXES:
                raise input_error(source, {
                    "nb": "mer enn {most} prefiksdefinisjoner i JSON-LD-kontekster (grensen per fil)",
                    "nn": "meir enn {most} prefiksdefinisjonar i JSON-LD-kontekstar (grensa per fil)",
                    "en": "more than {most} prefix definitions in JSON-LD contexts (the limit per file)"},
                    most=MAX_JSON_LD_PREFIXES)
        elif context is not None:
            # rdflib would take any other value (a number, a list inside the list) for a
            # reference to load.
            raise input_error(source, {
                "nb": "en JSON-LD-kontekst er et objekt, en streng eller null, ikke {value}",
                "nn": "ein JSON-LD-kontekst er eit objekt, ein streng eller null, ikkje {value}",
                "en": "a JSON-LD context is an object, a string or null, not {value}"},
                value=printable(json.dumps(context))[:80])


#: Prefix definitions (terms whose IRI ends in / or #) the JSON-LD contexts of one file may
#: hold: rdflib binds each in time growing with those before (5,000 took 17 s).
MAX_JSON_LD_PREFIXES = 1000


def _is_prefix_definition(value: Any) -> bool:
    iri = value.get("@id") if isinstance(value, dict) else value
    return isinstance(iri, str) and iri.endswith(("/", "#", ":"))


def _contexts(node: Any) -> Iterator[Any]:
    """Every context of a JSON-LD document: the values of ``@context``, lists flattened at
    any depth, and the contexts inside them (scoped contexts of term definitions)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if key == "@context":
                    pending = [value]
                    while pending:
                        context = pending.pop()
                        if isinstance(context, list):
                            pending.extend(context)
                        else:
                            yield context
                stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)


def _strip_position(message: str) -> str:
    return re.sub(r":? line \d+, column \d+", "", message)


# --- the chosen limits (samhandling_kg/core/limits.py), checked before any parser ------------

_TURTLE_LIKE = {"turtle", "trig", "n3"}
_SCHEME = re.compile(ABSOLUTE_IRI.pattern.encode())
_LONG_IRI_TEXT = re.compile(b"<[^" + IRI_FORBIDDEN.pattern[1:].encode() + b"*")


def check_limits(data: Any, source: str | Path, fmt: str) -> None:
    """Refuse input past the chosen limits before a parser sees it (one line naming the file,
    the line and the limit): its size, a literal or IRI longer than :data:`limits.TOKEN`, an
    IRI longer than :data:`limits.IRI` written out or built by relative base declarations that
    build on each other. ``data`` is bytes or a memory map of the file. Linear in the size
    and cheap: windows of the input are looked at, lines only where a window holds no line
    break."""
    size = len(data)
    most = limits.INPUT.value()
    if size > most:
        raise input_error(source, LARGER, limit=limits.INPUT.described(most))
    token, iri = limits.TOKEN.value(), limits.IRI.value()
    if size > min(token, iri):
        _long_lines(data, source, token, iri)
        if fmt in _TURTLE_LIKE and size > token:
            _long_quoted(data, source, token)
    _base_chains(data, source, fmt, iri)


def _line(data: Any, offset: int) -> int:
    return bytes(data[:offset]).count(b"\n") + 1  # (a memory map has no count)


def _long_lines(data: Any, source: str | Path, token: int, iri: int) -> None:
    """A line at least as long as the smaller limit holds an aligned window of half its length
    without a line break; only such lines are read, for a stretch without a double quote (a
    literal, or an IRI) over ``token`` and for an IRI written out over ``iri`` characters."""
    window = max(1, min(token, iri) // 2)
    offset = 0
    while offset < len(data):
        if data.find(b"\n", offset, offset + window) != -1:
            offset += window
            continue
        start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        end = len(data) if end == -1 else end
        line = bytes(data[start:end])
        if len(line) > token and max(map(len, line.split(b'"'))) > token:
            raise input_error(source, LONG_TOKEN, _line(data, start), limit=limits.TOKEN.described(token))
        for match in _LONG_IRI_TEXT.finditer(line):
            if len(match.group()) - 1 > iri:
                raise input_error(source, LONG_IRI, _line(data, start), limit=limits.IRI.described(iri))
        offset = end + 1


def _long_quoted(data: Any, source: str | Path, token: int) -> None:
    """Literals between triple quotes may span lines: the distance between a pair of unescaped
    ``\"\"\"`` (or ``'''``) bounds each."""
    if data.find(b'"""') == -1 and data.find(b"'''") == -1:
        return
    markers: list[tuple[int, bytes]] = []
    for quote in (b'"""', b"'''"):
        at = data.find(quote)
        while at != -1:
            slashes = 0
            while at - slashes - 1 >= 0 and data[at - slashes - 1:at - slashes] == b"\\":
                slashes += 1
            if slashes % 2 == 0:
                markers.append((at, quote))
                at = data.find(quote, at + 3)
            else:
                at = data.find(quote, at + 1)
    markers.sort()
    open_at: tuple[int, bytes] | None = None
    for at, quote in markers:
        if open_at is None:
            open_at = (at, quote)
        elif quote == open_at[1] and at >= open_at[0] + 3:
            if at - open_at[0] - 3 > token:
                raise input_error(source, {"nb": "har en literal som er lengre enn {limit}",
                                           "nn": "har ein literal som er lengre enn {limit}",
                                           "en": "holds a literal longer than {limit}"},
                                  _line(data, open_at[0]), limit=limits.TOKEN.described(token))
            open_at = None


def _base_chains(data: Any, source: str | Path, fmt: str, iri: int) -> None:
    """Relative base declarations build on each other (``@base <d1/> . @base <d2/> .`` …):
    the base after each is at most the sum of the relative ones since the last absolute one,
    so IRIs cannot grow past ``iri`` characters unnoticed (14,000 such lines of 426 KB made
    IRIs of gigabytes in every reader)."""
    needle = {"turtle": b"base", "trig": b"base", "n3": b"base", "xml": b"xml:base",
              "trix": b"xml:base", "json-ld": b'"@base"'}.get(fmt)
    if needle is None:
        return
    total = 0
    for at in _occurrences(data, needle, fold=fmt in _TURTLE_LIKE):
        end = data.find(b"\n", at)
        text = bytes(data[max(0, at - 1):len(data) if end == -1 else end]).lower()
        value = _declared_base(text, 1 if at else 0, (1 if at else 0) + len(needle), fmt)
        if value is not None:
            total = len(value) if _SCHEME.match(value) else total + len(value)
            if total > iri:
                raise input_error(source, {
                    "nb": "relative basis-IRI-er som bygger på hverandre, gir IRI-er lengre enn {limit}",
                    "nn": "relative basis-IRI-ar som byggjer på kvarandre, gjev IRI-ar lengre enn {limit}",
                    "en": "relative base IRIs that build on each other make IRIs longer than {limit}"},
                    _line(data, at), limit=limits.IRI.described(iri))


def _occurrences(data: Any, needle: bytes, *, fold: bool) -> Iterator[int]:
    """Offsets of ``needle`` in ``data`` (in any letter case with ``fold``: Turtle's ``BASE``),
    read in blocks so that a memory-mapped file is not copied whole."""
    block = 8 * (1 << 20)
    for start in range(0, len(data), block):
        chunk = bytes(data[start:start + block + len(needle) - 1])
        if fold:
            chunk = chunk.lower()
        at = chunk.find(needle)
        while at != -1:
            if at < block:
                yield start + at
            at = chunk.find(needle, at + 1)


def _declared_base(text: bytes, at: int, after: int, fmt: str) -> bytes | None:
    """The IRI of a base declaration at ``at`` (None when the word is not one)."""
    if fmt in _TURTLE_LIKE:
        before = text[at - 1:at]
        if before not in (b"", b"@", b" ", b"\t", b"\r", b"\n", b".", b"}", b"{"):
            return None
        match = re.compile(rb"[ \t\r\n]*<([^>\n]*)>").match(text, after)
    elif fmt == "json-ld":
        match = re.compile(rb'[ \t\r\n]*:[ \t\r\n]*"([^"]*)"').match(text, after)
    else:
        match = re.compile(rb"""[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""").match(text, after)
    return match.group(1) if match else None
