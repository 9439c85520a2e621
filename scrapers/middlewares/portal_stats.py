"""Per-portal accounting of every download attempt, as crawl stats for the report.

``PortalStatsMiddleware`` sits above every other downloader middleware (order 950), so it
sees each raw answer (still compressed, before retries and redirects) and each download
error, including requests refused on the way (robots.txt, skipped portals). Everything goes
to the stats under ``portal/<site>/...`` (``site`` is the request's page context ``site``, else its
host); ``scrapers.reporting.report`` turns them into the crawl report.

Error kinds: ``http_<status>`` for 4xx/5xx answers, the exception class name for download
errors (``TimeoutError``, ``ResponseFailed``, ``ConnectionRefusedError``...), and three
that other middlewares would raise later where no middleware can see them:
``redirect_loop`` (a redirect back into its own chain, which the frontier's dedup then
cuts, or one more than ``REDIRECT_MAX_TIMES``), ``broken_encoding``
(a gzip/deflate body that does not decode), ``dataloss`` / ``truncated`` (response flags).
"""

from __future__ import annotations

import logging
import zlib
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from scrapers.config import crawl_config
from scrapers.discovery.adapter import ATTACHMENT_RE
from scrapers.middlewares.backoff import PortalSkipped
from scrapers.page_context import context_of
from scrapers.portals.safe_urls import safe_join

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

PREFIX = "portal"
#: global count of errors of any kind (the progress line shows it)
ERRORS_KEY = "crawl/errors"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ROBOTS_MESSAGE = "Forbidden by robots.txt"  # scrapy.downloadermiddlewares.robotstxt
DECODE_CHUNK = 1 << 20


def portal_of(request: Request) -> str:
    context = context_of(request)
    site = context.site if context is not None else None
    if site:
        return str(site)
    return urlparse_cached(request).hostname or "unknown"


def request_kind(request: Request) -> str:
    """What a request was for, as the crawl report breaks requests down (``requests/<kind>``):
    ``revisit`` (a known article checked again), ``robots``, ``document`` (an attached file),
    else the page context's kind (``article``, ``listing``, ``requisite``, ``sitemap``...)."""
    context = context_of(request)
    if context is not None and context.revisit:
        return "revisit"
    kind = context.kind if context is not None else None
    if kind is None:
        return "robots" if urlparse_cached(request).path == "/robots.txt" else "other"
    if kind == "requisite" and ATTACHMENT_RE.search(request.url):
        return "document"
    return str(kind)


def key(site: str, *parts: str) -> str:
    return "/".join((PREFIX, site, *parts))


def body_decodes(body: bytes, encodings: list[bytes]) -> bool:
    """Whether a body with these Content-Encoding values (gzip/deflate/x-gzip) decodes to
    the end. Unknown codings are not judged (True)."""
    data = body
    for coding in reversed([c.strip().lower() for c in encodings]):
        if coding in (b"gzip", b"x-gzip"):
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == b"deflate":
            decoder = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            return True
        try:
            out = [decoder.decompress(data[i : i + DECODE_CHUNK]) for i in range(0, len(data), DECODE_CHUNK)]
            out.append(decoder.flush())
        except zlib.error:
            if coding == b"deflate":  # raw deflate without zlib header, as some servers send
                try:
                    raw = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = [raw.decompress(data), raw.flush()]
                    decoder = raw
                except zlib.error:
                    return False
            else:
                return False
        if not decoder.eof:
            return False
        data = b"".join(out)
    return True


def _no_robots_file(request: Request, status: int) -> bool:
    """A missing robots.txt is an answer (everything allowed), not an error."""
    return status in (404, 410) and urlparse_cached(request).path == "/robots.txt"


class PortalStatsMiddleware:
    def __init__(self, stats: StatsCollector, *, max_redirects: int) -> None:
        self.stats = stats
        self.max_redirects = max_redirects

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        middleware = cls(crawler.stats, max_redirects=crawl_config(crawler).politeness.max_redirects)
        crawler.signals.connect(middleware.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(middleware.spider_error, signal=signals.spider_error)
        return middleware

    # -- downloads ----------------------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        site = portal_of(request)
        self.stats.inc_value(key(site, "responses"))
        self.stats.inc_value(key(site, "bytes"), len(response.body))
        self.stats.inc_value(key(site, "status", str(response.status)))
        kind = request_kind(request)
        self.stats.inc_value(f"requests/{kind}")
        if response.status == 304:
            self.stats.inc_value(key(site, "not_modified"))
            self.stats.inc_value(f"requests/{kind}/not_modified")
        context = context_of(request)
        if response.status in (404, 410) and context is not None and context.revisit:
            self.stats.inc_value(key(site, "deleted"))  # scrapers.crawl.revisit: gone since captured
        elif response.status >= 400 and not _no_robots_file(request, response.status):
            self.error(site, f"http_{response.status}")
        if response.status in REDIRECTS and self._loops(request, response):
            self.error(site, "redirect_loop")
        cut = False
        for flag, kind in (("dataloss", "dataloss"), ("download_stopped", "truncated")):
            if flag in response.flags:
                self.error(site, kind)
                cut = True
        encodings = response.headers.getlist(b"Content-Encoding")
        if encodings and response.body and not cut and not body_decodes(response.body, encodings):
            self.error(site, "broken_encoding")
        return response

    def _loops(self, request: Request, response: Response) -> bool:
        """A redirect back to a URL of its own chain, or one more than REDIRECT_MAX_TIMES."""
        if request.meta.get("redirect_times", 0) >= self.max_redirects:
            return True
        location = response.headers.get(b"Location")
        if not location:
            return False
        target = safe_join(request.url, location.decode("latin-1"))
        if target is None:
            return False  # a malformed Location: the redirect middleware refuses it
        return target == request.url or target in request.meta.get("redirect_urls", ())

    def process_exception(self, request: Request, exception: Exception) -> None:
        site = portal_of(request)
        if isinstance(exception, PortalSkipped):
            self.stats.inc_value(key(site, "skipped"))
        elif isinstance(exception, IgnoreRequest):
            if ROBOTS_MESSAGE in str(exception):
                self.stats.inc_value(key(site, "robots_denied"))
            else:
                self.stats.inc_value(key(site, "ignored"))
        else:
            self.error(site, type(exception).__name__)

    # -- spider side ----------------------------------------------------------------------------
    def item_scraped(self, item: object, response: Response) -> None:
        site = getattr(item, "site", None) or (portal_of(response.request) if response.request else "unknown")
        self.stats.inc_value(key(site, "articles"))

    def spider_error(self, failure: object, response: Response) -> None:
        site = portal_of(response.request) if response.request else "unknown"
        value = getattr(failure, "value", failure)
        self.error(site, f"spider_{type(value).__name__}")

    def error(self, site: str, kind: str) -> None:
        self.stats.inc_value(key(site, "errors", kind))
        self.stats.inc_value(ERRORS_KEY)
