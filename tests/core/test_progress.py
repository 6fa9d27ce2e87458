"""Progress of a long validation on stderr: shown on a terminal (a pseudo-terminal here), in
the language of --lang, silent when stderr is no terminal and with --quiet; the library only
calls back at stage boundaries."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from samhandling_kg.core.progress import Progress
from samhandling_kg.validation.engines import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _validate(*argv: str, terminal: bool, after: str = "0") -> tuple[int, str]:
    """``samhandling validate ARGV`` in a child; stderr a pseudo-terminal when ``terminal``."""
    env = {**os.environ, "SAMHANDLING_PROGRESS_AFTER": after}
    command = [sys.executable, "-m", "samhandling_kg", "validate", *argv]
    if not terminal:
        proc = subprocess.run(command, capture_output=True, env=env, timeout=120, cwd=ROOT)
        return proc.returncode, proc.stderr.decode()
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower,
                                 stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    finally:
        os.close(follower)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return child.wait(timeout=120), b"".join(chunks).decode()


@pytest.mark.parametrize(("lang", "words"), [
    ("nb", ("leser ", "poster mot", "skriver rapporten", "ferdig etter")),
    ("nn", ("les ", "postar mot", "skriv rapporten", "ferdig etter")),
    ("en", ("reading ", "records against", "writing the report", "done after")),
])
def test_progress_shows_on_a_terminal_in_the_language(lang: str, words: tuple[str, ...]) -> None:
    code, err = _validate(str(EXAMPLES), "--lang", lang, terminal=True)
    assert code in (0, 1), err
    assert all(line.startswith("samhandling: ") for line in err.splitlines()), err
    assert words[-1] in err, err  # the last line, always printed once the threshold passed
    # the check stage lasts longer than a tick on the examples only sometimes; when it shows,
    # it is in the language asked for
    for line in err.splitlines()[:-1]:
        assert any(word in line for word in words), err


def test_no_progress_without_a_terminal_or_with_quiet_or_when_short() -> None:
    code, err = _validate(str(EXAMPLES), terminal=False)  # stderr a pipe
    assert code in (0, 1) and err == "", err
    code, err = _validate(str(EXAMPLES), "--quiet", terminal=True)
    assert code in (0, 1) and err == "", err
    code, err = _validate(str(EXAMPLES), terminal=True, after="600")  # a short run is silent
    assert code in (0, 1) and err == "", err


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_then_prints_each_stage_once_and_repeats_a_long_one() -> None:
    clock, err = _Clock(), io.StringIO()
    progress = Progress(err, "en", after=2.0, clock=clock)
    progress("read", 1500)
    clock.now = 1.0
    progress.tick()
    assert err.getvalue() == ""  # silent in the first seconds
    clock.now = 2.5
    progress.tick()
    progress.tick()
    assert err.getvalue() == "samhandling: reading 1 500 files … 2.5 s\n"
    progress("check", 1500)
    clock.now = 3.0
    progress.tick()
    clock.now = 14.0
    progress.tick()  # still checking: said again after a while
    lines = err.getvalue().splitlines()
    assert lines[1:] == ["samhandling: checking 1 500 records against the profile … 3.0 s",
                         "samhandling: checking 1 500 records against the profile … 14.0 s"]


def test_the_library_reports_stages_not_rows() -> None:
    events: list[tuple[str, int | None]] = []
    report = validate(iter([EXAMPLES]), progress=lambda stage, count: events.append((stage, count)))
    files = len(list(EXAMPLES.glob("*.ttl")))
    assert [stage for stage, _ in events] == ["read", "check", "report"]
    assert events[0] == ("read", files)
    assert events[1] == ("check", len([r for r in report.records if r.kind == "solution"]))
    assert events[2][0] == "report" and events[2][1] >= len(report.results)  # before deduplication
