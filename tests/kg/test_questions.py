"""The competency questions (``queries/*.rq``) against their expected answers.

Expected answers are data: ``tests/expected/<id>.srj`` is what ``samhandling query <id>
--format json`` prints with the defaults (``<id>.infer.srj`` where ``--infer`` must answer
differently); ``tests/expected/cases.json`` lists further cases ``{id, bindings, data, infer,
expected}``. Terms compare with their language tags and datatypes, and rows in order: every
question orders by all the variables it returns.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from samhandling_kg import SAM, QueryError, QueryResult, load_knowledge_graph, run_question
from samhandling_kg.cli import main
from samhandling_kg.kg.questions import Question, get_question, list_questions
from samhandling_kg.sparql.binding import bind_with_values
from samhandling_kg.sparql.guard import check_read_query, run_on_graph
from samhandling_kg.sparql.results import result_from_json

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "expected"
SAMPLE = "tests/data/solutions-sample.ttl"
CASES: list[dict[str, Any]] = json.loads((EXPECTED / "cases.json").read_text(encoding="utf-8"))
QUESTIONS = list_questions()
IDS = [q.id for q in QUESTIONS]

GraphFor = Callable[[Sequence[str], bool], Graph]


@pytest.fixture(scope="module")
def graph_for() -> GraphFor:
    """The knowledge graph for (data files, infer), loaded (and materialised) once per module."""
    cache: dict[tuple[tuple[str, ...], bool], Graph] = {}

    def get(data: Sequence[str], infer: bool) -> Graph:
        key = (tuple(data), infer)
        if key not in cache:
            cache[key] = load_knowledge_graph([ROOT / d for d in data], infer=infer)
        return cache[key]

    return get


def expected(name: str) -> QueryResult:
    return result_from_json(json.loads((EXPECTED / name).read_text(encoding="utf-8")))


def assert_same(actual: QueryResult, wanted: QueryResult, label: str) -> None:
    assert actual.kind == wanted.kind, label
    assert actual.variables == wanted.variables, f"{label}: variables differ"
    missing = [r for r in wanted.rows if r not in actual.rows]
    extra = [r for r in actual.rows if r not in wanted.rows]
    assert not missing and not extra, f"{label}: missing rows {missing}, unexpected rows {extra}"
    assert actual.rows == wanted.rows, f"{label}: same rows, different order"
    assert actual == wanted, label


# --- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("infer", [False, True], ids=["asserted", "infer"])
@pytest.mark.parametrize("qid", IDS)
def test_default_answer(qid: str, infer: bool, graph_for: GraphFor) -> None:
    """Every question runs with its defaults; with --infer it answers the same unless an
    ``<id>.infer.srj`` says otherwise."""
    name = f"{qid}.infer.srj" if infer and (EXPECTED / f"{qid}.infer.srj").exists() else f"{qid}.srj"
    result = run_question(qid, graph=graph_for((), infer))
    assert_same(result, expected(name), f"{qid} (infer={infer}) vs {name}")


@pytest.mark.parametrize("case", CASES, ids=[c["expected"] + (" infer" if c["infer"] else "") for c in CASES])
def test_case(case: dict[str, Any], graph_for: GraphFor) -> None:
    result = run_question(case["id"], case["bindings"], graph=graph_for(case["data"], case["infer"]))
    assert_same(result, expected(case["expected"]), f"{case['id']} {case['bindings']} vs {case['expected']}")


@pytest.mark.parametrize("case", CASES, ids=[c["expected"] + (" infer" if c["infer"] else "") for c in CASES])
def test_case_with_standard_scoping(case: dict[str, Any], graph_for: GraphFor) -> None:
    """Other stores get the parameters as a VALUES block in the WHERE group (standard SPARQL
    scoping); the answer must not depend on rdflib's initBindings reaching nested groups."""
    question = get_question(case["id"])
    text = bind_with_values(question.query, question.kind, question.bindings(case["bindings"]))
    result = run_on_graph(graph_for(case["data"], case["infer"]), text)
    assert_same(result, expected(case["expected"]), f"{case['id']} with VALUES")


def test_cli_prints_the_expected_json() -> None:
    """The files are what the command prints (one check through the command line)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["query", "cq03-technical-forms-for-organisational-form", "--bind",
                 "form=sam:ChangeAndShare", "--format", "json"], out, err)
    assert code == 0, err.getvalue()
    name = "cq03-technical-forms-for-organisational-form.change-and-share.srj"
    assert json.loads(out.getvalue()) == json.loads((EXPECTED / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", [c for c in CASES if c["bindings"].get("lang", "*") != "*"],
                         ids=lambda c: c["expected"])
def test_answers_are_in_the_chosen_language(case: dict[str, Any]) -> None:
    lang = case["bindings"]["lang"]
    for row in expected(case["expected"]).rows:
        for term in row:
            if isinstance(term, Literal) and term.language:
                assert term.language == lang, f"{case['expected']}: {term!r} is not @{lang}"


def test_default_answers_are_in_bokmal() -> None:
    for qid in IDS:
        for row in expected(f"{qid}.srj").rows:
            for term in row:
                if isinstance(term, Literal) and term.language:
                    assert term.language == "nb", f"{qid}: {term!r}"


# --- the need question needs no reasoner ------------------------------------------------------


def test_forms_for_need_are_the_same_with_and_without_infer(graph_for: GraphFor) -> None:
    plain, closure = graph_for((SAMPLE,), False), graph_for((SAMPLE,), True)
    needs = sorted(set(plain.subjects(RDF.type, SAM.Need)), key=str)
    assert len(needs) == 17  # the 16 of the ontology and the sample's one
    # The question is only meaningful because the asserted graph lacks need -> technical form.
    assert not any((n, SAM.supportedBy, SAM.DataSharing) in plain for n in needs)
    assert any((n, SAM.supportedBy, SAM.DataSharing) in closure for n in needs)
    for need in needs:
        asserted = run_question("cq05-forms-for-need", {"need": need}, graph=plain)
        inferred = run_question("cq05-forms-for-need", {"need": need}, graph=closure)
        assert asserted == inferred, need
        kinds = {row[0] for row in asserted.rows}
        assert kinds == {SAM.OrganisationalForm, SAM.TechnicalForm}, need


def test_matrix_is_the_one_of_docs_model_md() -> None:
    """cq13 against the supported-by table of docs/model.md, read independently."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("## The supported-by matrix", 1)[1].split("\n## ", 1)[0]
    table = {
        (SAM[m[1]], SAM[m[2]], SAM[m[3]])
        for m in re.finditer(r"^\| (\w+) \| (\w+) \| (Stated|Derived) \|", section, re.MULTILINE)
    }
    assert len(table) == 13
    result = expected("cq13-supported-by-matrix.srj")
    col = {v: i for i, v in enumerate(result.variables)}
    got = {(r[col["organisationalForm"]], r[col["technicalForm"]], r[col["status"]]) for r in result.rows}
    assert got == table


# --- the question files -------------------------------------------------------------------------


def _algebra_nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        item = stack.pop()
        if hasattr(item, "name") and isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_question_file(question: Question) -> None:
    assert re.fullmatch(r"cq\d\d-[a-z0-9-]+", question.id)
    assert question.id == question.path.stem
    for lang in ("nb", "nn", "en"):
        assert question.text.get(lang, "").endswith("?"), f"{question.id}: no {lang} question"
    assert len(set(question.text.values())) >= 2, "nb, nn and en are not all the same text"
    question.bindings()  # every parameter has a default
    for parameter in question.parameters:
        assert parameter.description, f"{question.id}: parameter {parameter.name} undescribed"
        assert re.search(rf"\?{parameter.name}\b", question.query), f"{parameter.name} unused"
    prepared, kind = check_read_query(question.query, str(question.path))
    if kind == "SELECT":
        orders = [n for n in _algebra_nodes(prepared.algebra) if n.name == "OrderBy"]
        assert orders, f"{question.id}: returns rows without ORDER BY"
        keys = {str(getattr(c, "expr", c)) for o in orders for c in o["expr"]}
        projected = {str(v) for v in prepared.algebra["PV"]}
        assert projected <= keys, f"{question.id}: ORDER BY leaves {projected - keys} unordered"
    assert "%s" not in question.query and "{}" not in question.query.replace(" ", "")


def test_at_least_sixteen_questions() -> None:
    assert len(QUESTIONS) >= 16


def test_data_questions_are_marked_and_have_cases_with_data() -> None:
    for question in QUESTIONS:
        # solution descriptions, or a DCAT-AP-NO catalogue exported from them
        reads_solutions = "sam:Solution" in question.query or "dcat:DataService" in question.query
        assert question.needs_data == reads_solutions, question.id
        if question.needs_data:
            assert any(c["id"] == question.id and c["data"] for c in CASES), question.id


# --- the expected files --------------------------------------------------------------------------


@pytest.mark.parametrize("qid", IDS)
def test_every_question_has_an_expected_answer(qid: str) -> None:
    assert (EXPECTED / f"{qid}.srj").is_file()


def test_no_expected_file_without_a_question() -> None:
    cased = {c["expected"] for c in CASES}
    for case in CASES:
        assert case["id"] in IDS, f"cases.json names unknown question {case['id']}"
        assert (EXPECTED / case["expected"]).is_file(), case["expected"]
        assert case["expected"].startswith(case["id"] + "."), case["expected"]
        assert set(case) == {"id", "bindings", "data", "infer", "expected"}, case
        for data in case["data"]:
            assert (ROOT / data).is_file(), data
    for path in sorted(EXPECTED.glob("*.srj")):
        name = path.name
        known = any(name in (f"{q}.srj", f"{q}.infer.srj") for q in IDS) or name in cased
        assert known, f"{name} belongs to no question and no case"
        json.loads(path.read_text(encoding="utf-8"))


def test_infer_files_differ_from_the_asserted_answer() -> None:
    """An ``.infer.srj`` is kept only where materialisation changes the answer."""
    pairs = [(f"{q}.srj", f"{q}.infer.srj") for q in IDS if (EXPECTED / f"{q}.infer.srj").exists()]
    pairs += [(c["expected"].replace(".infer.srj", ".srj"), c["expected"])
              for c in CASES if c["expected"].endswith(".infer.srj")]
    assert pairs, "no case shows what --infer adds"
    for plain, inferred in pairs:
        assert (EXPECTED / plain).exists(), plain
        assert expected(plain) != expected(inferred), f"{inferred} is the same as {plain}"


# --- parameters are bound, never pasted ------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "sam:X> } ; DROP ALL ; #",
    "<https://w3id.org/samhandling#X> } ; DROP ALL ; #",
    "https://w3id.org/samhandling#X> . ?s ?p ?o }",
    'sam:X"',
    "not an iri",
    "",
])
def test_iri_parameter_refuses_injection(value: str, graph_for: GraphFor) -> None:
    with pytest.raises(QueryError):
        run_question("cq03-technical-forms-for-organisational-form", {"form": value},
                     graph=graph_for((), False))


def test_literal_parameter_is_bound_as_a_literal(graph_for: GraphFor) -> None:
    from dataclasses import replace

    value = 'nb") || true) } UNION { ?form ?p ?label } # "{'
    question = get_question("cq01-organisational-forms")
    with pytest.raises(QueryError, match="one of nb, nn, en"):  # the header lists the languages
        question.bindings({"lang": value})
    # Without that list the text is still only ever a literal: it cannot change the query.
    free = replace(question, parameters=tuple(replace(p, choices=()) for p in question.parameters))
    assert free.bindings({"lang": value})["lang"] == Literal(value)
    result = run_on_graph(graph_for((), False), free.query, free.bindings({"lang": value}))
    assert result.variables == expected(f"{question.id}.srj").variables
    assert result.rows == ()


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown parameter"):
        run_question("cq01-organisational-forms", {"language": "nn"})


def test_injection_on_the_command_line_is_one_line_and_exit_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["query", "cq03-technical-forms-for-organisational-form",
                 "--bind", "form=sam:X> } ; DROP ALL ; #"], out, err)
    assert code == 2
    assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()


def test_bound_iri_may_be_a_term(graph_for: GraphFor) -> None:
    as_text = run_question("cq04-organisational-forms-for-technical-form", {"form": "sam:DataSharing"},
                           graph=graph_for((), False))
    as_term = run_question("cq04-organisational-forms-for-technical-form",
                           {"form": URIRef(str(SAM.DataSharing))}, graph=graph_for((), False))
    assert as_text == as_term == expected("cq04-organisational-forms-for-technical-form.data-sharing.srj")


@pytest.mark.parametrize(
    ("qid", "bindings", "message"),
    [
        # a technical form where an organisational one is asked for: refused, not "no rows"
        ("cq03-technical-forms-for-organisational-form", {"form": "sam:DataSharing"},
         "is not an instance of sam:OrganisationalForm"),
        # a misspelt need, with the closest term suggested
        ("cq05-forms-for-need", {"need": "sam:CompareFastingGlukose"},
         "did you mean sam:CompareFastingGlucose?"),
        # a language the question does not offer
        ("cq01-organisational-forms", {"lang": "de"}, "one of nb, nn, en, *"),
        ("cq09-definitions", {"lang": "no"}, "one of nb, nn, en, *"),
    ],
)
def test_wrong_parameter_values_are_refused(qid: str, bindings: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        run_question(qid, bindings)


def test_a_need_declared_in_the_data_is_accepted(tmp_path: Path) -> None:
    data = tmp_path / "own-need.ttl"
    data.write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://example.org/need/VaccinationStatus> a sam:Need, skos:Concept ;\n"
        "  sam:supportedBy sam:LookUpAndMakeAvailable .\n"
    )
    result = run_question("cq05-forms-for-need", {"need": "https://example.org/need/VaccinationStatus"},
                          data=[data])
    assert SAM.LookUpAndMakeAvailable in {term for row in result.rows for term in row}


def test_every_lang_parameter_defaults_to_the_one_default_language() -> None:
    from samhandling_kg.core.terms import DEFAULT_LANGUAGE, LANGUAGES
    from samhandling_kg.kg.questions import LANGUAGE_PARAMETER

    langs = [p for q in list_questions() for p in q.parameters if p.name == LANGUAGE_PARAMETER]
    assert len(langs) >= 10
    for parameter in langs:
        assert parameter.default == DEFAULT_LANGUAGE
        assert set(LANGUAGES) <= set(parameter.choices)
