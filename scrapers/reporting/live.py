"""The live progress line of ``congan crawl`` on a terminal (``rich``), redrawn every second::

    ⠹ 412 pages (5.1/s) · 120 articles · 3 errors · portals 11 answering, 1 paused · 30 deferred
      · 96 waiting · about 0:19 left

Only when the command's stderr is a terminal and it is neither ``-q`` nor ``-v``
(``CONGAN_LIVE_PROGRESS``, set by ``scrapers.crawl.runner``); the line disappears at the end,
when the summary takes its place. Figures are those of ``scrapers.reporting.progress`` (the
portals paused now, the requests deferred to a later crawl) plus the portals that answered.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from scrapers.middlewares.host_pause import shared_pauses
from scrapers.reporting.progress import Progress, measure, waiting_on

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

#: seconds between two redraws, and over which the rate is measured
REFRESH_S = 1.0
#: the rate is smoothed over this many redraws
RATE_WINDOW = 10


def answering(stats: dict[str, Any]) -> int:
    """Portals that answered so far."""
    return len({k.split("/")[1] for k in stats if k.startswith("portal/") and k.endswith("/responses")})


def live_line(progress: Progress, portals: int, rate: float) -> str:
    paused = f", {len(progress.waiting)} paused" if progress.waiting else ""
    parts = [f"{progress.pages} pages ({rate:.1f}/s)", f"{progress.articles} articles", f"{progress.errors} errors",
             f"portals {portals} answering{paused}"]
    if progress.deferred:
        parts.append(f"{progress.deferred} deferred")
    if progress.pending is not None:
        parts.append(f"{progress.pending} waiting")
        if rate > 0 and progress.pending:
            left = int(progress.pending / rate)
            parts.append(f"about {left // 60}:{left % 60:02d} left")
    return " · ".join(parts)


class LiveProgressExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.task: Any = None
        self.live: Any = None
        self.spinner: Any = None
        self.history: list[tuple[float, int]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CONGAN_LIVE_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.spinner import Spinner

        self.spinner = Spinner("dots", text="starting")
        self.live = Live(self.spinner, console=Console(stderr=True), transient=True, refresh_per_second=4)
        self.live.start()
        self.task = create_looping_call(self.redraw)
        self.task.start(REFRESH_S, now=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.live is not None:
            self.live.stop()

    def redraw(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        pending = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else None
        progress = measure(stats, previous_pages=0, seconds=0, pending=pending,
                           waiting=waiting_on(shared_pauses(self.crawler)))
        now = time.monotonic()
        self.history = [*self.history[-RATE_WINDOW:], (now, progress.pages)]
        (start, first), (end, last) = self.history[0], self.history[-1]
        rate = (last - first) / (end - start) if end > start else 0.0
        self.spinner.update(text=live_line(progress, answering(stats), rate))
