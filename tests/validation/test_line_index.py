"""The report's line index of a file: what :func:`str.splitlines` gives, kept compactly for a
large file (the lines as offsets into the text), and the lines the report points at."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from samhandling_kg.validation.engines import validate
from samhandling_kg.validation.sourcelines import (
    _A_WORD,
    _index_lines,
    _Lines,
    _offending_line,
    _statement_end,
    _stretch,
)

# Text made of lines with spaces, tokens, Norwegian letters, characters beyond Latin-1, and
# every kind of line break (the compact form is only taken where \n alone breaks lines).
_PIECES = st.sampled_from(["ex:a", " ", "\t", "æøå", "“x”", "😀", ".", ";", "\n", "\n", "\r\n",
                           "\r", "\u2028", "\x0c", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_index_holds_the_lines_splitlines_gives(text: str) -> None:
    lines, starts, tokens = _index_lines("mem.ttl", text.encode("utf-8"))
    expected = text.splitlines()
    assert len(lines) == len(expected)
    assert [lines[i] for i in range(len(lines))] == expected
    assert list(lines) == expected
    assert list(lines[1:3]) == expected[1:3]
    assert tokens == [line.split(None, 1)[0] if line.strip() else "" for line in expected]
    for token, number in starts.items():
        assert tokens[number - 1] == token and token not in tokens[:number - 1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ex:a", " ", "æøå", "😀", "\n", "\n\n", ""]), max_size=60).map("".join),
       st.integers(min_value=1, max_value=8))
def test_the_compact_lines_are_found_a_chunk_at_a_time(text: str, chunk: int) -> None:
    """A large file's lines are split a chunk at a time (never all at once): any chunk size
    gives the lines splitlines gives, a line break at a chunk's edge or not."""
    original = _Lines.CHUNK
    try:
        _Lines.CHUNK = chunk
        lines = _Lines(text)
    finally:
        _Lines.CHUNK = original
    expected = text.splitlines()
    assert [lines[i] for i in range(len(lines))] == expected
    # A stretch of lines (a statement block) is read as one slice of the text.
    for start in range(-2, len(expected) + 2):
        for stop in range(start, len(expected) + 3):
            assert list(lines[start:stop]) == expected[start:stop], (start, stop)
    assert list(lines[::2]) == expected[::2]


def test_a_catalogue_file_is_indexed_compactly() -> None:
    text = "@prefix ex: <https://example.org/> .\nex:a ex:p 1 .\n\nex:b ex:p 2 .\n"
    lines, starts, _ = _index_lines("mem.ttl", text.encode("utf-8"))
    assert isinstance(lines, _Lines)  # the large-file form, not a list of strings
    assert lines[1] == "ex:a ex:p 1 ." and lines[-1] == "ex:b ex:p 2 ."
    assert starts["ex:b"] == 4


def test_findings_point_at_their_lines_in_a_compactly_indexed_file(tmp_path: Path) -> None:
    data = tmp_path / "two.ttl"
    data.write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "\n"
        "<https://example.org/one> a sam:Solution ;\n"
        '    dct:identifier "one" .\n'
        "\n"
        "<https://example.org/two> a sam:Solution ;\n"
        '    dct:identifier "two" .\n', encoding="utf-8")
    report = validate(data, lang="en")
    # A missing title has no statement of its own: the finding points at the record's first line.
    missing = {r.focus_node: r.line for r in report.results
               if r.constraint_component.endswith("MinCountConstraintComponent")
               and r.path == "http://purl.org/dc/terms/title"}
    assert missing == {"https://example.org/one": 4, "https://example.org/two": 7}


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(alphabet="pq", min_size=1, max_size=3),
                       st.text(alphabet="ab/#:", max_size=8).map(lambda t: "h:" + t), max_size=6),
       st.lists(st.text(alphabet="ab/#:", max_size=8).map(lambda t: "h:" + t), min_size=1, max_size=6))
def test_an_iri_is_spelt_with_every_prefix_whose_namespace_starts_it(
        prefixes: dict[str, str], iris: list[str]) -> None:
    """The spellings a record's lines are looked up by (namespaces tried by length, not one
    by one) are the definition's: whole, every prefix whose namespace starts the IRI and
    leaves a local name, quoted."""
    from types import SimpleNamespace

    from samhandling_kg.validation.sourcelines import _Locator

    locator = object.__new__(_Locator)
    locator.given = SimpleNamespace(file_prefixes={"f.ttl": prefixes}, prefixes={})  # type: ignore[assignment]
    locator._namespaces = {}
    for iri in iris:
        expected = [f"{prefix}:{iri[len(namespace):]}" for prefix, namespace in prefixes.items()
                    if iri.startswith(namespace) and len(iri) > len(namespace)]
        found = locator._spellings("f.ttl", iri)
        assert found[0] == f"<{iri}>" and found[-1] == f'"{iri}"'
        assert sorted(found[1:-1]) == sorted(expected), (prefixes, iri)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ex:a", " ", "\t", ".", ". ", "\u00a0", ";", "æ", "\n", "\n", ""]),
                max_size=50).map("".join))
def test_a_statement_ends_where_the_line_by_line_walk_ends_it(text: str) -> None:
    """The compact form finds a statement's end (its first line from the start that ends in
    ".", trailing spaces aside; else the last line) by one search of the text: the same line
    the walk over the lines finds, and the same stretch of text."""
    lines, expected = _Lines(text), text.splitlines()
    for start in range(1, len(expected) + 1):
        assert _statement_end(lines, start) == _statement_end(expected, start), start
        end = _statement_end(expected, start)
        assert _stretch(lines, start - 1, end) == _stretch(expected, start - 1, end)
        assert _stretch(lines, start - 1, end).split("\n") == expected[start - 1:end]


def _reference_offending_line(statements: list[tuple[int, list[str]]], predicates: list[str],
                              values: list[str]) -> int | None:
    """The report's first definition, line by line: the first line naming the path and a
    value, else the first with a value, else the first naming the path."""
    naming = re.compile("|".join(_A_WORD.pattern if word == "a" else re.escape(word)
                                 for word in predicates))
    block = [(first + i, line) for first, lines in statements for i, line in enumerate(lines)]
    with_path = [(n, line) for n, line in block if naming.search(line)]
    both = [n for n, line in with_path if any(v in line for v in values)]
    if both:
        return both[0]
    after = [n for n, line in block if any(v in line for v in values)]
    if after:
        return after[0]
    return with_path[0][0] if with_path else None


_WORDS = ["ex:p", "<https://e/p>", "a", "ex:pa", "ex:v", '"v"', "ex:other", ".", ";", " ", " ",
          "\n", "\n", "\t", "ba", "a:"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=30),
                          st.lists(st.sampled_from(_WORDS), max_size=30).map("".join)),
                min_size=1, max_size=3),
       st.lists(st.sampled_from(["ex:p", "<https://e/p>", "a"]), min_size=1, max_size=3, unique=True),
       st.lists(st.sampled_from(["ex:v", '"v"', "ex:v\nex", ";\n", "ex:p"]), max_size=3, unique=True))
def test_the_offending_line_is_the_one_the_line_by_line_search_finds(
        statements: list[tuple[int, str]], predicates: list[str], values: list[str]) -> None:
    """Each statement is searched as one text (a match of the path's spellings never reaches
    over a line break; a value holding one is on no line): the line found is the one the
    search line by line finds."""
    as_lines = [(first, text.split("\n")) for first, text in statements]
    assert (_offending_line(statements, tuple(predicates), values)
            == _reference_offending_line(as_lines, predicates, values))
