"""The small shared helpers live once, in samhandling_kg/terms.py."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef

from samhandling_kg.core import terms
from samhandling_kg.core.namespace import SAM, SAMSRC
from samhandling_kg.kg import graph as graph_module
from samhandling_kg.kg import questions

PACKAGE = Path(terms.__file__).resolve().parents[1]
# Modules other engineers were changing when the terms module came; they still hold their own
# copies (listed in the merge report) until they are switched to terms.py.
NOT_YET_SWITCHED: set[str] = set()


def test_shorten_uses_the_project_prefixes_and_the_longest_namespace() -> None:
    assert terms.shorten(SAM.Solution) == "sam:Solution"
    assert terms.shorten(f"{SAMSRC}hitr-1212-2018") == "samsrc:hitr-1212-2018"
    assert terms.shorten("https://w3id.org/samhandling/source/x",
                         {"base": "https://w3id.org/samhandling/", "samsrc": str(SAMSRC)}) == "samsrc:x"
    assert terms.shorten("http://www.w3.org/ns/dcat#Dataset") == "dcat:Dataset"
    assert terms.shorten("https://example.org/x") == "https://example.org/x"
    assert terms.shorten("https://example.org/x", brackets=True) == "<https://example.org/x>"
    assert terms.shorten(str(SAM)) == str(SAM)  # a namespace alone has no short name


def test_one_prefix_table_and_one_language_list() -> None:
    assert graph_module.PREFIXES is terms.PREFIXES
    assert questions.LANGUAGES is terms.LANGUAGES


def test_merge_into_copies_triples_and_prefixes() -> None:
    source = Graph()
    source.bind("ex", "https://example.org/")
    source.add((URIRef("https://example.org/a"), SAM.uses, SAM.DataSharing))
    target = terms.merge_into(Graph(), source)
    assert set(target) == set(source)
    assert dict(target.namespaces())["ex"] == URIRef("https://example.org/")


def _sources() -> dict[str, str]:
    return {str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
            if p.name not in NOT_YET_SWITCHED}


def test_helpers_are_defined_once() -> None:
    patterns = {
        "the forbidden-IRI characters": re.compile(r"""x00-\\x20<>"\{\}\|\^`"""),
        "the absolute-IRI scheme": re.compile(r"\[A-Za-z\]\[A-Za-z0-9\+\.-\]\*:"),
        "the ontology IRI": re.compile(r"""URIRef\(["']https://w3id\.org/samhandling["']\)"""),
        "a prefix table": re.compile(r"""["']http://purl\.org/dc/terms/["']\s*:"""),
        "the prefix-copying loop": re.compile(r"for prefix, namespace in \w+(\.\w+)*\.namespaces\(\):\n\s*\w+\.bind\("),
    }
    for what, pattern in patterns.items():
        where = sorted(name for name, text in _sources().items() if pattern.search(text))
        assert len(where) <= 1, (what, where)
