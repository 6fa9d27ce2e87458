"""SHACL-SPARQL: a constraint's SELECT split into its pre-bound parts and checked."""

from __future__ import annotations

import re

from rdflib.term import Node

from samhandling_kg.core.errors import UnsupportedShape

#: A group that starts with a triple pattern whose subject is $this and whose predicate is
#: one term (or its inverse), not a path that may match zero steps (strings blanked out).
_BOUND_FIRST = re.compile(
    r"\s*[?$]this\s+\^?(?:<[^<>\s]*>|a|[A-Za-z][\w.-]*:[\w.-]*|[?$][A-Za-z_]\w*)\s")


_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)


def _subqueries(body: str) -> list[str]:
    """The text of each sub-SELECT's group in ``body`` (outermost ones)."""
    code = _code(body)
    found: list[str] = []
    position = 0
    while True:
        match = _SELECT.search(code, position)
        if match is None:
            return found
        start = code.find("{", match.end())
        if start < 0:
            found.append(body[match.start():])
            return found
        depth, index = 0, start
        for index in range(start, len(code)):
            depth += {"{": 1, "}": -1}.get(code[index], 0)
            if depth == 0:
                break
        found.append(body[match.start():index + 1])
        position = index + 1


def split_select(text: str, shape: Node) -> tuple[set[str], str, bool]:
    """The projected variable names, the body of the WHERE group and whether the SELECT is
    DISTINCT, of a SHACL-SPARQL constraint's ``sh:select``."""
    code = _code(text)
    if re.search(r"^\s*(PREFIX|BASE)\b", code, re.IGNORECASE | re.MULTILINE):
        raise UnsupportedShape(f"shape {shape}: a SPARQL constraint declares its own prefixes; "
                               "use sh:prefixes")
    head = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*(WHERE\s*)?\{", code,
                    re.IGNORECASE | re.DOTALL)
    if not head:
        raise UnsupportedShape(f"shape {shape}: cannot read the SELECT of its SPARQL constraint")
    if "*" in head.group(2) or "(" in head.group(2):
        raise UnsupportedShape(f"shape {shape}: a SPARQL constraint must project plain "
                               "variables ($this ?value ?path)")
    projection = {v[1:] for v in head.group(2).split()}
    start = head.end() - 1
    depth = 0
    for index in range(start, len(code)):
        if code[index] == "{":
            depth += 1
        elif code[index] == "}":
            depth -= 1
            if depth == 0:
                if code[index + 1:].strip():
                    raise UnsupportedShape(f"shape {shape}: solution modifiers after the WHERE "
                                           "group of a SPARQL constraint are not supported")
                return projection, text[start + 1:index], bool(head.group(1)) and \
                    head.group(1).strip().upper() == "DISTINCT"
    raise UnsupportedShape(f"shape {shape}: unbalanced braces in its SPARQL constraint")


_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                      r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
                      r'|<[^<>"{}|^`\\\x00-\x20]*>' r"|#[^\n]*")


def _code(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length), so braces and
    keywords inside them are not mistaken for syntax."""
    return _STRINGS.sub(lambda m: " " * len(m.group()) if m.group().startswith("#")
                        else m.group()[0] + "_" * (len(m.group()) - 2) + m.group()[-1], text)
