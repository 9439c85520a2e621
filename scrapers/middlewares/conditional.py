"""Conditional requests for URLs captured before: ``If-None-Match`` / ``If-Modified-Since``
from the validators of their latest capture (``archive.warc.digests.CaptureIndex.latest``).

Only pages that lead nowhere new are asked conditionally (``CONGAN_CONDITIONAL_PAGE_KINDS``,
by the page context's ``kind``: articles and requisites by default): listings, seeds, feeds and
APIs are always fetched whole, since that is where new articles show up. A ``304`` becomes a
server-not-modified revisit in the WARC (``scrapers.capture.warc_capture``) and never reaches the
spider callback (HttpErrorMiddleware), and it is counted in ``conditional/not_modified``.
A request opts out with a page context whose ``conditional`` is False. Validators this middleware
added are removed again if the request is redirected to another URL.

Only captures made *before this crawl began* count: a resumed crawl must process again the
pages its interrupted run fetched but did not finish with, so it may not be told "not
modified" about its own captures. The start is the crawl's first start in the crawl history
(``archive.control.history``), else the time this process started.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.control.history import CrawlHistory
from archive.paths import DataDir
from archive.warc.digests import CaptureIndex, LatestCapture
from scrapers.config import crawl_config
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: request.meta key: the URL whose validators this middleware put on the request
META_KEY = "_congan_conditional_for"
VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


def captured_before(latest: LatestCapture, moment: datetime) -> bool:
    try:
        date = datetime.fromisoformat(latest.date.replace("Z", "+00:00"))
    except ValueError:
        return False
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return date < moment


def validators(latest: LatestCapture | None, before: datetime | None = None) -> dict[bytes, str]:
    """The conditional headers for a URL's latest capture (none if it was not a success, or
    was made at or after ``before``)."""
    if latest is None or not (200 <= latest.status < 300 or latest.status == 304):
        return {}
    if before is not None and not captured_before(latest, before):
        return {}
    headers: dict[bytes, str] = {}
    if latest.etag:
        headers[b"If-None-Match"] = latest.etag
    if latest.last_modified:
        headers[b"If-Modified-Since"] = latest.last_modified
    return headers


def crawl_started(data: DataDir, crawl_id: str | None) -> datetime:
    """When the crawl first started (the history knows it across resumes), else now."""
    if crawl_id and data.crawls_db.exists():
        record = CrawlHistory(data).find(crawl_id)
        if record is not None:
            return record.started
    return datetime.now(UTC)


class ConditionalRequestMiddleware:
    def __init__(
        self, index: CaptureIndex, stats: StatsCollector | None, page_kinds: frozenset[str], *, since: datetime
    ) -> None:
        self.index = index
        self.stats = stats
        self.page_kinds = page_kinds
        self.since = since

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler)
        if not config.politeness.conditional_enabled:
            raise NotConfigured
        middleware = cls(
            CaptureIndex.open(config.data, config.collection),
            crawler.stats,
            config.politeness.conditional_page_kinds,
            since=crawl_started(config.data, config.crawl_id or None),
        )
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def close(self) -> None:
        self.index.close()

    def process_request(self, request: Request) -> None:
        added_for = request.meta.get(META_KEY)
        if added_for is not None and added_for != request.url:
            for name in VALIDATORS:  # redirected: the validators were for the old URL
                request.headers.pop(name, None)
            del request.meta[META_KEY]
        context = context_of(request)
        if request.method != "GET" or (context is not None and not context.conditional):
            return
        if (context.kind if context is not None else None) not in self.page_kinds:
            return
        if any(name in request.headers for name in VALIDATORS):
            return
        headers = validators(self.index.latest(request.url), self.since)
        if not headers:
            return
        for name, value in headers.items():
            request.headers[name] = value
        request.meta[META_KEY] = request.url
        self._inc("conditional/sent")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and request.meta.get(META_KEY) == request.url:
            self._inc("conditional/not_modified")
        return response

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
