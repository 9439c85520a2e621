"""Honour ``Retry-After`` on 429 and 503 answers.

The portal is paused (``host_pause``) for the time it asks, capped at
``CONGAN_RETRY_AFTER_MAX``; Scrapy's RetryMiddleware (order 550, below this one, so it sees
the response after us) queues the retry, and every request to that portal, the retry
included, waits here until the pause is over. Retry-After is either seconds or an HTTP date.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from .host_pause import HostPauses, wait_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CONGAN_RETRY_AFTER_ENABLED"):
            raise NotConfigured
        return cls(crawler.stats, cap=crawler.settings.getfloat("CONGAN_RETRY_AFTER_MAX"))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        waited = await wait_for(self.pauses, host)
        if waited:
            self._inc("retry_after/waited_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in STATUSES:
            return response
        seconds = parse_retry_after(response.headers.get(b"Retry-After"))
        if seconds is None:
            return response
        host = urlparse_cached(request).hostname or ""
        if seconds > self.cap:
            logger.warning("%s asks to retry after %s s; capped at %s s (CONGAN_RETRY_AFTER_MAX)", host, seconds, self.cap)
            self._inc("retry_after/capped")
            seconds = self.cap
        self.pauses.pause(host, seconds)
        self._inc("retry_after/honoured")
        logger.info("%s answered %s with Retry-After %s s: pausing it", host, response.status, seconds)
        return response

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
