"""Hints the report adds to the shapes' messages (samhandling_kg/hints.py): swapped
sam:realises/sam:uses, the standards that fit a technical form, and one finding per misspelt
term — in nb, nn and en, the same for both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from samhandling_kg import SAM, ontology_graph
from samhandling_kg.core.namespace import SAMSH
from samhandling_kg.validation.engines import ENGINES, validate
from samhandling_kg.validation.hints import DID_YOU_MEAN, FITTING_STANDARDS, SWAPPED
from samhandling_kg.validation.model import Severity

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "invalid"
LANGS = ("nb", "nn", "en")
EX = "https://example.org/test/"


def _only(report, shape: URIRef):  # type: ignore[no-untyped-def]
    (result,) = [r for r in report.results if r.source_shape == str(shape)]
    return result


def test_every_hint_speaks_nb_nn_and_en() -> None:
    for texts in [DID_YOU_MEAN, FITTING_STANDARDS, *(t for _, t in SWAPPED.values())]:
        assert set(texts) == set(LANGS)
        assert len(set(texts.values())) == 3, texts  # each language its own text
        assert all(text.strip() == text and text.endswith((".", "?")) for text in texts.values())


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("case", "shape"), [
    ("SolutionRealisesOrganisationalForm", SAMSH.SolutionRealisesOrganisationalForm),  # realises sam:DataSharing
    ("SolutionUsesTechnicalForm", SAMSH.SolutionUsesTechnicalForm),  # uses sam:ChangeAndShare
])
def test_a_form_of_the_other_kind_suggests_swapping_realises_and_uses(case: str, shape: URIRef,
                                                                        lang: str, engine: str) -> None:
    result = _only(validate(INVALID / f"{case}.ttl", lang=lang, engine=engine), shape)
    assert result.message.endswith(" " + SWAPPED[shape][1][lang]), result.message
    assert result.severity is Severity.VIOLATION  # the hint changes no severity


def test_the_swap_hint_names_the_fix_in_each_language() -> None:
    expected = {
        "nb": "har du byttet om sam:realises og sam:uses? En teknisk form oppgis med sam:uses.",
        "nn": "har du bytt om sam:realises og sam:uses? Ei teknisk form vert oppgjeven med sam:uses.",
        "en": "are sam:realises and sam:uses swapped? A technical form goes with sam:uses.",
    }
    for lang, ending in expected.items():
        result = _only(validate(INVALID / "SolutionRealisesOrganisationalForm.ttl", lang=lang),
                       SAMSH.SolutionRealisesOrganisationalForm)
        assert result.message.endswith(ending)


def test_no_swap_hint_for_a_value_that_is_no_form() -> None:
    text = (INVALID / "valid.ttl").read_text(encoding="utf-8").replace(
        "sam:realises sam:LookUpAndMakeAvailable", "sam:realises sam:LookUpAndMakeAvailable , ex:notAForm")
    graph = Graph().parse(data=text, format="turtle")
    result = _only(validate(graph, lang="en"), SAMSH.SolutionRealisesOrganisationalForm)
    assert result.message.endswith("of the knowledge graph."), result.message


def _own_standards(form: URIRef) -> list[str]:
    """The standards of ``form`` no other form shares, read straight from the ontology."""
    graph = ontology_graph()
    return sorted("sam:" + str(s)[len(str(SAM)):] for s in graph.objects(form, SAM.standardisedBy)
                  if set(graph.subjects(SAM.standardisedBy, s)) == {form})


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize(("case", "form"), [("StandardFitsTechnicalForm", SAM.DataSharing),
                                            ("StandardFitsTechnicalForm-document-sharing", SAM.DocumentSharing)])
def test_the_standards_warning_lists_the_standards_that_fit(case: str, form: URIRef, engine: str) -> None:
    standards = _own_standards(form)
    assert len(standards) >= 3
    for lang in LANGS:
        message = _only(validate(INVALID / f"{case}.ttl", lang=lang, engine=engine),
                        SAMSH.StandardFitsTechnicalForm).message
        head = FITTING_STANDARDS[lang].split("{}")[0]
        assert head in message, message
        listed = message[message.index(head) + len(head):]
        assert [name for name in standards if name in listed] == standards
        assert "sam:HelseID" not in listed  # shared by every form: it fits none in particular
    data_sharing = _only(validate(INVALID / "StandardFitsTechnicalForm.ttl", lang="en"),
                         SAMSH.StandardFitsTechnicalForm).message
    assert "sam:HL7_FHIR_R4 (HL7 FHIR R4)" in data_sharing


def _misspelt(realises: str, addresses: str) -> Graph:
    text = (INVALID / "valid.ttl").read_text(encoding="utf-8")
    text = text.replace("sam:realises sam:LookUpAndMakeAvailable", f"sam:realises {realises}")
    text = text.replace("sam:addresses sam:ExaminationsMeasurementsFindings", f"sam:addresses {addresses}")
    return Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_misspelt_need_is_one_warning_with_the_suggestion(engine: str) -> None:
    data = _misspelt("sam:LookUpAndMakeAvailable", "sam:ExaminationsMeasurementFindings")
    report = validate(data, lang="en", engine=engine, fail_on="info")
    about = [r for r in report.results if r.value == str(SAM) + "ExaminationsMeasurementFindings"]
    assert [r.source_shape for r in about] == [str(SAMSH.KnownTerm)]
    assert about[0].message.endswith("Did you mean sam:ExaminationsMeasurementsFindings?")


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("lang", LANGS)
def test_a_misspelt_form_is_one_violation_with_the_suggestion(engine: str, lang: str) -> None:
    data = _misspelt("sam:LookUpAndMakeAvaliable", "sam:ExaminationsMeasurementsFindings")
    report = validate(data, lang=lang, engine=engine, fail_on="info")
    about = [r for r in report.results if r.value == str(SAM) + "LookUpAndMakeAvaliable"]
    assert [r.source_shape for r in about] == [str(SAMSH.SolutionRealisesOrganisationalForm)]
    assert about[0].severity is Severity.VIOLATION and not report.conforms
    assert about[0].message.endswith(" " + DID_YOU_MEAN[lang].format("sam:LookUpAndMakeAvailable"))


def test_a_misspelt_term_that_breaks_nothing_else_is_still_named() -> None:
    data = _misspelt("sam:LookUpAndMakeAvailable", "sam:ExaminationsMeasurementsFindings")
    data.add((URIRef(EX + "sol"), URIRef(str(SAM) + "realizes"), SAM.ChangeAndShare))
    data.add((URIRef(EX + "sol"), DCTERMS.subject, Literal("x")))
    report = validate(data, lang="en", fail_on="info")
    assert [r.source_shape for r in report.results] == [str(SAMSH.KnownTerm)]
