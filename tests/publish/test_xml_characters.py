"""``export --format xml`` never writes RDF/XML a parser cannot read (issue 23): a literal or
IRI holding a character XML 1.0 cannot carry (U+0001, U+000B, U+FFFE…) is one line, exit 2;
what XML can carry is written and reads back the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import assert_one_line_error, run
from rdflib import Graph, Literal, URIRef


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\ufffe", "\x1f", "\uffff"])
def test_characters_xml_cannot_carry_are_refused(tmp_path: Path, char: str) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(f'<https://e.x/s> <https://e.x/p> "a\\u{ord(char):04x}b" .\n', encoding="utf-8")
    code, out, err = run("export", "--format", "xml", "--data", str(data))
    assert_one_line_error(code, err, f"U+{ord(char):04X}", "--format nt")
    assert out == ""
    code, out, err = run("export", "--format", "nt", "--data", str(data))
    assert code == 0, err


def test_what_xml_can_carry_reads_back_the_same(tmp_path: Path) -> None:
    data = tmp_path / "ok.ttl"
    value = "tab\there, line\nbreak, \u00e6\u00f8\u00e5 \U0001f600 \ud7ff\ue000\ufffd"
    graph = Graph()
    graph.add((URIRef("https://e.x/s"), URIRef("https://e.x/p"), Literal(value)))
    data.write_text(graph.serialize(format="nt"), encoding="utf-8")
    code, out, err = run("export", "--format", "xml", "--data", str(data))
    assert code == 0, err
    back = Graph().parse(io.StringIO(out), format="xml")
    assert Literal(value) in set(back.objects(URIRef("https://e.x/s"), URIRef("https://e.x/p")))
