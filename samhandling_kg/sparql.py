"""Running read-only SPARQL queries and writing their results in the W3C formats.

A :class:`QueryResult` is the one result type of the package, whatever ran the query; the
W3C JSON and CSV writers and the JSON reader all work on it.
"""

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

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from .errors import EndpointError, InputError, QueryError, SamhandlingError, printable
from .rdfio import SURROGATE, SURROGATE_ESCAPE, no_network, parse_bytes
from .terms import IRI_FORBIDDEN, merge_into

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
#: The longest query text taken, in characters (rdflib's parser slows down more than
#: linearly; long lists of values belong in a data file).
MAX_QUERY_CHARS = 200_000
#: The most ``||``, ``&&`` and ``UNION`` together (rdflib's parser, again).
MAX_QUERY_OPERATORS = 1000
#: The deepest nesting of brackets ``( { [`` in a query.
MAX_NESTING = 100
#: The most operators and separators (``/ | ^ || && ! = < > + - * . ; ,``, ``UNION``,
#: ``MINUS``, ``OPTIONAL``) in a query: each makes a node of the engines' recursive trees
#: (pyoxigraph crashes at about 3,000 nested groups or 12,000 path steps).
MAX_OPERATORS = 2_000
_OPERATORS = re.compile(r"\|\||&&|\bUNION\b", re.IGNORECASE)
# Each alternative decides after a bounded look, or runs to the end of its token; strings run
# to their end or to the end of the line even when unterminated. So one pass is linear in the
# length of the text whatever it holds. Dots and hyphens in prefixed names count as operators
# (an over-count, never an under-count); a comment ends at a CR too, as it does in Oxigraph.
_STRUCTURE = re.compile(
    r"""(?P<skip>\#[^\r\n]*|\s+"""
    r"""|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\n\r]|\\.)*(?:'|(?=[\n\r])|\Z)|"(?:[^"\\\n\r]|\\.)*(?:"|(?=[\n\r])|\Z)"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>|[?$]\w+|@[A-Za-z0-9-]+|\^\^)"""
    r"""|(?P<open>[({\[])|(?P<close>[)}\]])"""
    r"""|(?P<op>\|\||&&|!=|<=|>=|[/|^!=<>+*.;,-])"""
    r"""|(?P<word>[\w\u00b7\u00c0-\uffff:%\\]+)""",
    re.DOTALL,
)
_TREE_WORDS = {"UNION", "MINUS", "OPTIONAL"}


def check_query_text(text: str, source: str = "query") -> None:
    """The one check of a query's size and shape, before any parser sees it (locally, at
    endpoints and in ``serve``): escapes of lone surrogates (``\\uD800``: no character)
    refused; at most :data:`MAX_QUERY_CHARS` characters, :data:`MAX_QUERY_OPERATORS` ``||``,
    ``&&`` and ``UNION``, brackets nested :data:`MAX_NESTING` deep and :data:`MAX_OPERATORS`
    operators — far below the sizes that crash pyoxigraph or stall rdflib's parser, far above
    any query a person writes. One linear pass."""
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
    depth = operators = 0
    for match in _STRUCTURE.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"{source}: brackets nested more than {MAX_NESTING} deep (the limit)")
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "op" or (kind == "word" and match.group().upper() in _TREE_WORDS):
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryError(f"{source}: more than {MAX_OPERATORS} operators (property path "
                                 "steps, UNIONs, triple patterns, …): the limit")


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


# --- one reading of the query text for every engine ---------------------------------------
#
# rdflib decides whether a local query may run; pyoxigraph executes it, and pyoxigraph runs
# SERVICE over HTTP. The two parsers read some texts differently (rdflib ends a comment only at
# LF, Oxigraph also at CR; rdflib expands \u escapes everywhere before parsing, Oxigraph only
# inside strings and IRIs), so a text could look harmless to the checker and reach the network
# in the executor. Therefore every local query is first rewritten into a canonical text that
# has neither comments nor escapes, so the two read the same characters, and that very text is
# both checked and executed; and the executed text passes a last test that does not depend on
# any parser's reading (:func:`refuse_service`).

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What rdflib would expand a second time (its pattern, case-insensitive, 4 or 8 digits).
_RESIDUAL_ESCAPE = re.compile(r"\\u[0-9a-f]{4}", re.IGNORECASE)
_LEXEME = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!\'\'))*\'\'\''''
    r'''|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')'''
    r'''|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'''
    r'''|(?P<comment>\#[^\r\n]*)''',
    re.DOTALL,
)


def canonical_query(text: str, source: str = "query") -> str:
    """``text`` as every engine here reads it alike: codepoint escapes expanded once, before
    parsing, as SPARQL 1.1 §19.2 prescribes; comments (``#`` to the end of the line, which a CR
    or an LF ends, §19.6) removed, keeping the line breaks so line numbers stay right.

    Refused with :class:`QueryError`: an escape of a lone surrogate (no Unicode character), and
    an escape that expanding produces anew (rdflib would expand it a second time, Oxigraph not).
    """
    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise QueryError(f"{source}:{_line_of(text, match.start())}: malformed SPARQL: "
                             f"{match.group()!r} is not a Unicode character")
        return chr(code)

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(f"{source}:{_line_of(text, exc.start)}: malformed SPARQL: "
                         "a lone surrogate is not a Unicode character") from None
    expanded = _CODEPOINT_ESCAPE.sub(expand, text)
    residual = _RESIDUAL_ESCAPE.search(expanded)
    if residual:
        raise QueryError(f"{source}:{_line_of(expanded, residual.start())}: malformed SPARQL: "
                         f"an escape expands into another escape ({residual.group()!r}); "
                         "write the character itself")
    pieces: list[str] = []
    position = 0
    for lexeme in _LEXEME.finditer(expanded):
        if lexeme.group("comment") is not None:
            pieces.append(expanded[position:lexeme.start()])
            position = lexeme.end()
    pieces.append(expanded[position:])
    return "".join(pieces)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# SERVICE, then white space or comments, then what may follow the keyword in the grammar
# (SILENT, a variable, an IRI, or a prefixed name). Matched on the whole text, whatever a
# parser would take for a string, an IRI or a comment: no lexical disagreement can hide it.
_SERVICE = re.compile(
    r"SERVICE(?=(?:[\s]|\#[^\r\n]*)*(?:SILENT|[<?$:]|[A-Za-z\u00C0-\U000EFFFF]"
    r"[\w.\-\u00B7\u00C0-\U000EFFFF]*:))",
    re.IGNORECASE,
)
# Inside <…> with none of the characters that could open a string, a comment or a group, no
# SERVICE can be followed by the group it needs, whatever the executor makes of the "<".
_INERT_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20#']*>")
_VARNAME_TAIL = re.compile(r"[?$:][\w\u00B7\u0300-\u036F\u203F\u2040]*\Z")


def refuse_service(text: str, source: str = "query") -> None:
    """Refuse a text in which any reading could find a ``SERVICE`` clause (it would reach the
    network). The test runs on the text that is executed, after parameters are bound.

    It errs on the side of refusing: the word followed by something that could be its target
    counts, inside a string literal too. It is not counted inside a variable or prefixed name
    (``?service``, ``ex:service``), whose greedy token swallows it, nor inside an IRI that could
    not hide anything (``<https://example.org/service?id=1>``).
    """
    inert = [m.span() for m in _INERT_IRI.finditer(text)]
    for match in _SERVICE.finditer(text):
        start = match.start()
        if any(begin < start < end for begin, end in inert):
            continue
        if _VARNAME_TAIL.search(text, max(0, start - 200), start):
            continue
        raise QueryError(
            f"{source}:{_line_of(text, start)}: SERVICE clauses are not run (they would reach the "
            "network); if the word is part of a string, split it, e.g. CONCAT(\"SERV\", \"ICE\")"
        )


def check_read_query_local(text: str, source: str = "query") -> tuple[Query, QueryKind]:
    """:func:`check_read_query`, plus what a query run over local files may not hold:
    ``SERVICE`` (it would reach the network) and ``FROM``/``FROM NAMED`` (local queries run
    over the ontology and the data files as one graph; the named graphs would be fetched, or
    silently be empty)."""
    text = canonical_query(text, source)
    prepared, kind = check_read_query(text, source)
    refuse_service(text, source)
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
    return QueryResult(kind, graph=merge_into(Graph(), graph, rows))


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


def write_graph(graph: Graph, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """CONSTRUCT/DESCRIBE output: Turtle for tables, N-Triples for CSV, JSON-LD for JSON.
    ``prefixes`` (the query's) name the namespaces whatever store answered: an answer read
    back from a store's N-Triples carries none."""
    rdf_format = {"table": "longturtle", "csv": "nt", "json": "json-ld"}[fmt]
    for prefix, namespace in (prefixes or {}).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format=rdf_format)


def format_result(result: QueryResult, fmt: str, prefixes: Mapping[str, str]) -> str:
    if result.graph is not None:
        return write_graph(result.graph, fmt, prefixes)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    return to_table(result, prefixes)


# --- SPARQL text: terms, parameters bound as VALUES blocks, answers of stores -----------------


def sparql_term(term: Node, name: str = "parameter") -> str:
    """An IRI or literal written as SPARQL syntax, refusing anything that could break out."""
    if isinstance(term, URIRef):
        if IRI_FORBIDDEN.search(str(term)):
            raise QueryError(f"{name}: not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = (str(term).replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\r", "\\r"))
        # Other control characters as \u escapes: Virtuoso ends a string at a raw NUL.
        lexical = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", lexical)
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"{name}: bad language tag {term.language!r}")
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^{sparql_term(URIRef(term.datatype), name)}'
        return f'"{lexical}"'
    raise QueryError(f"{name}: only IRIs and literals can be bound, not {type(term).__name__}")


_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|"""
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|"""
    r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<open>\{)|(?P<close>\})|(?P<var>[?$][A-Za-z_0-9]+)|(?P<word>[A-Za-z_]\w*)""",
    re.DOTALL,
)


@dataclass
class _Group:
    start: int  # offset just after the "{"
    depth: int
    end: int = 0  # offset of the closing "}"
    data: bool = False  # the data block of a VALUES clause
    subselect: bool = False  # "{ SELECT …}": its own braces take no VALUES
    first: bool = True  # no token seen inside yet
    preceded_by_where: bool = False
    variables: set[str] | None = None


def bind_with_values(text: str, kind: QueryKind, bindings: Mapping[str, Node]) -> str:
    """The query with its parameters bound by ``VALUES`` blocks of RDF terms.

    A block goes first into the WHERE group, and into every nested group that uses the
    variable, so a parameter means the same everywhere in the query — as rdflib's
    ``initBindings`` (the reference) treat it — and a FILTER inside an OPTIONAL sees it on
    every store (Virtuoso evaluates such a FILTER without the outer bindings). A block at the
    end of the query would only join after grouping and give wrong counts.
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    # One single-variable block per parameter: the same solutions as one multi-variable row,
    # and Virtuoso 7.2's compiler fails on the multi-variable form in some queries (SP031).
    terms = {name: sparql_term(term, name) for name, term in bindings.items()}
    stack: list[_Group] = []
    closed: list[_Group] = []
    previous_word, values_pending = "", False
    for match in _TOKEN.finditer(text):
        if match.group("skip"):
            continue
        if stack and stack[-1].first:
            stack[-1].first = False
            if match.group("word") and match.group("word").upper() == "SELECT":
                stack[-1].subselect = True
        if match.group("open"):
            group = _Group(match.end(), len(stack), data=values_pending or bool(stack and stack[-1].data),
                           preceded_by_where=previous_word.upper() == "WHERE", variables=set())
            stack.append(group)
            values_pending = False
        elif match.group("close"):
            if stack:
                stack[-1].end = match.start()
                closed.append(stack.pop())
        elif match.group("var"):
            for group in stack:
                assert group.variables is not None
                group.variables.add(match.group("var")[1:])
        elif match.group("word"):
            values_pending = match.group("word").upper() == "VALUES"
        previous_word = match.group("word") or ""
    top = [g for g in closed if g.depth == 0 and not g.data]
    where = next((g for g in top if g.preceded_by_where), None)
    if where is None:
        if not top:
            raise QueryError("cannot find the WHERE group to bind the parameters in")
        # CONSTRUCT {template} {pattern}: the pattern is the second group; otherwise the first.
        where = top[1] if kind == "CONSTRUCT" and len(top) > 1 else top[0]
    elif kind == "CONSTRUCT" and len(top) == 1:
        raise QueryError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; "
                         "write CONSTRUCT { … } WHERE { … }")
    inserts: list[tuple[int, str]] = []
    for group in closed:
        inside_where = where.start <= group.start <= where.end
        if not inside_where or group.data or group.subselect:
            continue
        names = sorted(terms) if group is where else sorted(set(terms) & (group.variables or set()))
        if names:
            inserts.append((group.start, "".join(f" VALUES ?{n} {{ {terms[n]} }}" for n in names) + " "))
    bound = text
    for offset, block in sorted(inserts, reverse=True):
        bound = bound[:offset] + block + bound[offset:]
    check_read_query(bound, "query with bound parameters")
    return bound


def _plain_strings(result: QueryResult) -> QueryResult:
    """RDF 1.1: ``"x"^^xsd:string`` is ``"x"``; some stores write the datatype, some do not."""
    def fix(term: Node | None) -> Node | None:
        if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
            return Literal(str(term))
        return term

    if result.kind != "SELECT":
        return result
    return replace(result, rows=tuple(tuple(fix(t) for t in row) for row in result.rows))


def decode_answer(kind: QueryKind, payload: bytes, source: str, *, graph_format: str = "nt",
                  truncated: bool = False) -> QueryResult:
    """A store's answer (SPARQL JSON, or an RDF graph) as a :class:`QueryResult`."""
    if kind in ("SELECT", "ASK"):
        try:
            with warnings.catch_warnings():  # rdflib warns of ill-typed literals (legal RDF)
                warnings.simplefilter("ignore")
                result = result_from_json(json.loads(payload.decode("utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            start = " ".join(payload[:80].decode("utf-8", "replace").split())
            raise EndpointError(f"{source}: the answer is not SPARQL JSON results ({exc}; "
                                f"it begins {start!r})") from None
        if result.kind != kind:
            raise EndpointError(f"{source}: asked a {kind} query but got {result.kind} results")
        return replace(_plain_strings(result), truncated=truncated)
    try:
        graph = parse_bytes(payload, source, format=graph_format)
    except InputError as exc:
        raise EndpointError(f"{source}: the answer is not an RDF graph ({exc.reason})") from None
    return QueryResult(kind, graph=graph, truncated=truncated)
