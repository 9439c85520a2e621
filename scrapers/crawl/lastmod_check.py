"""Whether a portal's sitemap ``<lastmod>`` dates tell the truth, checked as the crawl goes.

An incremental crawl fetches a known article again when its sitemap entry says it changed after
the archive's capture (``scrapers.crawl.watermarks.KnownArticles.lastmod_says_changed``, page
context ``lastmod_claimed``). Once the answer is archived (``response_downloaded``, after the WARC
capture put its record in the page context) this extension records, per portal, whether the date
was right: a new payload (a WARC ``response``) matches; a ``304`` or an identical payload (a WARC
``revisit``) contradicts it (``archive.control.listings.ListingLedger.record_lastmod``; stats
``lastmod/matched``, ``lastmod/mismatched``). A portal whose dates were wrong more than
``archive.control.listings.LASTMOD_TOLERANCE`` of the time is no longer believed: its sitemap
entries of known articles are then left to the revisit schedule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.control.listings import ListingLedger
from scrapers.config import crawl_config
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector


def lastmod_matched(status: int, record_type: str | None) -> bool | None:
    """Whether the answer to a request made because ``<lastmod>`` said "changed" bears it out;
    None when the answer says nothing (an error, a redirect)."""
    if status == 304:
        return False
    if 200 <= status < 300 and record_type is not None:
        return record_type == "response"
    return None


class LastmodCheckExtension:
    def __init__(self, ledger: ListingLedger, stats: StatsCollector | None) -> None:
        self.ledger = ledger
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        if not config.incremental:
            raise NotConfigured("CONGAN_INCREMENTAL is off")
        extension = cls(ListingLedger(config.data), crawler.stats)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(extension.close, signal=signals.spider_closed)
        return extension

    def response_downloaded(self, response: Response, request: Request, **kwargs: object) -> None:
        context = context_of(request)
        if context is None or not context.lastmod_claimed or not context.site:
            return
        stored = context.capture
        matched = lastmod_matched(response.status, stored.record_type if stored is not None else None)
        if matched is None:
            return
        self.ledger.record_lastmod(context.site, matched=matched)
        if self.stats is not None:
            self.stats.inc_value("lastmod/matched" if matched else "lastmod/mismatched")

    def close(self) -> None:
        self.ledger.close()
