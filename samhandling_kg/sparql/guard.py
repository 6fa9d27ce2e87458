"""The read-only guard: a query is checked once (updates, ``SERVICE``, size and depth are
refused) and read one way for every engine; rdflib runs it on a graph."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyparsing import ParseException
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from samhandling_kg.core.errors import (
    QueryError,
    SamhandlingError,
    UpdateRefused,
    localised,
    printable,
)
from samhandling_kg.core.terms import merge_into
from samhandling_kg.io.network import no_network
from samhandling_kg.io.rdf import SURROGATE, SURROGATE_ESCAPE
from samhandling_kg.sparql.results import _ALGEBRA_KINDS, QueryKind, QueryResult


def check_read_query(text: str, source: str = "query") -> tuple[Query, QueryKind]:
    """Parse ``text`` and make sure it is a read query; return the prepared query and its kind.

    Updates and malformed text raise :class:`QueryError` naming ``source`` (and the line).
    """
    check_query_text(text, source)
    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        if not _has_content(text):
            raise localised(QueryError, {
                "nb": "{source}: er tom; en spørringsfil inneholder én SELECT, ASK, CONSTRUCT eller DESCRIBE",
                "nn": "{source}: er tom; ei spørjefil inneheld éin SELECT, ASK, CONSTRUCT eller DESCRIBE",
                "en": "{source}: is empty; a query file holds one SELECT, ASK, CONSTRUCT or DESCRIBE"},
                source=source) from None
        if _is_update(text):
            raise localised(UpdateRefused, {
                "nb": "{source}: er en SPARQL-oppdatering; bare lesespørringer (SELECT, ASK, "
                      "CONSTRUCT, DESCRIBE) kjøres",
                "nn": "{source}: er ei SPARQL-oppdatering; berre lesespørjingar (SELECT, ASK, "
                      "CONSTRUCT, DESCRIBE) vert køyrde",
                "en": "{source}: is a SPARQL update; only read queries (SELECT, ASK, CONSTRUCT, "
                      "DESCRIBE) run"}, source=source) from None
        raise localised(QueryError, MALFORMED_SPARQL, where=f"{source}:{exc.lineno}",
                        reason=_parse_reason(exc)) from None
    except RecursionError:
        raise localised(QueryError, {
            "nb": "{source}: ugyldig SPARQL: nøstet for dypt til å kunne leses",
            "nn": "{source}: ugyldig SPARQL: nøsta for djupt til å kunne lesast",
            "en": "{source}: malformed SPARQL: nested too deeply to parse"}, source=source) from None
    except Exception as exc:  # rdflib raises plain Exceptions for e.g. unknown prefixes
        raise localised(QueryError, MALFORMED_SPARQL, where=source,
                        reason=printable(' '.join(str(exc).split())[:200])) from None
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

#: A query the parser refused, in nb, nn and en (the parser's own reason quoted as it wrote it).
MALFORMED_SPARQL = {"nb": "{where}: ugyldig SPARQL: «{reason}»", "nn": "{where}: ugyldig SPARQL: «{reason}»",
                    "en": "{where}: malformed SPARQL: {reason}"}


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
        raise localised(QueryError, {
            "nb": "{where}: en escape-sekvens ({escape}) står for et enslig surrogat, som ikke er et Unicode-tegn",
            "nn": "{where}: ein escape-sekvens ({escape}) står for eit einsleg surrogat, som ikkje er eit "
                  "Unicode-teikn",
            "en": "{where}: an escape ({escape}) stands for a lone surrogate, which is not a Unicode character"},
            where=f"{source}:{line}", escape=printable(found.group()))
    if len(text) > MAX_QUERY_CHARS:
        raise localised(QueryError, {
            "nb": "{source}: spørringen er {size_no} tegn lang; grensen er {most_no} (legg lange "
                  "verdilister i en datafil)",
            "nn": "{source}: spørjinga er {size_no} teikn lang; grensa er {most_no} (legg lange "
                  "verdilister i ei datafil)",
            "en": "{source}: the query is {size:,} characters long; the limit is {most:,} (put long "
                  "lists of values into a data file)"},
            source=source, size=len(text), most=MAX_QUERY_CHARS, size_no=f"{len(text):,}".replace(",", " "),
            most_no=f"{MAX_QUERY_CHARS:,}".replace(",", " "))
    count = 0
    for match in _OPERATORS.finditer(text):
        count += 1
        if count > MAX_QUERY_OPERATORS:
            line = text.count("\n", 0, match.start()) + 1
            raise localised(QueryError, {
                "nb": "{where}: spørringen binder sammen mer enn {most} uttrykk eller mønstre med "
                      "||, && eller UNION (grensen)",
                "nn": "{where}: spørjinga bind saman meir enn {most} uttrykk eller mønster med "
                      "||, && eller UNION (grensa)",
                "en": "{where}: the query joins more than {most} expressions or patterns with ||, "
                      "&& or UNION (the limit)"}, where=f"{source}:{line}", most=MAX_QUERY_OPERATORS)
    depth = operators = 0
    for match in _STRUCTURE.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise localised(QueryError, {
                    "nb": "{source}: parenteser nøstet mer enn {most} nivåer dypt (grensen)",
                    "nn": "{source}: parentesar nøsta meir enn {most} nivå djupt (grensa)",
                    "en": "{source}: brackets nested more than {most} deep (the limit)"},
                    source=source, most=MAX_NESTING)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "op" or (kind == "word" and match.group().upper() in _TREE_WORDS):
            operators += 1
            if operators > MAX_OPERATORS:
                raise localised(QueryError, {
                    "nb": "{source}: mer enn {most} operatorer (steg i egenskapsstier, UNION-er, "
                          "trippelmønstre, …): grensen",
                    "nn": "{source}: meir enn {most} operatorar (steg i eigenskapsstiar, UNION-ar, "
                          "trippelmønster, …): grensa",
                    "en": "{source}: more than {most} operators (property path steps, UNIONs, "
                          "triple patterns, …): the limit"}, source=source, most=MAX_OPERATORS)


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
            raise localised(QueryError, {
                "nb": "{where}: ugyldig SPARQL: «{escape}» er ikke et Unicode-tegn",
                "nn": "{where}: ugyldig SPARQL: «{escape}» er ikkje eit Unicode-teikn",
                "en": "{where}: malformed SPARQL: {escape_repr} is not a Unicode character"},
                where=f"{source}:{_line_of(text, match.start())}", escape=match.group(),
                escape_repr=repr(match.group()))
        return chr(code)

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise localised(QueryError, {
            "nb": "{where}: ugyldig SPARQL: et enslig surrogat er ikke et Unicode-tegn",
            "nn": "{where}: ugyldig SPARQL: eit einsleg surrogat er ikkje eit Unicode-teikn",
            "en": "{where}: malformed SPARQL: a lone surrogate is not a Unicode character"},
            where=f"{source}:{_line_of(text, exc.start)}") from None
    expanded = _CODEPOINT_ESCAPE.sub(expand, text)
    residual = _RESIDUAL_ESCAPE.search(expanded)
    if residual:
        raise localised(QueryError, {
            "nb": "{where}: ugyldig SPARQL: en escape-sekvens blir til en ny escape-sekvens («{escape}»); "
                  "skriv selve tegnet",
            "nn": "{where}: ugyldig SPARQL: ein escape-sekvens vert til ein ny escape-sekvens («{escape}»); "
                  "skriv sjølve teiknet",
            "en": "{where}: malformed SPARQL: an escape expands into another escape ({escape_repr}); "
                  "write the character itself"},
            where=f"{source}:{_line_of(expanded, residual.start())}", escape=residual.group(),
            escape_repr=repr(residual.group()))
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
        raise localised(QueryError, {
            "nb": "{where}: SERVICE-ledd kjøres ikke (de ville nå ut på nettet); er ordet en del av "
                  "en streng, del det opp, f.eks. CONCAT(\"SERV\", \"ICE\")",
            "nn": "{where}: SERVICE-ledd vert ikkje køyrde (dei ville nå ut på nettet); er ordet ein "
                  "del av ein streng, del det opp, t.d. CONCAT(\"SERV\", \"ICE\")",
            "en": "{where}: SERVICE clauses are not run (they would reach the network); if the word is "
                  "part of a string, split it, e.g. CONCAT(\"SERV\", \"ICE\")"},
            where=f"{source}:{_line_of(text, start)}")


def check_read_query_local(text: str, source: str = "query") -> tuple[Query, QueryKind]:
    """:func:`check_read_query`, plus what a query run over local files may not hold:
    ``SERVICE`` (it would reach the network) and ``FROM``/``FROM NAMED`` (local queries run
    over the ontology and the data files as one graph; the named graphs would be fetched, or
    silently be empty)."""
    text = canonical_query(text, source)
    prepared, kind = check_read_query(text, source)
    refuse_service(text, source)
    if has_service_clause(prepared):
        raise localised(QueryError, {
            "nb": "{source}: SERVICE-ledd kjøres ikke lokalt (de ville nå ut på nettet)",
            "nn": "{source}: SERVICE-ledd vert ikkje køyrde lokalt (dei ville nå ut på nettet)",
            "en": "{source}: SERVICE clauses are not run locally (they would reach the network)"},
            source=source)
    if prepared.algebra.get("datasetClause"):
        raise localised(QueryError, {
            "nb": "{source}: spørringen kan ikke kjøres lokalt: FROM og FROM NAMED viser til grafer "
                  "som må hentes, men lokale spørringer kjøres over ontologien og --data-filene som "
                  "én graf (fjern dem, eller spør et --endpoint)",
            "nn": "{source}: spørjinga kan ikkje køyrast lokalt: FROM og FROM NAMED viser til grafar "
                  "som må hentast, men lokale spørjingar vert køyrde over ontologien og --data-filene "
                  "som éin graf (fjern dei, eller spør eit --endpoint)",
            "en": "{source}: cannot run the query locally: FROM and FROM NAMED name graphs to fetch, "
                  "but local queries run over the ontology and the --data files as one graph (remove "
                  "them, or query an --endpoint)"}, source=source)
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
        raise localised(QueryError, {
            "nb": "{source}: spørringen kan ikke kjøres over disse dataene: en egenskapssti (som p* "
                  "eller p+) møter en kjede av utsagn i dataene som er for lang å følge (omtrent "
                  "tusen steg eller flere)",
            "nn": "{source}: spørjinga kan ikkje køyrast over desse dataa: ein eigenskapssti (som p* "
                  "eller p+) møter ei kjede av utsegner i dataa som er for lang å følgje (om lag "
                  "tusen steg eller fleire)",
            "en": "{source}: cannot run the query over this data: a property path (such as p* or p+) "
                  "meets a chain of statements in the data too long to follow (about a thousand "
                  "steps or more)"}, source=source) from None
    except Exception as exc:  # e.g. FROM NAMED over a plain graph: rdflib raises a bare Exception
        reason = printable(" ".join(str(exc).split())[:200]) or type(exc).__name__
        raise localised(QueryError, {
            "nb": "{source}: spørringen kan ikke kjøres: «{reason}»",
            "nn": "{source}: spørjinga kan ikkje køyrast: «{reason}»",
            "en": "{source}: cannot run the query: {reason}"}, source=source, reason=reason) from None
    if kind == "SELECT":
        variables = tuple(str(v) for v in (result.vars or ()))
        return QueryResult(kind, variables, rows)
    if kind == "ASK":
        return QueryResult(kind, boolean=bool(result.askAnswer))
    return QueryResult(kind, graph=merge_into(Graph(), graph, rows))
