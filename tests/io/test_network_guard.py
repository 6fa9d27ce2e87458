"""The guard in conftest.py must itself work, or every "nothing fetched" claim is hollow."""

from __future__ import annotations

import socket

import conftest
import pytest

from samhandling_kg.io.network import NetworkRefused, no_network


def test_guard_blocks_and_records_an_outside_connection() -> None:
    before = len(conftest._attempts)
    with pytest.raises(ConnectionRefusedError, match="blocked"):
        # 192.0.2.0/24 is TEST-NET-1; the hook refuses before any packet is sent.
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(ConnectionRefusedError, match="blocked"):
        socket.socket().connect(("192.0.2.1", 80))
    made = conftest._attempts[before:]
    assert made and all("'192.0.2.1'" in attempt for attempt in made)
    del conftest._attempts[before:]  # recorded as expected; do not fail this test for it


def test_guard_lets_loopback_through() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()


def test_no_network_refuses_even_loopback() -> None:
    # Parsing and validation run inside no_network(): they have no business with any socket.
    with no_network(), pytest.raises(NetworkRefused):
        socket.getaddrinfo("localhost", 80)
