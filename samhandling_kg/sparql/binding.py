"""SPARQL text: terms written safely, parameters bound as VALUES blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from samhandling_kg.core.errors import (
    QueryError,
    localised,
)
from samhandling_kg.core.terms import IRI_FORBIDDEN
from samhandling_kg.sparql.guard import check_read_query
from samhandling_kg.sparql.results import QueryKind

# --- SPARQL text: terms, parameters bound as VALUES blocks, answers of stores -----------------


def sparql_term(term: Node, name: str = "parameter") -> str:
    """An IRI or literal written as SPARQL syntax, refusing anything that could break out."""
    if isinstance(term, URIRef):
        if IRI_FORBIDDEN.search(str(term)):
            raise localised(QueryError, {"nb": "{name}: ikke en gyldig IRI: «{iri}»",
                                         "nn": "{name}: ikkje ein gyldig IRI: «{iri}»",
                                         "en": "{name}: not a valid IRI: {iri_repr}"},
                            name=name, iri=str(term), iri_repr=repr(str(term)))
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = (str(term).replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\r", "\\r"))
        # Other control characters as \u escapes: Virtuoso ends a string at a raw NUL.
        lexical = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", lexical)
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise localised(QueryError, {"nb": "{name}: ugyldig språkkode «{tag}»",
                                             "nn": "{name}: ugyldig språkkode «{tag}»",
                                             "en": "{name}: bad language tag {tag_repr}"},
                                name=name, tag=term.language, tag_repr=repr(term.language))
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^{sparql_term(URIRef(term.datatype), name)}'
        return f'"{lexical}"'
    raise localised(QueryError, {"nb": "{name}: bare IRI-er og literaler kan bindes, ikke {kind}",
                                 "nn": "{name}: berre IRI-ar og literalar kan bindast, ikkje {kind}",
                                 "en": "{name}: only IRIs and literals can be bound, not {kind}"},
                    name=name, kind=type(term).__name__)


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
            raise localised(QueryError, {"nb": "ikke et variabelnavn: «{name}»",
                                         "nn": "ikkje eit variabelnamn: «{name}»",
                                         "en": "not a variable name: {name_repr}"}, name=name, name_repr=repr(name))
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
            raise localised(QueryError, {"nb": "finner ikke WHERE-gruppen parameterne skal bindes i",
                                         "nn": "finn ikkje WHERE-gruppa parametrane skal bindast i",
                                         "en": "cannot find the WHERE group to bind the parameters in"})
        # CONSTRUCT {template} {pattern}: the pattern is the second group; otherwise the first.
        where = top[1] if kind == "CONSTRUCT" and len(top) > 1 else top[0]
    elif kind == "CONSTRUCT" and len(top) == 1:
        raise localised(QueryError, {
            "nb": "parametere kan ikke bindes i kortformen CONSTRUCT WHERE {{ … }}; skriv CONSTRUCT {{ … }} WHERE {{ … }}",
            "nn": "parametrar kan ikkje bindast i kortforma CONSTRUCT WHERE {{ … }}; skriv CONSTRUCT {{ … }} WHERE {{ … }}",
            "en": "parameters cannot be bound in the short form CONSTRUCT WHERE {{ … }}; write CONSTRUCT {{ … }} "
                  "WHERE {{ … }}"})
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
