"""``validate`` and ``query`` say every error in their ``--lang`` (issue 20): input errors,
the chosen limits, validation's and query's own errors and argparse's usage errors, each as
one line in nb, nn and en with the same exit status, the file (and line) named in all three,
and no word of the English message left in the Norwegian ones (a parser's own detail is
quoted «as it wrote it», and names such as Turtle, SPARQL or sam:Solution are the same in
every language)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from samhandling_kg.cli import main
from samhandling_kg.core.errors import QueryError
from samhandling_kg.core.terms import DEFAULT_LANGUAGE
from samhandling_kg.kg.questions import get_question

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "invalid" / "valid.ttl"
QUESTION = "cq05-forms-for-need"

#: Words that are the same in every language: formats, standards, the tool's own names.
NAMES = {"turtle", "triples", "json", "utf", "sparql", "rdf", "iri", "shacl", "xml", "mib",
         "oxigraph", "pyshacl", "samhandling", "select", "ask", "construct", "describe", "from",
         "named", "service", "where", "literal", "blank", "node", "nul", "ttl", "nquads", "trig",
         "jsonld", "owl", "rdfs", "xsd", "integer", "boolean", "profile", "none", "questions",
         "query", "validate", "ntriples", "trix", "byte",
         # words Norwegian shares with English
         "parameter", "standard", "data", "over", "for"}


@dataclass(frozen=True)
class Case:
    """One error: how to cause it (``argv`` in ``tmp_path``, the environment), what the line
    names (``where``: a file and line, or a word), and the exit status."""

    argv: Callable[[Path], list[str]]
    where: Callable[[Path], str] = lambda _: ""
    env: tuple[tuple[str, str], ...] = ()
    code: int = 2
    #: Names in the line that are the same in every language (a parameter, a value).
    names: tuple[str, ...] = ()


def _write(tmp: Path, name: str, text: str | bytes) -> Path:
    path = tmp / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


SHAPES_MALFORMED = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:p ; sh:minCount "x" ] .
"""
SHAPES_UNSUPPORTED = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass [ a ex:C ] .
"""

CASES: dict[str, Case] = {
    # --- validate: input errors ---
    "validate-missing-file": Case(lambda t: ["validate", str(t / "nope.ttl")], lambda t: f"{t / 'nope.ttl'}:"),
    "validate-malformed-turtle": Case(
        lambda t: ["validate", str(_write(t, "bad.ttl", "@prefix ex: <https://e.org/> .\nex:a ex:b ;\n  ex:d .\n"))],
        lambda t: f"{t / 'bad.ttl'}:2:"),
    "validate-unknown-ending": Case(lambda t: ["validate", str(_write(t, "data.csv", "a,b\n"))],
                                    lambda t: f"{t / 'data.csv'}:"),
    "validate-empty-folder": Case(lambda t: ["validate", str(t)], lambda t: f"{t}:"),
    "validate-utf16": Case(lambda t: ["validate", str(_write(t, "w.ttl", "<a> <b> <c> .".encode("utf-16")))],
                           lambda t: f"{t / 'w.ttl'}:1:"),
    "validate-binary": Case(lambda t: ["validate", str(_write(t, "nul.ttl", b"<a> <b> \x00 .\n"))],
                            lambda t: f"{t / 'nul.ttl'}:1:"),
    "validate-folder-as-shapes": Case(lambda t: ["validate", str(VALID), "--shapes", str(t / "none.ttl")],
                                      lambda t: f"{t / 'none.ttl'}:"),
    # --- the chosen limits ---
    "limit-input": Case(lambda t: ["validate", str(_write(t, "big.nt", "<urn:a> <urn:b> <urn:c> .\n" * 60_000))],
                        lambda t: f"{t / 'big.nt'}:", env=(("SAMHANDLING_MAX_INPUT", str(1 << 20)),)),
    "limit-token": Case(
        lambda t: ["validate", str(_write(t, "long.ttl", '<https://e.org/a> <https://e.org/b> "' + "x" * 300 + '" .\n'))],
        lambda t: f"{t / 'long.ttl'}:1:", env=(("SAMHANDLING_MAX_TOKEN", "200"),)),
    "limit-iri": Case(
        lambda t: ["validate", str(_write(t, "iri.ttl", "<https://e.org/" + "a" * 300 + "> <https://e.org/b> 1 .\n"))],
        lambda t: f"{t / 'iri.ttl'}:1:", env=(("SAMHANDLING_MAX_IRI", "100"),)),
    "limit-inference": Case(
        lambda t: ["query", "cq01-organisational-forms", "--infer", "--store", "rdflib", "--data", str(_write(t, "chain.nt", "".join(
            f"<https://e.org/x{i}> <http://www.w3.org/2002/07/owl#sameAs> <https://e.org/x{i + 1}> .\n"
            for i in range(400))))], lambda _: "SAMHANDLING_MAX_INFERRED", env=(("SAMHANDLING_MAX_INFERRED", "20000"),),
        names=("owl", "sameas")),
    "limit-not-a-number": Case(lambda t: ["validate", str(VALID)], lambda _: "SAMHANDLING_MAX_INPUT",
                               env=(("SAMHANDLING_MAX_INPUT", "lots"),)),
    # --- validation's own errors ---
    "validate-nothing": Case(lambda t: ["validate", str(_write(t, "empty.ttl", ""))], lambda t: f"{t / 'empty.ttl'}:"),
    "validate-misspelt-class": Case(
        lambda t: ["validate", str(_write(t, "m.ttl", "@prefix sam: <https://w3id.org/samhandling#> .\n"
                                          "<https://e.org/s> a sam:Soluton .\n"))],
        lambda t: "sam:Solution"),
    "validate-profile-none": Case(lambda t: ["validate", str(VALID), "--profile", "none"], lambda _: "--shapes"),
    "validate-malformed-shape": Case(
        lambda t: ["validate", str(VALID), "--profile", "none", "--shapes", str(_write(t, "s.ttl", SHAPES_MALFORMED))],
        lambda _: "sh:minCount"),
    "validate-unsupported-shape": Case(
        lambda t: ["validate", str(VALID), "--profile", "none", "--shapes", str(_write(t, "u.ttl", SHAPES_UNSUPPORTED))],
        lambda _: "<https://example.org/S>"),
    "validate-graph-without-endpoint": Case(lambda t: ["validate", str(VALID), "--graph", "urn:g"],
                                            lambda _: "--endpoint"),
    "validate-stdin-format": Case(lambda t: ["validate", "-"], lambda _: "--input-format"),
    "validate-input-format-for-files": Case(lambda t: ["validate", str(VALID), "--input-format", "ttl"],
                                            lambda _: "--input-format"),
    # --- validate: argparse ---
    "validate-usage-no-file": Case(lambda t: ["validate"], lambda _: "FILE"),
    "validate-usage-choice": Case(lambda t: ["validate", str(VALID), "--format", "xml"], lambda _: "--format"),
    "validate-usage-unknown-option": Case(lambda t: ["validate", str(VALID), "--bogus"], lambda _: "--bogus"),
    # --- query ---
    "query-unknown-question": Case(lambda t: ["query", "cq99-no-such"], lambda _: "cq99-no-such"),
    "query-missing-file": Case(lambda t: ["query", str(t / "nope.rq")], lambda t: f"{t / 'nope.rq'}:"),
    "query-malformed": Case(lambda t: ["query", str(_write(t, "bad.rq", "SELECT ?s\nWHERE { ?s ?p }\n"))],
                            lambda t: f"{t / 'bad.rq'}:"),
    "query-empty": Case(lambda t: ["query", str(_write(t, "empty.rq", "# nothing\n"))], lambda t: f"{t / 'empty.rq'}:"),
    "query-update": Case(lambda t: ["query", str(_write(t, "u.rq", "DELETE WHERE { ?s ?p ?o }\n"))],
                         lambda t: f"{t / 'u.rq'}:"),
    "query-from": Case(lambda t: ["query", str(_write(t, "f.rq", "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }\n"))],
                       lambda t: f"{t / 'f.rq'}:"),
    "query-service": Case(lambda t: ["query", str(_write(t, "s.rq", "SELECT * WHERE {\n SERVICE <https://e.org/> "
                                                          "{ ?s ?p ?o } }\n"))], lambda t: f"{t / 's.rq'}:2:"),
    "query-bind-form": Case(lambda t: ["query", QUESTION, "--bind", "nonsense"], lambda _: "--bind"),
    "query-bind-twice": Case(lambda t: ["query", QUESTION, "--bind", "need=sam:A", "--bind", "need=sam:B"],
                             lambda _: "--bind need", names=("need",)),
    "query-unknown-parameter": Case(lambda t: ["query", QUESTION, "--bind", "nosuch=x"], lambda _: "nosuch",
                                    names=("nosuch", "lang", "need")),
    "query-not-an-instance": Case(lambda t: ["query", QUESTION, "--bind", "need=sam:SendRefferal"],
                                  lambda _: "sam:SendReferral"),
    "query-not-an-iri": Case(lambda t: ["query", QUESTION, "--bind", "need=no such thing"], lambda _: "need"),
    "query-bind-and-lang": Case(lambda t: ["query", QUESTION, "--bind", "lang=NB"], lambda _: "--bind lang=NB",
                                names=("lang",)),
    "query-missing": Case(lambda t: ["query", "--data", str(VALID)], lambda _: "QUERY"),
    "query-graph-without-endpoint": Case(lambda t: ["query", QUESTION, "--graph", "urn:g"], lambda _: "--endpoint"),
    "query-missing-data-file": Case(lambda t: ["query", QUESTION, "--data", str(t / "gone.ttl")],
                                    lambda t: f"{t / 'gone.ttl'}:"),
    "query-endpoint-refused": Case(lambda t: ["query", QUESTION, "--endpoint", "http://127.0.0.1:9/sparql"],
                                   lambda _: "http://127.0.0.1:9/sparql:"),
    "query-endpoint-not-http": Case(lambda t: ["query", QUESTION, "--endpoint", "ftp://example.org/sparql"],
                                    lambda _: "ftp://example.org/sparql:", names=("http",)),
    "validate-endpoint-refused": Case(lambda t: ["validate", "--endpoint", "http://127.0.0.1:9/sparql"],
                                      lambda _: "http://127.0.0.1:9/sparql:"),
    "query-usage-choice": Case(lambda t: ["query", QUESTION, "--format", "xml"], lambda _: "--format"),
    "query-usage-data": Case(lambda t: ["query", QUESTION, "--data"], lambda _: "--data"),
}


def _line(case: Case, lang: str | None, tmp: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    argv = case.argv(tmp)
    if lang is not None and "--lang" not in argv:
        argv += ["--lang", lang]
    out, err = io.StringIO(), io.StringIO()
    capsys.readouterr()
    code = main(argv, out=out, err=err)
    assert out.getvalue() == "", out.getvalue()
    # argparse writes its usage errors to sys.stderr itself
    return code, err.getvalue() + capsys.readouterr().err


def _words(line: str, tmp: Path, names: tuple[str, ...] = ()) -> set[str]:
    """The words of ``line`` a reader reads as language: not quoted details «…», IRIs <…>,
    paths, options, file endings, placeholders (FILE), prefixed names (sam:Solution),
    identifiers (cq05-forms-for-need) or names in NAMES and ``names``."""
    text = line.replace(str(tmp), " ").replace(str(ROOT), " ")
    for pattern in (r"«[^»]*»", r"'[^']*'", r"<[^>\s]*>", r"--[\w-]+", r"\S+:\S+", r"\b[A-Z_]{2,}\b",
                    r"\$\w+", r"\S*/\S*", r"\.\w+", r"\b\w+(?:-\w+)+\b", r"\w+=\S+"):
        text = re.sub(pattern, " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-zæøåÆØÅ]{3,}", text)} - NAMES - set(names)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_error_in_nb_nn_and_en(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    lines = {}
    for lang in ("nn", "en", "nb"):
        code, err = _line(case, lang, tmp_path, monkeypatch, capsys)
        assert code == case.code, (lang, err)
        assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, (lang, err)
        assert err.startswith("samhandling"), err
        assert case.where(tmp_path) in err, (lang, err)
        lines[lang] = err
    english = _words(lines["en"], tmp_path, case.names)
    assert english, lines["en"]
    for lang in ("nb", "nn"):
        assert lines[lang] != lines["en"], lines[lang]
        left = english & _words(lines[lang], tmp_path, case.names)
        assert not left, (lang, left, lines[lang], lines["en"])


@pytest.mark.parametrize("name", ["validate-missing-file", "query-unknown-question", "query-usage-choice",
                                  "validate-usage-no-file"])
def test_without_lang_the_default_language(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """No --lang: the error is in the default language (nb), as every other text of the
    command."""
    default = _line(CASES[name], DEFAULT_LANGUAGE, tmp_path, monkeypatch, capsys)
    assert _line(CASES[name], None, tmp_path, monkeypatch, capsys) == default


def test_the_english_texts_are_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The English lines read word for word as before --lang reached them (the API's str())."""
    expected = {
        ("validate", str(tmp_path / "nope.ttl")): f"samhandling: {tmp_path / 'nope.ttl'}: no such file or folder\n",
        ("query", "cq99-no-such"): "samhandling: unknown question 'cq99-no-such'; 'samhandling questions' lists them\n",
        ("query", QUESTION, "--bind", "x"): "samhandling: --bind wants NAME=VALUE, not 'x'\n",
        ("validate", str(VALID), "--profile", "none"):
            "samhandling: --profile none validates with the given shapes alone; give --shapes SHAPES\n",
        ("validate",): "samhandling validate: the following arguments are required: FILE (or --endpoint URL) "
                       "(see 'samhandling validate --help')\n",
    }
    for argv, line in expected.items():
        err = io.StringIO()
        assert main([*argv, "--lang", "en"], out=io.StringIO(), err=err) == 2
        assert err.getvalue() + capsys.readouterr().err == line


def test_a_parameter_value_out_of_its_choices_in_three_languages() -> None:
    """(On the command line the language parameter is also --lang's: its choice error is
    held here, through the API.)"""
    with pytest.raises(QueryError) as caught:
        get_question(QUESTION).bindings({"lang": "NB"})
    assert str(caught.value) == f"{QUESTION}: parameter 'lang' is one of nb, nn, en, *, not 'NB' (did you mean nb?)"
    assert caught.value.in_language("nb") == (f"{QUESTION}: parameteren «lang» tar en av verdiene nb, nn, en, *, "
                                              "ikke «NB» (mente du nb?)")
    assert caught.value.in_language("nn") == (f"{QUESTION}: parameteren «lang» tek ein av verdiane nb, nn, en, *, "
                                              "ikkje «NB» (meinte du nb?)")


def test_other_commands_keep_english_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """Only validate and query follow --lang in argparse's errors (load has no --lang)."""
    assert main(["load", "--graph-store", "http://127.0.0.1:9/store", "--bogus"]) == 2
    assert "(see 'samhandling load --help')" in capsys.readouterr().err
