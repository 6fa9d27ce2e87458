"""Safe reading of RDF files: format by ending, one-line errors with lines, no network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from samhandling_kg.core.errors import InputError
from samhandling_kg.io.rdf import FORMATS, format_for, parse_file, read_rdf_files

TRIPLE = (URIRef("https://example.org/a"), URIRef("https://example.org/b"), Literal("c", lang="nb"))

GOOD = {
    ".ttl": '<https://example.org/a> <https://example.org/b> "c"@nb .\n',
    ".nt": '<https://example.org/a> <https://example.org/b> "c"@nb .\n',
    ".nq": '<https://example.org/a> <https://example.org/b> "c"@nb <https://example.org/g> .\n',
    ".trig": '<https://example.org/g> { <https://example.org/a> <https://example.org/b> "c"@nb . }\n',
    ".n3": '<https://example.org/a> <https://example.org/b> "c"@nb .\n',
    ".jsonld": '{"@id": "https://example.org/a", "https://example.org/b": {"@value": "c", "@language": "nb"}}',
    ".rdf": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
        '<rdf:Description rdf:about="https://example.org/a"><ex:b xml:lang="nb">c</ex:b>'
        "</rdf:Description></rdf:RDF>"
    ),
}


@pytest.mark.parametrize("suffix", GOOD)
def test_each_format_reads(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text(GOOD[suffix], encoding="utf-8")
    assert set(parse_file(path)) == {TRIPLE}


def test_every_known_ending_has_a_case_or_shares_a_parser() -> None:
    assert {FORMATS[s] for s in GOOD} >= {"turtle", "nt", "nquads", "trig", "n3", "json-ld", "xml"}


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD[".ttl"].encode())
    assert set(parse_file(path)) == {TRIPLE}


@pytest.mark.parametrize(
    ("name", "content", "fragment", "line"),
    [
        ("bad.ttl", b"@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n", "malformed Turtle", 3),
        ("bad.nt", b"<https://a.org/a> <https://a.org/b> <https://a.org/c> .\n<https://a.org/a> <https://a.org/b> .\n", "malformed N-Triples", 2),
        ("bad.jsonld", b'{\n "@id": "https://a.org/x",\n "https://a.org/p": [\n}', "malformed JSON", 4),
        ("bad.rdf", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<rdf:Description>\n</rdf:RDF>", "malformed XML", 3),
        ("utf16.ttl", "<https://a.org/a> <https://a.org/b> 'c' .".encode("utf-16"), "UTF-16", 1),
        ("latin1.ttl", b'<https://a.org/a>\n<https://a.org/b> "bl\xe5" .\n', "not valid UTF-8", 2),
        ("binary.ttl", b"<https://a.org/a> \x00\x01\x02", "binary data", 1),
    ],
)
def test_malformed_files_name_file_line_and_reason(
    name: str, content: bytes, fragment: str, line: int, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_ending() -> None:
    with pytest.raises(InputError, match="unknown RDF file ending '.docx'"):
        format_for("report.docx")


def test_missing_file_and_broken_link(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "missing.ttl")
    link = tmp_path / "dangling.ttl"
    link.symlink_to(tmp_path / "gone.ttl")
    with pytest.raises(InputError, match="broken symbolic link"):
        parse_file(link)


def test_link_to_a_file_is_read_as_the_file(tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_text(GOOD[".ttl"])
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    assert set(parse_file(link)) == {TRIPLE}


def test_folder_and_device_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        parse_file(folder)
    with pytest.raises(InputError, match="not a regular file"):
        parse_file("/dev/null", format="turtle")


def test_named_graphs_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "quads.trig"
    path.write_text(
        "@prefix ex: <https://example.org/> .\nex:g1 { ex:a ex:b ex:c . }\nex:g2 { ex:a ex:b ex:d . }\nex:a ex:b ex:e .\n"
    )
    assert len(parse_file(path)) == 3


def test_a_bad_file_adds_nothing_to_the_callers_graph(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(GOOD[".ttl"])
    bad = tmp_path / "bad.ttl"
    bad.write_text('<https://example.org/x> <https://example.org/y> "z" .\nthis is not turtle\n')
    graph = Graph()
    with pytest.raises(InputError, match="bad.ttl:2"):
        read_rdf_files([good, bad], graph)
    assert len(graph) == 0


def test_relative_iris_never_become_file_iris(tmp_path: Path) -> None:
    path = tmp_path / "relative.ttl"
    path.write_text('<thing> <https://example.org/p> "x" .\n')
    (subject,) = set(parse_file(path).subjects())
    assert not str(subject).startswith("file:")
    assert str(tmp_path) not in str(subject)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "lol.rdf",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><r>&c;</r>',
            "DTDs",
        ),
        (
            "xxe.rdf",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "DTDs",
        ),
        ("remote.jsonld", b'{"@context": "https://schema.org/", "@id": "https://a.org/x"}', "is not fetched"),
        ("local.jsonld", b'{"@context": ["file:///etc/passwd"], "@id": "https://a.org/x"}', "is not fetched"),
        (
            "import.jsonld",
            b'{"@context": {"@version": 1.1, "@import": "https://a.org/ctx.jsonld"}, "@id": "https://a.org/x"}',
            "is not fetched",
        ),
        ("deep.ttl", b"<https://a.org/s> <https://a.org/p> " + b"(" * 20000 + b")" * 20000 + b" .", "nested too deeply"),
        ("deep.jsonld", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    ],
)
def test_hostile_files_are_refused_without_network(name: str, content: bytes, fragment: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        parse_file(path)


def test_owl_imports_are_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "imports.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/o> a owl:Ontology ; owl:imports <http://example.org/remote.ttl> .\n"
    )
    assert len(parse_file(path)) == 2  # the conftest guard fails the test on any fetch


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.ttl"
    path.write_text(GOOD[".ttl"])
    path.chmod(0)
    if os.geteuid() == 0:  # root reads files whatever their mode: make the read fail as it would
        def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match="permission denied"):
        parse_file(path)


def test_at_most_max_bound_prefixes_are_carried_and_no_triple_is_lost(tmp_path: Path) -> None:
    """SECURITY.md: only MAX_BOUND_PREFIXES prefixes of a file are carried into output (they
    shorten IRIs); the triples written with the others are all there."""
    from samhandling_kg.io.rdf import MAX_BOUND_PREFIXES

    count = MAX_BOUND_PREFIXES + 100
    lines = [f"@prefix p{i}: <https://example.org/ns{i}/> ." for i in range(count)]
    lines += [f"p{i}:s p{i}:p p{i}:o ." for i in range(count)]
    path = tmp_path / "many.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = parse_file(path)
    assert len(graph) == count
    bound = {str(prefix) for prefix, _ in graph.namespaces() if str(prefix).startswith("p")}
    assert 0 < len(bound) <= MAX_BOUND_PREFIXES
