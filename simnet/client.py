"""A minimal client for the simulated network (tests, benchmarks, the demo): one request through
the proxy, no redirect following, no decompression, every header kept (repeated ones too)."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # as sent (still gzip-encoded if Content-Encoding says so), de-chunked

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


def fetch(proxy: str, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
          body: bytes | None = None, timeout: float = 10.0) -> Fetched:
    """``method url`` sent in absolute form to the proxy at ``proxy`` (http://127.0.0.1:PORT)."""
    parts = urlsplit(proxy)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        all_headers = {"User-Agent": "simnet-client/1.0", "Host": urlsplit(url).netloc}
        all_headers.update(headers or {})
        if body is not None:
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, url, body=body, headers=all_headers)
        resp = conn.getresponse()
        return Fetched(resp.status, tuple(resp.getheaders()), resp.read())
    finally:
        conn.close()
