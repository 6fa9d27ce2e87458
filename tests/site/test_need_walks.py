"""Walks over skos:broader in the site are iterative and cycle-safe (issue 23): a two-need
cycle under an ontology need, or a chain deeper than Python's recursion limit (the issue's
was 3,000 deep; 1,500 fails a recursive walk alike, at half the cost of building its 4,500
pages), is a page, not a RecursionError in ``docs`` or a 500 from ``serve``."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import run

PREFIXES = ("@prefix sam: <https://w3id.org/samhandling#> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix ex: <https://example.org/> .\n")


def _cycle(path: Path) -> Path:
    path.write_text(PREFIXES + 'ex:n1 a sam:Need ; skos:prefLabel "N1"@nb ; skos:broader ex:n2 , sam:SendReferral .\n'
                    'ex:n2 a sam:Need ; skos:prefLabel "N2"@nb ; skos:broader ex:n1 .\n', encoding="utf-8")
    return path


def _chain(path: Path, depth: int) -> Path:
    lines = [PREFIXES, 'ex:n0 a sam:Need ; skos:prefLabel "N0"@nb ; skos:broader sam:SendReferral .\n']
    lines += [f'ex:n{i} a sam:Need ; skos:prefLabel "N{i}"@nb ; skos:broader ex:n{i - 1} .\n' for i in range(1, depth)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("ul", "li"):
            self.open.append(tag)
            self.deepest = max(self.deepest, self.open.count("ul"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "li"):
            assert self.open and self.open.pop() == tag, (tag, self.open[-3:])


@pytest.mark.parametrize("shape", ["cycle", "chain-1500"])
def test_docs_lists_needs_of_a_cycle_and_a_deep_chain(tmp_path: Path, shape: str) -> None:
    data = _cycle(tmp_path / "cycle.ttl") if shape == "cycle" else _chain(tmp_path / "chain.ttl", 1500)
    code, _, err = run("docs", "--output", str(tmp_path / "site"), "--data", str(data))
    assert code == 0, err
    page = (tmp_path / "site" / "en" / "needs.html").read_text(encoding="utf-8")
    balance = _Balance()
    balance.feed(page)
    assert balance.open == []
    assert "https://example.org/n1" in page
    if shape != "cycle":
        assert "https://example.org/n1499" in page and balance.deepest >= 1500
