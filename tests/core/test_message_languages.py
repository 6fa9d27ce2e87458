"""Every message the package gives in several languages has all three (nb, nn, en), each with
the same placeholders, and Norwegian that is not the English copied; and the helpers that
carry them (core/errors.py, core/limits.py, core/usage.py) put the same place and values in
each language. (tests/cli/test_error_languages.py runs the command line for each kind.)"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from samhandling_kg.core import limits
from samhandling_kg.core.errors import InputError, QueryError, fill, input_error, localised
from samhandling_kg.core.usage import TEXTS, argparse_message, language_in, usage_line

PACKAGE = Path(__file__).resolve().parents[2] / "samhandling_kg"


def _texts() -> list[tuple[str, int, dict[str, str]]]:
    """Every dict literal outside the site whose keys include "nb" and whose values are plain
    strings (implicit concatenation included): the package's three-language messages."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "site" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            if "nb" not in keys or not all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                                           for v in node.values):
                continue
            texts = {k: v.value for k, v in zip(keys, node.values)}  # type: ignore[union-attr]
            found.append((str(path.relative_to(PACKAGE)), node.lineno, texts))
    return found


TEXTS_FOUND = _texts()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_messages_are_found() -> None:
    """(The scan finds the messages of the layers that raise them.)"""
    places = {place for place, _, _ in TEXTS_FOUND}
    assert {"io/messages.py", "io/checks.py", "sparql/guard.py", "kg/questions.py",
            "validation/compiler/sparql.py", "core/usage.py"} <= places, places
    assert len(TEXTS_FOUND) > 100


@pytest.mark.parametrize("place, line, texts", TEXTS_FOUND, ids=[f"{p}:{n}" for p, n, _ in TEXTS_FOUND])
def test_three_languages_with_the_same_placeholders(place: str, line: int, texts: dict[str, str]) -> None:
    assert set(texts) == {"nb", "nn", "en"}, texts
    fields = {lang: _fields(text) for lang, text in texts.items()}
    # nb and nn may name a value the English writes differently (repr or a word of its own)
    # and the other way round, but never one that is not passed: all are filled from one call.
    assert fields["nb"] == fields["nn"] or fields["nb"] - {"nb"} == fields["nn"] - {"nn"}, texts
    for lang in ("nb", "nn"):
        words = re.sub(r"\{[^}]*\}|--[\w-]+|«[^»]*»|'[^']*'|\S+:\S+", " ", texts[lang])
        if re.search(r"[a-zæøå]{4,}", words):
            assert texts[lang] != texts["en"], (lang, texts)


def test_localised_fills_each_language_and_str_is_english() -> None:
    inner = localised(QueryError, {"nb": "ukjent {x}", "nn": "ukjend {x}", "en": "unknown {x}"}, x="a")
    outer = localised(QueryError, dict.fromkeys(("nb", "nn", "en"), "q1: {exc}"), exc=inner)
    assert str(outer) == "q1: unknown a"
    assert (outer.in_language("nb"), outer.in_language("nn")) == ("q1: ukjent a", "q1: ukjend a")
    assert outer.in_language(None) == outer.in_language("de") == "q1: unknown a"
    assert fill({"nb": "{v}", "en": "{v}"}, v={"nb": "ja", "en": "yes"}) == {"nb": "ja", "en": "yes"}


def test_input_error_names_the_file_and_line_in_every_language() -> None:
    error = input_error("data.ttl", {"nb": "ugyldig {s}", "nn": "ugyldig {s}!", "en": "malformed {s}"}, 3, s="Turtle")
    assert isinstance(error, InputError)
    assert (str(error), error.source, error.line, error.reason) == ("data.ttl:3: malformed Turtle", "data.ttl", 3,
                                                                    "malformed Turtle")
    assert error.in_language("nb") == "data.ttl:3: ugyldig Turtle"
    assert error.in_language("nn") == "data.ttl:3: ugyldig Turtle!"
    assert error.reasons == {"nb": "ugyldig Turtle", "nn": "ugyldig Turtle!", "en": "malformed Turtle"}


def test_a_limit_described_in_three_languages() -> None:
    assert limits.IRI.described(16_384) == {
        "nb": "16 384 tegn (grensen; kan økes med SAMHANDLING_MAX_IRI)",
        "nn": "16 384 teikn (grensa; kan aukast med SAMHANDLING_MAX_IRI)",
        "en": "16 384 characters (the limit; SAMHANDLING_MAX_IRI raises it)"}
    assert limits.INPUT.described(3 * (1 << 19))["nb"].startswith("1,5 MiB")
    assert limits.INPUT.described(3 * (1 << 19))["en"].startswith("1.5 MiB")


@pytest.mark.parametrize("message, nb, nn", [
    ("argument --format: invalid choice: 'xml' (choose from 'table', 'csv')",
     "argumentet --format: ugyldig valg: «xml» (velg blant «table», «csv»)",
     "argumentet --format: ugyldig val: «xml» (vel mellom «table», «csv»)"),
    ("argument --data: expected at least one argument", "argumentet --data: venter minst én verdi",
     "argumentet --data: ventar minst éin verdi"),
    ("the following arguments are required: QUERY", "disse argumentene mangler: QUERY",
     "desse argumenta manglar: QUERY"),
    ("unrecognized arguments: --x", "ukjente argumenter: --x", "ukjende argument: --x"),
    ("ambiguous option: --fo could match --format, --fail-on", "tvetydig valg: --fo kan bety --format, --fail-on",
     "tvitydig val: --fo kan tyde --format, --fail-on"),
])
def test_argparse_messages(message: str, nb: str, nn: str) -> None:
    assert (argparse_message(message, "nb"), argparse_message(message, "nn")) == (nb, nn)
    assert argparse_message(message, "en") == argparse_message(message, None) == message


def test_usage_line_and_the_language_read_before_parsing() -> None:
    assert usage_line("samhandling query", "unrecognized arguments: --x", "nn") == (
        "samhandling query: ukjende argument: --x (sjå «samhandling query --help»)\n")
    assert usage_line("samhandling load", "unrecognized arguments: --x", None) == (
        "samhandling load: unrecognized arguments: --x (see 'samhandling load --help')\n")
    known, commands = ("nb", "nn", "en"), ("validate", "query")
    assert language_in(["validate", "f.ttl"], commands, "nb", known) == "nb"
    assert language_in(["query", "--lang", "en", "q"], commands, "nb", known) == "en"
    assert language_in(["query", "--lang=nn"], commands, "nb", known) == "nn"
    assert language_in(["validate", "--lang", "de"], commands, "nb", known) == "nb"
    assert language_in(["load", "--lang", "nn"], commands, "nb", known) is None
    assert set(TEXTS["capped"]) == set(known)
