"""Honour ``Retry-After`` on 429 and 503 answers.

As soon as such an answer is downloaded (``response_downloaded``), the portal is paused
(``host_pause``) for the time it asks, capped at ``CONGAN_RETRY_AFTER_MAX``: requests to it
wait in ``process_request`` and its downloader slot is held, so nothing reaches the portal
before the time is up. Scrapy's RetryMiddleware queues the retry as usual; it waits like the
others. Retry-After is either seconds or an HTTP date.

The pauses are the crawl's shared ``host_pause.HostPauses``: when only paused portals have
work left, the scheduler defers them to a later crawl until the time the portal asked for
(uncapped), and the waiting requests give up at once (``PortalDeferred``).
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from scrapers.compat import downloader_slots, slot_key
from scrapers.config import crawl_config

from .host_pause import HostPauses, SlotHolds, shared_pauses, wait_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATUSES = frozenset({429, 503})


def parse_retry_after(value: bytes | str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None when
    absent or unreadable. A date in the past means 0."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    def __init__(self, stats: StatsCollector | None, *, cap: float, pauses: HostPauses | None = None) -> None:
        self.stats = stats
        self.cap = cap
        self.pauses = pauses or HostPauses()
        self.holds = SlotHolds(self.pauses)
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler).politeness
        if not config.retry_after_enabled:
            raise NotConfigured
        middleware = cls(crawler.stats, cap=config.retry_after_max, pauses=shared_pauses(crawler))
        middleware.crawler = crawler
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response: Response, request: Request, spider: object = None) -> None:
        self.note(request, response)
        if self.crawler is not None and self.crawler.engine is not None:
            self.holds.apply(downloader_slots(self.crawler.engine), slot_key(request))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        waited = await wait_for(self.pauses, host, request)
        if waited:
            self._inc("retry_after/waited_requests")

    def note(self, request: Request, response: Response) -> None:
        """Pause the portal if the answer asks for it."""
        if response.status not in STATUSES:
            return
        seconds = parse_retry_after(response.headers.get(b"Retry-After"))
        if seconds is None:
            return
        host = urlparse_cached(request).hostname or ""
        asked = seconds
        if seconds > self.cap:
            logger.warning(
                "%s asks to retry after %s s; capped at %s s (CONGAN_RETRY_AFTER_MAX)", host, seconds, self.cap
            )
            self._inc("retry_after/capped")
            seconds = self.cap
        self.pauses.pause(host, seconds, reason=f"Retry-After {asked:.0f} s (HTTP {response.status})", asked=asked)
        self._inc("retry_after/honoured")
        logger.info("%s answered %s with Retry-After %s s: pausing it", host, response.status, seconds)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
