"""Progress of a long validation, as short lines on standard error.

The library only reports stages to a callback (``validate(..., progress=…)``), outside any
engine's inner loop; the command line supplies :class:`Progress`, and only when standard
error is a terminal and ``--quiet`` is not given. Nothing shows for the first seconds
(``SAMHANDLING_PROGRESS_AFTER``, default 2): a short run stays silent.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

#: What the library reports: a stage ("read", "check", "report") and a count (files,
#: records, findings), or None when the count is not known.
ProgressCallback = Callable[[str, "int | None"], None]

#: Seconds of silence before the first line.
DEFAULT_AFTER = 2.0
#: Seconds between two lines while a stage lasts.
EVERY = 10.0

_STAGES = {
    "read": {"nb": "leser {n} filer", "nn": "les {n} filer", "en": "reading {n} files"},
    "check": {"nb": "kontrollerer {n} poster mot profilen", "nn": "kontrollerer {n} postar mot profilen",
              "en": "checking {n} records against the profile"},
    "report": {"nb": "skriver rapporten ({n} funn)", "nn": "skriv rapporten ({n} funn)",
               "en": "writing the report ({n} findings)"},
}
_UNKNOWN = {"nb": "kontrollerer mot profilen", "nn": "kontrollerer mot profilen",
            "en": "checking against the profile"}
_DONE = {"nb": "ferdig etter {s}", "nn": "ferdig etter {s}", "en": "done after {s}"}


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 60 else f"{int(value // 60)} min {int(value % 60)} s"


def progress_after() -> float:
    """The seconds before progress shows (``SAMHANDLING_PROGRESS_AFTER``, default 2)."""
    text = os.environ.get("SAMHANDLING_PROGRESS_AFTER", "")
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_AFTER
    return value if value >= 0 else DEFAULT_AFTER


class Progress:
    """The callback :func:`~samhandling_kg.validation.engines.validate` takes, printing on ``err``:
    nothing for ``after`` seconds, then the current stage, again when it changes and every
    :data:`EVERY` seconds while it lasts, and a last line when the work ends. A thread does
    the printing, so a stage that runs for a minute still shows it is alive."""

    def __init__(self, err: TextIO, lang: str, *, after: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.err = err
        self.lang = lang if lang in _DONE else "en"
        self.after = progress_after() if after is None else after
        self.clock = clock
        self.start = clock()
        self._lock = threading.Lock()
        self._line: str | None = None
        self._printed_line: str | None = None
        self._printed_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samhandling-progress", daemon=True)

    def __call__(self, stage: str, count: int | None) -> None:
        texts = _STAGES.get(stage)
        if texts is None:
            return
        line = (texts[self.lang].format(n=f"{count:,}".replace(",", " ")) if count is not None
                else _UNKNOWN[self.lang])
        with self._lock:
            self._line = line

    def __enter__(self) -> Progress:
        self.start = self.clock()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        if kind is None and self.clock() - self.start >= self.after:
            self._write(_DONE[self.lang].format(s=_seconds(self.clock() - self.start)))

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.tick()

    def tick(self) -> None:
        """Print the current stage if it is time to (the thread calls this)."""
        now = self.clock()
        if now - self.start < self.after:
            return
        with self._lock:
            line = self._line
            if line is None:
                return
            if line == self._printed_line and self._printed_at is not None and now - self._printed_at < EVERY:
                return
            self._printed_line, self._printed_at = line, now
        self._write(f"{line} … {_seconds(now - self.start)}")

    def _write(self, text: str) -> None:
        try:
            self.err.write(f"samhandling: {text}\n")
            self.err.flush()
        except (OSError, ValueError):  # a closed terminal: progress is not worth an error
            pass


def wants_progress(err: TextIO, quiet: bool) -> bool:
    """Progress only for a person watching: standard error a terminal, and no ``--quiet``."""
    if quiet:
        return False
    try:
        return err.isatty()
    except (AttributeError, ValueError):
        return False
