"""README.md and docs/cli.md stay true: their commands run, the question table is the
catalogue, CI runs the test command the README shows, and the README stays a front door."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from samhandling_kg.cli import main
from samhandling_kg.kg.questions import list_questions

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def shell_commands() -> list[str]:
    """`samhandling …` commands of the sh blocks of the README and docs/cli.md, continuation
    lines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README + CLI, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.rsplit(" && ", 1)[-1].strip() if "&& samhandling" in line else line.strip()
            if line.startswith("samhandling "):
                commands.append(line)
    return commands


# Commands that need a server of the reader's own, or run until stopped.
NEEDS_A_SERVER = ("--graph-store", "--endpoint", "samhandling serve")
# Commands that name the reader's own files (or write one).
READERS_FILES = ("my-", "catalogue", "FILE", ">", "--output")


def runnable() -> list[str]:
    return [
        c for c in shell_commands()
        if not any(s in c for s in NEEDS_A_SERVER) and not any(f in c for f in READERS_FILES)
    ]


def test_readme_has_runnable_commands() -> None:
    assert len(runnable()) >= 6


@pytest.mark.parametrize("command", runnable())
def test_readme_command_runs(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)[1:]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out=out, err=err) == 0, err.getvalue()
    assert out.getvalue().strip()


def question_table() -> str:
    lines = ["| id | question (en) | spørsmål (nb) | parameters |", "|---|---|---|---|"]
    for q in list_questions():
        params = ", ".join(f"`{p.name}` ({p.default})" if p.default else f"`{p.name}`" for p in q.parameters)
        if q.needs_data:
            params = (params + ", " if params else "") + "needs `--data`"
        lines.append(f"| `{q.id}` | {q.text['en']} | {q.text['nb']} | {params} |")
    return "\n".join(lines)


def test_question_table_is_the_catalogue() -> None:
    shown = CLI.split("<!-- questions -->\n", 1)[1].split("\n\n", 1)[0]
    assert shown == question_table()


def test_ci_runs_the_readme_test_command() -> None:
    marker = README.split("<!-- test-command -->\n", 1)[1]
    command = marker.split("```sh\n", 1)[1].split("\n", 1)[0]
    assert "pytest" in command
    # What CI runs is what .ci/test-command prints: run it and compare with the README.
    printed = subprocess.run(["bash", str(ROOT / ".ci" / "test-command")], capture_output=True,
                             text=True, check=True, timeout=30).stdout
    assert printed == command + "\n"
    ci = (ROOT / ".ci" / "run").read_text()
    runs = [line.strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    # .ci/run takes the command from the script and executes that variable, nothing else.
    assert 'test_command=$(bash .ci/test-command)' in runs
    assert any(line.startswith("bash") and '-c "$test_command"' in line for line in runs)
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_quick_start_runs_a_question() -> None:
    marker = README.split("<!-- main-command -->\n", 1)[1]
    command = marker.split("```sh\n", 1)[1].split("\n", 1)[0]
    # Debian's system Python refuses `pip install .` (externally managed): a virtual environment
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && "
                              "samhandling query ")
    assert command.rsplit(" && ", 1)[1] in shell_commands()
    tests = README.split("<!-- test-command -->\n", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert tests.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")


def test_readme_oxigraph_server_is_installable_and_does_not_clash_with_serve() -> None:
    from samhandling_kg.cli import build_parser
    from samhandling_kg.serve.server import DEFAULT_PORT

    ports = {int(p) for p in re.findall(r"oxigraph serve [^\n]*--bind [\d.]+:(\d+)", CLI)}
    assert ports, "the README starts an Oxigraph server"
    assert build_parser().parse_args(["serve"]).port == DEFAULT_PORT
    assert DEFAULT_PORT not in ports  # both in the README's examples, both running at once
    assert f"http://127.0.0.1:{DEFAULT_PORT}/sparql" in CLI
    assert "pip install oxigraph" in CLI  # the `oxigraph` command is not ours


def test_the_readme_is_a_front_door() -> None:
    """Under 12 KB, with a Bokmål paragraph, every local link and image present."""
    assert len(README.encode("utf-8")) <= 12 * 1024
    assert "På bokmål" in README
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), target
