"""The command line, in-process: every error path gives one line on stderr and exit 2."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_one_line_error, run

from samhandling_kg import __version__
from samhandling_kg.cli import main
from samhandling_kg.kg.questions import list_questions


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"samhandling {__version__}"


@pytest.mark.parametrize("command", [[], ["query"], ["questions"], ["export"]])
def test_help_on_every_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "usage: samhandling" in capsys.readouterr().out


def test_every_registered_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from samhandling_kg.cli import build_parser

    parser = build_parser()
    names = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    for name in names:
        assert main([name, "--help"]) == 0, name
    assert capsys.readouterr().out.count("usage: samhandling") == len(names)


def test_unknown_option_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--bogus" in err
    assert "see 'samhandling questions --help'" in err


def test_unknown_question_id() -> None:
    code, out, err = run("query", "cq99-no-such-question")
    assert_one_line_error(code, err, "cq99-no-such-question", "samhandling questions")
    assert out == ""


def test_misspelt_question_id_gets_a_suggestion() -> None:
    code, _, err = run("query", "--lang", "en", "cq5-forms-for-need")
    assert_one_line_error(code, err, "did you mean cq05-forms-for-need?")


def test_missing_query_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.rq"
    code, _, err = run("query", "--lang", "en", str(missing))
    assert_one_line_error(code, err, str(missing), "no such file")


def test_query_file_that_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "q.rq"
    folder.mkdir()
    code, _, err = run("query", "--lang", "en", str(folder))
    assert_one_line_error(code, err, str(folder), "folder")


def test_unreadable_query_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads files whatever their mode: make the read fail as it would
        real = Path.open

        def refuse(self: Path, *args: object, **kwargs: object) -> object:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "open", refuse)  # how rdfio.read_bytes reads
    code, _, err = run("query", "--lang", "en", str(path))
    assert_one_line_error(code, err, str(path), "permission denied")


def test_malformed_query_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("PREFIX sam: <https://w3id.org/samhandling#>\nSELECT ?x WHERE {\n  ?x sam:supportedBy \n}\n")
    code, _, err = run("query", "--lang", "en", str(path))
    assert_one_line_error(code, err, f"{path}:3:", "malformed SPARQL")


def test_query_file_with_unknown_prefix(tmp_path: Path) -> None:
    path = tmp_path / "prefix.rq"
    path.write_text("SELECT ?x WHERE { ?x nosuch:thing ?y }")
    code, _, err = run("query", "--lang", "en", str(path))
    assert_one_line_error(code, err, str(path), "malformed SPARQL")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/data.ttl>",
        "PREFIX sam: <https://w3id.org/samhandling#>\nDELETE { ?s ?p ?o } WHERE { ?s sam:uses ?o }",
    ],
)
def test_update_is_refused(update: str, tmp_path: Path) -> None:
    path = tmp_path / "update.rq"
    path.write_text(update)
    code, out, err = run("query", str(path))
    assert_one_line_error(code, err, str(path), "update")
    assert out == ""


def test_service_clause_is_refused_locally(tmp_path: Path) -> None:
    path = tmp_path / "federated.rq"
    path.write_text("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    code, _, err = run("query", str(path))
    assert_one_line_error(code, err, "SERVICE")


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_from_clause_is_refused_locally(store: str, tmp_path: Path) -> None:
    # Over local files there is one graph: FROM would fetch, or quietly answer from nothing.
    path = tmp_path / "from.rq"
    path.write_text("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o } LIMIT 1")
    code, _, err = run("query", "--lang", "en", str(path), "--store", store)
    assert_one_line_error(code, err, str(path), "FROM and FROM NAMED")


def test_question_that_reads_solutions_notes_a_missing_data_option() -> None:
    code, out, err = run("query", "cq14-solutions-per-form")
    assert code == 0 and "(0 rader)" in out
    assert err == ("samhandling: merk: cq14-solutions-per-form leser løsningsbeskrivelser; oppgi dem med "
                   "--data FILE...\n")
    code, out, err = run("query", "--lang", "en", "cq14-solutions-per-form")
    assert code == 0 and "(0 rows)" in out
    assert err == "samhandling: note: cq14-solutions-per-form reads solution descriptions; give them with --data FILE...\n"


def test_malformed_data_file_names_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "solutions.ttl"
    data.write_text("@prefix sam: <https://w3id.org/samhandling#> .\n\n<urn:s> a sam:Solution ;\n  sam:uses .\n")
    code, out, err = run("query", "--lang", "en", _any_question(), "--data", str(data))
    assert_one_line_error(code, err, f"{data}:4:", "malformed Turtle")
    assert out == ""


def test_data_file_with_unknown_ending(tmp_path: Path) -> None:
    data = tmp_path / "solutions.docx"
    data.write_bytes(b"PK\x03\x04")
    code, _, err = run("query", "--lang", "en", _any_question(), "--data", str(data))
    assert_one_line_error(code, err, str(data), "unknown RDF file ending")


def test_bind_without_equals_sign() -> None:
    code, _, err = run("query", "--lang", "en", _any_question(), "--bind", "nonsense")
    assert_one_line_error(code, err, "--bind wants NAME=VALUE")


def test_bind_unknown_parameter() -> None:
    code, _, err = run("query", "--lang", "en", _any_question(), "--bind", "nosuchparam=x")
    assert_one_line_error(code, err, "unknown parameter nosuchparam")


def test_user_query_file_runs_and_prints_w3c_json(tmp_path: Path) -> None:
    path = tmp_path / "forms.rq"
    path.write_text(
        "PREFIX sam: <https://w3id.org/samhandling#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?form ?label WHERE { ?form a sam:OrganisationalForm ; skos:prefLabel ?label "
        "FILTER(lang(?label) = 'en') } ORDER BY ?form\n"
    )
    code, out, err = run("query", str(path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["head"]["vars"] == ["form", "label"]
    forms = [b["form"]["value"] for b in document["results"]["bindings"]]
    assert forms == sorted(
        f"https://w3id.org/samhandling#{name}"
        for name in ("SendAndReceive", "LookUpAndMakeAvailable", "ChangeAndShare")
    )
    assert {b["label"]["xml:lang"] for b in document["results"]["bindings"]} == {"en"}


def test_csv_and_table_formats(tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text(
        "PREFIX sam: <https://w3id.org/samhandling#>\n"
        "SELECT (COUNT(?f) AS ?n) WHERE { ?f a sam:TechnicalForm }\n"
    )
    code, out, _ = run("query", str(path), "--format", "csv")
    assert (code, out) == (0, "n\r\n5\r\n")
    code, out, _ = run("query", str(path))
    assert code == 0 and out.splitlines()[2].strip() == "5" and "(1 rad)" in out


def test_ask_and_construct(tmp_path: Path) -> None:
    ask = tmp_path / "ask.rq"
    ask.write_text("PREFIX sam: <https://w3id.org/samhandling#>\nASK { sam:ChangeAndShare sam:supportedBy sam:DataSharing }")
    assert run("query", str(ask)) == (0, "yes\n", "")
    assert json.loads(run("query", str(ask), "--format", "json")[1])["boolean"] is True
    construct = tmp_path / "construct.rq"
    construct.write_text(
        "PREFIX sam: <https://w3id.org/samhandling#>\n"
        "CONSTRUCT { ?o sam:supportedBy ?t } WHERE { ?o a sam:OrganisationalForm ; sam:supportedBy ?t }"
    )
    code, out, _ = run("query", str(construct))
    assert code == 0 and "sam:supportedBy" in out


def test_infer_adds_the_inverse(tmp_path: Path) -> None:
    path = tmp_path / "inverse.rq"
    path.write_text("PREFIX sam: <https://w3id.org/samhandling#>\nASK { sam:DataSharing sam:supports sam:ChangeAndShare }")
    assert run("query", str(path))[1] == "no\n"
    assert run("query", str(path), "--infer")[1] == "yes\n"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_questions_listing_in_each_language(lang: str) -> None:
    code, out, err = run("questions", "--lang", lang)
    assert code == 0, err
    for question in list_questions():
        assert question.id in out
        assert question.text[lang] in out


def _any_question() -> str:
    return list_questions()[0].id


def test_data_may_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "a.ttl").write_text(
        "@prefix sam: <https://w3id.org/samhandling#> .\n<urn:a> a sam:Solution ; sam:uses sam:DataSharing .\n"
    )
    (tmp_path / "b.nt").write_text("<urn:b> <https://w3id.org/samhandling#uses> <https://w3id.org/samhandling#PortalAccess> .\n")
    (tmp_path / "notes.txt").write_text("not RDF, skipped")
    query = tmp_path / "uses.rq"
    query.write_text("SELECT ?s WHERE { ?s <https://w3id.org/samhandling#uses> ?f } ORDER BY ?s")
    code, out, err = run("query", str(query), "--data", str(tmp_path), "--format", "csv")
    assert (code, out) == (0, "s\r\nurn:a\r\nurn:b\r\n"), err


def test_empty_data_folder_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("query", "--lang", "en", _any_question(), "--data", str(tmp_path))
    assert_one_line_error(code, err, str(tmp_path), "no RDF files")


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "solutions-sample.ttl"


@pytest.mark.parametrize(
    ("infer", "questions"),
    # Every question on the asserted graph; under --infer the two whose answers reasoning
    # changes (tests/stores/test_stores.py compares all of them on the materialised graph).
    [(False, None), (True, ["cq05-forms-for-need", "cq14-solutions-per-form"])],
    ids=["asserted", "materialised"],
)
def test_oxigraph_store_answers_like_rdflib(infer: bool, questions: list[str] | None) -> None:
    from samhandling_kg.sparql.results import result_from_json

    extra = ["--infer"] if infer else []
    for question in [q for q in list_questions() if questions is None or q.id in questions]:
        answers = []
        for store in ("rdflib", "oxigraph"):
            code, out, err = run("query", question.id, "--data", str(SAMPLE), "--store", store,
                                 "--format", "json", *extra)
            assert code == 0, err
            answers.append(result_from_json(json.loads(out)))
        rdflib_answer, oxigraph_answer = answers
        assert rdflib_answer.variables == oxigraph_answer.variables, question.id
        assert rdflib_answer.as_set() == oxigraph_answer.as_set(), question.id


def test_store_option_is_local_only() -> None:
    code, _, err = run("query", _any_question(), "--store", "oxigraph", "--endpoint", "http://127.0.0.1:9/sparql")
    assert_one_line_error(code, err, "--store")


def test_oxigraph_store_names_a_malformed_data_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    code, _, err = run("query", _any_question(), "--data", str(bad), "--store", "oxigraph")
    assert_one_line_error(code, err, str(bad))


def test_bind_refuses_a_bare_namespace() -> None:
    code, _, err = run("query", "--lang", "en", "cq03-technical-forms-for-organisational-form", "--bind", "form=sam:")
    assert_one_line_error(code, err, "names a namespace")


def test_api_refuses_a_literal_for_an_iri_parameter() -> None:
    from rdflib import Literal

    from samhandling_kg import QueryError, run_question

    with pytest.raises(QueryError, match="wants an IRI"):
        run_question("cq03-technical-forms-for-organisational-form", {"form": Literal("sam:ChangeAndShare")})


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_refuses_a_port_outside_the_range(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a port number" in err


def test_bare_command_prints_the_help_as_a_usage_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main([], out=out, err=err) == 2
    assert "COMMAND" in err.getvalue() and "query" in err.getvalue() and out.getvalue() == ""


def test_python_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "samhandling_kg", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("samhandling ")


@pytest.mark.parametrize("binds, message", [
    (["lang=nb", "lang=en"], "--bind lang er oppgitt to ganger"),
    (["lang=NB"], "(mente du nb?)"),
    (["need=CompareFastingGlucose"], "(mente du sam:CompareFastingGlucose?)"),
])
def test_bind_mistakes_are_refused_with_a_hint(binds: list[str], message: str) -> None:
    """(In the default language, nb: a --lang would be a second value of the lang parameter;
    the English texts are held by tests/cli/test_error_languages.py.)"""
    err = io.StringIO()
    argv = ["query", "cq05-forms-for-need"] + [a for b in binds for a in ("--bind", b)]
    assert main(argv, out=io.StringIO(), err=err) == 2
    assert message in err.getvalue() and err.getvalue().count("\n") == 1


def test_question_id_after_data_is_the_query() -> None:
    # --data takes one or more files; the question id after them is still QUERY.
    before = run("query", "cq14-solutions-per-form", "--data", str(SAMPLE), "--format", "csv")
    after = run("query", "--data", str(SAMPLE), "cq14-solutions-per-form", "--format", "csv")
    assert after == before and before[0] == 0 and before[1].count("\n") > 1


def test_missing_query_says_how_to_order_the_arguments() -> None:
    code, out, err = run("query", "--lang", "en", "--data", str(SAMPLE))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "QUERY is missing" in err and "samhandling query QUERY --data FILE" in err


def _lang_options() -> dict[str, Any]:
    from samhandling_kg.cli import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices  # type: ignore[union-attr]
    return {name: action for name, sub in commands.items() for action in sub._actions
            if "--lang" in action.option_strings}


def test_one_language_option_reads_the_registry() -> None:
    from samhandling_kg.core.terms import DEFAULT_LANGUAGE, LANGUAGES

    options = _lang_options()
    assert {"questions", "query", "validate", "recommend"} <= set(options)
    for name, action in options.items():
        assert tuple(action.choices) == LANGUAGES, name
        # query's is None so that a --bind lang=… can say it instead; the value used is the same
        assert action.default in (DEFAULT_LANGUAGE, None) and f"default {DEFAULT_LANGUAGE}" in action.help, name
    assert DEFAULT_LANGUAGE == "nb"


def test_questions_list_the_lang_default_of_the_chosen_language() -> None:
    for lang in ("nb", "nn", "en"):
        code, out, err = run("questions", "--lang", lang)
        assert code == 0, err
        shown = set(re.findall(r"\[lang=(\w+)\]", out))
        assert shown == {lang}, (lang, shown)
    assert set(re.findall(r"\[lang=(\w+)\]", run("questions")[1])) == {"nb"}


def test_query_lang_sets_the_language_parameter() -> None:
    nynorsk = run("query", "cq01-organisational-forms", "--lang", "nn", "--format", "csv")
    assert nynorsk == run("query", "cq01-organisational-forms", "--bind", "lang=nn", "--format", "csv")
    assert nynorsk[0] == 0 and "Slå opp og tilgjengeleggjere" in nynorsk[1]
    assert "Slå opp og tilgjengeliggjøre" not in nynorsk[1]  # the nb label
    assert run("query", "cq01-organisational-forms", "--format", "csv") == run(
        "query", "cq01-organisational-forms", "--lang", "nb", "--format", "csv")
    code, _, err = run("query", "cq01-organisational-forms", "--lang", "en", "--bind", "lang=nn")
    assert_one_line_error(code, err, "--lang en", "lang=nn")


def test_query_file_after_data_is_the_query_and_a_missing_data_file_is_not(tmp_path: Path) -> None:
    query = tmp_path / "forms.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/samhandling#Solution> }")
    assert run("query", "--lang", "en", "--data", str(SAMPLE), str(query)) == run("query", "--lang", "en", str(query), "--data", str(SAMPLE))
    code, _, err = run("query", "--lang", "en", "--data", str(SAMPLE), str(tmp_path / "missing.ttl"))
    assert_one_line_error(code, err, "QUERY is missing")
