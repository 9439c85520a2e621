"""Honour the ``Crawl-delay`` of each portal's robots.txt (Scrapy reads robots.txt but
ignores Crawl-delay).

When robots.txt is parsed (``robots_parsed`` signal) the delay for our User-Agent becomes
the minimum delay of that portal's downloader slot, without jitter. AutoThrottle lowers slot
delays after each response; the ``response_downloaded`` handler, connected after
AutoThrottle's, raises it back before the slot sends its next request. Delays above
``CONGAN_CRAWL_DELAY_MAX`` are capped (and logged) so that one portal cannot stall a crawl.

Scrapy spaces requests by the time it *decided* to send the previous one; under load the
actual send can lag that by tens of milliseconds, and the next one then reaches the portal
early. So the same handler also moves the slot's "last sent" time to the moment the
previous answer arrived: the portal has certainly seen that request by then, and the next
one leaves at least the delay later.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.python import to_unicode

from scrapers.compat import downloader_slot, per_slot_settings, slot_key
from scrapers.config import crawl_config

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

#: added to every Crawl-delay (seconds): clock granularity between our clock and the portal's
CRAWL_DELAY_MARGIN = 0.01


def effective_delay(declared: float | None, cap: float) -> float | None:
    """The delay we apply for a declared Crawl-delay (None: none declared or invalid)."""
    if declared is None or declared <= 0:
        return None
    return min(float(declared), cap) + CRAWL_DELAY_MARGIN


class CrawlDelayMiddleware:
    def __init__(self, crawler: Crawler, *, user_agent: str, cap: float) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self.cap = cap
        self.delays: dict[str, float] = {}  # slot key (host) -> seconds
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler).politeness
        if not config.crawl_delay_enabled or not config.robots_obey:
            raise NotConfigured
        return cls(crawler, user_agent=config.robots_user_agent, cap=config.crawl_delay_max)

    def _robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        agent = request.headers.get(b"User-Agent") or self.user_agent
        try:
            declared = robotparser.crawl_delay(to_unicode(agent))
        except (TypeError, ValueError) as exc:
            logger.warning("Unreadable Crawl-delay in robots.txt of %s: %s", request.url, exc)
            return
        delay = effective_delay(declared, self.cap)
        if delay is None:
            return
        host = urlparse_cached(request).hostname or ""
        if declared is not None and declared > self.cap:
            logger.warning(
                "%s asks for Crawl-delay %s s; capped at %s s (CONGAN_CRAWL_DELAY_MAX)", host, declared, self.cap
            )
            self._inc("crawl_delay/capped")
        self.delays[host] = delay
        self._inc("crawl_delay/portals")
        logger.info("Crawl-delay of %s: %.2f s between requests", host, delay)
        slot_settings = per_slot_settings(self.crawler.engine, host)
        slot_settings["delay"] = max(float(slot_settings.get("delay", 0.0)), delay)
        slot_settings["jitter"] = 0.0
        self._enforce(host)
        slot = downloader_slot(self.crawler.engine, host)
        if slot is not None:  # robots.txt itself counts: its answer has arrived
            slot.lastseen = max(slot.lastseen, monotonic())

    def _response_downloaded(self, response: Response, request: Request, spider: Any = None) -> None:
        key = slot_key(request)
        if key in self.delays:
            self._enforce(key)
            slot = downloader_slot(self.crawler.engine, key)
            if slot is not None:
                slot.lastseen = max(slot.lastseen, monotonic())

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if host in self.delays:
            self._enforce(host)

    def _enforce(self, key: str) -> None:
        slot = downloader_slot(self.crawler.engine, key)
        if slot is None:
            return  # created later from per_slot_settings
        delay = self.delays[key]
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
