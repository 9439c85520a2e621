"""The suite itself refuses to talk to anything but the loopback."""

from __future__ import annotations

import socket

import pytest

import offline_guard


def test_connect_to_outside_address_is_refused() -> None:
    before = len(offline_guard.violations)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(offline_guard.OfflineViolation):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()
    # forget this deliberate violation so the session does not fail on it
    del offline_guard.violations[before:]


def test_name_lookup_of_outside_host_is_refused() -> None:
    before = len(offline_guard.violations)
    with pytest.raises(offline_guard.OfflineViolation):
        socket.getaddrinfo("congan.hanoi.gov.vn", 443)
    del offline_guard.violations[before:]


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()
