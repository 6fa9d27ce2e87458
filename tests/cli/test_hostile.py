"""Issue 8, section 4 and 6: faults outside the files — output that cannot be written, I/O
errors raised while a result is read, characters that reorder a terminal line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling_kg import cli
from samhandling_kg.core.errors import printable

CORPUS = Path(__file__).parents[1] / "corpus"
RUN = "import sys; from samhandling_kg.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(("argv", "words"), [
    (["questions"], "kan ikke skrive utdataene"),  # the default language: nb
    (["query", "cq01-organisational-forms", "--lang", "en"], "cannot write the output"),
    (["export", "--format", "nt"], "kan ikke skrive utdataene"),
    (["validate", "examples", "--format", "json", "--lang", "nn"], "kan ikkje skrive utdataa"),
])
def test_full_standard_output_is_one_line(argv: list[str], words: str) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", RUN, *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"samhandling: {words}: No space left on device\n", proc.stderr


def test_io_error_while_a_result_is_read_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyoxigraph raises OSError lazily, while its result is read; it escaped as a traceback."""
    def fail(*args: object, **kwargs: object) -> str:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(cli, "format_result", fail)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["query", str(CORPUS / "queries" / "probe.rq"), "--store", "oxigraph"], out=out, err=err)
    assert code == 2 and err.getvalue() == "samhandling: Input/output error\n" and out.getvalue() == ""


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u061c"])
def test_bidirectional_formatting_characters_are_escaped(char: str) -> None:
    shown = printable(f"a{char}b")
    assert char not in shown and shown == f"a\\u{ord(char):04x}b"


def test_ordinary_text_is_unchanged() -> None:
    text = "Pasientens legemiddelliste – ÆØÅ æøå “quoted” ‘x’ 😀 עברית"
    assert printable(text) == text


PARAMS = CORPUS / "queries" / "params.rq"


@pytest.mark.server
@pytest.mark.parametrize("name", ["oxigraph_server", "virtuoso_server"])
@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\x00b", "a\tb\x1fc\x7f", 'q"\\'])
def test_bound_literal_with_control_characters_means_the_same_at_endpoints(
        name: str, value: str, request: pytest.FixtureRequest) -> None:
    """Locally (initBindings) and at endpoints (a VALUES block of escaped terms) the bound text
    is the same string: Virtuoso ended a string at a raw NUL and answered 500."""
    server = request.getfixturevalue(name)
    answers = []
    for extra in ([], ["--endpoint", server.query_url]):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(["query", str(PARAMS), "--bind", f"text={value}", "--format", "json", *extra],
                        out=out, err=err)
        assert code == 0, err.getvalue()
        answers.append(out.getvalue())
    assert answers[0] == answers[1]
    assert f'"value": "{len(value)}"' in answers[0]
