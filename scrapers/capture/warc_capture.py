"""Scrapy glue of WARC capture: every downloaded response goes to WARC as the server sent it.

``WarcCaptureExtension`` listens to ``response_downloaded`` (the body is still as the server
sent it: HttpCompressionMiddleware has not run yet), builds an ``archive.capture.Exchange``
and hands it to the crawl's single ``archive.warc.writer.WarcWriter``. The returned
``StoredRecord`` goes to the request's page context (``scrapers.page_context``, ``capture``)
so the spider and pipelines can link an article to its exact record.

Oversized bodies. Scrapy's ``DOWNLOAD_MAXSIZE`` drops a response that grows past it (and
cancels one whose Content-Length announces it), so nothing would be archived. The extension
takes the limit over: when a request reaches the downloader it sets the request's
``download_maxsize`` meta to 0 (Scrapy's check off for that request) and, on the
``bytes_received`` signal, stops the download with ``StopDownload(fail=False)`` once
``WARC_MAX_BODY_SIZE`` bytes (default: ``DOWNLOAD_MAXSIZE``; a ``download_maxsize`` the spider
put in one request's meta is that request's limit) have arrived. The body is cut to
the limit, archived with ``WARC-Truncated: length``, and the truncated response still reaches
the spider (flag ``download_stopped``).

Accept-Encoding. Requests reaching the downloader that ask for codings replay tools may not
decode (br, zstd: Scrapy adds them when brotli/zstandard are installed) are pinned to
``gzip, deflate`` (the project's DEFAULT_REQUEST_HEADERS already say so).

Outlinks. A page's links are known only after the spider parsed it, so
``WarcOutlinksMiddleware`` (a spider middleware) collects the URLs of the requests the callback
yields plus the page context's ``outlinks`` (links the spider saw but does not follow) and
writes them as one metadata record once the callback is done, with the article's ``aliases``
when the page held one.

Settings (docs/settings.md): ``WARC_ENABLED``, ``WARC_PREFIX``, ``WARC_MAX_SIZE``,
``WARC_MAX_BODY_SIZE``, ``WARC_OPERATOR``, ``WARC_COLLECTION`` (default ``CONGAN_COLLECTION``),
with ``CONGAN_DATA`` and ``CONGAN_CRAWL_ID``. Building the Exchange from Scrapy objects lives in
``scrapers.capture.warc_exchange``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured, StopDownload

from archive.capture import StoredRecord
from archive.warc.digests import CaptureIndex
from archive.warc.writer import WarcWriter
from scrapers.capture.warc_exchange import build_exchange, pin_accept_encoding, system_trust_store
from scrapers.config import WarcCaptureConfig, crawl_config
from scrapers.crawl.disk_guard import is_storage_failure, stop_for_storage
from scrapers.errors import WarcSettingError
from scrapers.items import ArticlePage
from scrapers.page_context import context_of, ensure_context

__all__ = [
    "WarcCaptureConfig",
    "WarcCaptureExtension",
    "WarcOutlinksMiddleware",
    "WarcSettingError",
    "capture_extension",
]

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    from cryptography.x509.verification import Store
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: request.meta key with the body size limit of the request (bytes, 0: none); this
#: extension's own bookkeeping, read nowhere else
META_BODY_LIMIT = "_congan_body_limit"
ARTICLE_KIND = "article"
#: ``congan-parsed-as`` of a page requested as an article that the page showed was not one
#: (``scrapers.discovery.classify``): ``congan reextract`` does not file it either
NOT_ARTICLE_KIND = "page"

class WarcCaptureExtension:
    """Writes every downloaded response of the crawl to WARC (one writer per process)."""

    def __init__(self, config: WarcCaptureConfig, stats: StatsCollector) -> None:
        self.config = config
        self.stats = stats
        self.writer: WarcWriter | None = None
        self.index: CaptureIndex | None = None
        self.roots: Store | None = None  # system trust store, loaded when the crawl opens
        self._received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        self._limits: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        self._stopped: WeakKeyDictionary[Request, bool] = WeakKeyDictionary()
        self.crawler: Crawler | None = None  # to stop it when the disk is full (scrapers.crawl.disk_guard)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureExtension:
        if not crawl_config(crawler).warc_enabled:
            raise NotConfigured("WARC_ENABLED is off")
        config = crawl_config(crawler).warc  # a bad value stops the crawl
        assert crawler.stats is not None
        ext = cls(config, crawler.stats)
        ext.crawler = crawler
        crawler.signals.connect(ext.open, signal=signals.spider_opened)
        crawler.signals.connect(ext.close, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def open(self) -> None:
        if self.writer is not None:
            return
        config = self.config
        self.roots = system_trust_store()
        self.index = CaptureIndex.open(config.data, config.collection)
        self.writer = WarcWriter(
            config.data.warc_dir(config.collection),
            prefix=config.prefix,
            crawl_id=config.crawl_id,
            max_size=config.max_size,
            warcinfo=config.warcinfo(),
            digest_index=self.index,
            index_dir=config.data.index_dir(config.collection),
        )
        for result in self.writer.repaired:
            self.stats.inc_value("warc/repaired_files")
            self.stats.inc_value("warc/repaired_bytes_cut", result.bytes_cut)
        logger.info("WARC capture into %s (crawl %s)", self.writer.directory, config.crawl_id)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.stats.set_value("warc/files", len(self.writer.closed_files))
            self.writer = None
        if self.index is not None:
            self.index.close()
            self.index = None

    # -- size limit -----------------------------------------------------------------------
    def request_reached_downloader(self, request: Request, spider: Any = None) -> None:
        pin_accept_encoding(request)
        limit = request.meta.get(META_BODY_LIMIT)
        if limit is None:  # first pass (retries and redirects copy meta, and with it the limit)
            # a download_maxsize the spider gave one request is that request's limit
            limit = int(request.meta.get("download_maxsize", self.config.max_body_size) or 0)
            request.meta[META_BODY_LIMIT] = limit
        if limit:
            self._limits[request] = limit
            request.meta["download_maxsize"] = 0  # Scrapy's drop off: the extension cuts and keeps

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        limit = self._limits.get(request, 0)
        if not limit:
            return
        total = self._received.get(request, 0) + len(data)
        self._received[request] = total
        if total >= limit:
            self._stopped[request] = True
            raise StopDownload(fail=False)

    # -- capture --------------------------------------------------------------------------
    def response_downloaded(self, response: Response, request: Request, spider: Any = None) -> None:
        if not request.url.startswith(("http://", "https://")):
            self.stats.inc_value("warc/skipped_not_http")  # data:, file:, s3:... have no HTTP exchange
            return
        if request.meta.get("playwright"):
            # a rendered DOM, not what a server sent: the browser's own responses are archived
            # by scrapers.rendering.capture
            self.stats.inc_value("warc/skipped_rendered")
            return
        if self.writer is None:
            self.open()
        assert self.writer is not None
        stopped = self._stopped.pop(request, False) and "download_stopped" in response.flags
        self._received.pop(request, None)
        limit = self._limits.pop(request, 0)
        try:
            exchange = build_exchange(request, response, max_body_size=limit, stopped=stopped, roots=self.roots)
            stored = self.writer.write_exchange(exchange)
        except (OSError, ValueError) as exc:
            logger.error("could not archive %s: %s", request.url, exc)
            self.stats.inc_value("warc/errors")
            if self.crawler is not None and is_storage_failure(exc):
                stop_for_storage(self.crawler, str(self.config.data.root), exc)
            return
        ensure_context(request).capture = stored
        self.stats.inc_value(f"warc/records/{stored.record_type}")
        self.stats.inc_value("warc/bytes", stored.length)
        if exchange.response.truncated:
            self.stats.inc_value("warc/truncated")
            logger.warning("archived %s truncated at %s bytes", request.url, limit)

    def write_outlinks(
        self, stored: StoredRecord, outlinks: tuple[str, ...], parsed_as: str | None = None,
        aliases: tuple[str, ...] = (), late: bool = False, extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if self.writer is None or not (outlinks or parsed_as or aliases or extra):
            return
        try:
            self.writer.write_outlinks(stored, outlinks, parsed_as, aliases, late, extra)
        except OSError as exc:
            logger.error("could not archive outlinks of %s: %s", stored.url, exc)
            self.stats.inc_value("warc/errors")
            if self.crawler is not None and is_storage_failure(exc):
                stop_for_storage(self.crawler, str(self.config.data.root), exc)


def capture_extension(crawler: Crawler) -> WarcCaptureExtension | None:
    """The crawl's WARC capture extension (None when WARC capture is off)."""
    manager = getattr(crawler, "extensions", None)
    for ext in getattr(manager, "middlewares", ()):
        if isinstance(ext, WarcCaptureExtension):
            return ext
    return None


class WarcOutlinksMiddleware:
    """Spider middleware: after a callback is done, archive the page's outlinks."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcOutlinksMiddleware:
        if not crawl_config(crawler).warc_enabled:
            raise NotConfigured("WARC_ENABLED is off")
        return cls(crawler)

    @property
    def capture(self) -> WarcCaptureExtension | None:
        return capture_extension(self.crawler)

    def _done(self, response: Response, links: list[str], article: bool) -> None:
        capture = self.capture
        context = context_of(response) if response is not None else None
        stored = context.capture if context is not None else None
        if capture is None or context is None or not isinstance(stored, StoredRecord):
            return
        seen: dict[str, None] = {}
        for link in [*links, *context.outlinks]:
            seen.setdefault(str(link), None)
        # a page requested as something else (a generic adapter's "listing") that the spider
        # found to be an article: say so, so congan reextract files it as the crawl did
        parsed_as = ARTICLE_KIND if article and context.kind != ARTICLE_KIND else None
        if not article and context.not_article:
            parsed_as = NOT_ARTICLE_KIND
        # the other URLs seen for the article (the same list its ArticlePage carries), so
        # congan reextract gives the corpus the aliases the crawl gave it
        aliases = context.aliases if article else ()
        # what a listing page held (scrapers.crawl.vanished), so congan reextract knows it too
        listing = tuple(context.listing.to_fields()) if context.listing is not None and not article else ()
        capture.write_outlinks(stored, tuple(seen), parsed_as, aliases, extra=listing)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        links, article = [], False
        for item in result:
            if isinstance(item, Request):
                links.append(item.url)
            elif isinstance(item, ArticlePage):
                article = True
            yield item
        self._done(response, links, article)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        links, article = [], False
        async for item in result:
            if isinstance(item, Request):
                links.append(item.url)
            elif isinstance(item, ArticlePage):
                article = True
            yield item
        self._done(response, links, article)
