"""The command's output: a text or the pieces of one written to a stream, and a failed
write as one error line instead of a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from samhandling_kg.core.errors import SamhandlingError, localised


class OutputError(SamhandlingError):
    """Standard output failed (a full disk, /dev/full)."""


def write_output(out: TextIO, texts: str | Iterable[str]) -> None:
    """Write ``texts`` (one text, or the pieces of one, written as they come: a large report
    is never one string), ending with a line break. A broken pipe is the caller's to handle;
    any other failure raises :class:`OutputError`."""
    try:
        last = ""
        for text in (texts,) if isinstance(texts, str) else texts:
            out.write(text)
            last = text or last
        if not last.endswith("\n"):
            out.write("\n")
        out.flush()  # a full disk shows here, not as a traceback when Python exits
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise localised(OutputError, {
            "nb": "kan ikke skrive utdataene: {reason}",
            "nn": "kan ikkje skrive utdataa: {reason}",
            "en": "cannot write the output: {reason}"},
            reason=exc.strerror or exc) from None


def drop_output(out: TextIO) -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not fail again
    on what is still buffered (and print a traceback)."""
    if out is sys.stdout:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
