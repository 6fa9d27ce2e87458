"""The catalogue of real Norwegian solutions in examples/: every record is a test case."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from samhandling_kg import SAM, ontology_graph, validate
from samhandling_kg.core.orgnr import organisation_number_of, organisation_number_valid
from samhandling_kg.io.rdf import parse_file
from samhandling_kg.validation.model import Severity

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.ttl"))
NHN = "994598759"

#: Solutions whose classification no source states outright, by record id.
INFERRED = {"sentral-forskrivningsmodul", "helsenorge", "pasientens-maledata", "adresseregisteret", "helseid"}


def test_catalogue_has_at_least_18_solutions() -> None:
    assert len(EXAMPLES) >= 18
    solutions = set()
    for path in EXAMPLES:
        solutions |= set(parse_file(path).subjects(RDF.type, SAM.Solution))
    assert len(solutions) == len(EXAMPLES), "one solution per file"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_has_no_violation(path: Path) -> None:
    report = validate(path)
    assert report.conforms, [r.as_json() for r in report.failing()]
    assert report.count(Severity.VIOLATION) == 0
    assert [r.kind for r in report.records].count("solution") == 1


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_warnings_are_explained(path: Path) -> None:
    report = validate(path, fail_on="warning")
    graph = parse_file(path)
    notes = " ".join(str(n) for n in graph.objects(None, SKOS.editorialNote))
    if not report.conforms:
        assert "Expected warning" in notes, [r.message for r in report.failing()]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_publisher_is_a_checked_organisation_number(path: Path) -> None:
    graph = parse_file(path)
    (solution,) = graph.subjects(RDF.type, SAM.Solution)
    (publisher,) = graph.objects(solution, DCTERMS.publisher)
    number = organisation_number_of(str(publisher))
    assert number is not None and organisation_number_valid(number), publisher
    notes = " ".join(str(n) for n in graph.objects(solution, SKOS.editorialNote))
    assert number in notes, "the record says whose number it is"


def test_norsk_helsenett_number_has_a_valid_check_digit() -> None:
    assert organisation_number_valid(NHN)
    nhn_records = [p for p in EXAMPLES if NHN in p.read_text(encoding="utf-8")]
    assert len(nhn_records) >= 15


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_described_completely(path: Path) -> None:
    graph = parse_file(path)
    (solution,) = graph.subjects(RDF.type, SAM.Solution)
    for lang in ("nb", "nn", "en"):
        assert any(t.language == lang for t in graph.objects(solution, DCTERMS.title))
        assert any(d.language == lang for d in graph.objects(solution, DCTERMS.description))
    assert list(graph.objects(solution, SAM.addresses)), "needs"
    landing = list(graph.objects(solution, URIRef("http://www.w3.org/ns/dcat#landingPage")))
    assert landing and all(str(x).startswith("https://") for x in landing)


@pytest.mark.parametrize("stem", sorted(INFERRED))
def test_inferred_classification_is_said(stem: str) -> None:
    graph = parse_file(ROOT / "examples" / f"{stem}.ttl")
    notes = [str(n) for n in graph.objects(None, SKOS.editorialNote)]
    assert any(re.search(r"[Cc]lassification inferred", n) for n in notes), notes


def test_catalogue_covers_every_form() -> None:
    data = Graph()
    for path in EXAMPLES:
        parse_file(path, data)
    ontology = ontology_graph()
    organisational = set(ontology.subjects(RDF.type, SAM.OrganisationalForm))
    technical = set(ontology.subjects(RDF.type, SAM.TechnicalForm))
    assert set(data.objects(None, SAM.realises)) >= organisational
    assert set(data.objects(None, SAM.uses)) >= technical


def test_whole_catalogue_at_once_is_fast_and_clean() -> None:
    start = time.perf_counter()
    report = validate(ROOT / "examples")
    elapsed = time.perf_counter() - start
    assert report.count(Severity.VIOLATION) == 0
    assert len([r for r in report.records if r.kind == "solution"]) == len(EXAMPLES)
    # measured about 0.5 s; the bound leaves room for a busy shared machine
    assert elapsed < 15, f"validating the catalogue took {elapsed:.1f} s"


def test_every_shape_passes_somewhere_in_the_catalogue() -> None:
    """Each shape has passing cases: a record of the catalogue it applies to without a result."""
    from samhandling_kg.validation.profile_docs import profile_rows

    report = validate(ROOT / "examples", fail_on="info")
    solutions = [r.node for r in report.records if r.kind == "solution"]
    declared = []
    for path in EXAMPLES:
        graph = parse_file(path)
        declared += [s for s in graph.subjects(RDF.type, SAM.Need)]
    assert declared, "the catalogue declares needs of its own"
    for row in profile_rows():
        hit = {r.focus_node for r in report.results if r.source_shape == row.shape}
        targets = [str(d) for d in declared] if "Declared" in row.shape else solutions
        assert set(targets) - hit, f"{row.shape} passes for no record"


def test_documented_minimal_example_validates(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    block = re.search(r"## A minimal description\n\n```turtle\n(.*?)```", doc, re.DOTALL)
    assert block
    path = tmp_path / "minimal.ttl"
    path.write_text(block.group(1), encoding="utf-8")
    report = validate(path, fail_on="warning")
    assert report.conforms, [r.as_json() for r in report.results]


#: Names of organisations, services and products: the same in Bokmål and Nynorsk.
PROPER_NAMES = (
    "Helse Sør-Øst", "Helse Nord", "Helse Vest", "Reseptformidleren", "Meldingstjener-API",
    "Persontjenesten", "Pasientens journaldokumenter", "Pasientens legemiddelliste",
    "Pasientens måledata", "Pasientens prøvesvar", "Sentral forskrivningsmodul", "Kjernejournalportalen",
    "Adresseregisteret", "Helseplattformen", "Helsenorge", "HelseID", "Helsenettet", "DIPS Arena",
)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_proper_names_are_not_translated_into_nynorsk(path: Path) -> None:
    graph = parse_file(path)
    (solution,) = graph.subjects(RDF.type, SAM.Solution)
    for predicate in (DCTERMS.title, DCTERMS.description):
        texts = {t.language: str(t) for t in graph.objects(solution, predicate)}
        for name in PROPER_NAMES:
            if name in texts["nb"]:
                assert name in texts["nn"], (predicate, name, texts["nn"])
