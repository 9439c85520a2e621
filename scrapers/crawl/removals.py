"""``RemovalWatchExtension``: a known article that a live portal no longer serves is recorded
as removed in the corpus (SPEC §7 ``removed``; rules in ``archive.corpus.removals``).

Every downloaded answer is looked at once it is archived (``response_downloaded``, after the
WARC capture put its record in the page context): a 404/410 for the URL of an article of the
corpus, or a redirect of it to the portal's home page or a section, is evidence, recorded at
once (so a crawl killed right after still has it) with the capture that holds the answer.
``RevisitKnownExtension`` is what asks for the known articles again at the end of a crawl.

A portal must be live for its articles to be removed: it must have answered another request
(status below 400) within ``archive.corpus.removals.LIVE_WITHIN`` before; a portal that is
down, unreachable or moved to another domain removes nothing. ``congan reextract``
(``scrapers.filing.takedowns``) applies the same rules to the same answers in the WARCs.
Stats: ``removals/recorded``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.corpus import CaptureRef, CorpusStore
from archive.paths import DataDir
from scrapers.config import crawl_config
from scrapers.filing.takedowns import LiveAnswers, evidence_of
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class RemovalWatchExtension:
    def __init__(self, data: DataDir, collection: str, stats: StatsCollector) -> None:
        self.data = data
        self.collection = collection
        self.stats = stats
        self.live = LiveAnswers()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RemovalWatchExtension:
        config = crawl_config(crawler)
        if not config.extract_enabled:
            raise NotConfigured("EXTRACT_ENABLED is off")
        extension = cls(config.data, config.collection, crawler.stats)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        return extension

    def response_downloaded(self, response: Response, request: Request, **kwargs: object) -> None:
        context = context_of(request)
        stored = context.capture if context is not None else None
        if stored is None:
            return  # not archived: no evidence to point at
        capture = CaptureRef.from_stored(stored, self.collection)
        location = response.headers.get(b"Location")
        found = evidence_of(
            response.status, request.url, location.decode("latin-1") if location else None, capture, self.live
        )
        if found is None or not self.data.corpus_dir.exists():
            return
        with CorpusStore.open(self.data) as store:
            ident = store.mark_removed(request.url, found)
        if ident is not None:
            self.stats.inc_value("removals/recorded")
            logger.info("removed: %s answered %s (article %s)", request.url, response.status, ident)
