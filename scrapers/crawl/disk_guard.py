"""Stop the crawl promptly, resumable, when the data directory fills up or cannot be written.

A full disk used to hang a crawl forever (the frontier's SQLite failing every 5 s). The
``DiskGuardExtension`` stops it with reason ``disk_full`` when

* free space on the data directory's file system falls below ``CONGAN_MIN_FREE_MB`` (checked
  every ``CONGAN_DISK_CHECK_INTERVAL`` seconds and after every download), or
* any part reports a write that failed for lack of space or permission
  (:func:`stop_for_storage`: the WARC writer, the item pipelines, the spider).

Once stopped, nothing more is acknowledged in the frontier (``stopped_for_storage``), so every
request not fully archived is fetched again when the same command is run after space is
freed. ``congan crawl`` prints one line (``disk full at …: free space and run the same command
to resume``) and exits 1. Tracebacks of the failures that follow (log file, report) are kept
off the terminal (:class:`QuietStorageErrors`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archive.paths import DataDir
from archive.storage_errors import UNWRITABLE_ERRNOS, disk_full_message, is_disk_full

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: finish reason of a crawl stopped by a full or unwritable data directory
DISK_FULL_REASON = "disk_full"
#: stats key holding where the failure happened (set once)
STORAGE_STAT = "disk/stopped"


def free_bytes(path: Path) -> int:
    """Bytes available to this user on the file system holding ``path``."""
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def is_storage_failure(exc: BaseException) -> bool:
    """A full disk, or a data directory this process may not write to."""
    return is_disk_full(exc) or (isinstance(exc, OSError) and exc.errno in UNWRITABLE_ERRNOS)


def stopped_for_storage(crawler: Crawler) -> bool:
    return bool(crawler.stats and crawler.stats.get_value(STORAGE_STAT))


def stop_for_storage(crawler: Crawler, where: str, exc: BaseException | None = None) -> None:
    """Stop the crawl (once) because the data directory cannot take more writes."""
    if crawler.stats is None or stopped_for_storage(crawler):
        return
    crawler.stats.set_value(STORAGE_STAT, where)
    detail = f" ({exc})" if exc is not None else ""
    logger.error("%s%s", disk_full_message(where), detail)
    try:
        engine = crawler.engine
    except RuntimeError:  # not crawling yet: nothing to stop
        return
    if engine is not None and engine.spider is not None:
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_REASON))


class QuietStorageErrors(logging.Filter):
    """Storage failures logged with a traceback (Scrapy logs the errors of pipelines and of the
    scheduler's acknowledgements that way, before or without any signal) stop the crawl, and
    once it is stopped, log records keep their message, not their traceback."""

    def __init__(self, crawler: Crawler, root: Path) -> None:
        super().__init__()
        self.crawler = crawler
        self.root = root

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_storage_failure(error):
            stop_for_storage(self.crawler, str(self.root), error)
        if stopped_for_storage(self.crawler) and record.exc_info:
            record.msg = f"{record.getMessage()} ({record.exc_info[1]!r})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class QuietFileHandler(logging.FileHandler):
    """A log file that does not print a traceback to stderr when it cannot be written."""

    def handleError(self, record: logging.LogRecord) -> None:  # logging's name
        return


class DiskGuardExtension:
    def __init__(self, crawler: Crawler, root: Path, min_free: int, interval: float) -> None:
        self.crawler = crawler
        self.root = root
        self.min_free = min_free
        self.interval = interval
        self._loop: task.LoopingCall | None = None
        self._filter = QuietStorageErrors(crawler, root)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskGuardExtension:
        settings = crawler.settings
        interval = settings.getfloat("CONGAN_DISK_CHECK_INTERVAL", 1.0)
        if interval <= 0:
            raise NotConfigured("CONGAN_DISK_CHECK_INTERVAL <= 0")
        root = DataDir.resolve(settings.get("CONGAN_DATA")).root
        ext = cls(crawler, root, int(settings.getfloat("CONGAN_MIN_FREE_MB", 64) * 1024 * 1024), interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.check, signal=signals.response_downloaded)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def opened(self, spider: Any = None) -> None:
        for handler in logging.getLogger().handlers:
            handler.addFilter(self._filter)
        self.check()
        self._loop = task.LoopingCall(self.check)
        self._loop.start(self.interval, now=False)

    def closed(self, spider: Any = None, reason: str = "") -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def check(self, *args: Any, **kwargs: Any) -> None:
        try:
            free = free_bytes(self.root)
        except OSError:
            return
        if free < self.min_free:
            self.crawler.stats.set_value("disk/free_bytes", free)
            stop_for_storage(self.crawler, str(self.root))

    def item_error(self, item: Any = None, response: Any = None, spider: Any = None, failure: Any = None) -> None:
        if failure is not None and is_storage_failure(failure.value):
            stop_for_storage(self.crawler, str(self.root), failure.value)

    def spider_error(self, failure: Any = None, response: Any = None, spider: Any = None) -> None:
        if failure is not None and is_storage_failure(failure.value):
            stop_for_storage(self.crawler, str(self.root), failure.value)
