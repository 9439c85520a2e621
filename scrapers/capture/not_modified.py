"""``NotModifiedExtension``: an article answered ``304 Not Modified`` was seen again.

A 304 to a conditional request (``scrapers.middlewares.conditional``) is archived as a
server-not-modified revisit (``scrapers.capture.warc_capture``) and never reaches the spider, so the
article pipeline never sees it. This extension moves the article's ``last_seen`` in the corpus
to the revisit's time, as ``congan reextract`` does when it meets the same revisit, so the
crawl's corpus and a rebuild from the WARCs agree.

Off when ``EXTRACT_ENABLED`` is off. Stats: ``extract/not_modified`` (articles whose
``last_seen`` moved), ``extract/not_modified_unknown`` (a 304 for a URL the corpus does not
hold, e.g. an article page that held no article).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.corpus import CaptureRef, CorpusStore
from archive.corpus.record import timestamp_to_datetime
from archive.paths import DataDir
from scrapers.config import crawl_config
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

ARTICLE = "article"


class NotModifiedExtension:
    def __init__(self, data: DataDir, collection: str, stats: StatsCollector) -> None:
        self.data = data
        self.collection = collection
        self.stats = stats
        self.store: CorpusStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NotModifiedExtension:
        config = crawl_config(crawler)
        if not config.extract_enabled:
            raise NotConfigured("EXTRACT_ENABLED is off")
        extension = cls(config.data, config.collection, crawler.stats)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response: Response, request: Request, **kwargs: object) -> None:
        context = context_of(request)
        if response.status != 304 or context is None or context.kind != ARTICLE:
            return
        stored = context.capture
        if stored is None:
            return
        if self.store is None:
            self.store = CorpusStore.open(self.data)
        capture = CaptureRef.from_stored(stored, self.collection)
        ident = self.store.seen_again(request.url, capture, timestamp_to_datetime(capture.timestamp))
        if ident is None:
            self.stats.inc_value("extract/not_modified_unknown")
            logger.debug("not modified: %s is not in the corpus", request.url)
        else:
            self.stats.inc_value("extract/not_modified")

    def spider_closed(self, **kwargs: object) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
