"""A small local site and a test spider for the crawl machinery tests (frontier, politeness).

The site (threaded stdlib http.server on 127.0.0.1:0) serves, for every host name it is
reached under (the crawler goes through it as an HTTP proxy, so URLs keep real-looking
hosts): ``/`` linking ``/list/1..L``; listings linking ``ARTICLES`` articles each;
``/robots.txt`` from ``robots`` (per host); a few special paths that misbehave. Every
request is logged with its arrival time.

Run as a script, it crawls with ``TestSpider`` and the project settings:
``python tests/crawl_localsite.py START_URL DATA_DIR CRAWL_ID [NAME=VALUE ...]``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LISTINGS = 6
ARTICLES = 12
MALFORMED = ("gzip", "loop", "reset", "big", "charset")


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    time: float
    status: int
    headers: dict[str, str]


@dataclass
class SiteConfig:
    robots: dict[str, str] = field(default_factory=dict)  # host -> robots.txt body
    delay: float = 0.0  # seconds before answering each page
    retry_after: dict[str, int] = field(default_factory=dict)  # host+path -> seconds, served once as 429
    unavailable: dict[str, int] = field(default_factory=dict)  # host+path -> 503 count, with Retry-After 1
    down_hosts: set[str] = field(default_factory=set)  # hosts that answer 500 to everything
    robots_down: set[str] = field(default_factory=set)  # hosts whose robots.txt answers 503
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # host -> (listings, articles each)
    malformed: set[str] = field(default_factory=set)  # hosts whose home links /bad/* (broken gzip, loop, reset, big)
    etag: bool = True


class LocalSite:
    def __init__(self, config: SiteConfig | None = None) -> None:
        self.config = config or SiteConfig()
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._served_once: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.proxy = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hits_of(self, host: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.host == host]

    # -- serving ---------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        host = parts.hostname or handler.headers.get("Host", "").split(":")[0]
        path = parts.path or "/"
        now = time.time()
        if path.startswith("/bad/"):
            status, body, headers = 200, "", {}
        else:
            status, body, headers = self._answer(host, path, handler)
        with self._lock:
            self.hits.append(Hit(host, path, now, status, {k.lower(): v for k, v in handler.headers.items()}))
        if path.startswith("/bad/"):
            self._malformed(path, handler)
            return
        if path != "/robots.txt" and self.config.delay:
            time.sleep(self.config.delay)
        data = body.encode("utf-8")
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _malformed(path: str, handler: BaseHTTPRequestHandler) -> None:
        if path == "/bad/loop":
            handler.send_response(302)
            handler.send_header("Location", "/bad/loop")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif path == "/bad/gzip":
            data = b"\x1f\x8b\x08\x00garbage that is not deflate data"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        elif path == "/bad/reset":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", "5000")
            handler.end_headers()
            handler.wfile.write(b"<html><body>cut here")
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
        elif path == "/bad/big":
            data = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        elif path == "/bad/charset":
            data = "<html><body><h1>Công an tỉnh Đắk Lắk</h1></body></html>".encode("cp1258", "replace")
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")  # a lie
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)

    def _once(self, key: str, limit: int) -> bool:
        with self._lock:
            n = self._served_once.get(key, 0)
            self._served_once[key] = n + 1
        return n < limit

    def _answer(self, host: str, path: str, handler: BaseHTTPRequestHandler) -> tuple[int, str, dict[str, str]]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            if host in self.config.robots_down:
                return 503, "unavailable", {"Content-Type": "text/plain"}
            if host in self.config.robots:
                return 200, self.config.robots[host], {"Content-Type": "text/plain"}
            return 404, "no robots", {"Content-Type": "text/plain"}
        if host in self.config.down_hosts:
            return 500, "down", html
        key = f"{host}{path}"
        if key in self.config.retry_after and self._once(key, 1):
            return 429, "slow down", {**html, "Retry-After": str(self.config.retry_after[key])}
        if key in self.config.unavailable and self._once(key, self.config.unavailable[key]):
            return 503, "busy", {**html, "Retry-After": "1"}
        etag = f'"{abs(hash(key)) % 10**8}"'
        if self.config.etag and handler.headers.get("If-None-Match") == etag:
            return 304, "", {"ETag": etag}
        if self.config.etag:
            html = {**html, "ETag": etag, "Last-Modified": "Mon, 01 Dec 2025 08:00:00 GMT"}
        listings, articles = self.config.sizes.get(host, (LISTINGS, ARTICLES))
        if path == "/":
            links = "".join(f'<a href="/list/{n}">Tin {n}</a>' for n in range(1, listings + 1))
            if host in self.config.malformed:
                links += "".join(f'<a href="/bad/{k}">{k}</a>' for k in MALFORMED)
            return 200, f"<html><body><h1>Trang chủ</h1>{links}<a href='/private/x'>p</a></body></html>", html
        if path.startswith("/list/"):
            n = int(path.rsplit("/", 1)[1])
            links = "".join(f'<a href="/a/{n}-{k}">Bài {n}-{k}</a>' for k in range(1, articles + 1))
            return 200, f"<html><body>{links}<a href='/'>home</a></body></html>", html
        if path.startswith("/a/"):
            ident = path.rsplit("/", 1)[1]
            return 200, f"<html><body><h1>Bài viết {ident}</h1><p>Công an tỉnh</p></body></html>", html
        if path.startswith("/private/"):
            return 200, "<html><body>private</body></html>", html
        return 404, "not found", html


def all_article_paths(listings: int = LISTINGS, articles: int = ARTICLES) -> set[str]:
    return {f"/a/{n}-{k}" for n in range(1, listings + 1) for k in range(1, articles + 1)}


# -- the crawl side (run in a subprocess: one Twisted reactor per process) --------------------------


def run_crawl(start_urls: list[str], data_dir: str, crawl_id: str, overrides: dict[str, str]) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from scrapers.page_context import META_KEY, PageContext

    class TestSpider(scrapy.Spider):
        name = "localsite"

        async def start(self):  # type: ignore[override]
            for url in start_urls:
                yield scrapy.Request(url, callback=self.parse)

        def parse(self, response):  # type: ignore[override]
            path = urlsplit(response.url).path
            if path.startswith("/a/"):
                yield {"url": response.url, "title": response.css("h1::text").get()}
                return
            if not hasattr(response, "css"):
                return
            for href in response.css("a::attr(href)").getall():
                kind = "article" if href.startswith("/a/") else "listing"
                yield response.follow(href, callback=self.parse, meta={META_KEY: PageContext(kind=kind)})

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set("CONGAN_DATA", data_dir, priority="cmdline")
    settings.set("CONGAN_CRAWL_ID", crawl_id, priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    settings.set("ITEM_PIPELINES", {"crawl_localsite.JsonLinesPipeline": 100}, priority="cmdline")
    settings.set("LOCALSITE_ITEMS_FILE", str(Path(data_dir) / "items.jsonl"), priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(TestSpider)
    process.start()


class JsonLinesPipeline:
    """Appends each item to a file, flushed at once (survives kill -9)."""

    def __init__(self, path: str) -> None:
        self.handle = open(path, "a", encoding="utf-8")  # noqa: SIM115

    @classmethod
    def from_crawler(cls, crawler: Any) -> JsonLinesPipeline:
        return cls(crawler.settings.get("LOCALSITE_ITEMS_FILE"))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.handle.flush()
        return item


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    start, data, crawl = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = dict(arg.split("=", 1) for arg in sys.argv[4:])
    run_crawl(start.split(","), data, crawl, extra)
