"""Errors the command line turns into one line on stderr and exit status 2.

Every error a user can cause is a :class:`SamhandlingError`; anything else escaping is a bug.
"""

from __future__ import annotations

import re
from pathlib import Path


def printable(text: str) -> str:
    """Control characters shown as escapes, so that a hostile file, file name, value or server
    answer cannot split an error line or drive the terminal."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


class SamhandlingError(Exception):
    """Base of every error caused by input, usage or an outside system."""


class InputError(SamhandlingError):
    """A file that cannot be read or parsed. ``str()`` is ``FILE:LINE: what``."""

    def __init__(self, source: str | Path, message: str, line: int | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.reason = message
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {message}")


class QueryError(SamhandlingError):
    """A query that is unknown, malformed, an update, or given wrong parameters."""


class EndpointError(SamhandlingError):
    """A SPARQL endpoint or graph store that failed or could not be reached."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what is true afterwards (e.g. a load whose swap the store had already done).
    ``str()`` is the line to show; the command exits 130."""
