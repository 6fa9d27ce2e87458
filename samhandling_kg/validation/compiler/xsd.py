"""Well-formedness of XSD literals: is a lexical form in the lexical space of its datatype?

``sh:datatype`` is satisfied only by a literal whose datatype is the given one and whose
lexical form is well-formed for it (SHACL 4.2.1: "ill-formed literals" fail). Oxigraph
cannot be asked: its store keeps ``"2020-13-45"^^xsd:date`` as written and gives ``"5"^^xsd:int``
back as ``"5"^^xsd:integer``. The rules here follow XML Schema 1.1 Part 2 (Datatypes), the
lexical spaces as the Recommendation's grammars give them (section 3.3 and 3.4), strictly:
no surrounding whitespace (RDF takes the lexical form as written), ``1``/``0``/``true``/
``false`` for booleans, years of four or more digits (``0000`` is a year in XSD 1.1), days
that exist in their month (29 February in leap years only), ``24:00:00`` as the end of a day,
time zones from ``-14:00`` to ``+14:00``, and the value range of every type derived from
``xsd:integer``.

Each rule exists twice, from the same table: :func:`well_formed` in Python (the reference),
and :func:`sparql_well_formed`, a SPARQL 1.1 expression the compiled engine runs in the store,
so no value crosses into Python. tests/validation/test_xsd.py holds the two to each other and
to independent oracles (Python's ``int`` and ``datetime``, rdflib's ``ill_typed`` where rdflib
is strict).

Datatypes outside :data:`CHECKED` (``xsd:string``, ``xsd:anyURI``, names, user datatypes) are
taken as well-formed: SHACL asks for a well-formedness check only where the datatype defines
one the engine knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"

_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DAYTIME = r"([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?"
_B64 = r"[A-Za-z0-9+/]"
_BASE64 = (rf"((({_B64} ?){{4}})*((({_B64} ?){{3}}{_B64})|(({_B64} ?){{2}}[AEIMQUYcgkosw048] ?=)"
           rf"|({_B64} ?[AQgw] ?= ?=)))?")


@dataclass(frozen=True)
class Rule:
    """The lexical space of one datatype: a pattern (anchored), an integer range, whether
    the day must exist in its month (and which part of the form holds year, month, day), and
    forms that match the pattern yet are not in the space (an empty duration)."""

    pattern: str
    low: int | None = None
    high: int | None = None
    #: For date types: a pattern capturing (year, month, day) of a form the pattern accepts;
    #: a year of None (gMonthDay) allows 29 February.
    calendar: str | None = None
    excluded: str | None = None


def _integer(low: int | None, high: int | None) -> Rule:
    return Rule(r"[+-]?[0-9]+", low, high)


_I64, _I32, _I16, _I8 = 2 ** 63, 2 ** 31, 2 ** 15, 2 ** 7

#: The datatypes checked, by local name in the XSD namespace.
RULES: dict[str, Rule] = {
    "boolean": Rule(r"(true|false|1|0)"),
    "decimal": Rule(_DECIMAL),
    "integer": _integer(None, None),
    "nonPositiveInteger": _integer(None, 0),
    "negativeInteger": _integer(None, -1),
    "long": _integer(-_I64, _I64 - 1),
    "int": _integer(-_I32, _I32 - 1),
    "short": _integer(-_I16, _I16 - 1),
    "byte": _integer(-_I8, _I8 - 1),
    "nonNegativeInteger": _integer(0, None),
    "unsignedLong": _integer(0, 2 ** 64 - 1),
    "unsignedInt": _integer(0, 2 ** 32 - 1),
    "unsignedShort": _integer(0, 2 ** 16 - 1),
    "unsignedByte": _integer(0, 2 ** 8 - 1),
    "positiveInteger": _integer(1, None),
    "double": Rule(rf"({_DECIMAL}([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"),
    "float": Rule(rf"({_DECIMAL}([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"),
    "dateTime": Rule(rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}?",
                     calendar=r"(-?[0-9]+)-([0-9]{2})-([0-9]{2})T.*"),
    "dateTimeStamp": Rule(rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}",
                          calendar=r"(-?[0-9]+)-([0-9]{2})-([0-9]{2})T.*"),
    "date": Rule(rf"{_YEAR}-{_MONTH}-{_DAY}{_ZONE}?",
                 calendar=r"(-?[0-9]+)-([0-9]{2})-([0-9]{2}).*"),
    "time": Rule(rf"{_TIME}{_ZONE}?"),
    "gYear": Rule(rf"{_YEAR}{_ZONE}?"),
    "gYearMonth": Rule(rf"{_YEAR}-{_MONTH}{_ZONE}?"),
    "gMonth": Rule(rf"--{_MONTH}{_ZONE}?"),
    "gMonthDay": Rule(rf"--{_MONTH}-{_DAY}{_ZONE}?", calendar=r"--()([0-9]{2})-([0-9]{2}).*"),
    "gDay": Rule(rf"---{_DAY}{_ZONE}?"),
    "duration": Rule(rf"-?P([0-9]+Y)?([0-9]+M)?{_DAYTIME}", excluded=r"-?P|.*T"),
    "yearMonthDuration": Rule(r"-?P([0-9]+Y)?([0-9]+M)?", excluded=r"-?P"),
    "dayTimeDuration": Rule(rf"-?P{_DAYTIME}", excluded=r"-?P|.*T"),
    "hexBinary": Rule(r"([0-9a-fA-F]{2})*"),
    "base64Binary": Rule(_BASE64),
    "normalizedString": Rule(r"[^\r\n\t]*"),
    "token": Rule(r"([^\s]+( [^\s]+)*)?"),
    "language": Rule(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*"),
}

#: The datatype IRIs :func:`well_formed` checks.
CHECKED: frozenset[str] = frozenset(XSD + name for name in RULES)

#: The datatypes derived from xsd:integer (with xsd:integer itself).
INTEGER_TYPES: frozenset[str] = frozenset(
    XSD + name for name, rule in RULES.items() if rule.pattern == r"[+-]?[0-9]+")

_COMPILED = {name: re.compile(rule.pattern) for name, rule in RULES.items()}
_CALENDARS = {name: re.compile(rule.calendar) for name, rule in RULES.items() if rule.calendar}
_EXCLUDED = {name: re.compile(rule.excluded) for name, rule in RULES.items() if rule.excluded}


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int | None, month: int) -> int:
    """The days of ``month`` in ``year`` (proleptic Gregorian, as XSD 1.1; year 0 is a leap
    year); with no year (gMonthDay), 29 for February."""
    if month == 2:
        return 29 if year is None or _leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def well_formed(lexical: str, datatype: str) -> bool:
    """True when ``lexical`` is in the lexical space of ``datatype`` (an IRI), or when the
    datatype is not one of :data:`CHECKED`."""
    if not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD):]
    rule = RULES.get(name)
    if rule is None:
        return True
    if not _COMPILED[name].fullmatch(lexical):
        return False
    if name in _EXCLUDED and _EXCLUDED[name].fullmatch(lexical):
        return False
    if rule.low is not None or rule.high is not None:
        value = int(lexical)
        if rule.low is not None and value < rule.low:
            return False
        if rule.high is not None and value > rule.high:
            return False
    if name in _CALENDARS:
        match = _CALENDARS[name].fullmatch(lexical)
        assert match is not None
        year = int(match.group(1)) if match.group(1) else None
        if int(match.group(3)) > days_in_month(year, int(match.group(2))):
            return False
    return True


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sparql_range(lexical: str, low: int | None, high: int | None) -> str:
    """``low <= lexical <= high`` for an integer form of any size, compared as text (a
    store's integers may be 64-bit: 2^64 - 1 is an xsd:unsignedLong)."""
    digits = f'REPLACE({lexical}, "^[+-]?0*", "")'  # "" is zero
    negative = f'(STRSTARTS({lexical}, "-") && {digits} != "")'

    def at_most(bound: int) -> str:  # |value| <= bound (bound >= 0)
        text = str(bound)
        if bound == 0:
            return f'({digits} = "")'
        return (f"(STRLEN({digits}) < {len(text)} || (STRLEN({digits}) = {len(text)} "
                f'&& {digits} <= "{text}"))')

    tests = []
    if high is not None:
        tests.append(f"({negative} || {at_most(high)})" if high >= 0
                     else f"({negative} && !{at_most(-high - 1)})")
    if low is not None:
        tests.append(f"(!{negative} && !{at_most(low - 1)})" if low > 0
                     else f"(!{negative} || {at_most(-low)})")
    return " && ".join(tests)


def sparql_well_formed(lexical: str, datatype: str) -> str | None:
    """A SPARQL 1.1 boolean expression: the string expression ``lexical`` is well-formed for
    ``datatype``; None when the datatype is not checked (every form is well-formed)."""
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD):]
    rule = RULES.get(name)
    if rule is None:
        return None
    tests = [f"REGEX({lexical}, {_string('^' + rule.pattern + '$')})"]
    if rule.excluded:
        tests.append(f"!REGEX({lexical}, {_string('^(' + rule.excluded + ')$')})")
    if rule.low is not None or rule.high is not None:
        tests.append(_sparql_range(lexical, rule.low, rule.high))
    if rule.calendar:
        pattern = _string("^" + rule.calendar + "$")

        def part(index: int) -> str:
            return f"<{XSD}integer>(REPLACE({lexical}, {pattern}, \"${index}\"))"

        month, day = part(2), part(3)
        if name == "gMonthDay":
            february = "29"
        else:
            year = part(1)

            def divisible(n: int) -> str:
                # No modulo in SPARQL: y - n * FLOOR(y / n).
                return f"({year} - {n} * FLOOR({year} / {n}) = 0)"
            # A leap year: divisible by 4, and by 400 when divisible by 100.
            february = f"IF({divisible(4)} && (!{divisible(100)} || {divisible(400)}), 29, 28)"
        limit = (f"IF({month} = 2, {february}, IF({month} IN (4, 6, 9, 11), 30, 31))")
        tests.append(f"{day} <= {limit}")
    # && short-circuits in SPARQL only on false; an error in a later test (a cast of a form
    # the pattern refused) cannot turn a false into an error: false && error = false.
    return "(" + " && ".join(tests) + ")"
