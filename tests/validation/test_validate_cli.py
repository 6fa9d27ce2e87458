"""``samhandling validate`` in process: every option, every format, the exit codes, and bad
input (one line naming the file, exit 2, nothing on stdout)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import assert_one_line_error, run
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from samhandling_kg.core.errors import SamhandlingError
from samhandling_kg.validation.engines import validate
from samhandling_kg.validation.render import summary_line

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "invalid"
EXAMPLES = ROOT / "examples"
SH = Namespace("http://www.w3.org/ns/shacl#")

VALID = INVALID / "valid.ttl"
VIOLATION = INVALID / "SolutionIdentifier.ttl"  # one Violation (plus nothing else at that level)
WARNING = INVALID / "SolutionLegalBasis.ttl"  # one Warning only
INFO = INVALID / "SolutionTitleEn.ttl"  # one Info only


def renamed(case: Path, tmp_path: Path) -> Path:
    """The case with its solution renamed after the file: files validated together form one
    graph, and the cases all call their solution ex:sol."""
    target = tmp_path / case.name
    target.write_text(case.read_text(encoding="utf-8").replace("ex:sol ", f"ex:{case.stem} "),
                      encoding="utf-8")
    return target


# --- exit codes and --fail-on -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fail_on", "expected"),
    [
        (VALID, "violation", 0), (VALID, "warning", 0), (VALID, "info", 0),
        (VIOLATION, "violation", 1), (VIOLATION, "warning", 1), (VIOLATION, "info", 1),
        (WARNING, "violation", 0), (WARNING, "warning", 1), (WARNING, "info", 1),
        (INFO, "violation", 0), (INFO, "warning", 0), (INFO, "info", 1),
    ],
)
def test_fail_on(path: Path, fail_on: str, expected: int) -> None:
    code, out, err = run("validate", path, "--fail-on", fail_on)
    assert (code, err) == (expected, "")
    assert out


def test_fail_on_defaults_to_violation() -> None:
    assert run("validate", WARNING)[0] == 0
    assert run("validate", VIOLATION)[0] == 1


def test_catalogue_folder_passes() -> None:
    code, out, err = run("validate", EXAMPLES, "--lang", "en")
    assert code == 0 and err == ""
    assert out.rstrip().splitlines()[-1].startswith(f"{len(list(EXAMPLES.glob('*.ttl')))} records, 0 violations")


# --- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "word", "summary"),
    [
        ("en", "Test solution", "Violation", "1 record, 1 violation, 0 warnings, 0 infos — does not conform (fail-on violation)"),
        ("nb", "Testløsning", "Brudd", "1 post, 1 brudd, 0 advarsler, 0 merknader — ikke godkjent (feiler på brudd)"),
        ("nn", "Testløysing", "Brot", "1 post, 1 brot, 0 åtvaringar, 0 merknader — ikkje godkjend (feilar på brot)"),
    ],
)
def test_text_is_grouped_by_record_in_the_language(lang: str, title: str, word: str, summary: str) -> None:
    code, out, _ = run("validate", VIOLATION, "--lang", lang)
    lines = out.rstrip("\n").splitlines()
    assert code == 1
    assert lines[0].startswith(f"{title}  [") and lines[0].endswith("SolutionIdentifier.ttl:12]")
    assert lines[1].strip() == "https://example.org/test/sol"
    assert lines[2].lstrip().startswith(f"✗ {word} [dct:identifier]: ")
    assert lines[-1] == summary


def test_text_lists_records_without_findings() -> None:
    _, out, _ = run("validate", VALID, "--lang", "en")
    assert "✓ no findings" in out


def test_text_names_a_record_of_its_own_for_a_declared_concept() -> None:
    _, out, _ = run("validate", INVALID / "DeclaredConceptLabel.ttl", "--fail-on", "info", "--lang", "en")
    assert "https://example.org/test/myNeed" in out
    assert "2 records" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("lang", "fail_on", "summary"),
    [
        ("en", "warning", "1 record, 0 violations, 1 warning, 0 infos — does not conform (fail-on warning)"),
        ("nb", "warning", "1 post, 0 brudd, 1 advarsel, 0 merknader — ikke godkjent (feiler på advarsel)"),
        ("nn", "warning", "1 post, 0 brot, 1 åtvaring, 0 merknader — ikkje godkjend (feilar på åtvaring)"),
        ("en", "info", "1 record, 0 violations, 0 warnings, 1 info — does not conform (fail-on info)"),
        ("nb", "info", "1 post, 0 brudd, 0 advarsler, 1 merknad — ikke godkjent (feiler på merknad)"),
    ],
)
def test_summary_singular_and_level_in_the_language(lang: str, fail_on: str, summary: str) -> None:
    path = WARNING if fail_on == "warning" else INFO
    _, out, _ = run("validate", path, "--lang", lang, "--fail-on", fail_on)
    assert out.rstrip("\n").splitlines()[-1] == summary


# --- nothing to validate: an input error -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fragments"),
    [
        ("empty.ttl", "", ["empty.ttl: no solution description (sam:Solution) found"]),
        ("other.ttl", "<https://example.org/a> <https://example.org/b> 1 .\n",
         ["other.ttl: no solution description (sam:Solution) found"]),
        ("misspelt.ttl",
         "@prefix sam: <https://w3id.org/samhandling#> .\n"
         "<https://example.org/s> a sam:Soluton ;\n"
         "    sam:realizes sam:ChangeAndShare ;\n    sam:use sam:DataSharing .\n",
         ["misspelt.ttl: no solution description (sam:Solution) found; "
          "sam:Soluton is not a term of the ontology — did you mean sam:Solution?"]),
        ("http.ttl",
         "@prefix sam: <http://w3id.org/samhandling#> .\n"
         "<https://example.org/s> a sam:Solution ;\n"
         "    sam:realises sam:ChangeAndShare ;\n    sam:uses sam:DataSharing .\n",
         ["http.ttl: no solution description (sam:Solution) found",
          "http://w3id.org/samhandling#", "https://w3id.org/samhandling#"]),
        ("slash.ttl",
         "@prefix sam: <https://w3id.org/samhandling/> .\n"
         "<https://example.org/s> a sam:Solution ;\n    sam:uses sam:DataSharing .\n",
         ["https://w3id.org/samhandling/", "https://w3id.org/samhandling#"]),
    ],
)
def test_nothing_to_validate_is_an_input_error(tmp_path: Path, name: str, text: str,
                                                fragments: list[str]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("validate", "--lang", "en", path)
    assert out == ""
    assert_one_line_error(code, err, str(path), *fragments)


def test_nothing_to_validate_from_the_api() -> None:
    with pytest.raises(SamhandlingError, match="no solution description"):
        validate(Graph())


def test_a_declared_need_alone_is_something_to_validate(tmp_path: Path) -> None:
    path = tmp_path / "need.ttl"
    path.write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://example.org/n> a sam:Need , skos:Concept ; skos:prefLabel \"Behov\"@nb ;\n"
        "    skos:definition \"Et behov.\"@nb ; sam:supportedBy sam:SendAndReceive .\n", encoding="utf-8")
    code, out, err = run("validate", path, "--lang", "en")
    assert (code, err) == (0, "") and " 0 violations, 0 warnings" in out


# --- hostile text never reaches the terminal raw ---------------------------------------------

HOSTILE = "Evil\x1b[31m\x07\x0b\x7f\x9btitle"


def _hostile(tmp_path: Path) -> Path:
    text = VALID.read_text(encoding="utf-8")
    escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")
    text = text.replace('"Testløsning"@nb', f'"{escaped}"@nb , "{escaped} no"@no')
    text = text.replace("<https://example.org/solution>", f'"{escaped} page"')
    path = tmp_path / "hostile.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_text_is_escaped_in_the_text_format(tmp_path: Path) -> None:
    path = _hostile(tmp_path)
    assert HOSTILE in {str(t) for t in Graph().parse(path).objects()}  # the data really holds it
    for lang in ("nb", "en"):
        _, out, _ = run("validate", path, "--lang", lang, "--fail-on", "info")
        assert not [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f], repr(out)
        assert "Evil\\x1b[31m\\x07\\x0b\\x7f\\x9btitle" in out


def test_hostile_text_keeps_junit_well_formed(tmp_path: Path) -> None:
    code, out, _ = run("validate", _hostile(tmp_path), "--format", "junit", "--fail-on", "info", "--lang", "nb")
    assert code == 1 and out.endswith("</testsuites>\n")
    root = ET.fromstring(out)  # parses: no character XML 1.0 forbids
    (case,) = root.iter("testcase")
    assert "Evil\\x1b[31m" in case.get("name", "")
    body = case.find("failure").text
    assert "\x1b" not in body and "\\x1b" in body


# --- json -----------------------------------------------------------------------------------


def test_json_is_the_contract_object() -> None:
    code, out, _ = run("validate", INVALID / "SolutionRealisesOrganisationalForm.ttl", "--format", "json", "--lang", "en")
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"conforms", "results"} and data["conforms"] is False
    (result,) = data["results"]
    assert result == {
        "severity": "Violation",
        "focus_node": "https://example.org/test/sol",
        "path": "https://w3id.org/samhandling#realises",
        "value": "https://w3id.org/samhandling#DataSharing",
        "message": "Data sharing is not an organisational interaction form (sam:OrganisationalForm) "
                   "of the knowledge graph. It is a technical form: are sam:realises and sam:uses "
                   "swapped? A technical form goes with sam:uses.",
        "source_shape": "https://w3id.org/samhandling/shapes#SolutionRealisesOrganisationalForm",
        "constraint_component": "http://www.w3.org/ns/shacl#ClassConstraintComponent",
    }


def test_json_conforms_follows_fail_on_and_path_may_be_null() -> None:
    _, out, _ = run("validate", WARNING, "--format", "json")
    assert json.loads(out)["conforms"] is True
    _, out, _ = run("validate", WARNING, "--format", "json", "--fail-on", "warning")
    assert json.loads(out)["conforms"] is False
    _, out, _ = run("validate", INVALID / "SolutionType.ttl", "--format", "json")
    (result,) = json.loads(out)["results"]
    assert result["value"] is None and result["path"].endswith("#type")


def test_json_messages_in_each_language() -> None:
    messages = {}
    for lang in ("nb", "nn", "en"):
        _, out, _ = run("validate", VIOLATION, "--format", "json", "--lang", lang)
        messages[lang] = json.loads(out)["results"][0]["message"]
    assert messages["nb"].startswith("Løsningen må ha nøyaktig én identifikator")
    assert messages["nn"].startswith("Løysinga må ha nøyaktig éin identifikator")
    assert messages["en"].startswith("The solution must have exactly one identifier")


# --- turtle ---------------------------------------------------------------------------------


def test_turtle_is_a_standard_report() -> None:
    code, out, _ = run("validate", WARNING, "--format", "turtle", "--lang", "nb")
    graph = Graph().parse(data=out, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert code == 0
    assert graph.value(report, SH.conforms).toPython() is False  # SHACL meaning: a result exists
    (result,) = graph.objects(report, SH.result)
    assert graph.value(result, SH.resultSeverity) == SH.Warning
    assert str(graph.value(result, SH.focusNode)) == "https://example.org/test/sol"
    assert str(graph.value(result, SH.resultPath)) == "http://data.europa.eu/r5r/applicableLegislation"
    assert str(graph.value(result, SH.sourceShape)).endswith("#SolutionLegalBasis")
    assert graph.value(result, SH.resultMessage).language == "nb"


def test_turtle_for_a_conforming_file() -> None:
    _, out, _ = run("validate", VALID, "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    (conforms,) = graph.objects(None, SH.conforms)
    assert conforms.toPython() is True
    assert not list(graph.objects(None, SH.result))


# --- sarif ----------------------------------------------------------------------------------


def test_sarif(tmp_path: Path) -> None:
    code, out, _ = run("validate", renamed(VIOLATION, tmp_path), renamed(WARNING, tmp_path), "--format", "sarif")
    log = json.loads(out)
    assert code == 1
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert {"SolutionIdentifier", "SolutionLegalBasis"} <= {r["id"] for r in rules}
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"SolutionIdentifier": "error", "SolutionLegalBasis": "warning"}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith(".ttl")
        assert location["region"]["startLine"] == 12
        assert result["properties"]["focusNode"].startswith("https://example.org/test/Solution")


def test_sarif_info_is_a_note() -> None:
    _, out, _ = run("validate", INFO, "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["level"] == "note"


# --- junit ----------------------------------------------------------------------------------


def test_junit(tmp_path: Path) -> None:
    files = [renamed(p, tmp_path) for p in (VIOLATION, VALID, INFO)]
    code, out, _ = run("validate", *files, "--format", "junit", "--lang", "en")
    root = ET.fromstring(out)
    assert code == 1
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert len(suites) == 3
    failing = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert len(failing) == 1 and failing[0].get("classname", "").endswith("SolutionIdentifier.ttl")
    assert failing[0].find("failure").get("type") == "Violation"
    info_case = next(c for c in root.iter("testcase") if c.get("classname", "").endswith("SolutionTitleEn.ttl"))
    assert info_case.find("failure") is None and "Info" in info_case.find("system-out").text


def test_junit_fail_on_info_fails_the_info_case() -> None:
    _, out, _ = run("validate", INFO, "--format", "junit", "--fail-on", "info", "--lang", "en")
    root = ET.fromstring(out)
    assert root.get("failures") == "1"


# --- several files and folders --------------------------------------------------------------


def test_several_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "descriptions"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    shutil.copy(EXAMPLES / "kjernejournal.ttl", folder / "sub" / "kj.ttl")
    shutil.copy(VIOLATION, folder / ".hidden" / "ignored.ttl")
    (folder / "notes.txt").write_text("not RDF", encoding="utf-8")
    nt = Graph().parse(EXAMPLES / "helseid.ttl").serialize(format="nt")
    (folder / "helseid.nt").write_text(nt, encoding="utf-8")
    code, out, err = run("validate", folder, EXAMPLES / "e-resept.ttl", "--format", "json")
    assert (code, err) == (0, "") and json.loads(out)["conforms"] is True
    report = validate([folder, EXAMPLES / "e-resept.ttl"])
    assert len([r for r in report.records if r.kind == "solution"]) == 3
    assert sorted(Path(f).name for f in report.files) == ["e-resept.ttl", "helseid.nt", "kj.ttl"]


def test_files_together_form_one_graph(tmp_path: Path) -> None:
    # the identifier missing in one file is given in the other: one record, no violation
    code, out, _ = run("validate", VIOLATION, WARNING, "--lang", "en")
    assert code == 0 and out.rstrip().splitlines()[-1].startswith("1 record, 0 violations, 0 warnings")


def test_a_file_named_twice_is_read_once() -> None:
    report = validate([VIOLATION, VIOLATION])
    assert len(report.results) == 1 and report.files == (str(VIOLATION),)


# --- bad input: one line, exit 2, nothing written --------------------------------------------


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("broken.ttl", "@prefix ex: <https://example.org/> .\n\nex:a ex:b .\n", "broken.ttl:3: malformed Turtle"),
        ("broken.nt", "<https://example.org/a> <https://example.org/b> .\n", "broken.nt:1: malformed N-Triples"),
        ("broken.jsonld", '{"@id": "x",,}', "broken.jsonld:1: malformed JSON"),
        ("broken.rdf", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "broken.rdf"),
        ("data.csv", "a,b\n", "data.csv: unknown RDF file ending '.csv'"),
        ("entities.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', "XML DTDs (<!DOCTYPE …>) are not accepted"),
    ],
)
def test_bad_file_is_named_on_one_line(tmp_path: Path, name: str, text: str, expected: str) -> None:
    bad = _bad(tmp_path, name, text)
    code, out, err = run("validate", "--lang", "en", VALID, bad)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("samhandling: ") and expected in err, err
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    code, out, err = run("validate", "--lang", "en", tmp_path / "nope.ttl")
    assert (code, out) == (2, "")
    assert err == f"samhandling: {tmp_path / 'nope.ttl'}: no such file or folder\n"
    # a folder given with '/' (or any name without an RDF ending): not "unknown RDF file ending"
    code, out, err = run("validate", "--lang", "en", f"{tmp_path / 'gone'}/")
    assert (code, out) == (2, "") and err == f"samhandling: {tmp_path / 'gone'}/: no such file or folder\n"


def test_empty_folder(tmp_path: Path) -> None:
    code, out, err = run("validate", "--lang", "en", tmp_path)
    assert (code, out) == (2, "") and "folder holds no RDF files" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("validate",),
        ("validate", str(VALID), "--format", "xml"),
        ("validate", str(VALID), "--lang", "no"),
        ("validate", str(VALID), "--fail-on", "error"),
        ("validate", str(VALID), "--unknown"),
    ],
)
def test_usage_errors(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    # English pinned; an unknown --lang leaves the default language (nb)
    code, out, _ = run(*argv, *(() if "--lang" in argv else ("--lang", "en")))
    captured = capsys.readouterr()
    assert code == 2 and out == ""
    see = "(se «samhandling" if "--lang" in argv else "(see 'samhandling"
    assert captured.err.count("\n") == 1 and see in captured.err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate", "--help")[0] == 0
    text = capsys.readouterr().out
    for option in ("--format", "--lang", "--fail-on", "sarif", "junit"):
        assert option in text


def test_summary_line_matches_text_output() -> None:
    report = validate(EXAMPLES, lang="en")
    _, out, _ = run("validate", EXAMPLES, "--lang", "en")
    assert out.rstrip().splitlines()[-1] == summary_line(report)


@pytest.mark.parametrize(("ending", "rdf_format"), [(".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld"),
                                                    (".trig", "trig"), (".n3", "n3")])
def test_any_rdf_syntax_by_file_ending(tmp_path: Path, ending: str, rdf_format: str) -> None:
    source = INVALID / "SolutionLegalBasis.ttl"
    graph = Graph().parse(source, format="turtle")
    target = tmp_path / f"case{ending}"
    target.write_text(graph.serialize(format=rdf_format), encoding="utf-8")
    expected = [(r.severity, r.focus_node, r.path, r.source_shape) for r in validate(source).results]
    got = [(r.severity, r.focus_node, r.path, r.source_shape) for r in validate(target).results]
    assert got == expected and len(got) == 1
