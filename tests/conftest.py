"""Test-wide guard: no test may open a connection except to a server on this machine; and
the real SPARQL servers of tests/servers.py as fixtures for every test file.

An audit hook sees every ``socket.connect`` and name look-up. A connection to anything but
loopback is blocked (the hook raises) and recorded; the autouse fixture then fails the test
that made it, even if the code under test swallowed the error.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator

import pytest
from servers import Server, shared, start_oxigraph, start_virtuoso

_attempts: list[str] = []
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like stay on this machine
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _network_guard(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else address
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is None:
            return
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
    else:
        return
    if not _is_loopback(host):
        _attempts.append(f"{event} {host!r}")
        raise ConnectionRefusedError(f"test network guard: connection to {host!r} blocked")


sys.addaudithook(_network_guard)


@pytest.fixture(autouse=True)
def _no_outside_network() -> Iterator[None]:
    start = len(_attempts)
    yield
    made = _attempts[start:]
    if made:
        pytest.fail("the test tried to reach the network: " + "; ".join(made), pytrace=False)


@pytest.fixture
def oxigraph_server() -> Server:
    return shared("oxigraph", start_oxigraph)


@pytest.fixture
def virtuoso_server() -> Server:
    return shared("virtuoso", start_virtuoso)


@pytest.fixture
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Server:
    """The server named by the test's parameter (``indirect=True`` over ``servers.SERVERS``),
    with its credentials in the environment the command reads and no others, and a timeout of
    the module's ``SERVER_TIMEOUT`` seconds (default 60)."""
    found: Server = request.getfixturevalue(request.param)
    for name in ("SAMHANDLING_USER", "SAMHANDLING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAMHANDLING_TIMEOUT", str(getattr(request.module, "SERVER_TIMEOUT", 60)))
    if found.user and found.password:
        monkeypatch.setenv("SAMHANDLING_USER", found.user)
        monkeypatch.setenv("SAMHANDLING_PASSWORD", found.password)
    return found
