"""The export profiles ``samhandling export --profile NAME`` knows: the one registry the
command line reads (its choices, its help, and what each profile does).

A profile turns the knowledge graph (ontology plus ``--data``) into a graph for a national
catalogue and says what it found on the way: lines for stderr, an exit status, and whether the
graph may be written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from samhandling_kg.core.errors import printable
from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.kg.graph import load_knowledge_graph
from samhandling_kg.publish.publisher import publisher_iri


@dataclass(frozen=True)
class ProfileRun:
    """What a profile made: the graph, lines for stderr, the exit status (0 or 1), and
    whether the graph is written (a profile checked before it is written withholds it)."""

    graph: Graph
    lines: tuple[str, ...]
    status: int
    write: bool


@dataclass(frozen=True)
class ExportProfile:
    name: str
    help: str
    #: (data files, --publisher, --contact-email, --contact-url) -> what it made
    run: Callable[[Sequence[str | Path], str | None, str | None, str | None], ProfileRun]


def _skos_ap_no(data: Sequence[str | Path], publisher: str | None, email: str | None,
                url: str | None) -> ProfileRun:
    from samhandling_kg.publish.skos_ap_no import check, skos_ap_no

    graph = skos_ap_no(load_knowledge_graph(data), publisher_iri(publisher) if publisher is not None else None,
                       email=email, url=url)
    lines, status = [], 0
    if data:
        # The ontology's own concepts pass (tests/publish/test_skosap.py); concepts from data files may not: say
        # which and why, and exit 1, but still write what was asked for.
        for finding in check(graph):
            lines.append(f"samhandling: {finding.severity.lower()}: <{finding.focus}>: "
                         f"{printable(finding.message)}")
            status = 1 if finding.severity == "Violation" else status
    return ProfileRun(graph, tuple(lines), status, write=True)


def _named(graph: Graph, node: URIRef, lang: str) -> str:
    titles = {t.language: str(t) for t in graph.objects(node, DCTERMS.title) if hasattr(t, "language")}
    title = titles.get(lang) or titles.get("nb") or next(iter(sorted(titles.values())), "")
    return f"<{node}> ({printable(title)})" if title else f"<{node}>"


def _dcat_ap_no(data: Sequence[str | Path], publisher: str | None, email: str | None,
                url: str | None) -> ProfileRun:
    from samhandling_kg.publish.dcat_ap_no import check, dcat_ap_no, record_of

    lang = DEFAULT_LANGUAGE
    export = dcat_ap_no(load_knowledge_graph(data),
                        publisher_iri(publisher) if publisher is not None else None, lang=lang,
                        email=email, url=url)
    lines = [f"samhandling: left out: <{n.solution}> ({printable(n.title)}): {printable(n.text)}"
             for n in export.left_out]
    lines += [f"samhandling: note: <{n.solution}> ({printable(n.title)}): {printable(n.text)}"
              for n in export.notes]
    status = 0
    # Checked before it is written: a record that fails is named, and nothing is written.
    for finding in check(export.graph, lang=lang):
        record = record_of(export.graph, finding.focus)
        where = _named(export.graph, record, lang) if record is not None else f"<{finding.focus}>"
        term = _term(export.graph, finding.focus)
        if record is not None and finding.focus != str(record) and not isinstance(term, BNode):
            # a literal where a party or standard belongs is quoted, not shown as an IRI
            where += (f': "{printable(finding.focus)}"' if isinstance(term, Literal)
                      else f": <{finding.focus}>")
        lines.append(f"samhandling: {finding.severity.lower()}: {where}: {printable(finding.message)}")
        status = 1 if finding.severity == "Violation" else status
    lines.append(f"samhandling: dcat-ap-no: {len(export.services)} data services, "
                 f"{len(export.left_out)} solutions left out")
    return ProfileRun(export.graph, tuple(lines), status, write=status == 0)


def _term(graph: Graph, text: str) -> object:
    for node in graph.all_nodes():
        if str(node) == text:
            return node
    return None


#: The profiles by the names ``--profile`` takes (``skos-ap-no`` and ``dcat-ap-no`` are fixed
#: by the public contract).
PROFILES: dict[str, ExportProfile] = {p.name: p for p in (
    ExportProfile("skos-ap-no", "the concepts as a SKOS-AP-NO-Begrep concept collection for the "
                  "national concept catalogue", _skos_ap_no),
    ExportProfile("dcat-ap-no", "the solutions of the --data files with an API endpoint as a "
                  "DCAT-AP-NO catalogue of data services (docs/dcat-ap-no.md); checked before it "
                  "is written", _dcat_ap_no),
)}
