"""The background is not the user's to change (issue 8, section 5).

Statements in the data about the ontology's own terms, or claiming a term for the ontology,
are split off before any validation engine runs
(``_Input.remove_background_statements`` in samhandling_kg/validation.py), reported as Violations
in nb, nn and en, and never change what the checks see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from samhandling_kg.core.namespace import SAM
from samhandling_kg.core.terms import LANGUAGES
from samhandling_kg.kg.graph import ontology_graph
from samhandling_kg.validation.assemble import node_text
from samhandling_kg.validation.background import BACKGROUND_SHAPE, background_results
from samhandling_kg.validation.engines import validate
from samhandling_kg.validation.input import _read
from samhandling_kg.validation.model import Severity

EXAMPLES = Path(__file__).parents[2] / "examples"
EDI = (EXAMPLES / "edi-2-0.ttl").read_text(encoding="utf-8")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _checks(report: object) -> set[tuple[str, str | None, str]]:
    """The findings of the profile's own shapes (not the background findings)."""
    return {(r.severity.value, r.path, r.source_shape) for r in report.results  # type: ignore[attr-defined]
            if r.source_shape != str(BACKGROUND_SHAPE)}


SWAPPED = (EDI.replace("sam:realises sam:SendAndReceive ;", "sam:realises sam:MessageExchange ;")
              .replace("sam:uses sam:MessageExchange ;", "sam:uses sam:SendAndReceive ;"))


def test_retyping_the_forms_does_not_hide_the_mandatory_violations(tmp_path: Path) -> None:
    plain = validate(_write(tmp_path, "swapped.ttl", SWAPPED))
    hostile = validate(_write(tmp_path, "hostile.ttl", SWAPPED + (
        "sam:MessageExchange a sam:OrganisationalForm .\n"
        "sam:SendAndReceive a sam:TechnicalForm .\n")))
    assert plain.count(Severity.VIOLATION) >= 2
    assert _checks(hostile) == _checks(plain)
    background = [r for r in hostile.results if r.source_shape == str(BACKGROUND_SHAPE)]
    assert {(r.focus_node, r.path) for r in background} == {
        (str(SAM.MessageExchange), str(RDF.type)), (str(SAM.SendAndReceive), str(RDF.type))}
    assert all(r.severity is Severity.VIOLATION and r.file and r.line for r in background)


INCONSISTENT = EDI.replace("sam:uses sam:MessageExchange ;", "sam:uses sam:PortalAccess ;")


def test_a_new_supported_by_link_does_not_hide_the_consistency_warnings(tmp_path: Path) -> None:
    plain = validate(_write(tmp_path, "inconsistent.ttl", INCONSISTENT))
    hostile = validate(_write(tmp_path, "hostile.ttl", INCONSISTENT
                              + "sam:SendAndReceive sam:supportedBy sam:PortalAccess .\n"))
    assert _checks(hostile) == _checks(plain)
    assert plain.count(Severity.WARNING) > 0
    assert hostile.count(Severity.VIOLATION) == plain.count(Severity.VIOLATION) + 1


NEED = """@prefix sam: <https://w3id.org/samhandling#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:MyNeed a sam:Need .
"""


def test_is_defined_by_the_ontology_does_not_hide_a_record(tmp_path: Path) -> None:
    plain = validate(_write(tmp_path, "need.ttl", NEED))
    hostile = validate(_write(tmp_path, "hidden.ttl", NEED + "ex:MyNeed rdfs:isDefinedBy <https://w3id.org/samhandling> .\n"))
    assert [r.node for r in hostile.records] == [r.node for r in plain.records] == ["https://example.org/MyNeed"]
    assert _checks(hostile) == _checks(plain) and plain.results
    (finding,) = [r for r in hostile.results if r.source_shape == str(BACKGROUND_SHAPE)]
    assert finding.path == str(RDFS.isDefinedBy) and finding.line == 4  # where the record starts


def test_only_background_statements_are_still_reported(tmp_path: Path) -> None:
    """Nothing else to validate: the statements are the findings (not 'nothing found')."""
    report = validate(_write(tmp_path, "only.ttl", "@prefix sam: <https://w3id.org/samhandling#> .\n"
                             "sam:SendAndReceive sam:supportedBy sam:PortalAccess .\n"))
    assert not report.conforms and report.count(Severity.VIOLATION) == 1


def test_the_split_keeps_the_data_s_own_statements() -> None:
    data = Graph()
    ex = "https://example.org/"
    own = [
        (URIRef(ex + "Portal"), RDFS.subClassOf, SAM.Solution),
        (URIRef(ex + "p"), RDF.type, URIRef(ex + "Portal")),
        (URIRef(ex + "p"), SAM.realises, SAM.SendAndReceive),
        (URIRef(ex + "p"), RDFS.isDefinedBy, URIRef(ex + "catalogue")),
        # Other vocabularies' terms the ontology also describes stay open to the data.
        (URIRef("http://purl.org/dc/terms/title"), RDFS.comment, URIRef(ex + "note")),
        (URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/915933149"),
         URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef(ex + "home")),
        (URIRef("https://w3id.org/samhandling/catalogue/x"), RDF.type, SAM.Solution),
    ]
    foreign = [
        (SAM.SendAndReceive, SAM.supportedBy, SAM.PortalAccess),
        (URIRef("https://w3id.org/samhandling"), RDFS.label, URIRef(ex + "x")),
        (URIRef(ex + "MyNeed"), RDFS.isDefinedBy, URIRef("https://w3id.org/samhandling")),
        (URIRef(ex + "Mine"), URIRef("http://www.w3.org/2002/07/owl#equivalentClass"), SAM.OrganisationalForm),
    ]
    for triple in own + foreign:
        data.add(triple)
    before = set(data)
    given = _read(data)  # the pre-step every engine's input goes through
    refused = given.remove_background_statements()
    kept = given.data_graph()
    assert set(data) == before  # the input is not changed
    assert set(kept) == set(own)
    assert set(refused) == set(foreign)
    assert list(refused) == sorted(refused, key=lambda t: tuple(node_text(x) for x in t))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_background_findings_speak_every_language(lang: str) -> None:
    ontology = ontology_graph()
    triples = [(SAM.SendAndReceive, SAM.supportedBy, SAM.PortalAccess),
               (URIRef("https://example.org/N"), RDFS.isDefinedBy, URIRef("https://w3id.org/samhandling"))]
    messages = {r.message for r in background_results(triples, ontology, lang)}
    english = {r.message for r in background_results(triples, ontology, "en")}
    assert len(messages) == 2 and all(messages)
    assert lang == "en" or not (messages & english)


def test_the_ontology_s_terms_read_from_oxigraph_equal_rdflib_s() -> None:
    """The pre-step takes the ontology's own terms from its Oxigraph copy (no rdflib parse at
    start-up); they are the terms :func:`background_terms` finds in the rdflib graph."""
    from samhandling_kg.validation.background import _background_terms, background_terms

    assert _background_terms() == background_terms(ontology_graph())
    assert len(_background_terms()) > 100
