"""Chosen limits on what the readers take (issue 23): a largest token (literal or IRI), a
longest IRI (relative ``@base`` chains grow IRIs quadratically), a largest input; past each,
one line naming the file, the line and the limit, exit 2, on every command and both engines,
and ``serve --data`` refuses at start with the same line. Standard input is bounded while read."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from helpers import assert_one_line_error, run

MIB = 1 << 20


def _long_literal(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.write(b'<https://e.x/s> <https://e.x/p> "ok" .\n<https://e.x/s> <https://e.x/q> "')
        out.write(b"a" * size)
        out.write(b'" .\n')
    return path


def _long_iri(path: Path, size: int) -> Path:
    path.write_bytes(b"<https://e.x/s>\n<https://e.x/p> <https://e.x/" + b"i" * size + b"> .\n")
    return path


COMMANDS = [
    ["validate", "{f}"],
    ["validate", "--engine", "pyshacl", "{f}"],
    ["query", "cq01-organisational-forms", "--data", "{f}"],
    ["query", "cq01-organisational-forms", "--store", "rdflib", "--data", "{f}"],
    ["export", "--data", "{f}", "--format", "nt"],
    ["recommend", "--list", "--data", "{f}"],
    ["docs", "--output", "{out}", "--data", "{f}"],
]


def _argv(template: list[str], path: Path) -> list[str]:
    return [part.replace("{f}", str(path)).replace("{out}", str(path.parent / "site")) for part in template]


@pytest.fixture(scope="module")
def token_17mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _long_literal(tmp_path_factory.mktemp("tok") / "big.ttl", 17 * MIB)


@pytest.mark.parametrize("template", COMMANDS, ids=lambda t: "-".join(p for p in t if not p.startswith("{")))
def test_a_token_over_the_limit_is_one_line_on_every_command(template: list[str], token_17mb: Path) -> None:
    code, _, err = run(*_argv(template, token_17mb))
    assert_one_line_error(code, err, str(token_17mb), ":2:", "SAMHANDLING_MAX_TOKEN")


def test_the_token_limit_is_the_one_chosen_and_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _long_literal(tmp_path / "two.ttl", 2 * MIB)
    monkeypatch.setenv("SAMHANDLING_MAX_TOKEN", str(1 * MIB))
    code, _, err = run("query", "cq01-organisational-forms", "--data", str(data))
    assert_one_line_error(code, err, f"{data}:2:", "1 MiB", "SAMHANDLING_MAX_TOKEN")
    monkeypatch.setenv("SAMHANDLING_MAX_TOKEN", str(3 * MIB))
    code, _, err = run("query", "cq01-organisational-forms", "--data", str(data))
    assert code == 0, err


def test_load_refuses_a_long_token_before_connecting(token_17mb: Path) -> None:
    code, _, err = run("load", "--graph-store", "http://127.0.0.1:9/store", "--graph", "https://g.example/", str(token_17mb))
    assert_one_line_error(code, err, str(token_17mb), "SAMHANDLING_MAX_TOKEN")


def test_serve_refuses_a_long_token_at_start(token_17mb: Path) -> None:
    code, _, err = run("serve", "--port", "0", "--data", str(token_17mb))
    assert_one_line_error(code, err, str(token_17mb), "SAMHANDLING_MAX_TOKEN")


def test_an_iri_over_the_limit_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _long_iri(tmp_path / "iri.ttl", 70_000)
    for argv in (["query", "cq01-organisational-forms", "--data", str(data)], ["validate", str(data)],
                 ["query", "cq01-organisational-forms", "--store", "rdflib", "--data", str(data)]):
        code, _, err = run(*argv)
        assert_one_line_error(code, err, f"{data}:2:", "SAMHANDLING_MAX_IRI")
    monkeypatch.setenv("SAMHANDLING_MAX_IRI", "100000")
    code, _, err = run("query", "cq01-organisational-forms", "--data", str(data))
    assert code == 0, err


def test_a_chain_of_relative_bases_stops_at_the_iri_limit(tmp_path: Path) -> None:
    """14,000 chained ``@base <dN/>`` lines (426 KB) grew IRIs to gigabytes in every reader."""
    data = tmp_path / "bases.ttl"
    data.write_bytes(b"".join(b"@base <d%d/> .\n<a> <b> <c> .\n" % i for i in range(14_000)))
    for argv in (["query", "cq01-organisational-forms", "--data", str(data)], ["export", "--data", str(data), "--format", "nt"],
                 ["validate", str(data)], ["load", "--graph-store", "http://127.0.0.1:9/store", str(data)]):
        code, _, err = run(*argv)
        assert_one_line_error(code, err, str(data), "SAMHANDLING_MAX_IRI")


def test_an_input_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _long_literal(tmp_path / "big.nt", 3 * MIB)
    monkeypatch.setenv("SAMHANDLING_MAX_INPUT", str(2 * MIB))
    code, _, err = run("query", "cq01-organisational-forms", "--data", str(data))
    assert_one_line_error(code, err, str(data), "2 MiB", "SAMHANDLING_MAX_INPUT")


class _Endless(io.RawIOBase):
    """Standard input that never ends (comments forever); counts what was read."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = (b"# comment\n" * (len(buffer) // 10 + 1))[: len(buffer)]
        buffer[: len(chunk)] = chunk
        self.taken += len(chunk)
        return len(chunk)


def test_endless_standard_input_is_bounded_while_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMHANDLING_MAX_INPUT", str(4 * MIB))
    endless = _Endless()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(endless)))
    code, _, err = run("query", "cq01-organisational-forms", "--data", "-", "--input-format", "ttl")
    assert_one_line_error(code, err, "<stdin>", "4 MiB", "SAMHANDLING_MAX_INPUT")
    assert endless.taken <= 5 * MIB
