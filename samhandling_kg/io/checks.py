"""Checking RDF input before and after parsing: XML, JSON-LD, surrogates, prefixes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError as XMLParseError

import defusedxml
import defusedxml.ElementTree

from samhandling_kg.core.errors import InputError, printable


def _check_xml(data: bytes, source: str | Path) -> None:
    """Refuse DTDs (with them entity declarations, attribute defaults, external entities)
    before rdflib's SAX parser sees them: they are how billion-laughs and file-reading attacks
    work, and how a file changes its triples unseen."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise InputError(source, "XML entity declarations are not accepted (expand them first)") from None
    except defusedxml.ExternalReferenceForbidden:
        raise InputError(source, "XML external references are not accepted") from None
    except defusedxml.DTDForbidden:
        # Entities and attribute defaults of a DTD would change the data behind the reader's
        # back (an ATTLIST default can set rdf:about); RDF needs none of them.
        raise InputError(source, "XML DTDs (<!DOCTYPE …>) are not accepted; remove the DOCTYPE") from None
    except XMLParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(source, f"malformed XML: {_strip_position(str(exc))}", line) from None
    except RecursionError:
        raise InputError(source, "nested too deeply to parse") from None
    if root.tag == "{http://www.w3.org/2002/07/owl#}Ontology":
        # The RDF/XML reader would read an OWL/XML document as some other triples, or none.
        raise InputError(source, "is OWL/XML, which is not read; save it as RDF/XML or Turtle", line=1)


#: Different namespace declarations one XML file may hold: rdflib's RDF/XML reader copies
#: all declarations in scope at each new one (20,000 took 10 s); real files need a few dozen.
MAX_XML_NAMESPACES = 2000


_XMLNS = re.compile(rb"""xmlns(?::[^\s=]*)?\s*=\s*(?:"[^"]*"|'[^']*')""")


def _check_xml_namespaces(data: bytes, source: str | Path) -> None:
    distinct: set[bytes] = set()
    for match in _XMLNS.finditer(data):
        distinct.add(match.group())
        if len(distinct) > MAX_XML_NAMESPACES:
            raise InputError(source, f"more than {MAX_XML_NAMESPACES} different XML namespace "
                             "declarations (the limit per file)", data.count(b"\n", 0, match.start()) + 1)


def _check_json_ld(text: str, source: str | Path) -> None:
    """Refuse references to remote or local contexts; rdflib would fetch them."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"malformed JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise InputError(source, "nested too deeply to parse") from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise InputError(source, f"malformed JSON: {printable(str(exc))[:120]}") from None
    if not isinstance(document, (dict, list)):
        raise InputError(source, "a JSON-LD document is an object or an array", line=1)
    prefixes = 0
    for context in _contexts(document):
        reference = context if isinstance(context, str) else (
            context.get("@import") if isinstance(context, dict) else None)
        if isinstance(reference, str):
            raise InputError(
                source,
                f"JSON-LD context '{printable(reference)[:200]}' is not fetched; put the context inline in the file",
            )
        if isinstance(context, dict):
            prefixes += sum(1 for value in context.values() if _is_prefix_definition(value))
            if prefixes > MAX_JSON_LD_PREFIXES:
                raise InputError(source, f"more than {MAX_JSON_LD_PREFIXES} prefix definitions in "
                                 "JSON-LD contexts (the limit per file)")
        elif context is not None:
            # rdflib would take any other value (a number, a list inside the list) for a
            # reference to load.
            raise InputError(source, f"a JSON-LD context is an object, a string or null, "
                             f"not {printable(json.dumps(context))[:80]}")


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
