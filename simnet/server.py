"""The simulated network's HTTP server: one 127.0.0.1 port, used as an HTTP proxy.

Requests arrive in absolute form (``GET http://congan.hanoi.gov.vn/ HTTP/1.1``) when the client
uses ``http_proxy``; origin form with a ``Host`` header works too (curl --resolve, browsers).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .messages import Request, Response
from .network import Network
from .sites import site
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


def parse_target(raw: str, host_header: str) -> tuple[str, str, str]:
    """(host, path, query) of an absolute-form or origin-form request target."""
    if "://" in raw[:10]:
        parts = urlsplit(raw)
        return (parts.hostname or "").lower(), parts.path or "/", parts.query
    path, _, query = raw.partition("?")
    host = host_header.rsplit(":", 1)[0] if host_header and not host_header.endswith("]") else host_header
    return host.lower(), path or "/", query


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve()

    do_POST = do_HEAD = do_GET

    def _serve(self) -> None:
        self.server.access.begin()
        try:
            self._answer()
        finally:
            self.server.access.end()

    def _answer(self) -> None:
        started = time.monotonic()
        host, path, query = parse_target(self.path, self.headers.get("Host", ""))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(self.command, host, path, query, headers, body)
        network = self.server.network
        resp, verdict = network.handle(req)
        sent = 0
        if resp.drop:
            self.close_connection = True
        else:
            spec = site(host)
            resp = prepare(
                req, resp,
                gzip_site=bool(spec and spec.gzip), chunked_site=bool(spec and spec.chunked),
                server=SERVER_HEADERS.get(spec.cms if spec else "", "simnet"),
            )
            try:
                sent = write(self.connection, self.wfile, req, resp)
            except OSError as exc:  # the client went away mid-body
                logger.debug("write to client failed: %s", exc)
                self.close_connection = True
            if resp.reset:
                self.close_connection = True
        self.server.access.add({
            "ts": time.time(),
            "method": req.method,
            "url": req.url,
            "host": host,
            "path": req.target,
            "status": 0 if resp.drop else resp.status,
            "bytes": sent,
            "duration": round(time.monotonic() - started, 4),
            "user_agent": headers.get("user-agent"),
            "if_none_match": headers.get("if-none-match"),
            "if_modified_since": headers.get("if-modified-since"),
            "out_of_network": verdict.out_of_network,
            "robots_disallowed": verdict.robots_disallowed,
            "fault": resp.fault,
        })


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], network: Network, access: AccessLog) -> None:
        self.network = network
        self.access = access
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class SimNet:
    """The simulated network on ``host:port`` (port 0 picks a free one), in a background thread."""

    def __init__(self, state: int = 1, scale: int | None = None, access_log: Path | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("simnet only listens on the loopback interface")
        self.network = Network(state, scale)
        self.access = AccessLog(Path(access_log) if access_log is not None else None)
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "SimNet":
        if self._server is None:
            self._server = _Server(self._address, self.network, self.access)
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="simnet", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None

    def __enter__(self) -> "SimNet":
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
        """Environment variables that route a client (Scrapy, urllib, curl) through the network."""
        return {"http_proxy": self.url, "HTTP_PROXY": self.url}

    def set_state(self, state: int) -> None:
        self.network.set_state(state)

    def access_entries(self) -> list[dict[str, Any]]:
        return self.access.entries()


def handle_once(network: Network, req: Request) -> Response:
    """The response to ``req`` without a socket (used by tests and benchmarks)."""
    return network.handle(req)[0]
