"""``ListingMembershipMiddleware``: what each listing page held, and the articles gone from
every listing of a live portal (SPEC §7 ``removed``, reason ``vanished``).

The spider puts in the page context of every page of a listing it parsed (a page the portal
served, no article) what the page held (``archive.corpus.listings.ListingPage``, stamped with
the crawl and the capture time); the WARC outlinks record carries it, and once the callback is
done this spider middleware records it in ``corpus/listings.sqlite3``. When the crawl finishes,
its listing pages become walks and the articles of the portals it walked are judged
(``archive.corpus.vanished.finish_crawls``; earlier crawls that never finished first).
``congan reextract`` reads the same pages from the WARCs and judges at the same points.
Stats: ``listings/pages``, ``removals/vanished``, ``removals/vanished_restored``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.corpus import CorpusStore
from archive.corpus.listings import ListingPage, ListingStore, stamped
from archive.corpus.record import utc_stamp
from archive.corpus.vanished import finish_crawls
from archive.paths import DataDir
from archive.times import parse_timestamp14
from scrapers.config import NetworkConfig, crawl_config
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from archive.capture import StoredRecord

logger = logging.getLogger(__name__)


def stamp_listing(listing: ListingPage, capture: StoredRecord | None, config: NetworkConfig) -> ListingPage | None:
    """A page of a listing with its crawl, capture time and the crawl's ``CONGAN_VANISHED_AFTER``
    (None when it was not archived: ``congan reextract`` could not know it)."""
    if capture is None:
        return None
    at = utc_stamp(parse_timestamp14(capture.timestamp))
    return stamped(listing, crawl=config.crawl_id, at=at, vanished_after=config.vanished_after)


class ListingMembershipMiddleware:
    def __init__(self, data: DataDir, stats: StatsCollector) -> None:
        self.data = data
        self.stats = stats
        self.store: ListingStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingMembershipMiddleware:
        config = crawl_config(crawler)
        if not config.extract_enabled:
            raise NotConfigured("EXTRACT_ENABLED is off")
        assert crawler.stats is not None
        middleware = cls(config.data, crawler.stats)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _record(self, response: Response) -> None:
        context = context_of(response)
        if context is None or context.listing is None:
            return
        if self.store is None:
            self.store = ListingStore(self.data.corpus_dir)
        self.store.record(context.listing)
        self.stats.inc_value("listings/pages")

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        yield from result
        self._record(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield item
        self._record(response)

    def spider_closed(self, reason: str) -> None:
        if self.store is None and not (self.data.corpus_dir / "listings.sqlite3").exists():
            return
        store = self.store or ListingStore(self.data.corpus_dir)
        self.store = None
        try:
            if reason != "finished":
                return  # judged when the crawl is resumed and finishes (or by the next crawl)
            with CorpusStore.open(self.data) as corpus:
                counts = finish_crawls(corpus, store)
            self.stats.inc_value("removals/vanished", counts.removed)
            self.stats.inc_value("removals/vanished_restored", counts.restored)
        finally:
            store.close()
