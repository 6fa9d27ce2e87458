"""``python -m samhandling_kg`` and the ``samhandling`` console script (``entry``).

Ctrl-C is handled from the first instant: the package imports nothing on import, and the
command line, with every heavy import behind it, is imported inside the handler's reach. An
interrupt before the command has started ends with one line and exit 130, as one after."""

from __future__ import annotations

import sys


def entry() -> int:
    """Run the ``samhandling`` command; its exit status."""
    try:
        from samhandling_kg.cli import main

        return main()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("samhandling: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        return 130


if __name__ == "__main__":
    sys.exit(entry())
