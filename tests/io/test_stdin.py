"""``-`` reads standard input on ``validate`` and ``query --data`` (as rapper and riot take it):
the format from ``--input-format`` (rdfio's one registry of RDF formats), errors naming
``<stdin>`` and the line, and every guarantee of a file read (binary refused, no DTD, no
network). Through the real command, in a child process with ``input=``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling_kg.io.rdf import FORMATS, INPUT_FORMATS

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "invalid"
EXAMPLES = ROOT / "examples"


def command(*argv: str, stdin: bytes) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "samhandling_kg", *argv], input=stdin,
                          capture_output=True, timeout=120, cwd=ROOT)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_input_formats_are_the_file_endings() -> None:
    assert set(INPUT_FORMATS) == {ending[1:] for ending in FORMATS}


def test_validate_reads_standard_input_as_the_file_would_be_read() -> None:
    source = INVALID / "SolutionIdentifier.ttl"
    code, out, err = command("validate", "-", "--input-format", "ttl", "--format", "json",
                             stdin=source.read_bytes())
    _, expected, _ = command("validate", str(source), "--format", "json", stdin=b"")
    assert code == 1, err
    assert json.loads(out) == json.loads(expected) and json.loads(out)["results"]
    # the text report names <stdin> and the line, as it names a file
    code, out, err = command("validate", "-", "--input-format", "turtle", "--lang", "en",
                             stdin=source.read_bytes())
    assert code == 1 and "[<stdin>:" in out, out


def test_query_data_reads_standard_input() -> None:
    text = b"".join(path.read_bytes() for path in sorted(EXAMPLES.glob("*.ttl"))[:3])
    code, out, err = command("query", "--data", "-", "--input-format", "ttl",
                             "cq14-solutions-per-form", "--format", "json", stdin=text)
    assert code == 0, err
    got = json.loads(out)["results"]["bindings"]
    files = [str(path) for path in sorted(EXAMPLES.glob("*.ttl"))[:3]]
    _, expected, _ = command("query", "cq14-solutions-per-form", "--data", *files, "--format", "json",
                             stdin=b"")
    assert got and got == json.loads(expected)["results"]["bindings"]


def test_standard_input_without_a_format_is_refused_saying_how() -> None:
    one_line(*command("validate", "--lang", "en", "-", stdin=b"")[::2], "--input-format", "ttl")
    one_line(*command("query", "--lang", "en", "cq14-solutions-per-form", "--data", "-", stdin=b"")[::2],
             "--input-format")
    one_line(*command("validate", "--lang", "en", "-", "-", "--input-format", "ttl", stdin=b"")[::2], "once")
    one_line(*command("validate", "--lang", "en", str(INVALID / "valid.ttl"), "--input-format", "ttl",
                      stdin=b"")[::2], "standard input")
    code, _, err = command("validate", "-", "--input-format", "csv", stdin=b"")
    assert code == 2 and "--input-format" in err and "Traceback" not in err


def test_errors_name_stdin_and_the_line() -> None:
    one_line(*command("validate", "-", "--input-format", "ttl",
                      stdin=b"@prefix ex: <http://e/> .\nex:a ex:b .\n")[::2], "<stdin>:2:")
    one_line(*command("query", "cq14-solutions-per-form", "--data", "-", "--input-format", "nt",
                      stdin=b"<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> oops\n")[::2],
             "<stdin>:2:")


@pytest.mark.parametrize("payload", [b"\x00\x01\x02", b"\xff\xfe@\x00p\x00", b"ok\n\xc3\x28\n"])
def test_binary_standard_input_is_refused(payload: bytes) -> None:
    one_line(*command("validate", "-", "--input-format", "ttl", stdin=payload)[::2], "<stdin>:")


def test_no_dtd_and_no_network_from_standard_input() -> None:
    dtd = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>\n'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    one_line(*command("validate", "-", "--input-format", "rdf", stdin=dtd)[::2], "<stdin>")
    remote = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://e/a"}'
    one_line(*command("query", "cq14-solutions-per-form", "--data", "-", "--input-format", "jsonld",
                      stdin=remote)[::2], "<stdin>")
