"""No network while reading: an audit hook refuses sockets inside :func:`no_network`."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

from samhandling_kg.core.errors import SamhandlingError


class NetworkRefused(SamhandlingError):
    """Raised from inside a parser or query that tried to open a connection."""


class _Guard(threading.local):
    depth = 0


_guard = _Guard()
_NETWORK_EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and _guard.depth:
        target = args[0] if event == "urllib.Request" else args[1:2] or args
        raise NetworkRefused(f"refused to reach the network ({event} {target!r})")


_hook_lock = threading.Lock()
_hook_installed = False


def _install_guard() -> None:
    """Install the audit hook once, when the first guarded block is entered, not on import:
    importing the library leaves its host process as it was. (Python cannot remove an audit
    hook; outside the guarded blocks it does nothing.)"""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


@contextlib.contextmanager
def no_network() -> Iterator[None]:
    """Within this block this thread cannot open a connection; any attempt raises
    :class:`NetworkRefused`. Guards parsing, reasoning and validation."""
    _install_guard()
    _guard.depth += 1
    try:
        yield
    finally:
        _guard.depth -= 1
