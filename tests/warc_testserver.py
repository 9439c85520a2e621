"""A local HTTP server for the WARC tests (127.0.0.1:0, in a thread).

It answers with what the capture must keep exactly: a gzip-encoded page, a chunked page, a
binary body, repeated headers (Set-Cookie), a POST echo, a 304 for conditional requests and a
body larger than the test size limit, and a body broken off before its announced length.
``SENT`` remembers, per path, the status line, headers
and body bytes the server wrote so tests compare the WARC with what really went out.
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = "<html><head><title>Công an tỉnh Thừa Thiên Huế</title></head><body><a href='/chunked'>x</a></body></html>"
GZIPPED = gzip.compress(PAGE.encode("utf-8"), mtime=0)
BINARY = bytes(range(256)) * 40
BIG = b"0123456789abcdef" * 8192  # 128 KiB
CHUNKS = [b"<html><body>", "Đại tá ".encode(), b"chunked</body></html>"]


@dataclass
class Sent:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes, *, chunked: bool = False,
              request_body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if chunked:
            for part in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.server.sent[self.path] = Sent(status, headers, body, list(self.headers.items()), request_body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/gzip":
            self._send(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                             ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
                             ("ETag", '"v1"'), ("X-Repeat", "one"), ("X-Repeat", "two")], GZIPPED)
        elif path == "/chunked":
            self._send(200, [("Content-Type", "text/html; charset=utf-8")], b"".join(CHUNKS), chunked=True)
        elif path == "/binary":
            self._send(200, [("Content-Type", "application/octet-stream")], BINARY)
        elif path == "/big":
            self._send(200, [("Content-Type", "application/octet-stream")], BIG)
        elif path == "/reset":  # announces 4000 bytes, sends 1000, hangs up
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", "4000")
            self.end_headers()
            self.wfile.write(BINARY[:1000])
            self.wfile.flush()
            self.close_connection = True
            self.server.sent[path] = Sent(200, [("Content-Type", "application/octet-stream")], BINARY[:1000])
        elif path == "/to-big":
            self._send(302, [("Location", "/big")], b"")
        elif path == "/same":
            self._send(200, [("Content-Type", "application/octet-stream")], BINARY)
        elif path == "/cond":
            if self.headers.get("If-None-Match") == '"c1"':
                self._send(304, [("ETag", '"c1"')], b"")
            else:
                self._send(200, [("Content-Type", "text/plain"), ("ETag", '"c1"')], b"conditional body")
        else:
            self._send(404, [("Content-Type", "text/plain")], b"not here")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self._send(200, [("Content-Type", "text/plain; charset=utf-8")], b"posted:" + body, request_body=body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sent: dict[str, Sent]


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "congan.test.gov.vn")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class WarcTestServer:
    """``with WarcTestServer() as server: server.url("/gzip")``; with ``tls=(cert, key)`` it
    speaks HTTPS."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.tls = tls

    def __enter__(self) -> WarcTestServer:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.tls))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.sent = {}
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def sent(self) -> dict[str, Sent]:
        return self.httpd.sent

    def url(self, path: str) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
