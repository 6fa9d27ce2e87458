"""Validation of the catalogue a SPARQL endpoint holds: the compiled checks run there,
page by page."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import (
    DCTERMS,
    RDF,
    RDFS,
    SKOS,
)
from rdflib.term import Node

from samhandling_kg.core import limits
from samhandling_kg.core.errors import SamhandlingError, UnsupportedShape, localised
from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.progress import ProgressCallback
from samhandling_kg.core.terms import DEFAULT_LANGUAGE, IRI_FORBIDDEN, LANGUAGES
from samhandling_kg.io.http import display_url
from samhandling_kg.io.oxigraph import to_ox, to_rdflib
from samhandling_kg.stores.endpoint import open_store
from samhandling_kg.validation.assemble import report_for
from samhandling_kg.validation.background import _ontology_quads
from samhandling_kg.validation.compiler.sparql import LATERAL_REASON, LATERAL_REASONS
from samhandling_kg.validation.engines import _finding, checks_for, read_shapes
from samhandling_kg.validation.input import _Input
from samhandling_kg.validation.model import (
    DATA,
    Finding,
    Severity,
    ValidationReport,
    node_text,
    severity_of,
)

PAGE_SIZE = 5000

_REPORT_TRIPLES = f"""SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER (?p IN (<{RDF.type}>, <{DCTERMS.title}>, <{SKOS.prefLabel}>, <{RDFS.label}>,
                 <{SAM.realises}>, <{SAM.uses}>, <{SAM.addresses}>))
}}"""
_REMOTE_HAS_RECORDS = f"""ASK {{
  {{ ?s <{SAM.realises}>|<{SAM.uses}>|<{SAM.addresses}> ?o }}
  UNION {{ ?s a/<{RDFS.subClassOf}>* <{SAM.Solution}> }}
  UNION {{ ?s a/<{RDFS.subClassOf}>* ?k FILTER (?k IN (<{SAM.Need}>, <{SAM.InteractionForm}>))
          FILTER NOT EXISTS {{ ?s <{RDFS.isDefinedBy}> <https://w3id.org/samhandling> }} }}
}}"""


class _RemoteInput(_Input):
    """A catalogue held by a SPARQL endpoint. The compiled queries run there; only what the
    report shows (types, titles, labels, the solution properties) is copied into the private
    store for the report. The background's own nodes are the bundled ontology's subjects."""

    def __init__(self, store: Any, page_size: int) -> None:
        super().__init__()
        self.remote = store
        self.page_size = page_size

    def is_data_subject(self, node: Node) -> bool:
        return node not in _ontology_subjects()

    def select(self, query: str, more: tuple[str, ...] = ()
               ) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        """All rows of a SELECT, fetched in pages in a fixed order (by ``more`` variables too:
        a SHACL-SPARQL constraint's rows may differ in those alone)."""
        order = "".join(f" ?{variable}" for variable in more)
        head = re.search(r"^SELECT ", query, re.MULTILINE)
        assert head is not None
        prologue, body = query[:head.start()], query[head.start():]
        page = self.page_size
        rows: list[tuple[Node | None, ...]] = []
        variables: tuple[str, ...] = ()
        most = limits.ROWS.value()
        where = display_url(str(self.remote.endpoint))
        while True:
            text = (f"{prologue}SELECT * WHERE {{ {{ {body} }} }} "
                    f"ORDER BY ?this ?path ?value{order} ?s ?p ?o LIMIT {page} OFFSET {len(rows)}")
            result = self.remote.query(text, source="compiled profile")
            variables = result.variables
            got = list(result.rows)
            rows.extend(got)
            if len(rows) > most:  # a store that answers every page full would never end
                raise localised(SamhandlingError, {
                    "nb": "{where}: en kontroll i profilen fikk mer enn {limit}; lageret fortsetter å svare "
                          "med fulle sider",
                    "nn": "{where}: ein kontroll i profilen fekk meir enn {limit}; lageret held fram med å "
                          "svare med fulle sider",
                    "en": "{where}: a check of the profile got more than {limit}; the store keeps answering "
                          "full pages"}, where=where, limit=limits.ROWS.described(most))
            if result.truncated:
                if not got:
                    raise localised(SamhandlingError, {
                        "nb": "{where}: endepunktet kuttet et svar til null rader; kan ikke validere",
                        "nn": "{where}: endepunktet kutta eit svar til null rader; kan ikkje validere",
                        "en": "{where}: the endpoint cut an answer to no rows; cannot validate"}, where=where)
                floor = min(limits.ROW_FLOOR, max(1, self.page_size // 2))
                if len(got) < floor:  # a request per row would never end
                    raise localised(SamhandlingError, {
                        "nb": "{where}: lageret avkorter svarene sine ved {rows} {nb} (X-SPARQL-MaxRows), færre "
                              "enn de {floor} en side trenger; hev grensen (Virtuoso: ResultSetMaxRows)",
                        "nn": "{where}: lageret kortar av svara sine ved {rows} {nn} (X-SPARQL-MaxRows), færre "
                              "enn dei {floor} ei side treng; hev grensa (Virtuoso: ResultSetMaxRows)",
                        "en": "{where}: the store caps its answers at {rows} {en} (X-SPARQL-MaxRows), fewer "
                              "than the {floor} a page needs; raise its limit (Virtuoso: ResultSetMaxRows)"},
                        where=where, rows=len(got), floor=floor, nb="rad" if len(got) == 1 else "rader",
                        nn="rad" if len(got) == 1 else "rader", en="row" if len(got) == 1 else "rows")
                # The store's own cap is below the page: fetch the rest in pages of that size.
                page = min(page, len(got))
                continue
            if len(got) < page:
                return variables, rows

    def fetch_report_triples(self) -> None:
        variables, rows = self.select(_REPORT_TRIPLES)
        quads = []
        for row in rows:
            values = dict(zip(variables, row))
            s, p, o = values.get("s"), values.get("p"), values.get("o")
            if s is None or p is None or o is None or isinstance(s, Literal):
                continue
            quads.append(ox.Quad(to_ox(s, "r"), to_ox(p), to_ox(o, "r"), DATA))  # type: ignore[arg-type]
        self.store.extend(quads)
        self.store.extend(_ontology_quads())


@cache
def _ontology_subjects() -> frozenset[Node]:
    return frozenset(to_rdflib(q.subject) for q in _ontology_quads())


def validate_endpoint(
    endpoint: str,
    *,
    graph: str | None = None,
    background_graph: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    fail_on: Severity | str = Severity.VIOLATION,
    store: Any = None,
    page_size: int = PAGE_SIZE,
    progress: ProgressCallback | None = None,
    shapes: Any = None,
    profile: str = "samhandling",
) -> ValidationReport:
    """Validate the catalogue a SPARQL 1.1 endpoint holds with the compiled profile, run at
    the endpoint. ``graph`` names the graph holding the catalogue (the protocol's
    default-graph-uri; ``samhandling load`` puts the ontology beside it), ``background_graph``
    a graph holding the ontology when it is elsewhere. ``store`` is an
    :class:`~samhandling_kg.stores.endpoint.EndpointStore` to use instead of one made from
    ``endpoint`` (credentials and timeout from the environment). ``progress`` as for
    :func:`validate` (the number of records is not known at an endpoint: None). ``shapes``
    and ``profile`` as for :func:`validate`; literals are as the endpoint's store holds them.
    """

    if lang not in LANGUAGES:
        raise localised(SamhandlingError, {
            "nb": "ukjent språk «{lang}»; kjente språk: {known}",
            "nn": "ukjend språk «{lang}»; kjende språk: {known}",
            "en": "unknown language {lang_repr}; known: {known}"},
            lang=lang, lang_repr=repr(lang), known=", ".join(LANGUAGES))
    threshold = Severity.parse(fail_on)
    user = read_shapes(shapes)
    shapes_graph, checks = checks_for(user, profile)
    general = profile == "none"
    for check in checks:
        if check.local_only:
            reasons = (LATERAL_REASONS if check.local_only == LATERAL_REASON
                       else dict.fromkeys(("nb", "nn", "en"), check.local_only))
            raise localised(UnsupportedShape, {
                "nb": "SHACL-formen {shape}: {reason}; valider dataene lokalt i stedet for ved --endpoint",
                "nn": "SHACL-forma {shape}: {reason}; valider dataa lokalt i staden for ved --endpoint",
                "en": "shape {shape}: {reason}; validate the data locally instead of at --endpoint"},
                shape=node_text(check.shape), reason=reasons)
    if store is None:
        store = open_store(endpoint=endpoint, graph=graph)
    if background_graph:
        if IRI_FORBIDDEN.search(background_graph) or not background_graph:
            raise localised(SamhandlingError, {
                "nb": "--background-graph: ikke en IRI: «{graph}»",
                "nn": "--background-graph: ikkje ein IRI: «{graph}»",
                "en": "--background-graph: not an IRI: {graph_repr}"},
                graph=background_graph, graph_repr=repr(background_graph))
        store.extra_default_graphs = (background_graph,)
    given = _RemoteInput(store, page_size)
    if user is None and not store.query(_REMOTE_HAS_RECORDS, source="compiled profile").boolean:
        where = f" (graph <{graph}>)" if graph else ""
        raise localised(SamhandlingError, {
            "nb": "{url}{nb}: fant ingen løsningsbeskrivelse (sam:Solution)",
            "nn": "{url}{nn}: fann inga løysingsskildring (sam:Solution)",
            "en": "{url}{en}: no solution description (sam:Solution) found"},
            url=display_url(endpoint), en=where, nb=f" (grafen <{graph}>)" if graph else "",
            nn=f" (grafen <{graph}>)" if graph else "")
    findings: list[Finding] = []
    if progress is not None:
        progress("check", None)
    for check in checks:
        severity = severity_of(check.severity)
        variables, rows = given.select(check.query, check.bindings)
        for row in rows:
            values = dict(zip(variables, row))
            focus = values.get("this")
            if focus is None or (not general and not given.is_data_subject(focus)):
                continue
            value = values.get("value") if check.reports_value else None
            path = values.get("path") if check.selects_path else None
            findings.append(_finding(check, to_ox(focus, "r"),
                                     to_ox(path) if path is not None else None,
                                     to_ox(value, "r") if value is not None else None,
                                     severity,
                                     tuple((v, to_ox(bound, "r")) for v in check.bindings
                                           if (bound := values.get(v)) is not None)))
    if progress is not None:
        progress("report", len(findings))
    given.fetch_report_triples()
    return report_for(given, findings, lang=lang, fail_on=threshold, shapes=shapes_graph,
                      general=general)
