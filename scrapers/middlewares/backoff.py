"""Back off a portal that keeps failing, then skip it.

Each failed attempt (a download error other than an ignored request, or a 5xx / 429 answer)
adds one to the portal's run of consecutive failures; any other answer ends the run. After
the n-th failure in a row the portal is paused for ``CONGAN_BACKOFF_BASE * 2**(n-1)``
seconds (at most ``CONGAN_BACKOFF_MAX_DELAY``; the base defaults to twice
``DOWNLOAD_DELAY``, so a test crawl with ``-s DOWNLOAD_DELAY=0`` skips dead portals without
pausing); after ``CONGAN_BACKOFF_SKIP_AFTER`` in a row its remaining requests are refused
(``IgnoreRequest``, deferred to the next crawl), counted in ``backoff/skipped_requests`` and
the portal in ``backoff/skipped_portals``, so a dead portal costs a handful of requests, not
thousands. It sits above RetryMiddleware (550) and sees every attempt. A skipped request is
deferred, not lost: ``PortalSkipped`` is a ``host_pause.PortalDeferred`` and the request is
marked so the scheduler keeps it for the next crawl of the portal.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from scrapers.config import crawl_config

from .host_pause import DEFER_META_KEY, Deferral, HostPauses, PortalDeferred, shared_pauses, wait_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class PortalSkipped(PortalDeferred):
    """The portal failed too often in a row; this crawl no longer requests it."""


@dataclass(frozen=True)
class BackoffPolicy:
    base: float = 1.0
    max_delay: float = 120.0
    skip_after: int = 6

    def __post_init__(self) -> None:
        if self.base < 0 or self.max_delay < 0:
            raise ValueError("CONGAN_BACKOFF_BASE and CONGAN_BACKOFF_MAX_DELAY must be 0 or more")
        if self.skip_after < 1:
            raise ValueError("CONGAN_BACKOFF_SKIP_AFTER must be 1 or more")

    def delay(self, failures: int) -> float:
        """Pause after the ``failures``-th failure in a row."""
        if failures <= 0:
            return 0.0
        return float(min(self.max_delay, self.base * 2 ** (failures - 1)))

    def skips(self, failures: int) -> bool:
        return failures >= self.skip_after


def is_failure_status(status: int) -> bool:
    return status >= 500 or status == 429


class BackoffMiddleware:
    def __init__(self, stats: StatsCollector | None, policy: BackoffPolicy, pauses: HostPauses | None = None) -> None:
        self.stats = stats
        self.policy = policy
        self.pauses = pauses or HostPauses()
        self.failures: Counter[str] = Counter()
        self.skipped: set[str] = set()
        self.last_failure: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler).politeness
        if not config.backoff_enabled:
            raise NotConfigured
        policy = BackoffPolicy(
            base=config.backoff_base, max_delay=config.backoff_max_delay, skip_after=config.backoff_skip_after,
        )
        return cls(crawler.stats, policy, shared_pauses(crawler))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        self._check_skipped(host, request)
        if await wait_for(self.pauses, host, request):
            self._inc("backoff/waited_requests")
            self._check_skipped(host, request)

    def process_response(self, request: Request, response: Response) -> Response:
        host = urlparse_cached(request).hostname or ""
        if is_failure_status(response.status):
            self._failed(host, f"HTTP {response.status}")
        else:
            self.failures.pop(host, None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        self._failed(urlparse_cached(request).hostname or "", type(exception).__name__)
        return

    def _check_skipped(self, host: str, request: Request) -> None:
        if host in self.skipped:
            self._inc("backoff/skipped_requests")
            what = self.last_failure.get(host, "failures")
            request.meta[DEFER_META_KEY] = Deferral(
                until=time.time(), reason=f"backoff: {self.policy.skip_after} failures in a row (last: {what})"
            )
            raise PortalSkipped(f"{host} skipped after {self.policy.skip_after} failures in a row")

    def _failed(self, host: str, what: str) -> None:
        self.failures[host] += 1
        n = self.failures[host]
        self.last_failure[host] = what
        self._inc("backoff/failures")
        if self.policy.skips(n):
            if host not in self.skipped:
                self.skipped.add(host)
                self._inc("backoff/skipped_portals")
                logger.warning(
                    "%s failed %s times in a row (last: %s): deferring it to the next crawl", host, n, what
                )
            return
        delay = self.policy.delay(n)
        if delay:
            self.pauses.pause(host, delay, reason=f"backoff after {n} failures in a row (last: {what})")
            self._inc("backoff/paused")
            logger.info("%s failed %s times in a row (last: %s): pausing it %.1f s", host, n, what, delay)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
