"""The one way text that data can carry reaches a terminal: control characters and the
bidirectional formatting characters shown as escapes (issue 23). Every text output that can
hold data-supplied text — error lines, notes, ``validate``'s report, ``query``'s table,
``recommend`` and its ``--list``, the SKOS-AP-NO findings — goes through it; ``csv`` and
``json`` keep values exactly."""

from __future__ import annotations

import re

#: Control characters, and the bidirectional formatting characters (U+061C, U+200E/F,
#: U+202A-U+202E, U+2066-U+2069) that reorder what a terminal shows ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The same, but line breaks (and tabs) of a text of many lines stay.
_UNPRINTABLE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control and bidirectional formatting characters shown as escapes, so that a hostile
    file, file name, value or server answer cannot split an error line, reorder it or drive
    the terminal."""
    return _UNPRINTABLE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """:func:`printable` for a text of many lines the tool itself breaks (a report, a
    recommendation): its line breaks and tabs stay, every other control character is escaped.
    A CR is escaped too: it would let a line overwrite the one before."""
    return _UNPRINTABLE_IN_LINES.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
