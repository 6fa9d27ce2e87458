"""Every text output that can carry data-supplied text escapes control and bidirectional
formatting characters with the one function of core/text.py (issue 23): ``recommend`` and its
``--list``, ``query --endpoint``'s table (blank-node labels, variable names) and its "default
graph is empty" note, the SKOS-AP-NO finding lines; line breaks of a many-line text stay."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import SPARQL_JSON, StubHandler, http_server, run

from samhandling_kg.core.errors import printable as reexported
from samhandling_kg.core.text import printable, printable_lines

HOSTILE = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[2J\x1b[31m\u202eevil\r"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_one_function_escapes_and_many_line_text_keeps_its_breaks() -> None:
    assert reexported is printable
    assert printable("a\nb\x1b") == "a\\x0ab\\x1b"
    assert printable_lines("a\nb\x1b\r\u202e\tc") == "a\nb\\x1b\\x0d\\u202e\tc"


def _need_data(path: Path) -> Path:
    label = json.dumps(HOSTILE)  # a JSON string is a valid Turtle string (\\u escapes)
    path.write_text("@prefix sam: <https://w3id.org/samhandling#> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    f"<https://example.org/need\u202e> a sam:Need ; skos:prefLabel {label}@nb ; "
                    "skos:broader sam:SendReferral .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("argv", [["recommend", "--list"], ["recommend", "--need", "https://example.org/need\u202e"]])
def test_recommend_escapes_labels_of_the_data(tmp_path: Path, argv: list[str]) -> None:
    data = _need_data(tmp_path / "needs.ttl")
    code, out, err = run(*argv, "--data", str(data))
    assert code == 0, err
    assert "\\x1b]8;;https://evil.example" in out or "\\u202e" in out, out[-500:]
    assert not RAW.search(out), [m.group() for m in RAW.finditer(out)][:5]


class _Endpoint(StubHandler):
    answer: ClassVar[dict[str, object]] = {}
    graphs: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)).get("query", "")
        if "GRAPH ?g" in query:
            body = {"head": {"vars": ["g"]}, "results": {"bindings": [
                {"g": {"type": "uri", "value": g}} for g in type(self).graphs]}}
        elif "LIMIT 1" in query:
            body = {"head": {"vars": ["s"]}, "results": {"bindings": []}}
        else:
            body = type(self).answer
        self.reply(200, json.dumps(body).encode(), SPARQL_JSON)


def test_the_endpoint_table_escapes_blank_node_labels_and_variable_names(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    _Endpoint.answer = {"head": {"vars": ["s", HOSTILE]}, "results": {"bindings": [
        {"s": {"type": "bnode", "value": HOSTILE}, HOSTILE: {"type": "literal", "value": "x"}}]}}
    with http_server(_Endpoint) as url:
        code, out, err = run("query", str(query), "--endpoint", f"{url}/sparql")
    assert code == 0, err
    assert "_:\\x1b]8;;" in out and not RAW.search(out), out


def test_the_default_graph_note_escapes_graph_names(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    _Endpoint.answer = {"head": {"vars": ["s"]}, "results": {"bindings": []}}
    _Endpoint.graphs = ["https://example.org/g\u202e\u2066"]
    with http_server(_Endpoint) as url:
        code, out, err = run("query", str(query), "--endpoint", f"{url}/sparql")
    assert code == 0, err
    assert "default graph is empty" in err and "g\\u202e\\u2066" in err and not RAW.search(err), err


def test_profile_finding_lines_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SKOS-AP-NO finding names a concept by its IRI, which may hold U+202E: the lines a
    profile gives go to stderr through the one escaping function."""
    from dataclasses import replace

    from rdflib import Graph

    from samhandling_kg.publish import profiles

    line = f"samhandling: violation: <https://example.org/c\u202e{HOSTILE}>: no prefLabel"
    hostile = replace(profiles.PROFILES["skos-ap-no"],
                      run=lambda *args: profiles.ProfileRun(Graph(), (line,), 1, write=False))
    monkeypatch.setitem(profiles.PROFILES, "skos-ap-no", hostile)
    code, _, err = run("export", "--profile", "skos-ap-no")
    assert code == 1 and err.count("\n") == 1, err
    assert "c\\u202e\\x1b]8;;" in err and not RAW.search(err.rstrip("\n")), err
