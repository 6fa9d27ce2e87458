"""Query results and the W3C result formats (JSON, CSV), tables and graphs."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from samhandling_kg.core.errors import (
    EndpointError,
    InputError,
    QueryError,
    localised,
    printable,
)
from samhandling_kg.core.terms import IRI_FORBIDDEN
from samhandling_kg.io.rdf import parse_bytes

QueryKind = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
Row = tuple[Node | None, ...]

_ALGEBRA_KINDS: dict[str, QueryKind] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the graph of a CONSTRUCT/DESCRIBE."""

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, compare=False)
    #: Set by a store that returned fewer rows than the query matched (a row cap).
    truncated: bool = False

    def as_set(self) -> frozenset[frozenset[tuple[str, Node]]]:
        """Rows as a set of (variable, term) sets: for comparing answers across stores."""
        return frozenset(
            frozenset((var, term) for var, term in zip(self.variables, row) if term is not None)
            for row in self.rows
        )


# --- W3C result formats -------------------------------------------------------------------


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def term_from_json(value: Mapping[str, Any]) -> Node:
    """One binding of the W3C SPARQL 1.1 Query Results JSON format as an rdflib term."""
    kind = value.get("type")
    lexical = value.get("value")
    if not isinstance(lexical, str):
        raise ValueError("binding without a string 'value'")
    if kind == "uri":
        if IRI_FORBIDDEN.search(lexical):
            raise ValueError(f"not an IRI: {lexical[:60]!r}")
        return URIRef(lexical)
    if kind == "bnode":
        return BNode(lexical)
    if kind in ("literal", "typed-literal"):  # 'typed-literal' is what SPARQL 1.0 servers send
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            if not isinstance(lang, str):
                raise ValueError(f"language tag is not a string: {lang!r}")
            return Literal(lexical, lang=lang)  # ValueError for a malformed tag
        if datatype is not None and not isinstance(datatype, str):
            raise ValueError(f"datatype is not a string: {datatype!r}")
        # As written: rdflib would rewrite an ill-typed lexical form ("maybe"^^xsd:boolean
        # became "false"), which is legal RDF and the store's own answer.
        return Literal(lexical, datatype=URIRef(datatype) if datatype else None, normalize=False)
    raise ValueError(f"unknown binding type {kind!r}")


def result_from_json(document: Mapping[str, Any]) -> QueryResult:
    """Read the W3C SPARQL 1.1 Query Results JSON format; ``ValueError`` when it is not that."""
    if not isinstance(document, Mapping):
        raise ValueError("not a JSON object")
    if "boolean" in document:
        return QueryResult("ASK", boolean=bool(document["boolean"]))
    try:
        variables = tuple(document["head"]["vars"])
        bindings = document["results"]["bindings"]
    except (KeyError, TypeError):
        raise ValueError("no 'head.vars' and 'results.bindings'") from None
    if not all(isinstance(v, str) for v in variables) or not isinstance(bindings, list):
        raise ValueError("'head.vars' is not a list of names or 'results.bindings' not a list")
    if not all(isinstance(b, Mapping) and all(isinstance(t, Mapping) for t in b.values()) for b in bindings):
        raise ValueError("a binding is not an object of terms")
    rows = tuple(
        tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in bindings
    )
    return QueryResult("SELECT", variables, rows)


def to_json(result: QueryResult) -> str:
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2)
    if result.kind != "SELECT":
        raise QueryError("a graph result has no SPARQL JSON form; it is written as JSON-LD")
    bindings = [
        {var: _term_json(term) for var, term in zip(result.variables, row) if term is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
        indent=2,
        ensure_ascii=False,
    )


def to_csv(result: QueryResult) -> str:
    """W3C SPARQL 1.1 Query Results CSV: lexical values only, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            "" if term is None else (f"_:{term}" if isinstance(term, BNode) else str(term))
            for term in row
        )
    return buffer.getvalue()


#: The table's own words in each language (``query --lang``); without a language, English.
_TABLE_WORDS = {
    "en": {"row": "row", "rows": "rows", "truncated": "truncated by the store"},
    "nb": {"row": "rad", "rows": "rader", "truncated": "avkortet av lageret"},
    "nn": {"row": "rad", "rows": "rader", "truncated": "avkorta av lageret"},
}


def to_table(result: QueryResult, prefixes: Mapping[str, str], *, lang: str | None = None,
             names: Mapping[Node, str] | None = None, headings: Mapping[str, str] | None = None) -> str:
    """A plain-text table for people. Without ``lang``: variable names, IRIs shortened with
    ``prefixes``, language tags kept. With ``lang`` (``query``'s table): the columns under
    ``headings``, an IRI under its name in ``names`` (its compact name only where it has
    none), a literal in ``lang`` without its tag (one in another language says which), and
    the table's own words in ``lang``."""
    words = _TABLE_WORDS.get(lang or "en", _TABLE_WORDS["en"])
    if result.kind == "ASK":  # one word scripts test for, the same in every language
        return "yes" if result.boolean else "no"
    headers = [printable((headings or {}).get(v, v)) for v in result.variables]  # an endpoint names them
    cells = [[_cell(term, prefixes, lang, names or {}) for term in row] for row in result.rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    count = len(result.rows)
    note = f", {words['truncated']}" if result.truncated else ""
    lines.append(f"({count} {words['row'] if count == 1 else words['rows']}{note})")
    return "\n".join(lines)


def _cell(term: Node | None, prefixes: Mapping[str, str], lang: str | None = None,
          names: Mapping[Node, str] | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if names and term in names:
            return printable(" ".join(names[term].split()))
        for prefix, namespace in prefixes.items():
            if term.startswith(namespace) and re.fullmatch(r"[\w.-]*", term[len(namespace) :]):
                return f"{prefix}:{term[len(namespace):]}"
        return f"<{printable(str(term))}>"
    if isinstance(term, Literal):
        text = printable(" ".join(str(term).split()))
        if not term.language:
            return text
        tag = printable(term.language)
        if lang is None:
            return f"{text} @{tag}"
        return text if term.language.lower() == lang else f"{text} ({tag})"
    return f"_:{printable(str(term))}"  # an endpoint's label for it, any text


def write_graph(graph: Graph, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """CONSTRUCT/DESCRIBE output: Turtle for tables, N-Triples for CSV, JSON-LD for JSON.
    ``prefixes`` (the query's) name the namespaces whatever store answered: an answer read
    back from a store's N-Triples carries none."""
    rdf_format = {"table": "longturtle", "csv": "nt", "json": "json-ld"}[fmt]
    for prefix, namespace in (prefixes or {}).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format=rdf_format)


def format_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str], *, lang: str | None = None,
                  names: Mapping[Node, str] | None = None, headings: Mapping[str, str] | None = None) -> str:
    """The answer in ``fmt``; CSV and JSON stay exact, the table is for people (:func:`to_table`)."""
    if result.graph is not None:
        return write_graph(result.graph, fmt, prefixes)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    return to_table(result, prefixes, lang=lang, names=names, headings=headings)


def _plain_strings(result: QueryResult) -> QueryResult:
    """RDF 1.1: ``"x"^^xsd:string`` is ``"x"``; some stores write the datatype, some do not."""
    def fix(term: Node | None) -> Node | None:
        if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
            return Literal(str(term))
        return term

    if result.kind != "SELECT":
        return result
    return replace(result, rows=tuple(tuple(fix(t) for t in row) for row in result.rows))


#: An answer that is not SPARQL JSON results; {nb}, {nn}, {en}: why, in each language.
_NOT_JSON = {"nb": "{source}: svaret er ikke SPARQL JSON-resultater ({nb})",
             "nn": "{source}: svaret er ikkje SPARQL JSON-resultat ({nn})",
             "en": "{source}: the answer is not SPARQL JSON results ({en})"}


def _json_answer(payload: bytes, source: str) -> Any:
    """A store's answer read as JSON. Nesting deeper than the interpreter's recursion limit
    (about 1,000 levels; results are 4 deep) is one line, not a RecursionError: the C decoder
    counts its depth and stops cleanly."""
    try:
        return json.loads(payload.decode("utf-8"))
    except RecursionError:
        raise localised(EndpointError, _NOT_JSON, source=source, nb="JSON nøstet for dypt",
                        nn="JSON nøsta for djupt", en="JSON nested too deeply") from None


def raw_bindings(payload: bytes, source: str) -> tuple[tuple[str, ...], list[dict[str, dict[str, Any]]]]:
    """SPARQL JSON results as plain data: the variables and, per row, the JSON object of each
    bound variable (only objects with a string ``type`` and ``value`` are kept); no RDF term
    is made, so no value can fail the answer. For callers that check every term themselves."""
    try:
        document = _json_answer(payload, source)
        variables = document["head"]["vars"]
        bindings = document["results"]["bindings"]
        if not isinstance(variables, list) or not isinstance(bindings, list):
            raise TypeError
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        start = " ".join(payload[:80].decode("utf-8", "replace").split())
        raise localised(EndpointError, _NOT_JSON, source=source, nb=f"det begynner «{start}»",
                        nn=f"det byrjar «{start}»", en=f"it begins {start!r}") from None
    names = tuple(v for v in variables if isinstance(v, str))
    rows = [{name: term for name, term in row.items()
             if name in names and isinstance(term, dict) and isinstance(term.get("type"), str)
             and isinstance(term.get("value"), str)}
            for row in bindings if isinstance(row, dict)]
    return names, rows


def decode_answer(kind: QueryKind, payload: bytes, source: str, *, graph_format: str = "nt",
                  truncated: bool = False) -> QueryResult:
    """A store's answer (SPARQL JSON, or an RDF graph) as a :class:`QueryResult`."""
    if kind in ("SELECT", "ASK"):
        try:
            with warnings.catch_warnings():  # rdflib warns of ill-typed literals (legal RDF)
                warnings.simplefilter("ignore")
                result = result_from_json(_json_answer(payload, source))
        except (ValueError, UnicodeDecodeError) as exc:
            start = " ".join(payload[:80].decode("utf-8", "replace").split())
            raise localised(EndpointError, _NOT_JSON, source=source, nb=f"«{exc}»; det begynner «{start}»",
                            nn=f"«{exc}»; det byrjar «{start}»", en=f"{exc}; it begins {start!r}") from None
        if result.kind != kind:
            raise localised(EndpointError, {
                "nb": "{source}: spurte med en {kind}-spørring, men fikk {got}-resultater",
                "nn": "{source}: spurde med ei {kind}-spørjing, men fekk {got}-resultat",
                "en": "{source}: asked a {kind} query but got {got} results"},
                source=source, kind=kind, got=result.kind)
        return replace(_plain_strings(result), truncated=truncated)
    try:
        graph = parse_bytes(payload, source, format=graph_format)
    except InputError as exc:
        raise localised(EndpointError, {"nb": "{source}: svaret er ikke en RDF-graf ({reason})",
                                        "nn": "{source}: svaret er ikkje ein RDF-graf ({reason})",
                                        "en": "{source}: the answer is not an RDF graph ({reason})"},
                        source=source, reason=exc.reasons or exc.reason) from None
    return QueryResult(kind, graph=graph, truncated=truncated)
