"""Terms of the compiled queries: SPARQL constants, and literals as written.

Oxigraph's store keeps a literal by its value when it knows the datatype: ``"5"^^xsd:int``
comes back as ``"5"^^xsd:integer``, ``"01"^^xsd:integer`` as ``"1"``, ``"1.0"^^xsd:decimal`` as
``"1"``. SHACL checks the term as written (its datatype, its lexical form, its identity). So a
literal the store would change is written into it with a private datatype that carries the
original one (:func:`wrap`), and the compiled queries read a value's datatype and value
through :func:`datatype_of` and :func:`value_of`; a finding's terms are given back as written
by :func:`unwrap`. Literals the store keeps as they are (the canonical forms, and every
literal of another datatype) are stored as themselves.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from samhandling_kg.core.errors import SamhandlingError, UnsupportedShape, localised

#: The prefix of the private datatype of a literal kept as written: the original datatype
#: IRI follows it.
WRITTEN = "urn:x-samhandling:as-written:"

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose literals Oxigraph may store by value (numbers, booleans, dates and times,
#: durations; the types derived from xsd:integer among them).
VALUE_TYPES: frozenset[str] = frozenset(_XSD + name for name in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger", "decimal", "float", "double", "boolean", "dateTime", "dateTimeStamp",
    "date", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration",
    "yearMonthDuration", "dayTimeDuration"))

_SCRATCH_S = ox.NamedNode("urn:x-samhandling:s")
_SCRATCH_P = ox.NamedNode("urn:x-samhandling:p")


def altered(literals: list[ox.Literal]) -> set[ox.Literal]:
    """The literals among ``literals`` the store would not give back as written (one
    round trip through a scratch store for all of them)."""
    candidates = [lit for lit in dict.fromkeys(literals) if lit.datatype.value in VALUE_TYPES]
    if not candidates:
        return set()
    scratch = ox.Store()
    subjects = [ox.NamedNode(f"urn:x-samhandling:n{index}") for index in range(len(candidates))]
    scratch.extend(ox.Quad(s, _SCRATCH_P, lit) for s, lit in zip(subjects, candidates))
    changed = set()
    for subject, literal in zip(subjects, candidates):
        stored = next(iter(scratch.quads_for_pattern(subject, _SCRATCH_P, None))).object
        if stored != literal:
            changed.add(literal)
    return changed


def wrapped(literal: ox.Literal) -> ox.Literal:
    """The private form of a literal the store would change."""
    return ox.Literal(literal.value, datatype=ox.NamedNode(WRITTEN + literal.datatype.value))


def keep_as_written(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with every literal the store would rewrite in its private form; ``quads``
    itself when there is none."""
    changed = altered([q.object for q in quads if isinstance(q.object, ox.Literal)])
    if not changed:
        return quads
    return [ox.Quad(q.subject, q.predicate, wrapped(q.object), q.graph_name)  # type: ignore[arg-type]
            if q.object in changed else q for q in quads]


def by_value_copy(source: str, target: str) -> str:
    """The SPARQL update copying graph ``source`` to ``target`` with every literal kept as
    written read by value (as the store would have read it)."""
    return (f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?v }} }} WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} "
            f"BIND ({value_of('?o')} AS ?v) }}")


@lru_cache(maxsize=4096)
def _rdflib_altered(lexical: str, datatype: str) -> bool:
    literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    return bool(altered([literal]))


def as_stored(term: Node) -> Node:
    """A constant of a shape as the data holds it in the store: a literal the store would
    change in its private form (so ``sh:in ( "01"^^xsd:integer )`` meets the data's
    ``"01"^^xsd:integer`` and not its ``"1"``)."""
    if isinstance(term, Literal) and term.datatype is not None and not term.language \
            and str(term.datatype) in VALUE_TYPES and _rdflib_altered(str(term), str(term.datatype)):
        return Literal(str(term), datatype=URIRef(WRITTEN + str(term.datatype)))
    return term


def unwrap(term: Node) -> Node:
    """A term of a finding as the data wrote it."""
    if isinstance(term, Literal) and term.datatype is not None \
            and str(term.datatype).startswith(WRITTEN):
        return Literal(str(term), datatype=URIRef(str(term.datatype)[len(WRITTEN):]),
                       normalize=False)
    return term


def datatype_of(value: str) -> str:
    """SPARQL: the datatype of the literal in ``value`` as written."""
    dt = f"STR(DATATYPE({value}))"
    return (f'IF(STRSTARTS({dt}, "{WRITTEN}"), IRI(STRAFTER({dt}, "{WRITTEN}")), '
            f"DATATYPE({value}))")


def value_of(value: str) -> str:
    """SPARQL: the term in ``value`` as SPARQL compares it (a literal kept as written read
    by its original datatype, as the store would have read it)."""
    dt = f"STR(DATATYPE({value}))"
    return (f'IF(isLiteral({value}) && STRSTARTS({dt}, "{WRITTEN}"), '
            f'STRDT(STR({value}), IRI(STRAFTER({dt}, "{WRITTEN}"))), {value})')


def sparql_term(term: Node) -> str:
    """A constant term in SPARQL syntax, as the store holds it (blank nodes cannot be
    constants of a query)."""
    term = as_stored(term)
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        raise localised(UnsupportedShape, {
            "nb": "en blank node ({term}) som konstant i en SHACL-form støttes ikke",
            "nn": "ein blank node ({term}) som konstant i ei SHACL-form er ikkje støtta",
            "en": "a blank node ({term}) as a constant of a shape is not supported"}, term=term)
    raise localised(SamhandlingError, {
        "nb": "ikke en RDF-term: {term}",
        "nn": "ikkje ein RDF-term: {term}",
        "en": "not an RDF term: {term}"}, term=repr(term))
