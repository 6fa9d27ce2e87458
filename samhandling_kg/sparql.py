"""Running read-only SPARQL queries and writing their results in the W3C formats.

A :class:`QueryResult` is the one result type of the package, whatever ran the query; the
W3C JSON and CSV writers and the JSON reader all work on it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as TypingLiteral

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from .errors import QueryError, SamhandlingError, printable
from .rdfio import SURROGATE, SURROGATE_ESCAPE, no_network

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


def check_read_query(text: str, source: str = "query") -> tuple[Query, QueryKind]:
    """Parse ``text`` and make sure it is a read query; return the prepared query and its kind.

    Updates and malformed text raise :class:`QueryError` naming ``source`` (and the line).
    """
    check_query_text(text, source)
    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        if not _has_content(text):
            raise QueryError(f"{source}: is empty; a query file holds one SELECT, ASK, CONSTRUCT or DESCRIBE") from None
        if _is_update(text):
            raise QueryError(
                f"{source}: is a SPARQL update; only read queries (SELECT, ASK, CONSTRUCT, "
                "DESCRIBE) run"
            ) from None
        raise QueryError(f"{source}:{exc.lineno}: malformed SPARQL: {_parse_reason(exc)}") from None
    except RecursionError:
        raise QueryError(f"{source}: malformed SPARQL: nested too deeply to parse") from None
    except Exception as exc:  # rdflib raises plain Exceptions for e.g. unknown prefixes
        raise QueryError(f"{source}: malformed SPARQL: {printable(' '.join(str(exc).split())[:200])}") from None
    kind = _ALGEBRA_KINDS.get(prepared.algebra.name)
    if kind is None:  # pragma: no cover - the parser only produces the four kinds
        raise QueryError(f"{source}: unsupported query form {prepared.algebra.name}")
    return prepared, kind


#: Bounds on a query's text, checked before rdflib's parser sees it: that parser (pyparsing)
#: slows down more than linearly with the length of a query and the terms of an expression
#: (a 100 MB VALUES block, a 100,000-term ``||`` chain, 20,000 UNIONs never finished).
#: Hand-written and generated queries of real use stay far below.
MAX_QUERY_CHARS = 100_000
MAX_QUERY_OPERATORS = 1000
_OPERATORS = re.compile(r"\|\||&&|\bUNION\b", re.IGNORECASE)


def check_query_text(text: str, source: str = "query") -> None:
    """Refuse query text beyond :data:`MAX_QUERY_CHARS` characters or with more than
    :data:`MAX_QUERY_OPERATORS` ``||``, ``&&`` and ``UNION`` together, and escapes of lone
    surrogates (``\\uD800``: no character; rdflib expands them into strings no output can
    write)."""
    found = SURROGATE.search(text) or SURROGATE_ESCAPE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise QueryError(f"{source}:{line}: an escape ({printable(found.group())}) stands for a lone "
                         "surrogate, which is not a Unicode character")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"{source}: the query is {len(text):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,} (put long lists of values into a data file)")
    count = 0
    for match in _OPERATORS.finditer(text):
        count += 1
        if count > MAX_QUERY_OPERATORS:
            line = text.count("\n", 0, match.start()) + 1
            raise QueryError(f"{source}:{line}: the query joins more than {MAX_QUERY_OPERATORS} "
                             "expressions or patterns with ||, && or UNION (the limit)")


def _is_update(text: str) -> bool:
    try:
        parsed = parseUpdate(text)
    except Exception:
        return False
    return bool(parsed.get("request"))  # an empty text parses as an update of no operations


def _has_content(text: str) -> bool:
    """Whether anything but comments and white space is there."""
    return any(line.split("#", 1)[0].strip() for line in text.splitlines())



def _parse_reason(exc: ParseException) -> str:
    found = exc.line.strip()[:60]
    return f"unexpected text at column {exc.col}: {found!r}" if found else "unexpected end of query"


def check_read_query_local(text: str, source: str = "query") -> tuple[Query, QueryKind]:
    """:func:`check_read_query`, plus what a query run over local files may not hold:
    ``SERVICE`` (it would reach the network) and ``FROM``/``FROM NAMED`` (local queries run
    over the ontology and the data files as one graph; the named graphs would be fetched, or
    silently be empty)."""
    prepared, kind = check_read_query(text, source)
    if has_service_clause(prepared):
        raise QueryError(f"{source}: SERVICE clauses are not run locally (they would reach the network)")
    if prepared.algebra.get("datasetClause"):
        raise QueryError(f"{source}: cannot run the query locally: FROM and FROM NAMED name graphs "
                         "to fetch, but local queries run over the ontology and the --data files as "
                         "one graph (remove them, or query an --endpoint)")
    return prepared, kind


def has_service_clause(prepared: Query) -> bool:
    """Whether the query's algebra contains a SERVICE pattern (federation reaches out)."""
    stack: list[Any] = [prepared.algebra]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def run_on_graph(
    graph: Graph,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    source: str = "query",
) -> QueryResult:
    """Run a read query on an rdflib graph; parameters are bound with ``initBindings``."""
    prepared, kind = check_read_query_local(text, source)
    initial: dict[str, Any] = dict(bindings or {})
    try:
        with no_network():
            result = graph.query(prepared, initBindings=initial)
            # rdflib evaluates lazily: errors surface while the answer is read, so read it here.
            rows = tuple(tuple(row) for row in result) if kind != "ASK" else ()  # type: ignore[arg-type]
    except SamhandlingError:
        raise
    except RecursionError:
        # The text parsed (nesting is caught there): it is the data that is too deep for
        # rdflib, which follows a property path one recursive call per step.
        raise QueryError(f"{source}: cannot run the query over this data: a property path (such "
                         "as p* or p+) meets a chain of statements in the data too long to follow "
                         "(about a thousand steps or more)") from None
    except Exception as exc:  # e.g. FROM NAMED over a plain graph: rdflib raises a bare Exception
        reason = printable(" ".join(str(exc).split())[:200]) or type(exc).__name__
        raise QueryError(f"{source}: cannot run the query: {reason}") from None
    if kind == "SELECT":
        variables = tuple(str(v) for v in (result.vars or ()))
        return QueryResult(kind, variables, rows)
    if kind == "ASK":
        return QueryResult(kind, boolean=bool(result.askAnswer))
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for triple in rows:
        out.add(triple)  # type: ignore[arg-type]
    return QueryResult(kind, graph=out)


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
        if re.search(r'[\x00-\x20<>"{}|^`\\]', lexical):
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
        return Literal(lexical, datatype=URIRef(datatype) if datatype else None)
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


def to_table(result: QueryResult, prefixes: Mapping[str, str]) -> str:
    """A plain-text table for people: IRIs shortened with ``prefixes``, language tags kept."""
    if result.kind == "ASK":
        return "yes" if result.boolean else "no"
    headers = list(result.variables)
    cells = [[_cell(term, prefixes) for term in row] for row in result.rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''}{', truncated by the store' if result.truncated else ''})")
    return "\n".join(lines)


def _cell(term: Node | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in prefixes.items():
            if term.startswith(namespace) and re.fullmatch(r"[\w.-]*", term[len(namespace) :]):
                return f"{prefix}:{term[len(namespace):]}"
        return f"<{printable(str(term))}>"
    if isinstance(term, Literal):
        text = printable(" ".join(str(term).split()))
        return f"{text} @{term.language}" if term.language else text
    return f"_:{term}"


def write_graph(graph: Graph, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE output: Turtle for tables, N-Triples for CSV, JSON-LD for JSON."""
    rdf_format = {"table": "longturtle", "csv": "nt", "json": "json-ld"}[fmt]
    return graph.serialize(format=rdf_format)


def format_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str]) -> str:
    if result.graph is not None:
        return write_graph(result.graph, fmt)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    return to_table(result, prefixes)

