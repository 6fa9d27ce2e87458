"""Inference (``docs``, ``--infer``) is bounded in time and in what it derives (issue 23): an
``owl:sameAs`` chain derives the square of its length (a 55 KB one ran for minutes); past
SAMHANDLING_MAX_INFERRED triples or SAMHANDLING_MAX_INFER_SECONDS it stops with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_one_line_error, run


def _chain(path: Path, length: int) -> Path:
    lines = [f"<https://example.org/x{i}> <http://www.w3.org/2002/07/owl#sameAs> <https://example.org/x{i + 1}> .\n"
             for i in range(length)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("argv", [
    ["export", "--infer", "--format", "nt", "--data", "{f}", "--lang", "en"],
    ["query", "cq01-organisational-forms", "--infer", "--store", "rdflib", "--data", "{f}", "--lang", "en"],
])
def test_an_owl_same_as_chain_stops_at_the_derived_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       argv: list[str]) -> None:
    data = _chain(tmp_path / "chain.nt", 400)  # 160,000 sameAs triples, and their consequences
    monkeypatch.setenv("SAMHANDLING_MAX_INFERRED", "20000")
    code, _, err = run(*[a.replace("{f}", str(data)) for a in argv])
    assert_one_line_error(code, err, "inference derived more than 20 000 triples", "SAMHANDLING_MAX_INFERRED")


def test_docs_stops_at_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _chain(tmp_path / "chain.nt", 400)
    monkeypatch.setenv("SAMHANDLING_MAX_INFER_SECONDS", "1")
    code, _, err = run("docs", "--output", str(tmp_path / "site"), "--data", str(data))
    assert_one_line_error(code, err, "inference ", "SAMHANDLING_MAX_INFER")


def test_the_knowledge_graph_itself_infers_within_the_limits(tmp_path: Path) -> None:
    code, out, err = run("export", "--infer", "--format", "nt")
    assert code == 0, err
    assert out.count("\n") > 1000
