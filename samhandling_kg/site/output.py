"""Writing the site's files into its folder by file descriptor, never through a symbolic
link planted inside it (issue 23)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from samhandling_kg.core.errors import SamhandlingError


def _write_below(root: int, folder: Path, name: str, body: bytes) -> None:
    """Write ``body`` to ``name`` (``a/b/c.html``) below the folder open as ``root``, by file
    descriptor, never following a symbolic link inside the folder: a planted ``DIR/static``
    link to a folder elsewhere is refused, not written through (issue 23)."""
    *parents, leaf = name.split("/")
    fd = os.dup(root)
    try:
        for part in parents:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=fd)
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise SamhandlingError(f"{folder}: cannot write the site: "
                                       f"{'/'.join(parents[:parents.index(part) + 1])} is a symbolic "
                                       "link or not a folder; refusing to write through it") from exc
            os.close(fd)
            fd = inner
        temporary = f".{leaf}.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=fd)
        out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=fd)
        with os.fdopen(out, "wb") as handle:
            handle.write(body)
        os.replace(temporary, leaf, src_dir_fd=fd, dst_dir_fd=fd)  # replaces a link, never follows it
    except SamhandlingError:
        raise
    except OSError as exc:
        raise SamhandlingError(f"{folder}: cannot write the site: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
