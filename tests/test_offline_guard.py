"""The suite itself refuses to talk to anything but the loopback."""

from __future__ import annotations

import socket

import offline_guard
import pytest


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
    before = len(offline_guard.violations)
    client = socket.create_connection(server.getsockname(), timeout=5)
    accepted, _ = server.accept()
    client.sendall("công an".encode())
    assert accepted.recv(64) == "công an".encode()  # the bytes went through the loopback
    assert len(offline_guard.violations) == before  # and nothing was recorded as a violation
    for sock in (accepted, client, server):
        sock.close()


def test_child_python_processes_are_guarded_too(tmp_path) -> None:
    import os
    import subprocess
    import sys

    log = tmp_path / "child.log"
    env = {**os.environ, "CONGAN_OFFLINE_GUARD_LOG": str(log)}
    code = (
        "import socket\ntry:\n    socket.create_connection(('93.184.216.34', 80), timeout=1)\nexcept OSError as e:\n   "
        " print(type(e).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "OfflineViolation"
    assert "93.184.216.34" in log.read_text(encoding="utf-8")
