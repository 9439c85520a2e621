"""Revisit known articles at the end of an incremental crawl, to notice edits and deletions.

Listing watermarks stop a re-crawl from paging through old articles, and archived articles
listed as before are not fetched from the listings, so an article edited without a new headline,
or deleted from a portal (gone from its listings, answered 404/410), would never be asked for
again. When the crawl has nothing left to do (``spider_idle``), this extension queues, once per
run, for each portal the crawl reached (in this run, by its stats, or in an earlier run of the
same crawl: hosts with work done in the durable frontier, so a portal finished by a run that was
killed is revisited too), the articles of the corpus that are

* due by the age-dependent schedule (``scrapers.crawl.revisit_schedule``: fresh ones every
  crawl, older ones exponentially more rarely; ``revisit/due``);
* listed by an earlier crawl on a listing page this crawl read again, and by no page of this
  crawl (``archive.control.listings.ListingLedger.vanished``: deleted, or pushed past the pages
  read; ``revisit/vanished``);
* or all of them with ``CONGAN_REVISIT_MODE=full`` (``congan crawl --full-revisit``).

The frontier drops those already fetched in this crawl (same fingerprint); the others go out as
conditional requests (``scrapers.middlewares.conditional``: article pages), so an unchanged
article costs a 304, a silently edited one becomes a new version, and a deleted one is
recorded: its 404/410 is archived (earlier versions stay in the WARCs and the corpus) and
counted per portal as ``portal/<site>/deleted`` (``scrapers.middlewares.portal_stats``).

``CONGAN_REVISIT_KNOWN`` switches it off. What a lighter re-crawl can miss, and when the full
mode is needed: docs/discovery.md "Re-crawls". The requests use the spider's default callback
(``parse``) and its ``failed`` errback when it has one, with a page context
(``scrapers.page_context.PageContext``, ``revisit`` set).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from archive.control.listings import ListingLedger
from archive.corpus import ArticleRecord, CorpusStore
from archive.paths import DEFAULT_COLLECTION, DataDir
from archive.warc.digests import CaptureIndex
from scrapers.config import crawl_config
from scrapers.crawl.revisit_schedule import RecrawlConfig, parse_instant, revisit_due
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


def to_revisit(
    records: Iterable[ArticleRecord], vanished: set[str], last_checked: Callable[[str], datetime | None],
    now: datetime, config: RecrawlConfig,
) -> Iterator[tuple[ArticleRecord, str]]:
    """(record, why) of the known articles this crawl checks again: ``vanished`` from a listing
    read again (URL or alias), ``due`` by the schedule (``last_checked``: URL -> its latest
    capture), or ``full``."""
    for record in records:
        if config.full:
            yield record, "full"
        elif record.url in vanished or vanished.intersection(record.aliases):
            yield record, "vanished"
        elif revisit_due(parse_instant(record.published) or parse_instant(record.first_seen),
                         last_checked(record.url), now, config):
            yield record, "due"


class RevisitKnownExtension:
    def __init__(self, crawler: Crawler, data: DataDir, collection: str = "", config: RecrawlConfig | None = None,
                 crawl_id: str = "") -> None:
        self.crawler = crawler
        self.data = data
        self.collection = collection
        self.config = config or RecrawlConfig()
        self.crawl_id = crawl_id
        self.done = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        if not config.revisit_known or not config.incremental:
            raise NotConfigured
        extension = cls(crawler, config.data, config.collection, config.recrawl, config.crawl_id)
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
        known = getattr(getattr(spider, "planner", None), "known", None)
        crawl_id = getattr(known, "crawl_id", "") or self.crawl_id
        vanished: set[str] = set()
        if crawl_id and self.data.listings_db.exists():
            ledger = ListingLedger(self.data)
            try:
                vanished = set().union(*ledger.vanished(crawl_id).values())
            finally:
                ledger.close()
        index = CaptureIndex.open(self.data, self.collection or DEFAULT_COLLECTION)

        def last_checked(url: str) -> datetime | None:
            latest = index.latest(url)
            return parse_instant(latest.date) if latest is not None else None

        try:
            with CorpusStore.open(self.data) as store:
                records = (
                    r for r in store.latest()
                    if r.url and (r.site in sites or (urlsplit(r.url).hostname or "") in hosts)
                )
                for record, why in to_revisit(records, vanished, last_checked, datetime.now(UTC), self.config):
                    self.crawler.engine.crawl(revisit_request(record, spider))
                    self.crawler.stats.inc_value(f"revisit/{why}")
                    reached.add(record.site)
                    queued += 1
        finally:
            index.close()
        sites |= reached
        self.crawler.stats.inc_value("revisit/queued", queued)
        if self.crawler.engine.scheduler is not None and self.crawler.engine.scheduler.has_pending_requests():
            logger.info("Revisiting known articles of %s portals (%s in the corpus)", len(sites), queued)
            raise DontCloseSpider
