"""The simulated network's HTTP server: one 127.0.0.1 port, used as an HTTP proxy.

Requests arrive in absolute form (``GET http://congan.hanoi.gov.vn/ HTTP/1.1``) when the client
uses ``http_proxy``; origin form with a ``Host`` header works too (curl --resolve, browsers).
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from .messages import Request, Response
from .network import Network, is_network_host
from .tls import TlsContexts
from .wire import prepare, write

logger = logging.getLogger(__name__)

SERVER_HEADERS = {
    "dnn": "Microsoft-IIS/8.5", "webforms": "Microsoft-IIS/7.5", "wordpress": "nginx/1.18.0",
    "nukeviet": "Apache", "liferay": "Apache-Coyote/1.1", "joomla": "Apache/2.4.6 (CentOS)",
    "vnpt": "Microsoft-IIS/10.0", "custom": "nginx", "generic": "nginx",
}


class AccessLog:
    """One JSON object per request, to a file (``path``) or kept in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._in_flight = 0
        self._memory: list[dict[str, Any]] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()

    def begin(self) -> None:
        with self._idle:
            self._in_flight += 1

    def end(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Let requests being answered finish (a client can read a response before it is logged)."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            if self.path is None:
                self._memory.append(entry)
                return
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        self.wait_idle()
        with self._lock:
            if self.path is None:
                return list(self._memory)
            with self.path.open(encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    path: str
    query: str


def parse_target(raw: str, host_header: str, scheme: str = "http") -> Target:
    """Where an absolute-form (proxy) or origin-form request goes."""
    if "://" in raw[:10]:
        parts = urlsplit(raw)
        return Target(parts.scheme.lower(), (parts.hostname or "").lower(), parts.path or "/", parts.query)
    path, _, query = raw.partition("?")
    host = host_header.rsplit(":", 1)[0] if host_header and not host_header.endswith("]") else host_header
    return Target(scheme, host.lower(), path or "/", query)


class _SocketWriter:
    """Unbuffered writes that always send everything (TLS sockets may send partially)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.closed = False

    def write(self, data: bytes) -> int:
        self._sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    tunnel_host: str | None = None  # set inside a CONNECT tunnel (HTTPS portals)

    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        logger.debug("%s " + format, self.address_string(), *args)  # noqa: G003 - format is the stdlib template

    def do_GET(self) -> None:  # stdlib naming
        self._serve()

    do_POST = do_HEAD = do_GET

    def do_CONNECT(self) -> None:  # stdlib naming
        """Tunnel to an HTTPS portal: answer 200, then speak TLS with its (broken) certificate."""
        self.server.access.begin()
        try:
            self._connect()
        finally:
            self.server.access.end()

    def _connect(self) -> None:
        started = time.monotonic()
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        spec = self.server.network.site(host)
        entry = {"method": "CONNECT", "url": self.path, "host": host, "path": "", "fault": None,
                 "user_agent": self.headers.get("User-Agent"), "if_none_match": None, "if_modified_since": None,
                 "robots_disallowed": False}
        if spec is None or spec.scheme != "https" or spec.status != "live" or port != "443":
            outside = spec is None and not is_network_host(host)
            body = f"simnet: no HTTPS portal at {self.path}\n".encode()
            self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
                             + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            self.close_connection = True
            self._log({**entry, "status": 502, "bytes": len(body), "out_of_network": outside}, started)
            return
        self.wfile.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        self._log({**entry, "status": 200, "bytes": 0, "out_of_network": False}, started)
        context = self.server.tls.context(host, spec.certificate or "self_signed")
        try:
            tls = context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError) as exc:  # the client refused our certificate
            logger.debug("TLS handshake with %s failed: %s", host, exc)
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = _SocketWriter(tls)  # type: ignore[assignment]
        self.tunnel_host = host
        self.close_connection = False

    def finish(self) -> None:
        super().finish()
        if self.tunnel_host is not None:  # the TLS socket replaced the one socketserver closes
            with contextlib.suppress(OSError):
                self.connection.close()

    def _log(self, entry: dict[str, Any], started: float) -> None:
        self.server.access.add({"ts": time.time(), **entry, "duration": round(time.monotonic() - started, 4)})

    def _serve(self) -> None:
        self.server.access.begin()
        try:
            self._answer()
        finally:
            self.server.access.end()

    def _answer(self) -> None:
        started = time.monotonic()
        target = parse_target(self.path, self.headers.get("Host", "") or (self.tunnel_host or ""),
                              "https" if self.tunnel_host else "http")
        host = target.host
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(self.command, host, target.path, target.query, headers, body, scheme=target.scheme)
        network = self.server.network
        resp, verdict = network.handle(req)
        sent = 0
        if resp.drop:
            self.close_connection = True
        else:
            spec = network.site(host)
            resp = prepare(
                req, resp,
                gzip_site=bool(spec and spec.gzip), chunked_site=bool(spec and spec.chunked),
                server=SERVER_HEADERS.get(spec.cms if spec else "", "simnet"),
            )
            try:
                sent = write(self.connection, cast("BinaryIO", self.wfile), req, resp)
            except OSError as exc:  # the client went away mid-body
                logger.debug("write to client failed: %s", exc)
                self.close_connection = True
            if resp.reset:
                self.close_connection = True
        self._log({
            "method": req.method,
            "url": req.url,
            "host": host,
            "path": req.target,
            "status": 0 if resp.drop else resp.status,
            "bytes": sent,
            "user_agent": headers.get("user-agent"),
            "if_none_match": headers.get("if-none-match"),
            "if_modified_since": headers.get("if-modified-since"),
            "out_of_network": verdict.out_of_network,
            "robots_disallowed": verdict.robots_disallowed,
            "fault": resp.fault,
        }, started)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], network: Network, access: AccessLog) -> None:
        self.network = network
        self.access = access
        self.tls = TlsContexts()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)  # noqa: LOG014 - called from an except block


class SimNet:
    """The simulated network on ``host:port`` (port 0 picks a free one), in a background thread."""

    def __init__(self, state: int = 1, scale: int | None = None, access_log: Path | None = None,
                 host: str = "127.0.0.1", port: int = 0, https: bool = True) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("simnet only listens on the loopback interface")
        self.network = Network(state, scale, https)
        self.access = AccessLog(Path(access_log) if access_log is not None else None)
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> SimNet:
        if self._server is None:
            self._server = _Server(self._address, self.network, self.access)
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="simnet", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.tls.close()
            self._server = None
            self._thread = None

    def __enter__(self) -> SimNet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need ---------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SimNet is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> int:
        return self.network.state

    def proxy_env(self) -> dict[str, str]:
        """Environment variables that route a client (Scrapy, urllib, curl) through the network,
        HTTPS included (CONNECT tunnels to the HTTPS portals)."""
        return {"http_proxy": self.url, "HTTP_PROXY": self.url, "https_proxy": self.url, "HTTPS_PROXY": self.url}

    def set_state(self, state: int) -> None:
        self.network.set_state(state)

    def access_entries(self) -> list[dict[str, Any]]:
        return self.access.entries()


def handle_once(network: Network, req: Request) -> Response:
    """The response to ``req`` without a socket (used by tests and benchmarks)."""
    return network.handle(req)[0]
