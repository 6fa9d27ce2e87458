"""The SHACL profile: structure of the shapes, one exact failing case per shape, the
knowledge graph as background, user extensions, the organisation-number rule, no network,
and the generated profile table in docs/validation.md."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from samhandling_kg import SAM, ontology_graph, validate
from samhandling_kg.core.namespace import SAMSH
from samhandling_kg.core.orgnr import organisation_number_of, organisation_number_valid
from samhandling_kg.core.resources import shape_paths
from samhandling_kg.kg.graph import shapes_graph
from samhandling_kg.validation.background import BACKGROUND_SHAPE
from samhandling_kg.validation.model import Severity, ValidationReport
from samhandling_kg.validation.profile_docs import profile_rows, profile_table, render_doc_tables

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "invalid"
SH = Namespace("http://www.w3.org/ns/shacl#")
LANGS = ("nb", "nn", "en")

PREFIXES = {
    "ex": "https://example.org/test/",
    "sam": "https://w3id.org/samhandling#",
    "samsh": str(SAMSH),
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

#: The mandatory set of the public contract, by path; nothing else may be a Violation.
CONTRACT_MANDATORY_PATHS = {
    "rdf:type", "dct:identifier", "dct:title", "dct:description", "dct:publisher",
    "sam:realises", "sam:uses",
}


def expand(text: str) -> str:
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not text.startswith("http"):
        return PREFIXES[prefix] + local
    return text


# --------------------------------------------------------------------------------------
# Structure of the shapes
# --------------------------------------------------------------------------------------

SHAPES = shapes_graph()
NAMED = sorted({s for s in SHAPES.subjects(SH.severity, None)}, key=str)


def test_every_shape_with_a_severity_is_a_named_property_shape() -> None:
    assert NAMED, "no shapes found"
    for shape in NAMED:
        assert isinstance(shape, URIRef) and str(shape).startswith(str(SAMSH)), shape
        assert (shape, RDF.type, SH.PropertyShape) in SHAPES, shape
        assert SHAPES.value(shape, SH.path) is not None, shape
    # and no anonymous property shape hides a constraint without a name
    for holder, prop in SHAPES.subject_objects(SH.property):
        assert isinstance(prop, URIRef), f"{holder} has a blank-node property shape"


@pytest.mark.parametrize("shape", NAMED, ids=lambda s: str(s).rsplit("#", 1)[-1])
def test_shape_has_one_name_and_one_message_per_language(shape: URIRef) -> None:
    for predicate in (SH.name, SH.message):
        values = list(SHAPES.objects(shape, predicate))
        languages = sorted(v.language for v in values if isinstance(v, Literal))
        assert languages == sorted(LANGS), (shape, predicate, languages)
        assert all(str(v).strip() == str(v) and str(v) for v in values)
    assert len(list(SHAPES.objects(shape, SH.severity))) == 1
    assert len(list(SHAPES.objects(shape, SH.order))) == 1


@pytest.mark.parametrize("shape", NAMED, ids=lambda s: str(s).rsplit("#", 1)[-1])
def test_message_placeholders_only_where_a_value_exists(shape: URIRef) -> None:
    counts = (SH.minCount, SH.qualifiedMinCount)
    uses_value = any("{?value}" in str(m) for m in SHAPES.objects(shape, SH.message))
    if any(SHAPES.value(shape, c) is not None for c in counts):
        assert not uses_value, f"{shape}: a missing value cannot be named in the message"
    languages_with = {m.language for m in SHAPES.objects(shape, SH.message) if "{?value}" in str(m)}
    assert languages_with in (set(), set(LANGS)), "placeholders differ between languages"


def _file_severities() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in shape_paths():
        graph = Graph().parse(path, format="turtle")
        found[path.stem] = {str(o).rsplit("#", 1)[-1] for o in graph.objects(None, SH.severity)}
    return found


def test_files_split_by_concern_and_severity() -> None:
    severities = _file_severities()
    assert severities == {
        "core": {"Violation"},
        "recommended": {"Warning"},
        "consistency": {"Warning"},
        "vocabulary": {"Warning"},
        "optional": {"Info"},
    }


def test_violations_are_exactly_the_contract_mandatory_set() -> None:
    violation_paths = {row.path for row in profile_rows() if row.severity is Severity.VIOLATION}
    assert violation_paths == CONTRACT_MANDATORY_PATHS


def test_consistency_shapes_are_sparql() -> None:
    graph = Graph().parse(ROOT / "shapes" / "consistency.ttl", format="turtle")
    for shape in graph.subjects(SH.severity, None):
        assert graph.value(shape, SH.sparql) is not None, shape


def test_sparql_prefixes_resolve() -> None:
    for holder in SHAPES.objects(None, SH.prefixes):
        assert list(SHAPES.objects(holder, SH.declare)), f"{holder} declares no prefixes"


# --------------------------------------------------------------------------------------
# One failing case per shape, with exact expectations
# --------------------------------------------------------------------------------------


def _expectations(path: Path) -> list[dict[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            head, _, value = line[len("# expect:"):].partition(" value=")
            fields = dict(item.split("=", 1) for item in head.split())
            fields["value"] = value.strip() or "-"
            out.append(fields)
    return out


CASES = sorted(p for p in INVALID.glob("*.ttl") if p.stem != "valid")


def _value_text(text: str) -> str | None:
    if text == "-":
        return None
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    match = re.fullmatch(r'"(.*)"(@[a-z-]+)?', text)
    if match:
        return match.group(1)
    return expand(text)


def test_valid_base_has_no_result() -> None:
    report = validate(INVALID / "valid.ttl")
    assert report.results == ()
    assert report.conforms and report.shacl_conforms


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_invalid_case(case: Path) -> None:
    expected = _expectations(case)
    assert expected, f"{case.name} states no expectation"
    report = validate(case, fail_on="info")
    for exp in expected:
        shape = expand(exp["shape"])
        from_shape = [r for r in report.results if r.source_shape == shape]
        assert len(from_shape) == 1, (case.name, [r.as_json() for r in from_shape])
        result = from_shape[0]
        assert result.focus_node == expand(exp["focus"])
        assert result.path == expand(exp["path"])
        assert result.severity is Severity.parse(exp["severity"])
        if exp.get("value", "-") != "-":
            assert result.value == _value_text(exp["value"])
        assert result.message and "{?value}" not in result.message
    assert not report.conforms


def test_every_shape_has_a_failing_case() -> None:
    covered = {expand(e["shape"]) for case in CASES for e in _expectations(case)}
    assert {str(s) for s in NAMED} <= covered, {str(s) for s in NAMED} - covered


# --------------------------------------------------------------------------------------
# The knowledge graph as background
# --------------------------------------------------------------------------------------


def _solution(graph: Graph, node: URIRef, *, realises: URIRef, uses: URIRef) -> Graph:
    graph.add((node, RDF.type, SAM.Solution))
    graph.add((node, DCTERMS.identifier, Literal("x")))
    graph.add((node, DCTERMS.title, Literal("Løsning", lang="nb")))
    graph.add((node, DCTERMS.description, Literal("Beskrivelse", lang="nb")))
    graph.add((node, DCTERMS.publisher, URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/994598759")))
    graph.add((node, SAM.realises, realises))
    graph.add((node, SAM.uses, uses))
    return graph


EX = Namespace("https://example.org/test/")


def test_forms_of_the_ontology_satisfy_sh_class_without_being_in_the_users_data() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    report = validate(data)
    assert [r for r in report.results if r.severity is Severity.VIOLATION] == []


def test_users_graph_is_not_changed() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    before = set(data)
    validate(data)
    assert set(data) == before


def test_no_result_points_into_the_ontology() -> None:
    ontology_subjects = set(ontology_graph().subjects())
    # A file that also repeats an ontology term's type must not pull the ontology's nodes in.
    data = _solution(Graph(), EX.s, realises=SAM.SendAndReceive, uses=SAM.PortalAccess)
    data.add((URIRef(str(SAM) + "Plan"), RDF.type, SAM.Need))
    report = validate(data, fail_on="info")
    assert report.results
    data_subjects = {str(s) for s in data.subjects()}
    for result in report.results:
        assert result.focus_node in data_subjects
        # An ontology node is reported only for the data's statement about it (refused, so the
        # background stays as published), never by a shape checking the ontology itself.
        if URIRef(result.focus_node) in ontology_subjects:
            assert result.source_shape == str(BACKGROUND_SHAPE), result
    assert any(r.source_shape == str(BACKGROUND_SHAPE) for r in report.results)


def test_declared_need_and_form_are_accepted(tmp_path: Path) -> None:
    text = (INVALID / "valid.ttl").read_text(encoding="utf-8")
    text = text.replace("sam:realises sam:LookUpAndMakeAvailable",
                        "sam:realises sam:LookUpAndMakeAvailable , ex:ownForm")
    text = text.replace("sam:uses sam:DataSharing", "sam:uses sam:DataSharing , ex:ownTech")
    text = text.replace("sam:addresses sam:ExaminationsMeasurementsFindings",
                        "sam:addresses sam:ExaminationsMeasurementsFindings , ex:ownNeed")
    text += """
ex:ownForm a sam:OrganisationalForm , skos:Concept ;
    skos:prefLabel "Egen form"@nb ; skos:definition "En egen organisatorisk form."@nb ;
    sam:supportedBy ex:ownTech .
ex:ownTech a sam:TechnicalForm , skos:Concept ;
    skos:prefLabel "Egen teknikk"@nb ; skos:definition "En egen teknisk form."@nb .
"""
    path = tmp_path / "declared.ttl"
    path.write_text(text, encoding="utf-8")
    report = validate(path, fail_on="info")
    assert report.results == (), [r.as_json() for r in report.results]


def test_sh_class_is_not_satisfied_by_a_form_of_the_wrong_kind() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.DataSharing, uses=SAM.ChangeAndShare)
    shapes = {r.source_shape for r in validate(data).results if r.severity is Severity.VIOLATION}
    assert shapes == {str(SAMSH.SolutionRealisesOrganisationalForm), str(SAMSH.SolutionUsesTechnicalForm)}


# --------------------------------------------------------------------------------------
# Organisation numbers: Python rule and SPARQL rule agree
# --------------------------------------------------------------------------------------


def _reference_valid(number: str) -> bool:
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(w * int(d) for w, d in zip(weights, number)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(number[8])


def test_known_organisation_numbers() -> None:
    assert organisation_number_valid("994598759")  # Norsk helsenett SF
    assert not organisation_number_valid("994598758")
    assert not organisation_number_valid("99459875")
    assert not organisation_number_valid("99459875x")
    assert organisation_number_of("https://data.brreg.no/enhetsregisteret/api/enheter/994598759") == "994598759"
    assert organisation_number_of("https://www.nhn.no/") is None


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_python_rule_matches_the_definition(number: str) -> None:
    assert organisation_number_valid(number) == _reference_valid(number)


@given(st.lists(st.from_regex(r"[0-9]{9}", fullmatch=True), min_size=1, max_size=12, unique=True))
@settings(max_examples=8, deadline=None)
def test_the_shape_matches_the_definition(numbers: list[str]) -> None:
    """The product's rule is the SPARQL in shapes/recommended.ttl: it flags exactly the numbers
    the definition (weights 3 2 7 6 5 4 3 2, modulus 11) rejects."""
    data = Graph()
    for index, number in enumerate(numbers):
        node = EX[f"s{index}"]
        _solution(data, node, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
        data.remove((node, DCTERMS.publisher, None))
        data.add((node, DCTERMS.publisher, URIRef(f"https://data.brreg.no/enhetsregisteret/api/enheter/{number}")))
    flagged = {organisation_number_of(r.value or "") for r in validate(data).results
               if r.source_shape == str(SAMSH.SolutionPublisherCheckDigit)}
    assert flagged == {n for n in numbers if not _reference_valid(n)}


@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
@settings(max_examples=200)
def test_at_most_one_check_digit_fits(prefix: str) -> None:
    fitting = [d for d in "0123456789" if organisation_number_valid(prefix + d)]
    assert len(fitting) <= 1


def test_sparql_rule_agrees_with_python() -> None:
    rng = random.Random(20261125)
    numbers = {f"{rng.randrange(10**9):09d}" for _ in range(150)}
    # make sure both outcomes and the check-digit-0 case are present
    numbers |= {"994598759", "994598758", "991324968", "883658752", "000000000"}
    data = Graph()
    for index, number in enumerate(sorted(numbers)):
        node = EX[f"s{index}"]
        _solution(data, node, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
        data.remove((node, DCTERMS.publisher, None))
        data.add((node, DCTERMS.publisher, URIRef(f"https://data.brreg.no/enhetsregisteret/api/enheter/{number}")))
    report = validate(data)
    flagged = {organisation_number_of(r.value or "") for r in report.results
               if r.source_shape == str(SAMSH.SolutionPublisherCheckDigit)}
    assert flagged == {n for n in numbers if not organisation_number_valid(n)}
    assert any(organisation_number_valid(n) for n in numbers) and flagged


# --------------------------------------------------------------------------------------
# No network
# --------------------------------------------------------------------------------------


def test_owl_imports_are_not_followed(tmp_path: Path) -> None:
    text = (INVALID / "valid.ttl").read_text(encoding="utf-8")
    text += "\n<https://example.org/test/doc> a <http://www.w3.org/2002/07/owl#Ontology> ;\n" \
            "    <http://www.w3.org/2002/07/owl#imports> <http://remote.example.com/shapes.ttl> .\n"
    path = tmp_path / "imports.ttl"
    path.write_text(text, encoding="utf-8")
    # the conftest network guard fails this test on any connection attempt
    report = validate(path, fail_on="info")
    assert report.results == ()


def test_remote_json_ld_context_is_refused(tmp_path: Path) -> None:
    from samhandling_kg.core.errors import InputError

    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "http://remote.example.com/ctx.jsonld", "@id": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="remote.jsonld"):
        validate(path)


def test_network_attempt_inside_validation_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import pyshacl

    from samhandling_kg.io.network import NetworkRefused

    real = pyshacl.validate

    def reaching(*args: object, **kwargs: object) -> object:
        # loopback passes the test guard; only no_network() around pySHACL can refuse it
        socket.getaddrinfo("localhost", 80)
        return real(*args, **kwargs)

    monkeypatch.setattr(pyshacl, "validate", reaching)
    with pytest.raises(NetworkRefused):
        validate(INVALID / "valid.ttl", engine="pyshacl")


# --------------------------------------------------------------------------------------
# Documentation generated from the shapes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["docs/validation.md"])
def test_doc_tables_equal_the_generated_ones(name: str) -> None:
    doc = (ROOT / name).read_text(encoding="utf-8")
    assert "<!-- profile-table:en:start -->" in doc
    assert render_doc_tables(doc) == doc, "run: python -m samhandling_kg.validation.profile_docs --write-docs"


def test_profile_table_lists_every_shape_once() -> None:
    table = profile_table("en")
    for shape in NAMED:
        assert table.count(f"`samsh:{str(shape).rsplit('#', 1)[-1]}`") == 1
    assert table.splitlines()[0] == "| property | level | message | shape |"
    assert "mandatory (Violation)" in table and "optional (Info)" in table


def test_report_is_typed() -> None:
    report = validate(INVALID / "SolutionIdentifier.ttl")
    assert isinstance(report, ValidationReport)
    result = report.results[0]
    assert isinstance(result.severity, Severity)
    assert isinstance(result.focus_term, URIRef) and not isinstance(result.focus_term, BNode)


def test_a_subclass_of_solution_declared_by_the_user_is_a_solution() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    data.remove((EX.s, RDF.type, SAM.Solution))
    data.add((EX.s, RDF.type, EX.NationalSolution))
    data.add((EX.NationalSolution, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), SAM.Solution))
    report = validate(data)
    assert [r for r in report.results if r.severity is Severity.VIOLATION] == []
    assert [r.kind for r in report.records] == ["solution"]


# --------------------------------------------------------------------------------------
# Terms of the sam: namespace that the ontology does not define (samsh:KnownTerm)
# --------------------------------------------------------------------------------------


def _known_term_results(data: Graph, lang: str = "en") -> list:
    return [r for r in validate(data, lang=lang, fail_on="info").results
            if r.source_shape == str(SAMSH.KnownTerm)]


def test_misspelt_class_predicate_and_object_are_each_named() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    data.add((EX.s, RDF.type, URIRef(str(SAM) + "Soluton")))
    data.add((EX.s, URIRef(str(SAM) + "realizes"), SAM.ChangeAndShare))
    data.add((EX.s, SAM.addresses, URIRef(str(SAM) + "ExaminationsMeasurementFindings")))
    found = {(r.path, r.value): r for r in _known_term_results(data)}
    assert set(found) == {
        (str(RDF.type), str(SAM) + "Soluton"),
        (str(SAM) + "realizes", str(SAM) + "realizes"),
        (str(SAM) + "addresses", str(SAM) + "ExaminationsMeasurementFindings"),
    }
    for result in found.values():
        assert result.severity is Severity.WARNING and result.focus_node == str(EX.s)
    assert found[(str(RDF.type), str(SAM) + "Soluton")].message.endswith("Did you mean sam:Solution?")
    assert "sam:Soluton" in found[(str(RDF.type), str(SAM) + "Soluton")].message
    assert found[(str(SAM) + "realizes", str(SAM) + "realizes")].message.endswith("Did you mean sam:realises?")


@pytest.mark.parametrize(("lang", "ending"), [("nb", "Mente du sam:realises?"), ("nn", "Meinte du sam:realises?"),
                                              ("en", "Did you mean sam:realises?")])
def test_suggestion_is_in_the_chosen_language(lang: str, ending: str) -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    data.add((EX.s, URIRef(str(SAM) + "realizes"), SAM.ChangeAndShare))
    (result,) = _known_term_results(data, lang)
    assert result.message.endswith(ending) and "sam:realizes" in result.message


def test_unknown_term_without_a_close_match_has_no_suggestion() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    data.add((EX.s, URIRef(str(SAM) + "zzqqxx"), Literal("x")))
    (result,) = _known_term_results(data)
    assert "sam:zzqqxx" in result.message and "mean" not in result.message


def test_terms_the_user_declares_are_not_unknown() -> None:
    data = _solution(Graph(), EX.s, realises=SAM.ChangeAndShare, uses=SAM.DataSharing)
    own_class = URIRef(str(SAM) + "RegionalSolution")
    own_property = URIRef(str(SAM) + "operatedBy")
    data.add((own_class, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), SAM.Solution))
    data.add((own_property, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    data.add((EX.s, RDF.type, own_class))
    data.add((EX.s, own_property, EX.operator))
    assert _known_term_results(data) == []


def test_catalogue_uses_only_known_terms() -> None:
    results = [r for r in validate(ROOT / "examples", fail_on="info").results
               if r.source_shape == str(SAMSH.KnownTerm)]
    assert results == []


# --------------------------------------------------------------------------------------
# Wording of the messages
# --------------------------------------------------------------------------------------


def _messages(shape: URIRef) -> dict[str, str]:
    return {m.language: str(m) for m in SHAPES.objects(shape, SH.message)}


def test_realised_form_supported_nb_has_its_comma() -> None:
    assert "den bruker, støtter" in _messages(SAMSH.RealisedFormSupported)["nb"]


def test_title_language_message_reads_naturally() -> None:
    messages = _messages(SAMSH.SolutionTitleLanguage)
    assert "ikke ingen" not in messages["nb"] and "ikkje ingen" not in messages["nn"]
    assert "not none" not in messages["en"]
    for text in messages.values():
        assert "{?value}" in text and ("«no»" in text or "“no”" in text)


# --------------------------------------------------------------------------------------
# The shapes' namespace is closed
# --------------------------------------------------------------------------------------


def test_samsh_is_closed_and_lists_exactly_the_shapes_terms() -> None:
    with pytest.raises(AttributeError):
        SAMSH.KnownTerms  # noqa: B018 - a misspelt term must fail where it is written
    namespace = str(SAMSH)
    used = {str(term)[len(namespace):] for triple in SHAPES for term in triple
            if isinstance(term, URIRef) and str(term).startswith(namespace)}
    # The two names of the check that runs before any engine (no shape of its own).
    outside = {BACKGROUND_SHAPE, SAMSH.OntologyUnchangedComponent}
    listed = set(SAMSH.__annotations__)
    assert listed == used | {str(t)[len(namespace):] for t in outside}
