"""The live progress line of a crawl, logged every ``CONGAN_PROGRESS_INTERVAL`` seconds::

    progress: 1204 pages (38.5/s), 311 articles, 7 errors, 2 robots-denied, frontier 845 pending
    progress: ..., frontier 3 pending, waiting on <portal> 4m58s (Retry-After 3600 s (HTTP 503)), 12 deferred

It replaces Scrapy's LogStats (disabled in the settings). Figures come from the stats:
``response_received_count``, ``item_scraped_count``, ``crawl/errors`` and
``portal/*/robots_denied`` (``scrapers.middlewares.portal_stats``), the frontier's ``__len__``,
the portals the crawl is waiting for (paused by Retry-After or backoff: the crawl's shared
``scrapers.middlewares.host_pause.HostPauses``) with the time left and why, and the requests
deferred to a later crawl (``deferred/requests``, ``scrapers.crawl.deferral``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from scrapers.config import crawl_config
from scrapers.middlewares.host_pause import HostPauses, shared_pauses
from scrapers.middlewares.portal_stats import ERRORS_KEY

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Waiting:
    """A paused portal: seconds left of its pause, and why."""

    host: str
    seconds: float
    reason: str

    def text(self) -> str:
        minutes, seconds = divmod(round(self.seconds), 60)
        left = f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"
        return f"{self.host} {left} ({self.reason})"


#: paused portals named on the progress line, at most
WAITING_SHOWN = 3


@dataclass(frozen=True)
class Progress:
    pages: int
    articles: int
    errors: int
    robots_denied: int
    pending: int | None
    rate: float  # pages per second since the previous line
    waiting: tuple[Waiting, ...] = ()  # paused portals, longest pause first
    deferred: int = 0  # requests deferred to a later crawl

    def line(self) -> str:
        pending = "" if self.pending is None else f", frontier {self.pending} pending"
        waiting = ""
        if self.waiting:
            shown = ", ".join(w.text() for w in self.waiting[:WAITING_SHOWN])
            more = len(self.waiting) - WAITING_SHOWN
            waiting = f", waiting on {shown}" + (f" and {more} more" if more > 0 else "")
        deferred = f", {self.deferred} deferred" if self.deferred else ""
        return (
            f"progress: {self.pages} pages ({self.rate:.1f}/s), {self.articles} articles, "
            f"{self.errors} errors, {self.robots_denied} robots-denied{pending}{waiting}{deferred}"
        )


def measure(
    stats: dict[str, Any], *, previous_pages: int, seconds: float, pending: int | None,
    waiting: tuple[Waiting, ...] = (),
) -> Progress:
    pages = int(stats.get("response_received_count", 0))
    denied = sum(int(v) for k, v in stats.items() if k.startswith("portal/") and k.endswith("/robots_denied"))
    return Progress(
        pages=pages,
        articles=int(stats.get("item_scraped_count", 0)),
        errors=int(stats.get(ERRORS_KEY, 0)),
        robots_denied=denied,
        pending=pending,
        rate=(pages - previous_pages) / seconds if seconds > 0 else 0.0,
        waiting=tuple(sorted(waiting, key=lambda w: -w.seconds)),
        deferred=int(stats.get("deferred/requests", 0)),
    )


def waiting_on(pauses: HostPauses) -> tuple[Waiting, ...]:
    """The portals paused now and not deferred, with the time left and why."""
    found = []
    for host, left in pauses.paused().items():
        if host in pauses.deferred:
            continue
        asked = pauses.asked(host)
        found.append(Waiting(host=host, seconds=left, reason=asked.reason if asked else "paused"))
    return tuple(found)


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None
        self._pages = 0
        self._at = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawl_config(crawler).report.progress_interval
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self._at = time.monotonic()
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.log()

    def log(self) -> Progress:
        now = time.monotonic()
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        pending = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else None
        assert self.crawler.stats is not None
        progress = measure(
            self.crawler.stats.get_stats(), previous_pages=self._pages, seconds=now - self._at, pending=pending,
            waiting=waiting_on(shared_pauses(self.crawler)),
        )
        self._pages, self._at = progress.pages, now
        logger.info("%s", progress.line())
        return progress
