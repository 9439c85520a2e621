"""Revisit known articles at the end of an incremental crawl, to notice deletions.

Listing watermarks stop a re-crawl from paging through old articles, so an article deleted
from a portal (gone from its listings, answered 404/410) would never be asked for again.
When the crawl has nothing left to do (``spider_idle``), this extension queues one request
for every article of the corpus of each portal the crawl reached, once per run: reached in
this run (its stats) or in an earlier run of the same crawl (hosts with work done in the
durable frontier), so a portal finished by a run that was killed is revisited too. The
frontier drops those already fetched in this crawl (same fingerprint); the others go out as
conditional requests (``scrapers.middlewares.conditional``: article pages), so an unchanged
article costs a 304, a silently edited one becomes a new version, and a deleted one is
recorded: its 404/410 is archived (earlier versions stay in the WARCs and the corpus) and
counted per portal as ``portal/<site>/deleted`` (``scrapers.middlewares.portal_stats``).

``CONGAN_REVISIT_KNOWN`` switches it off. The requests use the spider's default callback
(``parse``) and its ``failed`` errback when it has one, with a page context
(``scrapers.page_context.PageContext``, ``revisit`` set).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from archive.corpus import ArticleRecord, CorpusStore
from archive.paths import DataDir
from scrapers.config import crawl_config
from scrapers.middlewares.portal_stats import PREFIX
from scrapers.page_context import META_KEY, PageContext

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: revisits go after everything the crawl found by itself
PRIORITY = -10


def reached_sites(stats: dict[str, Any]) -> set[str]:
    """Portals that answered at least once in this crawl (``portal/<site>/responses``)."""
    return {
        key.split("/")[1]
        for key, value in stats.items()
        if key.startswith(f"{PREFIX}/") and key.endswith("/responses") and value
    }


def earlier_hosts(scheduler: object) -> set[str]:
    """Hosts the crawl's earlier runs reached (a run killed after finishing a portal leaves
    nothing of it in this run's stats), as the durable frontier knows them."""
    reached = getattr(scheduler, "reached_hosts", None)
    found = reached() if callable(reached) else None
    return set(found) if found else set()


def revisit_request(record: ArticleRecord, spider: Spider) -> Request:
    return Request(
        record.url,
        priority=PRIORITY,
        errback=getattr(spider, "failed", None),
        meta={
            META_KEY: PageContext(
                site=record.site, adapter=record.extraction.adapter, kind="article", hops="", via="revisit",
                canonical=record.url, revisit=True,
            ),
        },
    )


class RevisitKnownExtension:
    def __init__(self, crawler: Crawler, data: DataDir) -> None:
        self.crawler = crawler
        self.data = data
        self.done = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        if not config.revisit_known or not config.incremental:
            raise NotConfigured
        extension = cls(crawler, config.data)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self, spider: Spider) -> None:
        if self.done:
            return
        self.done = True
        assert self.crawler.stats is not None
        assert self.crawler.engine is not None
        sites = reached_sites(self.crawler.stats.get_stats())
        hosts = earlier_hosts(self.crawler.engine.scheduler)
        if not (sites or hosts) or not self.data.corpus_dir.exists():
            return
        queued = 0
        reached: set[str] = set()
        with CorpusStore.open(self.data) as store:
            for record in store.latest():
                if record.url and (record.site in sites or (urlsplit(record.url).hostname or "") in hosts):
                    self.crawler.engine.crawl(revisit_request(record, spider))
                    reached.add(record.site)
                    queued += 1
        sites |= reached
        self.crawler.stats.inc_value("revisit/queued", queued)
        if self.crawler.engine.scheduler is not None and self.crawler.engine.scheduler.has_pending_requests():
            logger.info("Revisiting known articles of %s portals (%s in the corpus)", len(sites), queued)
            raise DontCloseSpider
