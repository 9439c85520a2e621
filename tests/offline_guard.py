"""The offline guard: during tests, no socket may connect anywhere but the loopback.

Installed by ``tests/conftest.py`` for the whole session. A connection attempt to any other
address raises ``OfflineViolation`` (an ``OSError``, so it also fails the code under test in
the way a refused connection would) and is recorded so the session fails even when the code
under test swallows the error.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

ALLOWED_HOSTNAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class OfflineViolation(OSError):
    """A test tried to reach a host outside 127.0.0.0/8 / ::1."""


violations: list[str] = []

#: when set (child processes), each violation is also appended to this file
_log_path: str | None = None


def _record(message: str) -> None:
    violations.append(message)
    if _log_path:
        with open(_log_path, "a", encoding="utf-8") as log:
            log.write(f"pid {os.getpid()}: {message}\n")


def is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in ALLOWED_HOSTNAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _check(address: Any) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
    elif isinstance(address, (str, bytes)):
        return  # AF_UNIX socket path
    else:
        host = address
    if not is_loopback(host):
        message = f"offline guard: connection to {address!r} refused (tests may only reach 127.0.0.1)"
        _record(message)
        raise OfflineViolation(message)


_installed: dict[str, Any] = {}


def install(log_path: str | None = None) -> None:
    global _log_path  # noqa: PLW0603 - one guard per test process
    if log_path:
        _log_path = log_path
    if _installed:
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return original_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # Name lookups of outside hosts are traffic too (DNS); only loopback names resolve.
        if host is not None:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if not is_loopback(name):
                message = f"offline guard: name lookup of {name!r} refused (tests may only reach 127.0.0.1)"
                _record(message)
                raise OfflineViolation(message)
        return original_getaddrinfo(host, *args, **kwargs)

    _installed.update(connect=original_connect, connect_ex=original_connect_ex, getaddrinfo=original_getaddrinfo)
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def keep_in_process() -> None:
    """Record violations in this process only (``violations``), not in the log file."""
    global _log_path  # noqa: PLW0603 - one guard per test process
    _log_path = None


def hand_over() -> None:
    """Append this process's recorded violations to ``$CONGAN_OFFLINE_GUARD_LOG``."""
    log = os.environ.get("CONGAN_OFFLINE_GUARD_LOG")
    if log and violations:
        with open(log, "a", encoding="utf-8") as out:
            out.writelines(f"pid {os.getpid()}: {message}\n" for message in violations)


def uninstall() -> None:
    if not _installed:
        return
    socket.socket.connect = _installed.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _installed.pop("connect_ex")  # type: ignore[method-assign]
    socket.getaddrinfo = _installed.pop("getaddrinfo")  # type: ignore[assignment]
