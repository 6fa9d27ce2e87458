"""``samhandling recommend``: the seed's own examples, the reviewed table of expected
recommendations for every need (tests/expected/recommendations.md), the SPARQL questions
cq18/cq19 as an independent second implementation of the ranking, and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_one_line_error, run
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from samhandling_kg import SAM, load_knowledge_graph, run_question
from samhandling_kg.core.errors import QueryError
from samhandling_kg.recommendation.data import decision_data
from samhandling_kg.recommendation.render import MESSAGES, RULE, to_json
from samhandling_kg.recommendation.rule import Ranked, recommend
from samhandling_kg.stores.local import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "expected" / "recommendations.md"
SAMPLE = ROOT / "tests" / "data" / "solutions-sample.ttl"
NS = str(SAM)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_knowledge_graph()


def local(iri: str) -> str:
    return iri.removeprefix(NS)


def names(ranked: list[Ranked], status: str) -> list[str]:
    return [local(r.form) for r in ranked if r.status == status]


# --- the seed's own examples ------------------------------------------------------------------


def test_referral_is_send_and_receive_with_message_exchange_first(graph: Graph) -> None:
    rec = recommend("sam:SendReferral", graph=graph)
    assert names(rec.organisational, "recommended") == ["SendAndReceive"]
    (org,) = rec.recommended
    assert org.meets_need is True
    first, *rest = org.technical
    assert local(first.form) == "MessageExchange" and first.rank == 1 and first.status == "recommended"
    assert all(t.rank > 1 for t in rest)  # first on its own, not shared
    # the reason is the seed's own criterion, stated by the source
    (reason,) = first.favoured_by
    assert reason.characteristic == str(SAM.ReceiverKnown) and reason.status == str(SAM.Stated)


@pytest.mark.parametrize("need", ["sam:CompareFastingGlucose", "sam:LookUpEarlierPatientHistory"])
def test_earlier_history_is_look_up_and_make_available(need: str, graph: Graph) -> None:
    rec = recommend(need, graph=graph)
    assert names(rec.organisational, "recommended") == ["LookUpAndMakeAvailable"]
    assert names(rec.organisational, "ruled-out") == ["SendAndReceive"]


def test_fasting_glucose_is_data_sharing_like_pasientens_provesvar(graph: Graph) -> None:
    rec = recommend("sam:CompareFastingGlucose", data=[SAMPLE])
    assert names(rec.recommended[0].technical, "recommended") == ["DataSharing"]
    solutions = [s for s in rec.solutions if s["addressesNeed"]]
    assert [s["solution"] for s in solutions] == ["https://example.org/samhandling/sample/pasientens-provesvar"]


def test_earlier_patient_history_is_document_sharing_first_alone_in_the_sources_words(graph: Graph) -> None:
    rec = recommend("sam:LookUpEarlierPatientHistory", graph=graph)
    first, *rest = rec.recommended[0].technical
    assert local(first.form) == "DocumentSharing" and first.status == "recommended" and first.rank == 1
    assert rest and all(t.rank > 1 and t.status == "possible" for t in rest)
    (reason,) = first.favoured_by
    assert reason.characteristic == NS + "HeldByOtherOrganisations" and reason.status == str(SAM.Stated)
    assert "søke etter tilgjengelige dokumenter om en gitt pasient hos andre virksomheter" in reason.evidence["nb"]
    # and the need's own characteristic is the seed's sentence, not the project's reading
    (entry,) = [n for n in rec.decision["needs"] if n["iri"] == NS + "LookUpEarlierPatientHistory"]
    (basis,) = [b for b in entry["basis"] if b["characteristic"] == NS + "HeldByOtherOrganisations"]
    assert basis["status"] == str(SAM.Stated)


def test_critical_information_is_change_and_share_and_not_portal_access_for_updating(graph: Graph) -> None:
    rec = recommend("sam:CriticalInformation", graph=graph)
    assert names(rec.organisational, "recommended") == ["ChangeAndShare"]
    # what the seed says of the need, not what the forms' own examples say of it
    assert [local(c) for c, _ in rec.holds] == ["SharedSourceUpdated"]
    technical = rec.recommended[0].technical
    assert "PortalAccess" not in names(technical, "recommended")
    support = next(t.support for t in technical if local(t.form) == "PortalAccess")
    assert "ikke grunnlag for å si at kritisk informasjon oppdateres gjennom portalen" in support["evidence"]["nb"]
    # undecided from the need alone, so the answer asks what would decide
    assert not names(technical, "recommended")
    assert {local(c) for c in rec.open_questions} >= {"RealTimeStructuredData", "OneSharedSystem", "OutsideOwnSystems"}
    # with what the user knows, it decides
    rec = recommend("sam:CriticalInformation", has=["real-time-data"], graph=graph)
    assert names(rec.recommended[0].technical, "recommended") == ["DataSharing"]


def test_a_needs_characteristics_never_repeat_a_technical_forms_example(graph: Graph) -> None:
    # Circularity guard: a characteristic a need holds must not be one that favours a technical
    # form on that form's own example of the same need (critical information was such a case).
    for need in graph.subjects(RDF.type, SAM.Need):
        for link in graph.objects(need, SAM.qualifiedCharacteristic):
            evidence = str(next(e for e in graph.objects(link, SAM.evidence) if e.language == "en"))
            assert "example of data sharing" not in evidence and "example of portal access" not in evidence, link


# --- the reviewed table -----------------------------------------------------------------------


def expected_table() -> dict[str, dict[str, list[str]]]:
    rows = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("need", "---"):
            continue
        need, *columns = cells
        rows[need] = {key: [v.strip() for v in value.split(",") if v.strip()]
                      for key, value in zip(("characteristics", "organisational", "technical", "ruled out"), columns)}
    return rows


def actual_row(rec: Any) -> dict[str, list[str]]:
    names_of = {c["iri"]: c["name"] for c in rec.decision["characteristics"]}
    technical = [t for org in rec.recommended for t in org.technical]
    return {
        "characteristics": sorted(names_of[c] for c, _ in rec.holds),
        "organisational": names(rec.organisational, "recommended"),
        "technical": names(technical, "recommended"),
        "ruled out": sorted(names(rec.organisational, "ruled-out") + names(technical, "ruled-out")),
    }


def test_table_covers_every_need_of_the_graph(graph: Graph) -> None:
    needs = {local(str(n)) for n in graph.subjects(RDF.type, SAM.Need)}
    assert set(expected_table()) == needs


@pytest.mark.parametrize("need", sorted(expected_table()))
def test_expected_recommendation(need: str, graph: Graph) -> None:
    assert actual_row(recommend(f"sam:{need}", graph=graph)) == expected_table()[need]


def test_every_need_has_characteristics_and_they_agree_with_its_forms(graph: Graph) -> None:
    """The characteristics alone give the organisational form the sources give the need
    (sam:supportedBy, from Prinsipper for lagring and the seed)."""
    for need in sorted(graph.subjects(RDF.type, SAM.Need), key=str):
        rec = recommend(str(need), graph=graph)
        assert rec.holds, need
        met = {str(f) for f in graph.objects(need, SAM.supportedBy)}
        assert {r.form for r in rec.recommended} == met, need
        assert not any(r.meets_need for r in rec.organisational if r.status == "ruled-out"), need


# --- the SPARQL questions rank the same ----------------------------------------------------------


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(zip(result.variables, row)) for row in result.rows]


def _python_key(ranked: Ranked) -> tuple[str, int, int, int]:
    stated = sum(1 for r in ranked.favoured_by if r.status == str(SAM.Stated))
    return (ranked.form, int(bool(ranked.ruled_out_by)), len(ranked.favoured_by), stated)


@pytest.mark.parametrize("store_kind", ["rdflib", "oxigraph"])
def test_questions_rank_like_the_module(store_kind: str, graph: Graph) -> None:
    store = OxigraphStore.with_knowledge_graph([]) if store_kind == "oxigraph" else None
    for need in sorted(graph.subjects(RDF.type, SAM.Need), key=str):
        rec = recommend(str(need), graph=graph)
        ask = {"graph": graph} if store is None else {"store": store}
        rows = _rows(run_question("cq18-organisational-forms-ranked-for-need", {"need": need}, **ask))
        sparql = [(str(r["form"]), int(r["ruledOut"]), int(r["favours"]), int(r["stated"])) for r in rows]
        assert sparql == [_python_key(r) for r in rec.organisational], need
        for r, row in zip(rec.organisational, rows):
            assert r.meets_need == (int(row["meetsNeed"]) == 1)
        for org in rec.recommended:
            rows = _rows(run_question("cq19-technical-forms-ranked-for-need", {"need": need, "form": URIRef(org.form)}, **ask))
            sparql = [(str(r["technicalForm"]), int(r["ruledOut"]), int(r["favours"]), int(r["stated"]))
                      for r in rows]
            assert sparql == [_python_key(t) for t in org.technical], (need, org.form)
            assert [str(r["supportStatus"]) for r in rows] == [t.support["status"] for t in org.technical]


# --- given characteristics ------------------------------------------------------------------------


def test_not_rules_out_the_forms_that_require_it(graph: Graph) -> None:
    rec = recommend(has=["reader-unknown"], not_=["receiver-known", "legal-basis"], graph=graph)
    ruled = {local(r.form): r for r in rec.organisational if r.status == "ruled-out"}
    assert set(ruled) == {"SendAndReceive", "LookUpAndMakeAvailable", "ChangeAndShare"}
    assert {r.effect for r in ruled["LookUpAndMakeAvailable"].ruled_out_by} == {"requiredFor"}
    assert not rec.recommended


def test_not_overrides_a_characteristic_of_the_need(graph: Graph) -> None:
    rec = recommend("sam:SendReferral", not_=["receiver-known"], graph=graph)
    assert rec.holds == [] and rec.absent == [str(SAM.ReceiverKnown)]
    assert names(rec.organisational, "ruled-out") == ["SendAndReceive"]


def test_has_adds_to_the_need(graph: Graph) -> None:
    rec = recommend("sam:Medicines", has=["same-system"], graph=graph)
    assert ("https://w3id.org/samhandling#OneSharedSystem", "has") in rec.holds
    assert names(rec.recommended[0].technical, "recommended") == ["SharedSolution"]
    assert not rec.open_questions


def test_names_iris_and_local_names_are_the_same_characteristic(graph: Graph) -> None:
    forms = [to_json(recommend(has=[name], graph=graph))["organisational"]
             for name in ("receiver-known", "Receiver-Known", "sam:ReceiverKnown", "ReceiverKnown", NS + "ReceiverKnown")]
    assert all(f == forms[0] for f in forms)


def test_undistinguished_technical_forms_say_what_would_tell_them_apart(graph: Graph) -> None:
    rec = recommend("sam:Medicines", graph=graph)
    assert not [t for t in rec.recommended[0].technical if t.status == "recommended"]
    assert {local(c) for c in rec.open_questions} >= {"RealTimeStructuredData", "OutsideOwnSystems", "OneSharedSystem"}
    assert str(SAM.SharedSourceUpdated) not in rec.open_questions  # already answered


def test_a_need_without_characteristics_says_so_and_what_it_would_take(tmp_path: Path) -> None:
    data = tmp_path / "own-need.ttl"
    data.write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://example.org/need/VaccinationStatus> a sam:Need, skos:Concept ;\n"
        "  skos:prefLabel \"Vaksinasjonsstatus\"@nb ; sam:supportedBy sam:LookUpAndMakeAvailable .\n",
        encoding="utf-8")
    code, out, err = run("recommend", "--need", "https://example.org/need/VaccinationStatus", "--data", data,
                         "--lang", "en")
    assert code == 0, err
    assert MESSAGES["en"]["no_characteristics"] in out
    assert "Look up and make available" in out.split(MESSAGES["en"]["no_characteristics"])[1].split("\n")[1]
    assert MESSAGES["en"]["open"] in out and "receiver-known" in out
    # and once the user says what holds, the need is answered
    extended = data.read_text(encoding="utf-8").replace(
        "sam:LookUpAndMakeAvailable .", "sam:LookUpAndMakeAvailable ; sam:hasCharacteristic sam:ReaderUnknown .")
    data.write_text(extended, encoding="utf-8")
    rec = recommend("https://example.org/need/VaccinationStatus", data=[data])
    assert names(rec.organisational, "recommended") == ["LookUpAndMakeAvailable"]


# --- output ------------------------------------------------------------------------------------


def test_messages_and_rule_in_every_language() -> None:
    assert set(MESSAGES) == set(RULE) == {"nb", "nn", "en"}
    keys = set(MESSAGES["en"])
    for lang in ("nb", "nn"):
        assert set(MESSAGES[lang]) == keys
        assert all(MESSAGES[lang][k] != MESSAGES["en"][k] for k in keys if k not in ("source",)), lang
    assert len({MESSAGES[lang]["recommended"] for lang in MESSAGES}) == 3


@pytest.mark.parametrize(("lang", "org", "tech"), [
    ("nb", "Slå opp og tilgjengeliggjøre — anbefalt", "Dokumentdeling — anbefalt"),
    ("nn", "Slå opp og tilgjengeleggjere — tilrådd", "Dokumentdeling — tilrådd"),
    ("en", "Look up and make available — recommended", "Document sharing — recommended"),
])
def test_text_in_each_language(lang: str, org: str, tech: str) -> None:
    code, out, err = run("recommend", "--need", "sam:LookUpEarlierPatientHistory", "--lang", lang)
    assert code == 0 and err == ""
    assert f"1. {org}" in out and f"1. {tech}" in out
    assert RULE[lang] in " ".join(out.split())  # wrapped to 100 columns
    others = [MESSAGES[other]["organisational"] for other in MESSAGES if other != lang]
    assert not any(heading in out for heading in others if heading != MESSAGES[lang]["organisational"])


def test_json_for_tools() -> None:
    code, out, err = run("recommend", "--need", "sam:SendReferral", "--format", "json", "--lang", "nn",
                         "--data", ROOT / "examples")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"need", "holds", "absent", "organisational", "openQuestions", "standards",
                        "legalFrameworks", "solutions", "rule"}
    assert doc["need"] == {"iri": NS + "SendReferral", "label": "Sende ei tilvising"}
    first = doc["organisational"][0]
    assert (first["form"], first["status"], first["rank"], first["meetsNeed"]) == (NS + "SendAndReceive", "recommended", 1, True)
    (held,) = doc["holds"]
    assert held["from"] == "need" and held["basis"]["status"] == NS + "Stated"
    assert held["basis"]["statusLabel"] == "Uttrykt i kjelda" and held["basis"]["evidence"].startswith("Kjelda")
    reason = first["favouredBy"][0]
    assert reason["status"] == NS + "Stated" and reason["statusLabel"] == "Uttrykt i kjelda"
    assert reason["sources"] and reason["evidence"].startswith("Kjelda")
    tech = first["technical"][0]
    assert tech["form"] == NS + "MessageExchange" and tech["support"]["status"] == NS + "Derived"
    assert NS + "Henvisning" in {s["standard"] for s in doc["standards"]}
    assert NS + "Helsepersonelloven" in {f["framework"] for f in doc["legalFrameworks"]}
    titles = {s["title"]: s["addressesNeed"] for s in doc["solutions"]}
    assert titles["Meldingsutveksling over Helsenettet (EDI)"] is True
    assert next(iter(titles.values())) is True  # solutions that address the need come first


def test_decision_data_is_complete_json_and_stable(graph: Graph) -> None:
    data = decision_data(graph)
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    assert text == json.dumps(decision_data(load_knowledge_graph()), ensure_ascii=False)
    characteristics = set(graph.subjects(RDF.type, SAM.Characteristic))
    assert {c["iri"] for c in data["characteristics"]} == {str(c) for c in characteristics}
    for c in data["characteristics"]:
        assert set(data["labels"][c["iri"]]) == {"nb", "nn", "en"}, c["iri"]
        assert set(c["definition"]) == {"nb", "nn", "en"}
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", c["name"])
        assert c["links"], c["iri"]
        for link in c["links"]:
            assert link["effect"] in ("favours", "rulesOut", "requiredFor")
            assert set(link["evidence"]) == {"nb", "nn", "en"} and link["sources"]
            assert link["status"] in (NS + "Stated", NS + "Derived")
            assert set(data["labels"][link["form"]]) == {"nb", "nn", "en"}
    links = sum(len(c["links"]) for c in data["characteristics"])
    plain = sum(1 for p in (SAM.favours, SAM.rulesOut, SAM.requiredFor) for _ in graph.subject_objects(p))
    assert links == plain
    assert {n["iri"] for n in data["needs"]} == {str(n) for n in graph.subjects(RDF.type, SAM.Need)}
    assert len([f for f in data["forms"] if f["kind"] == "organisational"]) == 3
    matrix = {(o, t) for o, t in graph.subject_objects(SAM.supportedBy)
              if (o, RDF.type, SAM.OrganisationalForm) in graph and (t, RDF.type, SAM.TechnicalForm) in graph}
    assert sum(len(f["supportedBy"]) for f in data["forms"]) == len(matrix) >= 12
    assert set(data["rule"]) == {"nb", "nn", "en"}


def test_list_names_every_characteristic_and_need() -> None:
    code, out, err = run("recommend", "--list", "--lang", "nb")
    assert code == 0, err
    for name in ("receiver-known", "reader-unknown", "earlier-history", "shared-source", "real-time-data",
                 "same-system", "approved-document", "outside-own-systems", "legal-basis"):
        assert f"  {name}: " in out
    assert "sam:SendReferral: Sende en henvisning — receiver-known" in out
    assert "  receiver-known: Mottakeren er kjent\n" in out
    assert "      kan ikke gjelde sammen med: reader-unknown\n" in out.split("  receiver-known:", 1)[1]
    code, out, _ = run("recommend", "--list", "--format", "json")
    assert code == 0 and json.loads(out)["characteristics"]


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "fragments"), [
    (["--has", "reciever-known"], ["unknown characteristic 'reciever-known'", "did you mean receiver-known?"]),
    (["--need", "sam:SendReferal"], ["not an interaction need", "did you mean sam:SendReferral?"]),
    (["--need", "sam:SendAndReceive"], ["not an interaction need (sam:Need)"]),
    (["--need", "sam:X> } ; DROP ALL ; #"], ["--need", "not an IRI"]),
    (["--has", "receiver-known", "--not", "receiver-known"], ["both with --has and --not"]),
    (["--has", "reader-unknown", "receiver-known", "--lang", "nb"], ["reader-unknown og receiver-known utelukker hverandre"]),
    (["--has", "receiver-known", "reader-unknown", "--lang", "nn"], ["reader-unknown og receiver-known utelukkar kvarandre"]),
    (["--has", "reader-unknown", "receiver-known", "--lang", "en"], ["reader-unknown and receiver-known exclude each other"]),
    (["--need", "sam:SendReferral", "--has", "reader-unknown", "--lang", "en"],
     ["reader-unknown and receiver-known exclude each other", "override it with --not receiver-known"]),
    ([], ["--need IRI, --has or --not"]),
    (["--list", "--need", "sam:SendReferral"], ["--list takes no --need"]),
])
def test_errors_are_one_line_and_exit_2(argv: list[str], fragments: list[str]) -> None:
    code, out, err = run("recommend", *argv, *([] if "--lang" in argv else ["--lang", "en"]))
    assert_one_line_error(code, err, *fragments)
    assert out == ""


@pytest.mark.parametrize(("lang", "fragments"), [
    ("nb", ["ikke et samhandlingsbehov", "mente du sam:SendReferral?", "viser behovene"]),
    ("nn", ["ikkje eit samhandlingsbehov", "meinte du sam:SendReferral?", "viser behova"]),
])
def test_errors_follow_lang(lang: str, fragments: list[str]) -> None:
    code, out, err = run("recommend", "--need", "sam:SendReferal", "--lang", lang)
    assert_one_line_error(code, err, *fragments)
    code, out, err = run("recommend", "--has", "receiver-known", "--not", "receiver-known", "--lang", lang)
    assert_one_line_error(code, err, "--has", {"nb": "både med", "nn": "både med"}[lang])


def test_when_every_form_is_ruled_out_the_answer_says_by_what(graph: Graph) -> None:
    from samhandling_kg.recommendation.render import MESSAGES

    code, out, err = run("recommend", "--has", "reader-unknown", "--not", "legal-basis", "--lang", "en")
    assert code == 0, err
    ruled_out = [line for line in out.splitlines() if line.startswith(MESSAGES["en"]["all_ruled_out"][:20])]
    assert len(ruled_out) == 1, out
    for label in ("It is not known who will need the information", "legal basis"):
        assert label.lower() in ruled_out[0].lower(), ruled_out
    assert MESSAGES["en"]["nothing_recommended"] not in out


def test_malformed_data_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sam: <https://w3id.org/samhandling#> .\nsam:x sam:y .\n", encoding="utf-8")
    code, _, err = run("recommend", "--has", "receiver-known", "--data", bad)
    assert_one_line_error(code, err, "bad.ttl:2")


def test_api_errors_are_query_errors(graph: Graph) -> None:
    with pytest.raises(QueryError, match="did you mean receiver-known"):
        recommend(has=["receiver-knwn"], graph=graph)


# --- docs/model.md says what the ontology holds ------------------------------------------------------


def _docs_section() -> str:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    return text.split("## Decision characteristics", 1)[1].split("\n## ", 1)[0]


def test_link_table_is_the_one_of_docs_model_md(graph: Graph) -> None:
    table = {
        (m[1], m[2], m[3], m[4], m[5])
        for m in re.finditer(r"^\| (\w+) \| ([\w-]+) \| (favours|rulesOut|requiredFor) \| (\w+) \| (Stated|Derived) \|",
                             _docs_section(), re.MULTILINE)
    }
    data = decision_data(graph)
    actual = {(local(c["iri"]), c["name"], link["effect"], local(link["form"]), local(link["status"]))
              for c in data["characteristics"] for link in c["links"]}
    assert len(table) == 17
    assert table == actual


def test_need_table_is_the_one_of_docs_model_md(graph: Graph) -> None:
    documented: dict[str, list[str]] = {}
    table = _docs_section().split("| need | characteristics | basis |", 1)[1].split("\n\n", 1)[0]
    for m in re.finditer(r"^\| ([\w, ]+) \| ([a-z, -]+) \| ", table, re.MULTILINE):
        for need in m[1].split(", "):
            documented[need] = sorted(m[2].split(", "))
    names_of = {c["iri"]: c["name"] for c in decision_data(graph)["characteristics"]}
    actual = {local(str(n)): sorted(names_of[str(c)] for c in graph.objects(n, SAM.hasCharacteristic))
              for n in graph.subjects(RDF.type, SAM.Need)}
    assert documented == actual


def test_documented_example_output_is_what_the_command_prints() -> None:
    readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = readme.split("### `samhandling recommend", 1)[1].split("\n### ", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    code, out, err = run("recommend", "--need", "sam:SendReferral", "--data", ROOT / "examples", "--lang", "en")
    assert code == 0, err
    for line in shown.splitlines():
        kept = line.split("…", 1)[0].rstrip()
        if kept.strip():
            assert kept in out, line


def test_an_unanswered_requirement_is_shown_to_be_checked(graph: Graph) -> None:
    legal = str(SAM.LegalBasisForSharing)
    (org,) = recommend("sam:CompareFastingGlucose", graph=graph).recommended
    assert [r.characteristic for r in org.requirements_open] == [legal]
    (org,) = recommend("sam:CompareFastingGlucose", has=["legal-basis"], graph=graph).recommended
    assert [r.characteristic for r in org.requirements_met] == [legal] and not org.requirements_open
    rec = recommend("sam:CompareFastingGlucose", not_=["legal-basis"], graph=graph)
    assert not rec.recommended
    assert sorted(names(rec.organisational, "ruled-out")) == ["ChangeAndShare", "LookUpAndMakeAvailable", "SendAndReceive"]
    code, out, _ = run("recommend", "--need", "sam:CompareFastingGlucose", "--lang", "en")
    assert code == 0 and "? A legal basis for sharing without consent exists (legal-basis): required; check" in out


def test_undistinguished_forms_still_show_the_catalogue_solutions() -> None:
    rec = recommend("sam:Medicines", data=[ROOT / "examples"])
    addressing = {s["solution"].rsplit("/", 1)[-1]: s["forms"] for s in rec.solutions if s["addressesNeed"]}
    assert addressing["pasientens-legemiddelliste"] == [[str(SAM.ChangeAndShare), str(SAM.MessageExchange)]]
    assert all(s["addressesNeed"] for s in rec.solutions[:len(addressing)])


def test_a_solution_without_an_iri_is_listed_too(tmp_path: Path) -> None:
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"
        '[] a sam:Solution ; dct:title "Min meldingsløsning"@nb ; sam:realises sam:SendAndReceive ;\n'
        "   sam:uses sam:MessageExchange ; sam:addresses sam:SendReferral .\n", encoding="utf-8")
    code, out, err = run("recommend", "--need", "sam:SendReferral", "--data", data, "--lang", "nb")
    assert code == 0, err
    assert "  - Min meldingsløsning [dekker behovet] (Sende og motta + Meldingsutveksling)" in out


# --- characteristics that exclude each other -------------------------------------------------------


def test_exclusion_is_declared_both_ways_and_no_need_has_both(graph: Graph) -> None:
    assert (SAM.ReceiverKnown, SAM.excludes, SAM.ReaderUnknown) in graph
    assert (SAM.ReaderUnknown, SAM.excludes, SAM.ReceiverKnown) in graph
    data = decision_data(graph)
    excludes = {c["iri"]: set(c["excludes"]) for c in data["characteristics"]}
    assert excludes[str(SAM.ReceiverKnown)] == {str(SAM.ReaderUnknown)}
    for need in data["needs"]:
        held = set(need["characteristics"])
        assert not any(excludes[c] & held for c in held), need["iri"]


def test_exclusive_characteristics_are_refused_by_the_api(graph: Graph) -> None:
    from samhandling_kg.recommendation.rule import ExclusiveCharacteristics

    with pytest.raises(ExclusiveCharacteristics) as caught:
        recommend(has=["receiver-known", "reader-unknown"], graph=graph)
    assert {caught.value.first, caught.value.second} == {"receiver-known", "reader-unknown"}
    assert isinstance(caught.value, QueryError)  # exit 2 like every usage error
    # --not overrides the need's characteristic, and then the pair no longer clashes
    rec = recommend("sam:SendReferral", has=["reader-unknown"], not_=["receiver-known"], graph=graph)
    assert names(rec.organisational, "ruled-out") == ["SendAndReceive"]


def test_an_excluded_characteristic_is_not_asked_once_the_other_holds(graph: Graph) -> None:
    rec = recommend(has=["reader-unknown"], graph=graph)
    assert str(SAM.ReceiverKnown) not in rec.open_questions
    rec = recommend(has=["receiver-known"], graph=graph)
    assert str(SAM.ReaderUnknown) not in rec.open_questions
    # without either, both are still questions that would decide
    rec = recommend(has=["shared-source"], graph=graph)
    assert str(SAM.ReceiverKnown) in rec.open_questions


def test_every_characteristic_of_a_need_is_shown_with_its_basis() -> None:
    code, out, err = run("recommend", "--need", "sam:CriticalInformation", "--lang", "en")
    assert code == 0, err
    held = out.split("Characteristics that hold:", 1)[1].split("\n\n", 1)[0]
    assert "(shared-source; from the need): Stated by the source." in " ".join(held.split())
    code, out, err = run("recommend", "--need", "sam:Plan", "--lang", "en")
    held = out.split("Characteristics that hold:", 1)[1].split("\n\n", 1)[0]
    assert "(shared-source; from the need): Derived by the project. The project's reading" in " ".join(held.split())


def test_a_recommended_technical_form_shows_what_its_support_rests_on() -> None:
    # Forcing portal access for critical information: the answer shows the support link's own
    # caveat that the source gives no basis for updating critical information through the portal.
    code, out, err = run("recommend", "--need", "sam:CriticalInformation", "--has", "outside-own-systems",
                         "--lang", "en")
    assert code == 0, err
    technical = " ".join(out.split("Technical interaction forms", 1)[1].split())
    assert ("~ support in the matrix: Derived by the project. Not stated by the source" in technical
            and "no basis for saying that critical information is updated through the portal" in technical)
    # a form that is only possible keeps the short line
    assert "2. Data sharing — possible ~ support in the matrix: Derived by the project 2." in technical
