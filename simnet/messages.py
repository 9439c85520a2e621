"""Requests and responses of the simulated network, independent of the socket code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

REASONS = {
    200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request",
    404: "Not Found", 405: "Method Not Allowed", 410: "Gone", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Request:
    method: str
    host: str
    path: str  # path only, no query
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.target}"

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def arg(self, name: str, default: str = "") -> str:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else default

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("latin-1"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def int_arg(self, name: str, default: int) -> int:
        try:
            return int(self.arg(name, str(default)))
        except ValueError:
            return default


@dataclass
class Response:
    """What to answer. ``stream`` (with ``length``) replaces ``body`` for huge payloads."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    stream: Callable[[], Iterable[bytes]] | None = None
    length: int | None = None
    etag: str | None = None  # entity tag when it must not be derived from the body bytes
    last_modified: float | None = None  # epoch seconds
    cacheable: bool = False  # answer conditional requests with 304
    compressible: bool = True
    fault: str | None = None
    delay: float = 0.0
    chunked: bool = False
    gzip: bool = False
    reset: bool = False  # send half of the body, then reset the connection (RST)
    drop: bool = False  # close the connection without answering
    broken_gzip: bool = False

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "Unknown")

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


def html(text: str, status: int = 200, *, charset: str | None = "utf-8", encoding: str = "utf-8",
         cacheable: bool = True) -> Response:
    ctype = f"text/html; charset={charset}" if charset else "text/html"
    return Response(status, [("Content-Type", ctype)], text.encode(encoding), cacheable=cacheable)


def data(body: bytes, ctype: str, status: int = 200, *, cacheable: bool = True) -> Response:
    return Response(status, [("Content-Type", ctype)], body, cacheable=cacheable)


def redirect(location: str, status: int = 301) -> Response:
    body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'.encode()
    return Response(status, [("Location", location), ("Content-Type", "text/html; charset=utf-8")], body)


def not_found(status: int = 404) -> Response:
    text = (
        "<html><head><title>Không tìm thấy trang</title></head><body><h1>404 - Không tìm thấy trang</h1></body></html>"
    )
    if status == 410:
        text = (
            "<html><head><title>Bài viết đã bị gỡ</title></head><body><h1>410 - Bài viết không còn tồn tại</h1>"
            "</body></html>"
        )
    return html(text, status, cacheable=False)
